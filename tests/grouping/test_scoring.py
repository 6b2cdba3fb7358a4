"""The inner scores of the grouping estimators (``scoring``)."""

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score

from skmtl import (
    MultiTaskClassifier,
    MultiTaskRegressor,
    TaskGroupingClassifier,
    TaskGroupingRegressor,
)
from skmtl.datasets import make_grouped_regression, make_multitask_classification
from skmtl.grouping._tasks import TaskData

NET = {"shared_layers": (8,), "max_epochs": 5, "batch_size": 32, "random_state": 0}


@pytest.fixture(scope="module")
def imbalanced():
    """Three binary tasks with about 10 % positives, some labels missing."""
    X, Y = make_multitask_classification(
        n_samples=150, n_features=5, n_tasks=3, random_state=0
    )
    scores = X @ np.random.RandomState(1).randn(5, 3)
    Y = (scores > np.quantile(scores, 0.9, axis=0)).astype(float)
    Y[::7, 1] = np.nan
    return X, Y


def _long(X, Y):
    rows, tasks = np.nonzero(~np.isnan(Y))
    return np.column_stack([tasks, X[rows]]), Y[rows, tasks], tasks


@pytest.mark.parametrize("layout", ["wide", "long"])
@pytest.mark.parametrize("scoring", ["neg_log_loss", "roc_auc"])
def test_probability_scores_are_the_metric_of_each_task(imbalanced, layout, scoring):
    X, Y = imbalanced
    task_column, task = None, None
    if layout == "long":
        X, Y, task = _long(X, Y)
        task_column = 0
    model = MultiTaskClassifier(**NET, task_column=task_column).fit(X, Y)
    data = TaskData(X, Y, task_column)
    rows = np.arange(40, 150)
    scores = data.scores(model, [0, 1, 2], rows, scoring)
    proba = model.predict_proba(X[rows])
    for t in range(3):
        if layout == "wide":
            own = ~np.isnan(Y[rows, t])
            truth = Y[rows, t][own]
        else:
            own = task[rows] == t
            truth = Y[rows][own]
        p = proba[t][own]
        expected = (
            -log_loss(truth, p, labels=[0.0, 1.0])
            if scoring == "neg_log_loss"
            else roc_auc_score(truth, p[:, 1])
        )
        assert scores[t] == pytest.approx(expected)


def test_classifier_guard_scores_by_log_loss_by_default(imbalanced):
    X, Y = imbalanced
    kwargs = {"n_groups": 1, "guard": True, "cv": 2, "random_state": 0}
    default = TaskGroupingClassifier(MultiTaskClassifier(**NET), **kwargs).fit(X, Y)
    by_auc = TaskGroupingClassifier(
        MultiTaskClassifier(**NET), scoring="roc_auc", **kwargs
    ).fit(X, Y)
    by_accuracy = TaskGroupingClassifier(
        MultiTaskClassifier(**NET), scoring="accuracy", **kwargs
    ).fit(X, Y)
    # Log losses are negative and tell the candidates apart; AUC and accuracy
    # are fractions.
    assert (default.guard_scores_ < 0).all()
    assert (np.ptp(default.guard_scores_, axis=1) > 0).all()
    for model in (by_auc, by_accuracy):
        assert ((model.guard_scores_ >= 0) & (model.guard_scores_ <= 1)).all()
    assert not np.allclose(by_auc.guard_scores_, by_accuracy.guard_scores_)


def test_regressor_scoring_by_negative_error():
    X, Y, _ = make_grouped_regression(
        n_samples=80, n_features=5, group_sizes=(1, 1), random_state=0
    )
    model = TaskGroupingRegressor(
        MultiTaskRegressor(**NET),
        n_groups=1,
        guard=True,
        scoring="neg_mean_squared_error",
        cv=2,
        random_state=0,
    ).fit(X, Y)
    assert (model.guard_scores_ < 0).all()
    network = MultiTaskRegressor(**NET).fit(X, Y)
    scores = TaskData(X, Y, None).scores(
        network, [0, 1], np.arange(80), "neg_mean_squared_error"
    )
    expected = -mean_squared_error(Y, network.predict(X), multioutput="raw_values")
    np.testing.assert_allclose(scores, expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("estimator", "scoring"),
    [
        (TaskGroupingRegressor(MultiTaskRegressor(**NET)), "roc_auc"),
        (TaskGroupingClassifier(MultiTaskClassifier(**NET)), "r2"),
    ],
)
def test_a_scoring_of_the_other_family_is_rejected(imbalanced, estimator, scoring):
    X, Y = imbalanced
    with pytest.raises(ValueError, match=f"scoring='{scoring}'"):
        estimator.set_params(scoring=scoring, guard=True).fit(X, Y)


@pytest.mark.parametrize("scoring", ["neg_log_loss", "roc_auc"])
def test_a_class_unseen_in_training_leaves_the_task_unscored(imbalanced, scoring):
    # Inner folds of a rare class: the networks of a fold may never have seen a
    # positive of a task that its validation rows hold; no candidate can be
    # judged on that task there (NaN: not counted), the others still are.
    X, Y = imbalanced
    train = np.arange(60)
    Y_train = Y.copy()
    Y_train[train, 2] = 0.0
    model = MultiTaskClassifier(**NET).fit(X[train], Y_train[train])
    assert len(model.classes_[2]) == 1
    scores = TaskData(X, Y, None).scores(model, [0, 1, 2], np.arange(60, 150), scoring)
    assert np.isfinite(scores[:2]).all() and np.isnan(scores[2])
