"""partial_fit: one epoch per call, on a stream of chunks."""

import numpy as np
import pytest

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from tests.conftest import FAST


def _chunks(n_rows, size):
    return [slice(start, start + size) for start in range(0, n_rows, size)]


def test_regressor_learns_from_a_stream_of_chunks():
    X, Y = make_multitask_regression(
        n_samples=700, n_features=6, n_tasks=3, noise=0.1, random_state=0
    )
    X_train, Y_train, X_test, Y_test = X[:600], Y[:600], X[600:], Y[600:]
    model = MultiTaskRegressor(**{**FAST, "shared_layers": (32,)}, lr=0.01)
    n_calls = 0
    for _ in range(6):
        for rows in _chunks(600, 100):
            model.partial_fit(X_train[rows], Y_train[rows])
            n_calls += 1
    assert model.score(X_test, Y_test) > 0.6
    assert model.n_iter_ == len(model.history_) == n_calls
    assert model.task_weights_.shape == (n_calls, 3)
    reference = MultiTaskRegressor(**FAST).fit(X_train, Y_train)
    for name in ("task_names_", "n_tasks_", "n_features_in_"):
        assert getattr(model, name) == getattr(reference, name)
    assert model._target_mean.shape == reference._target_mean.shape
    # The targets were standardized with the first chunk's statistics.
    np.testing.assert_allclose(model._target_mean, Y_train[:100].mean(axis=0))


def test_partial_fit_after_fit_continues_training():
    X, Y = make_multitask_regression(n_samples=120, n_tasks=2, random_state=0)
    model = MultiTaskRegressor(**FAST).fit(X, Y)
    weights = model.net_.module_.architecture.trunk[0].weight.detach().clone()
    model.partial_fit(X[:50], Y[:50])
    assert model.n_iter_ == FAST["max_epochs"] + 1
    trunk = model.net_.module_.architecture.trunk[0].weight
    assert not np.array_equal(weights.numpy(), trunk.detach().numpy())
    # With warm_start=False, fit still starts over.
    model.fit(X, Y)
    assert model.n_iter_ == FAST["max_epochs"]


def test_partial_fit_checks_the_features():
    X, Y = make_multitask_regression(n_samples=60, n_tasks=2, random_state=0)
    model = MultiTaskRegressor(**FAST).partial_fit(X, Y)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :-1], Y)


def test_regressor_partial_fit_takes_no_classes():
    X, Y = make_multitask_regression(n_samples=60, n_tasks=2, random_state=0)
    with pytest.raises(ValueError, match="takes no classes"):
        MultiTaskRegressor(**FAST).partial_fit(X, Y, classes=[[0, 1], [0, 1]])


def _classification(n_tasks=2):
    return make_multitask_classification(
        n_samples=200, n_features=5, n_tasks=n_tasks, n_classes=3, random_state=0
    )


def test_classifier_needs_classes_on_the_first_call():
    X, Y = _classification()
    model = MultiTaskClassifier(**FAST)
    with pytest.raises(ValueError, match="needs classes on its first call"):
        model.partial_fit(X, Y)
    with pytest.raises(ValueError, match="classes has 1 entries for the 2 tasks"):
        model.partial_fit(X, Y, classes=[[0, 1, 2]])
    assert not hasattr(model, "net_")


def test_classifier_stream_uses_the_declared_classes():
    X, Y = _classification()
    classes = [np.array([0, 1, 2]), np.array([0, 1, 2])]
    model = MultiTaskClassifier(**FAST)
    # A first chunk without class 2 of task 0 still declares it.
    first = Y[:, 0] != 2
    model.partial_fit(X[first][:40], Y[first][:40], classes=classes)
    assert [c.tolist() for c in model.classes_] == [[0, 1, 2], [0, 1, 2]]
    for rows in _chunks(200, 50):
        model.partial_fit(X[rows], Y[rows])
    assert model.predict_proba(X)[0].shape == (200, 3)
    bad = Y[:10].copy()
    bad[0, 1] = 5
    with pytest.raises(ValueError, match=r"Task 'task_1' has labels \[5\]"):
        model.partial_fit(X[:10], bad)
    with pytest.raises(ValueError, match="differ from its classes"):
        model.partial_fit(X[:10], Y[:10], classes={"task_0": [0, 1]})
    assert model.n_tasks_ == 2


def test_single_task_classes_as_a_flat_array():
    X, Y = _classification(n_tasks=1)
    model = MultiTaskClassifier(**FAST).partial_fit(X, Y[:, 0], classes=[0, 1, 2])
    assert model.classes_.tolist() == [0, 1, 2]
    assert model.predict(X).shape == (200,)


def test_long_layout_stream_adds_tasks_as_they_come():
    X, y = make_multitask_classification(
        n_samples=240,
        n_features=5,
        n_tasks=3,
        n_classes=2,
        layout="long",
        random_state=0,
    )
    order = np.argsort(X[:, 0], kind="stable")
    X, y = X[order], y[order]
    task = X[:, 0].astype(int)
    model = MultiTaskClassifier(**FAST, task_column=0)
    first = task == 0
    model.partial_fit(X[first], y[first], classes={0: [0, 1]})
    assert model.task_names_ == [0]
    rest = ~first
    with pytest.raises(ValueError, match="needs the classes of task 1"):
        model.partial_fit(X[rest], y[rest])
    assert model.task_names_ == [0]
    model.partial_fit(X[rest], y[rest], classes={1: [0, 1], 2: [0, 1]})
    assert model.task_names_ == [0, 1, 2]
    assert model.predict(X).shape == (240,)
    # Later chunks may hold any subset of the tasks.
    model.partial_fit(X[task == 2], y[task == 2])
    assert model.n_iter_ == 3
