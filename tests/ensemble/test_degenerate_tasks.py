"""A task with one class, one label or none is an error that names the task.

The base estimator's own message (``This solver needs samples of at least 2
classes``, ``Cannot have number of splits n_splits=5 greater than the number of
samples``) does not say which task is at fault (issue 13, item 9).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LassoCV, LogisticRegression, Ridge

from skmtl.ensemble import (
    ChainEnsembleClassifier,
    ChainEnsembleRegressor,
    PerTaskClassifier,
    PerTaskRegressor,
    PooledClassifier,
    PooledRegressor,
    StackedTasksClassifier,
    StackedTasksRegressor,
)

from ._estimators import make, name

PER_TASK_CLASSIFIERS = [
    PerTaskClassifier,
    StackedTasksClassifier,
    ChainEnsembleClassifier,
]
OUT_OF_FOLD_REGRESSORS = [StackedTasksRegressor, ChainEnsembleRegressor]
# Where the inner cv runs: in the long layout the tasks share no rows, so the
# chains feed forward full-model estimates and need no inner cv.
INNER_CV_REGRESSORS = [
    (StackedTasksRegressor, "wide"),
    (StackedTasksRegressor, "long"),
    (ChainEnsembleRegressor, "wide"),
]
INNER_CV_CLASSIFIERS = [
    (StackedTasksClassifier, "wide"),
    (StackedTasksClassifier, "long"),
    (ChainEnsembleClassifier, "wide"),
]


def features(n_samples=30):
    return np.random.RandomState(0).normal(size=(n_samples, 3))


def layout(kind, X, targets):
    """Return ``X``, ``y`` and parameters for wide (DataFrame y) or long data."""
    if kind == "wide":
        return X, pd.DataFrame(targets), {}
    frame = pd.DataFrame(X, columns=["x0", "x1", "x2"])
    parts, labels = [], []
    for task, values in targets.items():
        parts.append(frame.assign(task=task))
        labels.append(np.asarray(values, dtype=float))
    return (
        pd.concat(parts, ignore_index=True),
        np.concatenate(labels),
        {"task_column": "task"},
    )


def fit(cls, estimator, kind, targets, **params):
    X, y, layout_params = layout(kind, features(), targets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return make(cls, estimator, **layout_params, **params).fit(X, y)


def good_labels(n_samples=30):
    return (features(n_samples)[:, 0] > 0).astype(float)


@pytest.mark.parametrize("kind", ["wide", "long"])
@pytest.mark.parametrize("cls", PER_TASK_CLASSIFIERS, ids=name)
def test_single_class_task_is_named(cls, kind):
    targets = {"a": good_labels(), "b": np.ones(30)}
    with pytest.raises(ValueError, match=r"Task 'b' has only one class \(1\.0\)"):
        fit(cls, LogisticRegression(), kind, targets)


@pytest.mark.parametrize("kind", ["wide", "long"])
@pytest.mark.parametrize("cls", PER_TASK_CLASSIFIERS, ids=name)
def test_one_label_classification_task_is_named(cls, kind):
    b = np.full(30, np.nan)
    b[4] = 1.0
    with pytest.raises(ValueError, match=r"Task 'b' has only one observed label"):
        fit(cls, LogisticRegression(), kind, {"a": good_labels(), "b": b})


@pytest.mark.parametrize("cls, kind", INNER_CV_REGRESSORS)
def test_one_label_regression_task_is_named_before_the_inner_split(cls, kind):
    b = np.full(30, np.nan)
    b[4] = 2.0
    targets = {"a": features()[:, 0], "b": b}
    with pytest.raises(ValueError, match=r"Task 'b' has only one observed label.*cv"):
        fit(cls, Ridge(), kind, targets)


@pytest.mark.parametrize("kind", ["wide", "long"])
def test_per_task_regressor_names_a_task_its_base_cannot_fit(kind):
    b = np.full(30, np.nan)
    b[4] = 2.0
    targets = {"a": features()[:, 0], "b": b}
    with pytest.raises(
        ValueError, match=r"Task 'b' has only one observed label"
    ) as info:
        fit(PerTaskRegressor, LassoCV(), kind, targets)
    # The base estimator's own message is kept.
    assert "n_splits=5 greater than the number of samples" in str(info.value)


@pytest.mark.parametrize("kind", ["wide", "long"])
@pytest.mark.parametrize(
    "cls",
    [PerTaskRegressor, PooledRegressor, *OUT_OF_FOLD_REGRESSORS],
    ids=name,
)
def test_task_without_labels_is_named(cls, kind):
    targets = {"a": features()[:, 0], "b": np.full(30, np.nan)}
    with pytest.raises(ValueError, match=r"Task 'b' has no observed label"):
        fit(cls, Ridge(), kind, targets)


@pytest.mark.parametrize("kind", ["wide", "long"])
def test_pooled_classifier_needs_two_classes_over_all_tasks(kind):
    targets = {"a": np.ones(30), "b": np.ones(30)}
    with pytest.raises(ValueError, match=r"every task has only one class \(1\.0\)"):
        fit(PooledClassifier, LogisticRegression(), kind, targets)


@pytest.mark.parametrize("kind", ["wide", "long"])
def test_pooled_classifier_predicts_a_single_class_task_constant(kind):
    # The pooled model sees both classes; the single-class task gets a warning.
    X, y, params = layout(kind, features(), {"a": good_labels(), "b": np.ones(30)})
    with pytest.warns(UserWarning, match="Task 'b' has a single class"):
        model = PooledClassifier(LogisticRegression(), **params).fit(X, y)
    prediction = model.predict(X)
    if kind == "wide":
        assert (prediction[:, 1] == 1.0).all()
    else:
        assert (prediction[X["task"].to_numpy() == "b"] == 1.0).all()


@pytest.mark.parametrize("cls, kind", INNER_CV_CLASSIFIERS)
def test_inner_fold_with_one_class_is_named(cls, kind):
    b = np.zeros(30)
    b[7] = 1.0  # one label of class 1: the folds that test it train on class 0 only
    targets = {"a": good_labels(), "b": b}
    with pytest.raises(ValueError, match=r"Task 'b'.*inner cv fold.*only one class"):
        fit(cls, LogisticRegression(), kind, targets)
