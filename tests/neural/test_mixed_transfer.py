"""MultiTaskMixedEstimator: adding tasks on a warm start, and partial_fit."""

import pickle

import numpy as np
import pytest

from skmtl import MultiTaskMixedEstimator
from tests.conftest import (
    FAST,
    assert_previous_weights_kept,
    assert_same_predictions,
    make_long_mixed,
    make_mixed,
)

OLD = ["churn", "visits"]
TYPES = {"visits": "poisson"}
CLASSES = {"churn": ["no", "yes"], "grade": [0, 1, 2]}


def _frozen_growth(X_old, y_old, X_new, y_new, **params):
    """Fit on the old tasks, add the new ones frozen; return model, old predictions."""
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES, **params)
    before = model.fit(X_old, y_old).predict(X_old)
    weights = {k: v.clone() for k, v in model.net_.module_.state_dict().items()}
    model.set_params(warm_start=True, shared_lr_scale=0.0)
    model.fit(X_new, y_new)
    assert_previous_weights_kept(weights, model.net_.module_)
    return model, before


def test_wide_warm_start_adds_a_regression_and_a_wider_classification_task():
    X, Y = make_mixed()
    Y = Y[[*OLD, "amount", "grade"]]  # y's columns in task order, for scoring
    model, before = _frozen_growth(X, Y[OLD], X, Y)
    assert model.task_names_ == ["churn", "visits", "amount", "grade"]
    assert model.task_types_ == {
        "churn": "binary",
        "visits": "poisson",
        "amount": "regression",
        "grade": "multiclass",
    }
    assert model.classes_["churn"].tolist() == ["no", "yes"]
    # The output widened from the binary task's 2 to the new task's 3 classes.
    assert model._output_sizes() == (3, [2, 1, 1, 3])
    # The old tasks keep their scaling; the new regression task is standardized.
    assert model._target_mean[:2].tolist() == [0.0, 0.0]
    assert model._target_mean[2] == pytest.approx(10.0, abs=0.5)
    after = model.predict(X)
    assert_same_predictions(after[OLD], before)
    assert set(model.predict_proba(X)) == {"churn", "grade"}
    # A few more epochs (shared layers learning) fit the new tasks.
    model.set_params(shared_lr_scale=1.0, max_epochs=80).fit(X, Y)
    scores = model.score_per_task(X, Y)
    assert scores["amount"] > 0.6 and scores["grade"] > 0.5


def test_long_warm_start_adds_tasks_and_keeps_the_old_rows_predictions():
    X, y = make_long_mixed()
    old = np.isin(X[:, 0], OLD)
    model, before = _frozen_growth(X[old], y[old], X, y, task_column=0)
    assert model.task_names_ == ["churn", "visits", "amount", "grade"]
    assert model.task_types_["amount"] == "regression"
    assert model.task_types_["grade"] == "multiclass"
    assert_same_predictions(model.predict(X[old]), before)
    # Pickling after growth keeps the grown network and its types.
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    assert restored.task_types_ == model.task_types_


def test_new_tasks_take_their_types_from_task_types():
    X, Y = make_mixed()
    model = MultiTaskMixedEstimator(**FAST, warm_start=True).fit(X, Y[["churn"]])
    # "visits" was not in y at first: task_types names it for the growth.
    model.set_params(task_types={"visits": "poisson", "grade": "regression"})
    model.fit(X, Y[["churn", "visits", "grade"]])
    assert model.task_types_ == {
        "churn": "binary",
        "visits": "poisson",
        "grade": "regression",
    }
    assert model.task_metrics_["grade"] == "r2"


def test_a_growth_that_fails_leaves_the_fitted_model_as_it_was():
    X, Y = make_mixed()
    model = MultiTaskMixedEstimator(**FAST, sharing="cross_stitch", warm_start=True)
    model.fit(X, Y[OLD])
    before, types = model.predict(X), model.task_types_
    with pytest.raises(ValueError, match="CrossStitch"):
        model.fit(X, Y)
    assert model.task_types_ == types and list(types) == OLD
    assert list(model.classes_) == OLD
    np.testing.assert_array_equal(model.predict(X).to_numpy(), before.to_numpy())


def test_partial_fit_streams_chunks_and_learns():
    X, Y = make_mixed(n_samples=700)
    test = slice(600, None)  # rows the stream never shows
    model = MultiTaskMixedEstimator(
        shared_layers=(32,), batch_size=32, random_state=0, task_types=TYPES
    )
    for _ in range(8):
        for start in range(0, 600, 100):
            rows = slice(start, start + 100)
            model.partial_fit(X[rows], Y[rows], classes=CLASSES)
    assert model.n_iter_ == 48
    assert model.task_types_["grade"] == "multiclass"
    scores = model.score_per_task(X[test], Y[test])
    assert scores["amount"] > 0.7 and scores["churn"] > 0.75
    assert scores["grade"] > 0.55  # the majority class is 0.38


def test_partial_fit_adds_a_task_in_a_later_long_chunk():
    X, y = make_long_mixed()
    first = X[:, 0] != "grade"
    model = MultiTaskMixedEstimator(**FAST, task_column=0, task_types=TYPES)
    model.partial_fit(X[first], y[first], classes={"churn": ["no", "yes"]})
    assert model.n_tasks_ == 3
    with pytest.raises(ValueError, match="classes of task 'grade'"):
        model.partial_fit(X, y)
    assert model.n_tasks_ == 3
    model.partial_fit(X, y, classes={"grade": [0, 1, 2]})
    assert model.task_types_["grade"] == "multiclass" and model.n_iter_ == 2


def test_partial_fit_classes_errors_name_the_task():
    X, Y = make_mixed()
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES)
    with pytest.raises(ValueError, match=r"classes of task 'churn'.*inferred"):
        model.partial_fit(X, Y)
    with pytest.raises(ValueError, match="takes classes as a dict"):
        model.partial_fit(X, Y, classes=[["no", "yes"], [0, 1, 2]])
    with pytest.raises(ValueError, match=r"'visits'.*'poisson'.*only classification"):
        model.partial_fit(X, Y, classes={**CLASSES, "visits": [0, 1]})
    # Regression and count tasks need no classes.
    model.partial_fit(X, Y[["amount", "visits"]])
    assert not hasattr(model, "predict_proba")
    # Integer targets inferred as classes from a small chunk: the error says
    # to name the type.
    small = Y[["amount"]].assign(amount=np.arange(len(Y)) % 3)
    with pytest.raises(ValueError, match="name its type in task_types"):
        MultiTaskMixedEstimator(**FAST).partial_fit(X, small)


def test_a_later_chunk_that_contradicts_the_first_names_the_task():
    X, Y = make_mixed()
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES)
    model.partial_fit(X[:50], Y[:50], classes=CLASSES)
    with pytest.raises(ValueError, match=r"'grade'.*not among.*fitted as 'multiclass'"):
        model.partial_fit(X[50:], Y[50:].assign(grade=7.0), classes=CLASSES)
    with pytest.raises(ValueError, match=r"'churn'.*differ"):
        model.partial_fit(X, Y, classes={"churn": ["no", "yes", "maybe"]})
    assert model.n_iter_ == 1
