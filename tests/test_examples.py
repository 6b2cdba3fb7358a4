"""Every example script runs (on CPU, in seconds)."""

import pathlib
import runpy

import pytest

from tests.test_examples_fallback import EXAMPLE_DATA

EXAMPLES = sorted(
    (pathlib.Path(__file__).resolve().parents[1] / "examples").rglob("*.py")
)
# The examples on real data run in test_examples_fallback.py, with the data and
# without it; running them here too would only repeat the first of those.
SELF_CONTAINED = [path for path in EXAMPLES if path.name not in EXAMPLE_DATA]


def test_there_are_examples():
    assert EXAMPLES


def test_the_examples_left_to_the_other_module_exist():
    assert set(EXAMPLE_DATA) <= {path.name for path in EXAMPLES}


@pytest.mark.parametrize("path", SELF_CONTAINED, ids=lambda p: p.name)
def test_example_runs(path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(path.parent)
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip(), f"{path.name} printed nothing"
