"""PooledRegressor and PooledClassifier: one model on all tasks' rows."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression

from skmtl.ensemble import PooledClassifier, PooledRegressor


def _replicated(X, Y):
    """The pooled training set built by hand: one row per observed label."""
    rows, tasks = np.nonzero(~np.isnan(Y))
    onehot = np.eye(Y.shape[1])[tasks]
    return np.hstack([X[rows], onehot]), Y[rows, tasks]


def test_wide_layout_fits_one_model_on_replicated_rows(wide_regression):
    X, Y = wide_regression
    model = PooledRegressor(LinearRegression()).fit(X, Y)
    X_pooled, y_pooled = _replicated(X, Y)
    expected = LinearRegression().fit(X_pooled, y_pooled)
    np.testing.assert_allclose(model.estimator_.coef_, expected.coef_)
    assert model.estimator_.n_features_in_ == X.shape[1] + 3
    for t in range(3):
        indicator = np.zeros((len(X), 3))
        indicator[:, t] = 1.0
        np.testing.assert_allclose(
            model.predict(X)[:, t], expected.predict(np.hstack([X, indicator]))
        )


def test_long_layout_turns_the_task_column_into_the_indicator(long_regression):
    X, y = long_regression
    task = X[:, 0].astype(int)
    long = PooledRegressor(LinearRegression(), task_column=0).fit(X, y)
    expected = LinearRegression().fit(np.hstack([X[:, 1:], np.eye(4)[task]]), y)
    np.testing.assert_allclose(long.estimator_.coef_, expected.coef_)
    Y = np.full((len(y), 4), np.nan)
    Y[np.arange(len(y)), task] = y
    wide = PooledRegressor(LinearRegression()).fit(X[:, 1:], Y)
    np.testing.assert_allclose(
        long.predict(X), wide.predict(X[:, 1:])[np.arange(len(y)), task]
    )


def test_task_intercepts_are_learned():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 2))
    Y = np.column_stack([X @ [1.0, 2.0], X @ [1.0, 2.0] + 5.0])
    model = PooledRegressor(LinearRegression()).fit(X, Y)
    np.testing.assert_allclose(model.predict(X), Y, atol=1e-8)


def test_ordinal_encoding_on_arrays_is_one_code_column(wide_regression):
    X, Y = wide_regression
    model = PooledRegressor(LinearRegression(), task_encoding="ordinal").fit(X, Y)
    assert model.estimator_.n_features_in_ == X.shape[1] + 1


def test_ordinal_encoding_on_a_dataframe_is_a_categorical_column():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    frame["store"] = rng.choice(["north", "south"], size=200)
    y = frame["a"] + np.where(frame["store"] == "north", 3.0, -3.0)
    model = PooledRegressor(
        HistGradientBoostingRegressor(categorical_features="from_dtype", max_iter=30),
        task_encoding="ordinal",
        task_column="store",
    ).fit(frame, y)
    assert list(model.estimator_.feature_names_in_) == ["a", "b", "task"]
    assert model.estimator_.is_categorical_.tolist() == [False, False, True]
    assert model.score(frame, y) > 0.9


def test_onehot_columns_are_named_after_the_tasks():
    frame = pd.DataFrame({"a": np.arange(6.0)})
    Y = pd.DataFrame({"x": np.arange(6.0), "y": -np.arange(6.0)})
    model = PooledRegressor(LinearRegression()).fit(frame, Y)
    assert list(model.estimator_.feature_names_in_) == ["a", "task=x", "task=y"]


def test_an_existing_column_with_an_added_name_is_an_error():
    frame = pd.DataFrame({"a": np.arange(6.0), "task=x": np.ones(6)})
    Y = pd.DataFrame({"x": np.arange(6.0)})
    with pytest.raises(ValueError, match=r"X already has columns \['task=x'\]"):
        PooledRegressor(LinearRegression()).fit(frame, Y)


def test_classifier_predicts_each_task_among_its_own_classes():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 2))
    Y = np.column_stack(
        [(X[:, 0] > 0).astype(int), np.digitize(X[:, 0], [-0.5, 0.5]) + 1]
    )  # task_0 in {0, 1}, task_1 in {1, 2, 3}
    model = PooledClassifier(LogisticRegression()).fit(X, Y)
    assert [c.tolist() for c in model.classes_] == [[0, 1], [1, 2, 3]]
    assert model.estimator_.classes_.tolist() == [0, 1, 2, 3]
    proba = model.predict_proba(X)
    assert [p.shape for p in proba] == [(150, 2), (150, 3)]
    onehot = [np.eye(2)[[0] * 150], np.eye(2)[[1] * 150]]
    for t, p in enumerate(proba):
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        full = model.estimator_.predict_proba(np.hstack([X, onehot[t]]))
        kept = full[:, np.isin(model.estimator_.classes_, model.classes_[t])]
        np.testing.assert_allclose(p, kept / kept.sum(axis=1, keepdims=True))
    prediction = model.predict(X)
    assert set(prediction[:, 0]) <= {0, 1}
    assert set(prediction[:, 1]) <= {1, 2, 3}
    assert model.score(X, Y) > 0.8


def test_classifier_with_shared_classes_uses_the_models_predict(
    wide_classification,
):
    X, Y = wide_classification
    Y = (Y > 0).astype(int)
    model = PooledClassifier(LogisticRegression()).fit(X, Y)
    indicator = np.tile([1.0, 0.0, 0.0], (len(X), 1))
    np.testing.assert_array_equal(
        model.predict(X)[:, 0], model.estimator_.predict(np.hstack([X, indicator]))
    )


def test_classifier_rejects_labels_of_different_kinds():
    X = np.arange(8.0).reshape(4, 2)
    Y = np.array([["a", 0], ["b", 1], ["a", 0], ["b", 1]], dtype=object)
    with pytest.raises(ValueError, match="all numbers or all strings"):
        PooledClassifier(LogisticRegression()).fit(X, Y)


def test_no_mass_on_a_tasks_classes_gives_uniform_probabilities():
    X = np.arange(8.0).reshape(4, 2)
    Y = np.array([[0, 2], [1, 3], [0, 2], [1, 3]])
    model = PooledClassifier(LogisticRegression()).fit(X, Y)
    pooled_proba = np.array([[0.0, 0.0, 0.4, 0.6], [0.2, 0.6, 0.2, 0.0]])
    np.testing.assert_allclose(
        model._as_response(pooled_proba, model.estimator_.classes_, 0),
        [[0.5, 0.5], [0.25, 0.75]],
    )
