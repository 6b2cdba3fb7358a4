"""A pipeline: the skmtl step saved natively, the other steps with skops."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier, MultiTaskRegressor, RegularizedMultiTaskRegressor
from tests.conftest import FAST

pytest.importorskip("safetensors", reason="skmtl.persistence needs safetensors")
sio = pytest.importorskip("skops.io", reason="pipeline steps are saved with skops")

from skmtl.persistence import load, save  # noqa: E402

TINY = {**FAST, "shared_layers": (8,), "max_epochs": 2}


class Doubler(TransformerMixin, BaseEstimator):
    """A transformer that skops does not trust by default."""

    def fit(self, X, y=None):
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X):
        return 2 * np.asarray(X)


@pytest.mark.parametrize(
    "model",
    [MultiTaskRegressor(**TINY), RegularizedMultiTaskRegressor(alpha=0.1)],
    ids=lambda m: type(m).__name__,
)
def test_scaler_then_skmtl_estimator(model, wide_regression, tmp_path):
    X, Y = wide_regression
    pipeline = make_pipeline(StandardScaler(), model).fit(X * 100, Y)
    save(pipeline, tmp_path / "pipeline.safetensors")
    loaded = load(tmp_path / "pipeline.safetensors")
    assert isinstance(loaded, Pipeline)
    assert [name for name, _ in loaded.steps] == [name for name, _ in pipeline.steps]
    np.testing.assert_array_equal(loaded.predict(X * 100), pipeline.predict(X * 100))
    np.testing.assert_array_equal(loaded[0].scale_, pipeline[0].scale_)


def test_passthrough_step_and_classifier_probabilities(wide_classification, tmp_path):
    X, Y = wide_classification
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            ("nothing", "passthrough"),
            ("net", MultiTaskClassifier(**TINY)),
        ]
    ).fit(X, Y)
    save(pipeline, tmp_path / "pipeline.safetensors")
    loaded = load(tmp_path / "pipeline.safetensors")
    assert loaded.named_steps["nothing"] == "passthrough"
    for got, expected in zip(
        loaded.predict_proba(X), pipeline.predict_proba(X), strict=True
    ):
        np.testing.assert_array_equal(got, expected)


def test_untrusted_step_needs_to_be_listed(wide_regression, tmp_path):
    X, Y = wide_regression
    pipeline = make_pipeline(Doubler(), MultiTaskRegressor(**TINY)).fit(X, Y)
    save(pipeline, tmp_path / "pipeline.safetensors")
    with pytest.raises(TypeError, match="Untrusted types found"):
        load(tmp_path / "pipeline.safetensors")
    name = f"{Doubler.__module__}.{Doubler.__qualname__}"
    loaded = load(tmp_path / "pipeline.safetensors", trusted=[name])
    np.testing.assert_array_equal(loaded.predict(X), pipeline.predict(X))
