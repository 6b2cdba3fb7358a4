"""StackedTasksRegressor and StackedTasksClassifier: stacked single-target."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_backend
from sklearn.linear_model import LogisticRegression, Ridge, RidgeClassifier
from sklearn.model_selection import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    cross_val_predict,
)

from skmtl.ensemble import StackedTasksClassifier, StackedTasksRegressor


def _out_of_fold(X, y, cv, weights):
    """Out-of-fold predictions where y is observed, full-model ones elsewhere."""
    observed = ~np.isnan(y)
    params = {"sample_weight": weights[observed]}
    estimate = Ridge().fit(X[observed], y[observed], **params).predict(X)
    estimate[observed] = cross_val_predict(
        Ridge(), X[observed], y[observed], cv=cv, params=params
    )
    return estimate


def test_second_stage_is_trained_on_out_of_fold_estimates():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    Y = X @ rng.normal(size=(4, 3)) + rng.normal(size=(60, 3))
    model = StackedTasksRegressor(Ridge(), cv=KFold(3)).fit(X, Y)
    Z = np.column_stack([cross_val_predict(Ridge(), X, y, cv=KFold(3)) for y in Y.T])
    for t in range(3):
        expected = Ridge().fit(np.hstack([X, Z]), Y[:, t])
        np.testing.assert_allclose(model.estimators_[t].coef_, expected.coef_)
        first = Ridge().fit(X, Y[:, t])
        np.testing.assert_allclose(model.first_stage_estimators_[t].coef_, first.coef_)


def test_missing_labels_get_the_full_first_stage_estimate(wide_regression):
    X, Y = wide_regression
    weights = np.random.RandomState(1).uniform(0.5, 2.0, size=len(X))
    model = StackedTasksRegressor(Ridge(), cv=KFold(3)).fit(X, Y, sample_weight=weights)
    Z = np.column_stack([_out_of_fold(X, y, KFold(3), weights) for y in Y.T])
    for t in range(3):
        observed = ~np.isnan(Y[:, t])
        expected = Ridge().fit(
            np.hstack([X, Z])[observed], Y[observed, t], sample_weight=weights[observed]
        )
        np.testing.assert_allclose(model.estimators_[t].coef_, expected.coef_)


def test_predict_uses_the_first_stage_fitted_on_all_rows(wide_regression):
    X, Y = wide_regression
    model = StackedTasksRegressor(Ridge(), cv=3).fit(X, Y)
    X_new = np.random.RandomState(2).normal(size=(7, X.shape[1]))
    Z = np.column_stack([m.predict(X_new) for m in model.first_stage_estimators_])
    expected = np.column_stack(
        [m.predict(np.hstack([X_new, Z])) for m in model.estimators_]
    )
    np.testing.assert_allclose(model.predict(X_new), expected)


def test_long_layout_stacks_every_tasks_estimate(long_regression):
    X, y = long_regression
    model = StackedTasksRegressor(Ridge(), cv=3, task_column=0).fit(X, y)
    assert all(m.n_features_in_ == X.shape[1] - 1 + 4 for m in model.estimators_)


def test_classifier_stacks_out_of_fold_probabilities(wide_classification):
    X, Y = wide_classification  # classes per task: 2, 3, 2
    model = StackedTasksClassifier(LogisticRegression(), cv=3, random_state=0)
    model.fit(X, Y)
    # An int cv means shuffled stratified folds seeded by random_state.
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    proba = [
        cross_val_predict(LogisticRegression(), X, y, cv=folds, method="predict_proba")
        for y in Y.T
    ]
    Z = np.hstack([proba[0][:, 1:], proba[1], proba[2][:, 1:]])
    for t in range(3):
        assert model.estimators_[t].n_features_in_ == X.shape[1] + 5
        expected = LogisticRegression().fit(np.hstack([X, Z]), Y[:, t])
        np.testing.assert_allclose(model.estimators_[t].coef_, expected.coef_)


def test_classifier_stacked_columns_are_named_in_a_dataframe(wide_classification):
    X, Y = wide_classification
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    targets = pd.DataFrame(Y, columns=["a", "b", "c"])
    model = StackedTasksClassifier(LogisticRegression(), cv=3).fit(frame, targets)
    added = list(model.estimators_[0].feature_names_in_[X.shape[1] :])
    assert added == [
        "proba(a=1)",
        "proba(b=0)",
        "proba(b=1)",
        "proba(b=2)",
        "proba(c=1)",
    ]


def test_classifier_needs_predict_proba(wide_classification):
    X, Y = wide_classification
    with pytest.raises(TypeError, match="RidgeClassifier has no predict_proba"):
        StackedTasksClassifier(RidgeClassifier()).fit(X, Y)


def test_cv_must_partition_the_rows(wide_regression):
    X, Y = wide_regression
    model = StackedTasksRegressor(Ridge(), cv=ShuffleSplit(3, random_state=0))
    with pytest.raises(ValueError, match="exactly one test fold"):
        model.fit(X, Y)


def test_parallel_fit_gives_the_same_models(wide_regression):
    X, Y = wide_regression
    serial = StackedTasksRegressor(Ridge(), cv=3, random_state=0).fit(X, Y)
    with parallel_backend("threading"):
        parallel = StackedTasksRegressor(Ridge(), cv=3, random_state=0, n_jobs=2)
        parallel.fit(X, Y)
    np.testing.assert_allclose(serial.predict(X), parallel.predict(X))
