"""Behaviour every ensemble shares: layouts, targets, attributes, scores, errors."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import GridSearchCV, KFold

from skmtl.datasets import make_multitask_classification, make_multitask_regression
from tests.ensemble._estimators import ALL, CLASSIFIERS, REGRESSORS, make, name


def _base(cls):
    return LogisticRegression() if cls in CLASSIFIERS else Ridge()


@pytest.fixture
def wide_classification_missing():
    X, Y = make_multitask_classification(
        n_samples=120, n_features=6, n_tasks=3, n_classes=[2, 3, 2], random_state=0
    )
    Y = Y.astype(float)
    rng = np.random.RandomState(0)
    Y[rng.uniform(size=Y.shape) < 0.2] = np.nan
    return X, Y


@pytest.fixture
def long_classification():
    return make_multitask_classification(
        n_samples=120,
        n_features=6,
        n_tasks=3,
        n_classes=[2, 3, 2],
        layout="long",
        random_state=0,
    )


@pytest.mark.parametrize("cls", REGRESSORS, ids=name)
def test_regressor_wide_with_missing_labels(cls, wide_regression):
    X, Y = wide_regression
    assert np.isnan(Y).any()
    model = make(cls, Ridge()).fit(X, Y)
    prediction = model.predict(X)
    assert prediction.shape == Y.shape
    assert prediction.dtype == np.float64
    assert np.isfinite(prediction).all()
    assert model.n_tasks_ == 3
    assert model.task_names_ == ["task_0", "task_1", "task_2"]
    assert model.n_features_in_ == X.shape[1]
    scores = model.score_per_task(X, Y)
    assert list(scores) == model.task_names_
    assert model.score(X, Y) == pytest.approx(np.mean(list(scores.values())))
    # A pooled linear model shares one slope across tasks with different ones.
    assert model.score(X, Y) > (0.2 if cls.__name__ == "PooledRegressor" else 0.5)


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=name)
def test_classifier_wide_with_missing_labels(cls, wide_classification_missing):
    X, Y = wide_classification_missing
    model = make(cls, LogisticRegression()).fit(X, Y)
    assert [c.tolist() for c in model.classes_] == [[0, 1], [0, 1, 2], [0, 1]]
    prediction = model.predict(X)
    assert prediction.shape == Y.shape
    for t, classes in enumerate(model.classes_):
        assert np.isin(prediction[:, t], classes).all()
    proba = model.predict_proba(X)
    assert [p.shape for p in proba] == [(120, 2), (120, 3), (120, 2)]
    for t, p in enumerate(proba):
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        np.testing.assert_array_equal(
            model.classes_[t][p.argmax(axis=1)], prediction[:, t]
        )
    assert model.score(X, Y) > 0.7
    scores = model.score_per_task(X, Y, as_frame=True)
    assert list(scores.index) == model.task_names_


@pytest.mark.parametrize("cls", REGRESSORS, ids=name)
def test_regressor_long_layout(cls, long_regression):
    X, y = long_regression
    model = make(cls, Ridge(), task_column=0).fit(X, y)
    assert model.task_names_ == [0, 1, 2, 3]
    assert model.n_features_in_ == X.shape[1]
    prediction = model.predict(X)
    assert prediction.shape == y.shape
    assert np.isfinite(prediction).all()
    scores = model.score_per_task(X, y)
    assert list(scores) == [0, 1, 2, 3]
    # A pooled linear model shares one slope across tasks with different ones.
    assert model.score(X, y) > (0.2 if cls.__name__ == "PooledRegressor" else 0.5)


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=name)
def test_classifier_long_layout(cls, long_classification):
    X, y = long_classification
    model = make(cls, LogisticRegression(), task_column=0).fit(X, y)
    assert isinstance(model.classes_, list)
    assert [len(c) for c in model.classes_] == [2, 3, 2]
    prediction = model.predict(X)
    assert prediction.shape == y.shape
    proba = model.predict_proba(X)
    task = X[:, 0].astype(int)
    for t, p in enumerate(proba):
        own = task == t
        assert np.isnan(p[~own]).all()
        np.testing.assert_allclose(p[own].sum(axis=1), 1.0)
        np.testing.assert_array_equal(
            model.classes_[t][p[own].argmax(axis=1)], prediction[own]
        )
    assert model.score(X, y) > 0.7


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_long_layout_dataframe_with_named_task_column(cls):
    X, y = make_multitask_regression(
        n_samples=90, n_features=3, n_tasks=3, layout="long", random_state=0
    )
    if cls in CLASSIFIERS:
        y = np.where(y > np.median(y), "high", "low")
    frame = pd.DataFrame(X[:, 1:], columns=["a", "b", "c"])
    frame.insert(1, "school", np.array(["x", "y", "z"])[X[:, 0].astype(int)])
    model = make(cls, _base(cls), task_column="school").fit(frame, y)
    assert model.task_names_ == ["x", "y", "z"]
    assert list(model.feature_names_in_) == ["a", "school", "b", "c"]
    assert model.predict(frame).shape == (90,)
    unknown = frame.assign(school="w")
    with pytest.raises(ValueError, match=r"Unknown task ids \['w'\]"):
        model.predict(unknown)


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_dataframe_targets_give_task_names(cls):
    X, Y = make_multitask_regression(
        n_samples=60, n_features=3, n_tasks=2, random_state=0
    )
    if cls in CLASSIFIERS:
        Y = (Y > 0).astype(int)
    frame = pd.DataFrame(Y, columns=["price", "volume"])
    model = make(cls, _base(cls)).fit(X, frame)
    assert model.task_names_ == ["price", "volume"]
    assert list(model.score_per_task(X, frame)) == ["price", "volume"]


@pytest.mark.parametrize("cls", REGRESSORS, ids=name)
def test_regressor_one_d_target_behaves_like_sklearn(cls):
    X, Y = make_multitask_regression(
        n_samples=80, n_features=4, n_tasks=1, random_state=0
    )
    y = Y[:, 0]
    model = make(cls, Ridge()).fit(X, y)
    prediction = model.predict(X)
    assert prediction.shape == (80,)
    assert model.score(X, y) == pytest.approx(r2_score(y, prediction))


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=name)
def test_classifier_one_d_target_behaves_like_sklearn(cls):
    X, Y = make_multitask_classification(
        n_samples=90, n_features=4, n_tasks=1, n_classes=3, random_state=0
    )
    y = np.array(["a", "b", "c"])[Y[:, 0]]
    model = make(cls, LogisticRegression()).fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["a", "b", "c"])
    prediction = model.predict(X)
    assert prediction.shape == (90,)
    assert model.predict_proba(X).shape == (90, 3)
    assert model.score(X, y) == pytest.approx(accuracy_score(y, prediction))


# The pooled model needs labels of one kind: tested in test_pooled.py.
@pytest.mark.parametrize(
    "cls", [c for c in CLASSIFIERS if c.__name__ != "PooledClassifier"], ids=name
)
def test_classifier_mixed_label_types_per_task(cls):
    X, Y = make_multitask_classification(
        n_samples=90, n_features=4, n_tasks=2, n_classes=2, random_state=0
    )
    labels = np.empty(Y.shape, dtype=object)
    labels[:, 0] = np.array(["no", "yes"])[Y[:, 0]]
    labels[:, 1] = Y[:, 1]
    model = make(cls, LogisticRegression()).fit(X, labels)
    assert model.classes_[0].tolist() == ["no", "yes"]
    assert model.classes_[1].tolist() == [0, 1]
    prediction = model.predict(X)
    assert set(prediction[:, 0]) <= {"no", "yes"}
    assert set(prediction[:, 1]) <= {0, 1}


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_inputs_are_not_modified(cls, wide_regression):
    X, Y = wide_regression
    if cls in CLASSIFIERS:
        Y = np.where(np.isnan(Y), np.nan, (Y > 0).astype(float))
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    X_before, Y_before, frame_before = X.copy(), Y.copy(), frame.copy()
    model = make(cls, _base(cls)).fit(frame, Y)
    model.predict(frame)
    model.score(frame, Y)
    make(cls, _base(cls)).fit(X, Y).predict(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)
    pd.testing.assert_frame_equal(frame, frame_before)


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_task_without_labels_is_an_error_naming_it(cls, wide_regression):
    X, Y = wide_regression
    Y = Y.copy()
    if cls in CLASSIFIERS:
        Y = np.where(np.isnan(Y), np.nan, (Y > 0).astype(float))
    Y[:, 1] = np.nan
    with pytest.raises(ValueError, match="Task 'task_1' has no observed label"):
        make(cls, _base(cls)).fit(X, Y)


@pytest.mark.parametrize("cls", REGRESSORS, ids=name)
def test_regressor_rejects_class_labels_naming_the_task(cls):
    X = np.arange(20.0).reshape(10, 2)
    Y = np.empty((10, 2), dtype=object)
    Y[:, 0] = np.arange(10.0)
    Y[:, 1] = "a"
    with pytest.raises(ValueError, match="Task 'task_1' has non-numeric targets"):
        make(cls, Ridge()).fit(X, Y)


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_predict_checks_the_number_of_features(cls, wide_regression):
    X, Y = wide_regression
    if cls in CLASSIFIERS:
        Y = np.where(np.isnan(Y), np.nan, (Y > 0).astype(float))
    model = make(cls, _base(cls)).fit(X, Y)
    with pytest.raises(ValueError, match="X has 5 features, but"):
        model.predict(X[:, :5])


@pytest.mark.parametrize("cls", ALL, ids=name)
def test_grid_search_over_the_base_estimator(cls, wide_regression):
    X, Y = wide_regression
    if cls in CLASSIFIERS:
        Y = np.where(np.isnan(Y), np.nan, (Y > 0).astype(float))
        grid = {"estimator__C": [0.1, 1.0]}
    else:
        grid = {"estimator__alpha": [0.1, 10.0]}
    search = GridSearchCV(make(cls, _base(cls)), grid, cv=KFold(2)).fit(X, Y)
    assert set(search.best_params_) == set(grid)
    assert np.isfinite(search.best_score_)
    clone(search.best_estimator_).fit(X, Y)
