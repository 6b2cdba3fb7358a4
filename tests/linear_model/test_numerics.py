"""Numerical range: float64 computation, overflow and non-finite objectives."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import MultiTaskLasso

from skmtl.linear_model import (
    PENALTIES,
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
)
from tests.linear_model._helpers import penalty_config, time_limit


def _data(seed=0, n=100, d=4, n_tasks=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    Y = X @ rng.standard_normal((d, n_tasks)) + 0.1 * rng.standard_normal((n, n_tasks))
    return X, Y


def test_feature_offset_by_1e8_matches_multitask_lasso():
    # In float32 the offset leaves one distinct value in the column (spacing 8).
    X, Y = _data()
    X[:, 0] += 1e8
    reference = MultiTaskLasso(alpha=0.01, tol=1e-10, max_iter=100_000).fit(X, Y)
    ours = RegularizedMultiTaskRegressor(alpha=0.01).fit(X, Y)
    assert ours.score(X, Y) == pytest.approx(reference.score(X, Y), abs=1e-4)
    assert_allclose(ours.coef_, reference.coef_, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_predictions_use_float64_features(layout):
    X, Y = _data(seed=1)
    X[:, 1] += 1e6
    if layout == "wide":
        model = RegularizedMultiTaskRegressor(alpha=0.01).fit(X, Y)
        predicted = model.predict(X)
    else:
        X_long = np.column_stack([np.repeat([0, 1, 2], len(X)), np.tile(X, (3, 1))])
        y_long = Y.T.ravel()
        model = RegularizedMultiTaskRegressor(alpha=0.01, task_column=0)
        predicted = model.fit(X_long, y_long).predict(X_long).reshape(3, -1).T
    # A float32 cast moves the offset column by up to 0.03 (spacing 0.0625).
    manual = X @ model.coef_.T + model.intercept_
    assert_allclose(predicted, manual, rtol=1e-9, atol=1e-6)


def test_finite_values_above_float32_range_fit():
    # Features scaled by c = 1e39 (infinite in float32) with alpha scaled by c
    # have the solution coef / c: the same fit as on the unscaled features.
    X, Y = _data(seed=2)
    reference = RegularizedMultiTaskRegressor(alpha=0.01, tol=1e-10).fit(X, Y)
    scaled = RegularizedMultiTaskRegressor(alpha=0.01 * 1e39, tol=1e-10)
    scaled.fit(X * 1e39, Y)
    assert_allclose(scaled.coef_ * 1e39, reference.coef_, rtol=1e-6, atol=1e-9)
    assert_allclose(scaled.predict(X * 1e39), reference.predict(X), atol=1e-8)


def test_one_value_of_1e39_gets_a_clear_error():
    # Not infinity (it is finite in float64), but a feature whose scale no
    # gradient method can fit next to the others: a clear error, not R^2 = 0.
    X, Y = _data(seed=2)
    X[0, 0] = 1e39
    with pytest.raises(ValueError, match=r"feature column 0 .* StandardScaler"):
        RegularizedMultiTaskRegressor(alpha=0.01).fit(X, Y)
    X, Y = _data(seed=2)
    X[:, 1] *= 1e12  # every value moderate, the scales 1e12 apart
    with pytest.raises(ValueError, match=r"feature column 1 .* StandardScaler"):
        RegularizedMultiTaskRegressor(alpha=0.01).fit(X, Y)


def test_true_infinity_is_still_reported():
    X, Y = _data(seed=3)
    X[5, 2] = np.inf
    with pytest.raises(ValueError, match=r"infinity in column 2"):
        RegularizedMultiTaskRegressor().fit(X, Y)


@pytest.mark.parametrize("name", PENALTIES.names())
def test_overflowing_objective_stops_loudly(name):
    # Targets of 1e200 overflow the squared loss: the solver must not loop in
    # its line search nor leak numpy's LinAlgError, whatever the penalty.
    X, Y = _data(seed=4)
    model = RegularizedMultiTaskRegressor(
        penalty=penalty_config(name), alpha=0.01, max_iter=50
    )
    with time_limit(20), warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=rf"penalty='{name}'.*scal"):
            model.fit(X, Y * 1e200)


@pytest.mark.parametrize("name", ["trace", "clustered"])
def test_overflowing_features_stop_loudly(name):
    X, Y = _data(seed=5)
    model = RegularizedMultiTaskRegressor(
        penalty=penalty_config(name), alpha=0.01, max_iter=50
    )
    with time_limit(20), pytest.raises(ValueError, match=r"too large.*[sS]cale"):
        model.fit(X * 1e160, Y)


def test_classifier_with_huge_features_stops_loudly():
    X, Y = _data(seed=6)
    labels = (Y > 0).astype(int)
    model = RegularizedMultiTaskClassifier(penalty="trace", max_iter=50)
    with time_limit(20), pytest.raises(ValueError, match=r"too large.*[sS]cale"):
        model.fit(X * 1e300, labels)
