"""PerTaskRegressor and PerTaskClassifier: one independent clone per task."""

import numpy as np
from joblib import parallel_backend
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.multioutput import MultiOutputRegressor

from skmtl.ensemble import PerTaskClassifier, PerTaskRegressor


def test_matches_multioutput_regressor_without_missing_labels(wide_regression):
    X, Y = wide_regression
    Y = np.nan_to_num(Y)
    ours = PerTaskRegressor(Ridge()).fit(X, Y)
    theirs = MultiOutputRegressor(Ridge()).fit(X, Y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X))


def test_each_clone_is_fitted_on_its_observed_rows(wide_regression):
    X, Y = wide_regression
    model = PerTaskRegressor(Ridge()).fit(X, Y)
    assert len(model.estimators_) == 3
    for t, estimator in enumerate(model.estimators_):
        observed = ~np.isnan(Y[:, t])
        expected = Ridge().fit(X[observed], Y[observed, t])
        np.testing.assert_allclose(estimator.coef_, expected.coef_)
        np.testing.assert_allclose(model.predict(X)[:, t], expected.predict(X))


def test_long_layout_predicts_each_row_with_its_task_model(long_regression):
    X, y = long_regression
    model = PerTaskRegressor(Ridge(), task_column=0).fit(X, y)
    task = X[:, 0].astype(int)
    prediction = model.predict(X)
    for t in range(4):
        rows = task == t
        expected = Ridge().fit(X[rows, 1:], y[rows])
        np.testing.assert_allclose(model.estimators_[t].coef_, expected.coef_)
        np.testing.assert_allclose(prediction[rows], expected.predict(X[rows, 1:]))


def test_long_layout_equals_wide_layout_with_missing_labels(long_regression):
    X, y = long_regression
    task = X[:, 0].astype(int)
    Y = np.full((len(y), 4), np.nan)
    Y[np.arange(len(y)), task] = y
    long = PerTaskRegressor(Ridge(), task_column=0).fit(X, y)
    wide = PerTaskRegressor(Ridge()).fit(X[:, 1:], Y)
    np.testing.assert_allclose(
        long.predict(X), wide.predict(X[:, 1:])[np.arange(len(y)), task]
    )


def test_parallel_fit_gives_the_same_models(wide_classification):
    X, Y = wide_classification
    serial = PerTaskClassifier(LogisticRegression()).fit(X, Y)
    with parallel_backend("threading"):
        parallel = PerTaskClassifier(LogisticRegression(), n_jobs=2).fit(X, Y)
    for a, b in zip(serial.estimators_, parallel.estimators_):
        np.testing.assert_allclose(a.coef_, b.coef_)


def test_classifier_uses_each_clones_predict(wide_classification):
    X, Y = wide_classification
    model = PerTaskClassifier(LogisticRegression()).fit(X, Y)
    for t, estimator in enumerate(model.estimators_):
        np.testing.assert_array_equal(model.predict(X)[:, t], estimator.predict(X))
        np.testing.assert_allclose(
            model.predict_proba(X)[t], estimator.predict_proba(X)
        )
