"""Training controls: reproducibility, early stopping, history, callbacks, threads."""

import copy

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from tests.conftest import FAST


class SnapshotWeights(Callback):
    """Keep a copy of the module's weights at the end of every epoch."""

    def on_train_begin(self, net, **kwargs):
        self.snapshots = []

    def on_epoch_end(self, net, **kwargs):
        self.snapshots.append(copy.deepcopy(net.module_.state_dict()))


class RecordThreads(Callback):
    def on_train_begin(self, net, **kwargs):
        self.threads = torch.get_num_threads()


def test_same_random_state_gives_bit_identical_predictions(wide_regression):
    X, Y = wide_regression
    params = {**FAST, "dropout": 0.2, "early_stopping": True}
    first = MultiTaskRegressor(**params).fit(X, Y).predict(X)
    second = MultiTaskRegressor(**params).fit(X, Y).predict(X)
    np.testing.assert_array_equal(first, second)
    other = MultiTaskRegressor(**{**params, "random_state": 1}).fit(X, Y).predict(X)
    assert not np.array_equal(first, other)


def test_fit_leaves_torch_global_generator_untouched(wide_regression):
    X, Y = wide_regression
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    MultiTaskRegressor(**FAST).fit(X, Y)
    np.testing.assert_array_equal(torch.rand(3).numpy(), expected.numpy())


def test_random_state_instance_is_consumed(wide_regression):
    X, Y = wide_regression
    rng = np.random.RandomState(0)
    model = MultiTaskRegressor(**{**FAST, "random_state": rng})
    first = model.fit(X, Y).predict(X)
    second = model.fit(X, Y).predict(X)
    assert not np.array_equal(first, second)


def test_early_stopping_stops_and_restores_the_best_weights(wide_regression):
    X, Y = wide_regression
    snapshots = SnapshotWeights()
    model = MultiTaskRegressor(
        shared_layers=(64,),
        max_epochs=300,
        lr=0.03,
        batch_size=16,
        early_stopping=True,
        n_iter_no_change=3,
        random_state=0,
        callbacks=[snapshots],
    ).fit(X, Y)
    assert model.n_iter_ < 300
    valid = np.asarray(model.history_[:, "valid_loss"])
    best = int(np.argmin(valid))
    assert best < model.n_iter_ - 1, "the last epoch should not be the best one"
    final = model.net_.module_.state_dict()
    for name, tensor in snapshots.snapshots[best].items():
        torch.testing.assert_close(final[name], tensor, rtol=0, atol=0)


def test_history_holds_per_task_losses_and_weights(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "early_stopping": True}).fit(X, Y)
    assert model.n_iter_ == 5 == len(model.history_)
    row = model.history_[-1]
    assert set(row["train_task_loss"]) == set(model.task_names_)
    assert set(row["valid_task_loss"]) == set(model.task_names_)
    assert row["train_loss"] == pytest.approx(
        np.mean(list(row["train_task_loss"].values()))
    )
    assert model.task_weights_.shape == (5, 3)
    np.testing.assert_allclose(model.task_weights_, 1 / 3, rtol=1e-6)
    losses = model.history_[:, "train_loss"]
    assert losses[-1] < losses[0]


def test_verbose_prints_per_task_losses(wide_regression, capsys):
    X, Y = wide_regression
    MultiTaskRegressor(**{**FAST, "verbose": 1, "max_epochs": 2}).fit(X, Y)
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(lines) == 2
    assert lines[0].startswith("epoch    1")
    assert "task_0=" in lines[0] and "task_2=" in lines[0]


def test_verbose_zero_prints_nothing(wide_regression, capsys):
    X, Y = wide_regression
    MultiTaskRegressor(**FAST).fit(X, Y)
    assert capsys.readouterr().out == ""


def test_warm_start_continues_training(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "warm_start": True}).fit(X, Y)
    net = model.net_
    weights = copy.deepcopy(net.module_.state_dict())
    model.fit(X, Y)
    assert model.net_ is net
    assert model.n_iter_ == 10
    changed = [
        not torch.equal(weights[k], v)
        for k, v in model.net_.module_.state_dict().items()
    ]
    assert any(changed)
    cold = MultiTaskRegressor(**FAST).fit(X, Y)
    cold.fit(X, Y)
    assert cold.n_iter_ == 5


