"""The notebook diagram's "?" link of every public estimator opens skmtl's API page."""

import re
from pathlib import Path

import pytest
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skmtl
from skmtl.utils._doc_link import DOCS_URL
from tests.test_common import ESTIMATORS

API_RST = Path(__file__).resolve().parents[1] / "docs" / "api.rst"

# One instance of each public estimator class (tests/test_common.py checks that
# ESTIMATORS covers every one).
ONE_EACH = list({type(e).__name__: e for e in ESTIMATORS}.values())


def page(name):
    return f"{DOCS_URL}generated/skmtl.{name}.html"


@pytest.mark.parametrize("estimator", ONE_EACH, ids=lambda e: type(e).__name__)
def test_html_repr_links_to_the_skmtl_api_page(estimator):
    name = type(estimator).__name__
    assert estimator._get_doc_link() == page(name)
    html = estimator._repr_html_()
    assert f'href="{page(name)}"' in html
    # Its parameter links too (scikit-learn appends a text fragment per row).
    links = [h for h in re.findall(r'href="([^"]+)"', html) if name in h]
    assert len(links) > 1
    assert all(link.startswith(page(name)) for link in links)
    # The page exists: docs/api.rst documents the class under ``skmtl``.
    api = API_RST.read_text(encoding="utf-8")
    assert re.search(rf"^   {name}$", api, flags=re.MULTILINE)


def test_pipeline_links_each_step_to_its_own_documentation():
    model = skmtl.PerTaskRegressor(Ridge())
    html = make_pipeline(StandardScaler(), model)._repr_html_()
    assert page("PerTaskRegressor") in html
    assert "sklearn.preprocessing.StandardScaler.html" in html
    assert "sklearn.linear_model.Ridge.html" in html
