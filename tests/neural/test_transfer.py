"""Adding tasks to a fitted network, and the shared layers' learning rate."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.architectures import ProgressiveLayeredExtractionConfig
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from tests.conftest import FAST, assert_previous_weights_kept, assert_same_predictions


def _regression(n_tasks=4, **kwargs):
    return make_multitask_regression(
        n_samples=120, n_features=6, n_tasks=n_tasks, random_state=0, **kwargs
    )


def _shared_state(model):
    architecture = model.net_.module_.architecture
    return [p.detach().clone() for p in architecture.shared_parameters()]


def _grow_frozen(model, X_old, Y_old, X_new, Y_new, **params):
    """Fit on the old tasks, add the new ones frozen; return old predictions."""
    model.fit(X_old, Y_old)
    before = model.predict(X_old)
    shared = _shared_state(model)
    weights = {k: v.clone() for k, v in model.net_.module_.state_dict().items()}
    model.set_params(warm_start=True, shared_lr_scale=0.0, **params)
    model.fit(X_new, Y_new)
    for old, new in zip(shared, _shared_state(model)):
        assert torch.equal(old, new)
    assert_previous_weights_kept(weights, model.net_.module_)
    return before


def test_wide_regressor_adds_a_task_and_keeps_the_old_ones_exactly():
    X, Y = _regression(missing_rate=0.2)
    model = MultiTaskRegressor(**FAST)
    before = _grow_frozen(model, X, Y[:, :3], X, Y)
    assert model.task_names_ == ["task_0", "task_1", "task_2", "task_3"]
    assert model.n_tasks_ == 4
    assert model._target_mean.shape == model._target_scale.shape == (4,)
    after = model.predict(X)
    assert after.shape == (120, 4)
    assert_same_predictions(after[:, :3], before)
    # The new task learned something: its head left its initialisation.
    assert np.std(after[:, 3]) > 0
    # Epochs before the task was added have no weight for it.
    assert model.task_weights_.shape == (10, 4)
    assert np.isnan(model.task_weights_[:5, 3]).all()
    assert np.isfinite(model.task_weights_[5:]).all()
    assert all(p.requires_grad for p in model.net_.module_.parameters())


def test_wide_old_tasks_may_be_all_nan_but_not_absent():
    X, Y = _regression()
    model = MultiTaskRegressor(**FAST).fit(X, Y[:, :2])
    model.set_params(warm_start=True)
    with pytest.raises(ValueError, match=r"no column for tasks \['task_1'\]"):
        model.fit(X, Y[:, [0]])
    partial = Y[:, :3].copy()
    partial[:, :2] = np.nan
    model.fit(X, partial)
    assert model.n_tasks_ == 3


def test_dataframe_columns_are_matched_by_name():
    pd = pytest.importorskip("pandas")
    X, Y = _regression(n_tasks=3)
    frame = pd.DataFrame(Y, columns=["a", "b", "c"])
    model = MultiTaskRegressor(**FAST).fit(X, frame[["a", "b"]])
    before = model.predict(X)
    model.set_params(warm_start=True, shared_lr_scale=0.0)
    model.fit(X, frame[["c", "b", "a"]])
    assert model.task_names_ == ["a", "b", "c"]
    assert_same_predictions(model.predict(X)[:, :2], before)


def test_long_classifier_adds_a_task_without_the_old_ones_labels():
    X, y = make_multitask_classification(
        n_samples=160, n_features=5, n_tasks=4, layout="long", random_state=0
    )
    task = X[:, 0].astype(int)
    old = task < 3
    model = MultiTaskClassifier(**FAST, task_column=0)
    before = _grow_frozen(model, X[old], y[old], X[~old], y[~old])
    assert model.task_names_ == [0, 1, 2, 3]
    assert len(model.classes_) == 4
    assert_same_predictions(model.predict(X[old]), before)
    proba = model.predict_proba(X)
    assert proba[3].shape == (160, len(model.classes_[3]))


def test_new_task_with_more_classes_widens_the_heads():
    X, Y = make_multitask_classification(
        n_samples=150, n_features=5, n_tasks=2, n_classes=[2, 4], random_state=0
    )
    model = MultiTaskClassifier(**FAST)
    model.fit(X, Y[:, :1])
    before_proba = model.predict_proba(X)[0]
    model.set_params(warm_start=True, shared_lr_scale=0.0).fit(X, Y)
    assert [len(c) for c in model.classes_] == [2, 4]
    assert_same_predictions(model.predict_proba(X)[0], before_proba)


def test_previous_tasks_keep_their_classes():
    X, Y = make_multitask_classification(
        n_samples=100, n_features=5, n_tasks=2, n_classes=2, random_state=0
    )
    model = MultiTaskClassifier(**FAST).fit(X, Y[:, :1])
    bad = Y.copy()
    bad[0, 0] = 7
    with pytest.raises(ValueError, match="Task 'task_0' has labels \\[7\\]"):
        model.set_params(warm_start=True).fit(X, bad)


GROWABLE = [
    {"sharing": "hard"},
    {"sharing": "mmoe"},
    {"sharing": "soft"},
    {"sharing": "independent"},
    {"sharing": "ple"},
    {"ensemble_size": 2},
]


@pytest.mark.parametrize("params", GROWABLE, ids=lambda p: str(p))
@pytest.mark.parametrize("layout", ["wide", "long"])
def test_growable_architectures_keep_the_old_tasks_exactly(params, layout):
    if "ensemble_size" in params:
        pytest.importorskip("tabm")
    X, Y = _regression()
    model = MultiTaskRegressor(**{**FAST, "max_epochs": 2}, **params)
    if layout == "wide":
        before = _grow_frozen(model, X, Y[:, :3], X, Y)
        assert_same_predictions(model.predict(X)[:, :3], before)
        return
    X_long = np.column_stack([np.repeat(np.arange(4), 30), X])
    y_long = Y[np.arange(120), np.repeat(np.arange(4), 30)]
    old = X_long[:, 0] < 3
    model.set_params(task_column=0)
    before = _grow_frozen(model, X_long[old], y_long[old], X_long, y_long)
    assert_same_predictions(model.predict(X_long[old]), before)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"sharing": "cross_stitch"}, "CrossStitch"),
        (
            {"sharing": ProgressiveLayeredExtractionConfig(n_levels=2)},
            "ProgressiveLayeredExtraction",
        ),
    ],
)
def test_architectures_that_cannot_grow_raise(params, name):
    X, Y = _regression()
    model = MultiTaskRegressor(**{**FAST, "max_epochs": 1}, **params).fit(X, Y[:, :3])
    model.set_params(warm_start=True)
    with pytest.raises(ValueError, match=f"Cannot add tasks .* the {name} arch"):
        model.fit(X, Y)
    # The failed fit left the estimator as it was; continuing works.
    assert model.n_tasks_ == 3
    assert model.predict(X).shape == (120, 3)
    model.fit(X, Y[:, :3])


@pytest.mark.parametrize(
    ("weighting", "names"),
    [
        ("uncertainty", ["log_vars"]),
        ("dwa", ["epoch_weights", "last_losses", "previous_losses"]),
        ("gradnorm", ["task_weights", "initial_losses"]),
    ],
)
def test_loss_weighting_state_grows(weighting, names):
    X, Y = _regression()
    model = MultiTaskRegressor(**FAST, loss_weighting=weighting).fit(X, Y[:, :3])
    old = {n: getattr(model.net_.module_.weighting, n).detach().clone() for n in names}
    model.set_params(warm_start=True, max_epochs=1).fit(X, Y)
    state = model.net_.module_.weighting
    assert state.n_tasks == 4
    for name in names:
        assert getattr(state, name).shape == (4,)
    if weighting == "gradnorm":  # kept from the first fit, not re-measured
        torch.testing.assert_close(state.initial_losses[:3], old["initial_losses"])


def test_shared_lr_scale_builds_a_scaled_group_of_the_shared_parameters():
    X, Y = _regression()
    model = MultiTaskRegressor(**FAST, lr=0.01, shared_lr_scale=0.5).fit(X, Y)
    shared = set(model.net_.module_.architecture.shared_parameters())
    groups = model.net_.optimizer_.param_groups
    scaled = [g for g in groups if "shared_lr_scale" in g]
    assert [g["lr"] for g in scaled] == [0.005]
    assert set(scaled[0]["params"]) == shared
    assert all(g["lr"] == 0.01 for g in groups if g not in scaled)
    assert all(g["fused"] for g in groups)  # the fused (capturable) optimizer
    # The default keeps skorch's single group.
    default = MultiTaskRegressor(**FAST).fit(X, Y)
    assert len(default.net_.optimizer_.param_groups) == 1
    assert "shared_lr_scale" not in default.net_.optimizer_.param_groups[0]
    # A warm start back at 1.0 rebuilds the plain optimizer.
    model.set_params(warm_start=True, shared_lr_scale=1.0, max_epochs=1).fit(X, Y)
    assert len(model.net_.optimizer_.param_groups) == 1


def test_shared_lr_scale_zero_freezes_the_trunk_but_trains_the_heads():
    X, Y = _regression()
    one = MultiTaskRegressor(**{**FAST, "max_epochs": 1}, shared_lr_scale=0.0)
    five = clone(one).set_params(max_epochs=5)
    one.fit(X, Y)
    five.fit(X, Y)
    for a, b in zip(_shared_state(one), _shared_state(five)):
        assert torch.equal(a, b)
    heads = [m.net_.module_.architecture.heads for m in (one, five)]
    assert not torch.equal(heads[0].output.weight, heads[1].output.weight)
    assert all(p.requires_grad for p in five.net_.module_.parameters())


def test_shared_lr_scale_zero_warm_without_new_tasks_trains_the_heads():
    X, Y = _regression()
    model = MultiTaskRegressor(**FAST).fit(X, Y)
    head = model.net_.module_.architecture.heads.output.weight.detach().clone()
    shared = _shared_state(model)
    model.set_params(warm_start=True, shared_lr_scale=0.0).fit(X, Y)
    assert not torch.equal(head, model.net_.module_.architecture.heads.output.weight)
    for old, new in zip(shared, _shared_state(model)):
        assert torch.equal(old, new)


def test_nothing_left_to_train_is_an_error():
    X, Y = _regression()
    model = MultiTaskRegressor(**FAST, sharing="hard", head_layers=())
    model.fit(X, Y[:, :3])
    # Frozen trunk and old heads, but the new head trains: fine.
    model.set_params(warm_start=True, shared_lr_scale=0.0).fit(X, Y)
    assert model.n_tasks_ == 4


def test_pickle_after_adding_tasks():
    X, Y = _regression()
    model = MultiTaskRegressor(**FAST).fit(X, Y[:, :2])
    model.set_params(warm_start=True).fit(X, Y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    assert restored.task_names_ == model.task_names_
    # And it can take one more task.
    Y5 = np.column_stack([Y, Y[:, 0]])
    restored.fit(X, Y5)
    assert restored.n_tasks_ == 5


def test_saved_file_after_adding_tasks_round_trips(tmp_path):
    pytest.importorskip("safetensors")
    from skmtl.persistence import load, save

    X, Y = _regression()
    model = MultiTaskClassifier(**FAST).fit(X, Y[:, :2] > 0)
    model.set_params(warm_start=True).fit(X, Y > 0)
    save(model, tmp_path / "model.skmtl")
    restored = load(tmp_path / "model.skmtl")
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))


def test_grid_search_over_shared_lr_scale_and_clone_drops_the_fit():
    X, Y = _regression()
    model = MultiTaskRegressor(**{**FAST, "max_epochs": 2}, warm_start=True)
    model.fit(X, Y[:, :2])
    fresh = clone(model)
    assert not hasattr(fresh, "net_")
    grid = {"shared_lr_scale": [0.0, 0.5, 1.0]}
    search = GridSearchCV(fresh, grid, cv=KFold(2)).fit(X, Y)
    assert search.best_estimator_.n_tasks_ == 4


def test_shared_lr_scale_is_validated():
    X, Y = _regression()
    with pytest.raises(ValueError, match="shared_lr_scale"):
        MultiTaskRegressor(**FAST, shared_lr_scale=1.5).fit(X, Y)


@pytest.mark.parametrize(
    "params",
    [{"optimizer": "rmsprop"}, {"early_stopping": True}, {"task_affinity": "both"}],
    ids=["closure-path", "early-stopping", "affinity"],
)
def test_frozen_growth_with_other_training_paths(params):
    X, Y = _regression()
    model = MultiTaskRegressor(**{**FAST, "max_epochs": 3}, **params)
    before = _grow_frozen(model, X, Y[:, :3], X, Y)
    assert_same_predictions(model.predict(X)[:, :3], before)
    if "task_affinity" in params:
        assert model.gradient_affinity_.shape == (4, 4)


def test_mixed_estimator_adds_tasks_on_a_warm_start():
    from skmtl import MultiTaskMixedEstimator

    X, Y = _regression()
    model = MultiTaskMixedEstimator(**FAST)
    before = _grow_frozen(model, X, Y[:, :2], X, Y)
    assert model.n_tasks_ == 4
    assert_same_predictions(model.predict(X)[:, :2], before)
    # More tests in test_mixed_transfer.py.
    model.set_params(shared_lr_scale=0.5).fit(X, Y)
    assert any("shared_lr_scale" in g for g in model.net_.optimizer_.param_groups)