def test_warm_start_refuses_other_tasks(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "warm_start": True}).fit(X, Y)
    with pytest.raises(ValueError, match="warm_start=True continues a fit on tasks"):
        model.fit(X, Y[:, :2])


def test_zero_sample_weight_rows_have_no_influence(wide_regression):
    X, Y = wide_regression
    weight = np.ones(len(X))
    weight[:30] = 0.0
    changed = Y.copy()
    changed[:30] = 1e3
    reference = MultiTaskRegressor(**FAST).fit(X, Y, sample_weight=weight)
    other = MultiTaskRegressor(**FAST).fit(X, changed, sample_weight=weight)
    np.testing.assert_array_equal(reference.predict(X), other.predict(X))


def test_sample_weight_changes_the_fit(wide_regression):
    X, Y = wide_regression
    weight = np.linspace(0.1, 2.0, len(X))
    plain = MultiTaskRegressor(**FAST).fit(X, Y).predict(X)
    weighted = MultiTaskRegressor(**FAST).fit(X, Y, sample_weight=weight).predict(X)
    assert not np.allclose(plain, weighted)


@pytest.mark.parametrize(
    "optimizer", ["adam", "adamw", "sgd", "rmsprop", torch.optim.Adagrad]
)
def test_every_optimizer_trains(wide_regression, optimizer):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "optimizer": optimizer, "lr": 0.01}).fit(X, Y)
    losses = model.history_[:, "train_loss"]
    assert losses[-1] < losses[0]
    assert isinstance(model.net_.optimizer_, model.net_.optimizer)


@pytest.mark.parametrize(
    "optimizer, fused",
    [("adam", True), ("adamw", True), ("sgd", True), ("rmsprop", False)],
)
def test_named_optimizers_run_fused_where_torch_has_it(
    wide_regression, optimizer, fused
):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "optimizer": optimizer}).fit(X, Y)
    assert bool(model.net_.optimizer_.defaults.get("fused")) is fused


def test_an_optimizer_class_keeps_its_own_defaults(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "optimizer": torch.optim.Adam}).fit(X, Y)
    assert not model.net_.optimizer_.defaults.get("fused")


def test_fused_adam_matches_the_for_loop_update(wide_regression):
    """Fusing changes the implementation, not the update (up to rounding)."""
    X, Y = wide_regression
    fused = MultiTaskRegressor(**FAST).fit(X, Y)
    loop = MultiTaskRegressor(**{**FAST, "optimizer": torch.optim.Adam}).fit(X, Y)
    np.testing.assert_allclose(fused.predict(X), loop.predict(X), rtol=1e-4, atol=1e-4)


def test_weight_decay_reaches_the_optimizer(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "weight_decay": 0.25}).fit(X, Y)
    assert model.net_.optimizer_.param_groups[0]["weight_decay"] == 0.25


@pytest.mark.parametrize(
    "activation",
    [
        "relu",
        "tanh",
        "logistic",
        "gelu",
        "elu",
        "selu",
        "leaky_relu",
        "identity",
        torch.nn.Softplus,
    ],
)
def test_every_activation_is_used(wide_regression, activation):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "activation": activation}).fit(X, Y)
    expected = activation if isinstance(activation, type) else None
    modules = list(model.net_.module_.architecture.modules())
    if expected is not None:
        assert any(isinstance(m, expected) for m in modules)
    assert np.isfinite(model.predict(X)).all()


def test_dropout_and_head_layers_build_the_expected_network(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        **{**FAST, "dropout": 0.3, "head_layers": (8, 4), "shared_layers": (16, 12)}
    ).fit(X, Y)
    architecture = model.net_.module_.architecture
    assert any(isinstance(m, torch.nn.Dropout) for m in architecture.modules())
    assert [layer.weight.shape for layer in architecture.heads.hidden] == [
        (3, 12, 8),
        (3, 8, 4),
    ]
    assert architecture.heads.output.weight.shape == (3, 4, 1)
    assert model.transform(X).shape == (len(X), 12)
    # Dropout is off at predict time: predictions are deterministic.
    np.testing.assert_array_equal(model.predict(X), model.predict(X))


def test_n_threads_is_used_during_fit_and_restored(wide_regression):
    X, Y = wide_regression
    before = torch.get_num_threads()
    recorder = RecordThreads()
    MultiTaskRegressor(**{**FAST, "n_threads": 1, "callbacks": [recorder]}).fit(X, Y)
    assert recorder.threads == 1
    assert torch.get_num_threads() == before


