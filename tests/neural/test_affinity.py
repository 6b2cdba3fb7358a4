"""Task affinity measured while training (the ``task_affinity`` parameter)."""

import copy
import pickle

import numpy as np
import pytest
import torch

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.neural import TaskAffinity
from tests.conftest import FAST


def test_off_by_default(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**FAST).fit(X, Y)
    assert not hasattr(model, "gradient_affinity_")
    assert not hasattr(model, "lookahead_affinity_")
    assert "gradient_affinity" not in model.history_[-1]


def test_measuring_does_not_change_the_training(wide_regression):
    X, Y = wide_regression
    plain = MultiTaskRegressor(**FAST, dropout=0.2).fit(X, Y)
    measured = MultiTaskRegressor(**FAST, dropout=0.2, task_affinity="both").fit(X, Y)
    np.testing.assert_array_equal(plain.predict(X), measured.predict(X))


@pytest.mark.parametrize("kind", ["gradient", "lookahead", "both"])
def test_matrices_per_epoch_and_averaged(wide_regression, kind):
    X, Y = wide_regression
    model = MultiTaskRegressor(**FAST, task_affinity=kind).fit(X, Y)
    kinds = ["gradient", "lookahead"] if kind == "both" else [kind]
    for name in kinds:
        matrix = getattr(model, f"{name}_affinity_")
        epochs = np.asarray(model.history_[:, f"{name}_affinity"])
        assert matrix.shape == (3, 3) and epochs.shape == (FAST["max_epochs"], 3, 3)
        np.testing.assert_allclose(matrix, epochs.mean(axis=0))
        assert np.isfinite(matrix).all()
    if "gradient" in kinds:
        cosine = model.gradient_affinity_
        np.testing.assert_allclose(cosine, cosine.T, atol=1e-12)
        np.testing.assert_allclose(np.diag(cosine), 1.0)
        assert (np.abs(cosine) <= 1 + 1e-9).all()
    if "lookahead" in kinds:
        # A step on a task's own loss lowers it.
        assert (np.diag(model.lookahead_affinity_) > 0).all()
    # A refit without measuring leaves no stale attribute behind.
    model.set_params(task_affinity=None).fit(X, Y)
    assert not hasattr(model, f"{kinds[0]}_affinity_")


def test_lookahead_matches_a_manual_step(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**FAST, task_affinity="lookahead").fit(X, Y)
    net = model.net_
    observed = torch.from_numpy(~np.isnan(Y))
    targets = torch.from_numpy(np.nan_to_num(Y).astype(np.float32))
    batch = (
        {"X": torch.from_numpy(X.astype(np.float32))},
        {"y": targets, "observed": observed},
    )
    callback = TaskAffinity(("lookahead",), lr=0.05).initialize()
    callback.on_epoch_begin(net)
    callback.on_batch_begin(net, batch=batch, training=True)
    callback.on_epoch_end(net)
    measured = np.asarray(net.history[-1]["lookahead_affinity"])

    x, y = batch
    module = copy.deepcopy(net.module_).eval()

    def losses(m):
        outputs = m(**x)
        return net.criterion_(outputs, y["y"], observed=y.get("observed"))[0]

    before = losses(module)
    expected = np.empty((3, 3))
    shared = list(module.architecture.shared_parameters())
    for i in range(3):
        stepped = copy.deepcopy(module)
        grads = torch.autograd.grad(losses(module)[i], shared)
        with torch.no_grad():
            for p, g in zip(stepped.architecture.shared_parameters(), grads):
                p -= 0.05 * g
            expected[i] = (1 - losses(stepped) / before).detach().numpy()
    np.testing.assert_allclose(measured, expected, rtol=1e-4, atol=1e-6)


def test_long_layout_and_missing_pairs(long_regression):
    X, y = long_regression
    model = MultiTaskRegressor(**FAST, task_affinity="both", task_column=0)
    model.fit(X, y)
    assert model.gradient_affinity_.shape == (4, 4)
    assert np.isfinite(model.lookahead_affinity_).all()


def test_classifier_and_pickle(wide_classification):
    X, Y = wide_classification
    model = MultiTaskClassifier(**FAST, task_affinity="both").fit(X, Y)
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.lookahead_affinity_, model.lookahead_affinity_)
    assert np.isfinite(model.gradient_affinity_).all()


def test_architecture_without_shared_parameters(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**FAST, sharing="independent", task_affinity="both")
    model.fit(X, Y)
    off_diagonal = ~np.eye(3, dtype=bool)
    assert np.isnan(model.lookahead_affinity_).all()
    assert np.isnan(model.gradient_affinity_[off_diagonal]).all() or np.allclose(
        model.gradient_affinity_[off_diagonal], 0.0
    )


def test_unknown_kind_is_rejected(wide_regression):
    X, Y = wide_regression
    with pytest.raises(ValueError, match="task_affinity"):
        MultiTaskRegressor(**FAST, task_affinity="cosine").fit(X, Y)
    with pytest.raises(ValueError, match="TaskAffinity measures"):
        TaskAffinity(("cosine",)).initialize()


def test_pipeline_and_grid_search_reach_the_parameter(wide_regression):
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, Y = wide_regression
    pipeline = make_pipeline(StandardScaler(), MultiTaskRegressor(**FAST))
    search = GridSearchCV(
        pipeline, {"multitaskregressor__task_affinity": [None, "gradient"]}, cv=KFold(2)
    ).fit(X, Y)
    fitted = search.best_estimator_[-1]
    chosen = search.best_params_["multitaskregressor__task_affinity"]
    assert hasattr(fitted, "gradient_affinity_") == (chosen == "gradient")


def test_long_layout_gradient_affinity_is_measured_on_the_shared_parameters():
    # In the long layout no row carries two tasks, so gradients with respect to
    # each row's representation never overlap: their cosine was 0 for every
    # pair whatever the tasks. Two copies of one task must now stand out from
    # an unrelated third task, as in the wide layout.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    linear, unrelated = X @ [1.0, -2.0, 0.5, 0.0], 2 * np.sin(3 * X[:, 3])
    task = np.repeat([0, 1, 2], 100)
    y = np.where(task == 2, unrelated, linear)
    params = {**FAST, "max_epochs": 30}
    model = MultiTaskRegressor(**params, task_affinity="gradient", task_column=0)
    affinity = model.fit(np.column_stack([task, X]), y).gradient_affinity_
    np.testing.assert_allclose(np.diag(affinity), 1.0)
    assert affinity[0, 1] > 0.05
    assert affinity[0, 1] > 2 * max(abs(affinity[0, 2]), abs(affinity[1, 2]))
