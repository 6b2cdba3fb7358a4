"""Pipelines as base estimators, sample weights and metadata routing."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skmtl.ensemble import PerTaskRegressor
from tests.ensemble._estimators import ALL, CLASSIFIERS, make, name


def _targets(cls, Y):
    if cls in CLASSIFIERS:
        return np.where(np.isnan(Y), np.nan, (Y > 0).astype(float))
    return Y


def _base(cls):
    return LogisticRegression() if cls in CLASSIFIERS else Ridge()


def _outputs(model, X):
    if hasattr(model, "predict_proba"):
        return np.hstack(model.predict_proba(X))
    return model.predict(X)


@pytest.fixture
def weights(wide_regression):
    return np.random.RandomState(1).uniform(0.1, 3.0, size=len(wide_regression[0]))


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_pipeline_with_column_transformer_on_a_dataframe(cls):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=90),
            "color": rng.choice(["red", "green", "blue"], size=90),
            "weight": rng.normal(size=90),
        }
    )
    effect = frame["color"].map({"red": 1.0, "green": 0.0, "blue": -1.0})
    Y = np.column_stack([frame["size"] + effect, frame["size"] + effect + 1.0])
    Y = _targets(cls, Y)
    encode = ColumnTransformer(
        [("color", OneHotEncoder(), ["color"])], remainder="passthrough"
    )
    model = make(cls, make_pipeline(encode, _base(cls))).fit(frame, Y)
    assert model.predict(frame).shape == (90, 2)
    assert list(model.feature_names_in_) == ["size", "color", "weight"]
    assert model.score(frame, Y) > 0.8


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_sample_weight_reaches_the_base_estimator(cls, wide_regression, weights):
    X, Y = wide_regression
    Y = _targets(cls, Y)
    plain = make(cls, _base(cls)).fit(X, Y)
    weighted = make(cls, _base(cls)).fit(X, Y, sample_weight=weights)
    assert not np.allclose(_outputs(plain, X), _outputs(weighted, X))


def test_per_task_weights_are_those_of_the_observed_rows(wide_regression, weights):
    X, Y = wide_regression
    model = PerTaskRegressor(Ridge()).fit(X, Y, sample_weight=weights)
    for t, estimator in enumerate(model.estimators_):
        observed = ~np.isnan(Y[:, t])
        expected = Ridge().fit(
            X[observed], Y[observed, t], sample_weight=weights[observed]
        )
        np.testing.assert_allclose(estimator.coef_, expected.coef_)


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_sample_weight_without_routing_needs_a_base_that_takes_it(
    cls, wide_regression, weights
):
    X, Y = wide_regression
    model = make(cls, make_pipeline(StandardScaler(), _base(cls)))
    with pytest.raises(ValueError, match="enable_metadata_routing=True"):
        model.fit(X, _targets(cls, Y), sample_weight=weights)


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_routing_gives_the_same_fit_as_passing_weights_directly(
    cls, wide_regression, weights
):
    X, Y = wide_regression
    Y = _targets(cls, Y)
    expected = make(cls, _base(cls)).fit(X, Y, sample_weight=weights)
    with sklearn.config_context(enable_metadata_routing=True):
        base = _base(cls).set_fit_request(sample_weight=True)
        routed = make(cls, base).fit(X, Y, sample_weight=weights)
        aliased = make(cls, _base(cls).set_fit_request(sample_weight="w")).fit(
            X, Y, w=weights
        )
    np.testing.assert_allclose(_outputs(routed, X), _outputs(expected, X))
    np.testing.assert_allclose(_outputs(aliased, X), _outputs(expected, X))


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_routing_through_a_pipeline(cls, wide_regression, weights):
    X, Y = wide_regression
    Y = _targets(cls, Y)
    step = type(_base(cls)).__name__.lower()
    pipeline = make_pipeline(StandardScaler(), _base(cls))
    # Without routing, a Pipeline takes step-prefixed fit parameters; the
    # ensemble indexes them like the rows, as it does with routed metadata.
    expected = make(cls, pipeline).fit(
        X,
        Y,
        **{"standardscaler__sample_weight": weights, f"{step}__sample_weight": weights},
    )
    with sklearn.config_context(enable_metadata_routing=True):
        routed_pipeline = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=True),
            _base(cls).set_fit_request(sample_weight=True),
        )
        routed = make(cls, routed_pipeline).fit(X, Y, sample_weight=weights)
    np.testing.assert_allclose(_outputs(routed, X), _outputs(expected, X))


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_routing_rejects_weights_the_base_did_not_request(
    cls, wide_regression, weights
):
    X, Y = wide_regression
    with sklearn.config_context(enable_metadata_routing=True):
        model = make(cls, _base(cls))
        with pytest.raises(UnsetMetadataPassedError):
            model.fit(X, _targets(cls, Y), sample_weight=weights)