def test_callbacks_are_called(wide_regression):
    X, Y = wide_regression
    snapshots = SnapshotWeights()
    MultiTaskClassifier(**FAST, callbacks=[("snap", snapshots)]).fit(
        X, np.where(np.isnan(Y), np.nan, Y > 0)
    )
    assert len(snapshots.snapshots) == 5


class CountBatches(Callback):
    """Count the batch notifications of each kind."""

    def on_train_begin(self, net, **kwargs):
        self.counts = {"begin": 0, "end": 0, "grad": 0}

    def on_batch_begin(self, net, **kwargs):
        self.counts["begin"] += 1

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.counts["grad"] += 1

    def on_batch_end(self, net, **kwargs):
        self.counts["end"] += 1


def test_batch_callbacks_and_batch_history_like_skorch(wide_regression):
    # The epoch loop is skorch's with leaner bookkeeping: every batch is still
    # notified and recorded the way skorch's own loop does it.
    X, Y = wide_regression
    counter = CountBatches()
    params = {**FAST, "early_stopping": True, "batch_size": 16, "callbacks": [counter]}
    model = MultiTaskRegressor(**params).fit(X, Y)
    n_valid = round(0.1 * len(X))
    n_train_batches = int(np.ceil((len(X) - n_valid) / 16))
    n_valid_batches = int(np.ceil(n_valid / 16))
    epochs = model.n_iter_
    assert counter.counts["grad"] == epochs * n_train_batches
    assert counter.counts["begin"] == counter.counts["end"]
    assert counter.counts["begin"] == epochs * (n_train_batches + n_valid_batches)
    last = model.history_[-1]
    assert last["train_batch_count"] == n_train_batches
    assert last["valid_batch_count"] == n_valid_batches
    sizes = model.history_[-1, "batches", :, "train_batch_size"]
    assert sum(sizes) == len(X) - n_valid
    losses = model.history_[-1, "batches", :, "train_loss"]
    assert len(losses) == n_train_batches and np.isfinite(losses).all()
    valid_sizes = [b["valid_batch_size"] for b in last["batches"] if "valid_loss" in b]
    assert sum(valid_sizes) == n_valid


def test_device_cpu_and_unknown_device(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "device": "cpu"}).fit(X, Y)
    assert next(model.net_.module_.parameters()).device.type == "cpu"
    with pytest.raises(ValueError, match="device='no_such_device'"):
        MultiTaskRegressor(**{**FAST, "device": "no_such_device"}).fit(X, Y)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_end_to_end(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "device": "cuda"}).fit(X, Y)
    assert next(model.net_.module_.parameters()).device.type == "cuda"
    cpu = MultiTaskRegressor(**FAST).fit(X, Y)
    np.testing.assert_allclose(model.predict(X), cpu.predict(X), atol=1e-3)


def test_closure_free_step_trains_exactly_like_skorchs_step(
    wide_regression, monkeypatch
):
    from skmtl.neural import _fast_loop

    X, Y = wide_regression
    counter = CountBatches()
    direct = MultiTaskRegressor(**FAST, callbacks=[counter]).fit(X, Y)
    assert counter.counts["grad"] == counter.counts["begin"] > 0
    monkeypatch.setattr(_fast_loop, "_CLOSURE_FREE_OPTIMIZERS", frozenset())
    closure = MultiTaskRegressor(**FAST).fit(X, Y)
    np.testing.assert_array_equal(direct.predict(X), closure.predict(X))
    np.testing.assert_array_equal(
        direct.history_[:, "train_loss"], closure.history_[:, "train_loss"]
    )


def test_an_optimizer_that_needs_a_closure_still_gets_one(wide_regression):
    X, Y = wide_regression
    rows = ~np.isnan(Y).any(axis=1)
    params = {**FAST, "max_epochs": 2, "optimizer": torch.optim.LBFGS, "lr": 0.1}
    model = MultiTaskRegressor(**params, weight_decay=0).fit(X[rows], Y[rows])
    assert np.isfinite(model.predict(X)).all()
    # LBFGS has no weight decay: the default 1e-2 gets a clear error, not a
    # TypeError from deep inside skorch.
    with pytest.raises(ValueError, match="LBFGS takes no weight_decay"):
        MultiTaskRegressor(**params).fit(X[rows], Y[rows])
