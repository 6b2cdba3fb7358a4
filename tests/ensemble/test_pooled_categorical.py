"""The task as one categorical feature of a pooled gradient-boosting model."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl.ensemble import PooledClassifier, PooledRegressor


def _boosting(**params):
    return HistGradientBoostingRegressor(max_iter=20, random_state=0, **params)


def _shifted_tasks(n_samples=240, n_tasks=4, missing_rate=0.2):
    """Tasks sharing a curve, each shifted: (X, Y) with missing labels."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, size=(n_samples, 2))
    shifts = np.array([-3.0, -1.0, 1.0, 3.0])[:n_tasks]
    Y = np.sin(X[:, :1]) + shifts
    Y[rng.uniform(size=Y.shape) < missing_rate] = np.nan
    return X, Y


def test_auto_is_one_categorical_column_for_boosting():
    X, Y = _shifted_tasks()
    model = PooledRegressor(_boosting()).fit(X, Y)
    assert model.task_encoding_ == "categorical"
    assert model.estimator_.n_features_in_ == X.shape[1] + 1
    assert model.estimator_.is_categorical_.tolist() == [False, False, True]
    observed = ~np.isnan(Y)
    assert model.score(X, Y) > 0.8  # per-task R², the shifts alone give 0
    assert np.isfinite(model.predict(X)[~observed]).all()


def test_auto_is_onehot_for_other_estimators():
    X, Y = _shifted_tasks()
    model = PooledRegressor(LinearRegression()).fit(X, Y)
    assert model.task_encoding_ == "onehot"
    assert model.estimator_.n_features_in_ == X.shape[1] + 4


def test_long_layout_with_the_task_column_first():
    X, Y = _shifted_tasks()
    rows, tasks = np.nonzero(~np.isnan(Y))
    X_long = np.column_stack([tasks, X[rows]])
    long = PooledRegressor(_boosting(), task_column=0).fit(X_long, Y[rows, tasks])
    assert long.estimator_.is_categorical_.tolist() == [False, False, True]
    wide = PooledRegressor(_boosting()).fit(X, Y)
    # The pooled rows are the same, in the same order: the same model.
    np.testing.assert_allclose(
        long.predict(X_long), wide.predict(X)[rows, tasks], atol=1e-12
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, [2]),
        ([0], [0, 2]),
        ([True, False], [True, False, True]),
    ],
)
def test_given_categorical_features_get_the_task_column_added(given, expected):
    X, Y = _shifted_tasks()
    X = X.copy()
    X[:, 0] = np.floor(X[:, 0]) + 2  # a small categorical feature
    estimator = _boosting(categorical_features=given)
    model = PooledRegressor(estimator, task_encoding="categorical").fit(X, Y)
    assert model.estimator_.categorical_features == expected
    assert estimator.categorical_features == given  # the parameter is untouched


def test_dataframe_names_and_from_dtype():
    X, Y = _shifted_tasks()
    frame = pd.DataFrame(X, columns=["a", "b"])
    by_dtype = PooledRegressor(_boosting()).fit(frame, Y)
    assert by_dtype.estimator_.categorical_features == "from_dtype"
    assert by_dtype.estimator_.is_categorical_.tolist() == [False, False, True]
    by_name = PooledRegressor(_boosting(categorical_features=["a"])).fit(frame, Y)
    assert by_name.estimator_.categorical_features == ["a", "task"]


def test_in_a_pipeline_and_a_grid_search():
    X, Y = _shifted_tasks()
    pipeline = make_pipeline(
        StandardScaler(), _boosting(), memory=None
    )  # a scaler keeps the column order
    model = PooledRegressor(pipeline, task_encoding="categorical").fit(X, Y)
    assert model.estimator_[-1].is_categorical_.tolist() == [False, False, True]
    search = GridSearchCV(
        PooledRegressor(_boosting()),
        {"task_encoding": ["onehot", "categorical"]},
        cv=3,
    ).fit(X, Y)
    assert search.best_params_["task_encoding"] in ("onehot", "categorical")
    assert search.best_estimator_.predict(X).shape == Y.shape


def test_categorical_needs_a_categorical_features_parameter():
    X, Y = _shifted_tasks()
    with pytest.raises(ValueError, match="LinearRegression has none"):
        PooledRegressor(LinearRegression(), task_encoding="categorical").fit(X, Y)


def test_classifier_with_missing_labels():
    X, Y = _shifted_tasks()
    shifts = np.array([-3.0, -1.0, 1.0, 3.0])
    labels = np.where(np.isnan(Y), np.nan, (Y - shifts > 0).astype(float))
    model = PooledClassifier(
        HistGradientBoostingClassifier(max_iter=20, random_state=0)
    ).fit(X, labels)
    assert model.task_encoding_ == "categorical"
    assert [p.shape for p in model.predict_proba(X)] == [(240, 2)] * 4
    assert model.score(X, labels) > 0.9
