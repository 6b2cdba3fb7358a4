"""The fixed-shape training step of skmtl.neural._captured, run uncaptured on CPU.

The CUDA graph records exactly this step; here it runs once per batch from
Python, so everything but the recording itself (static-buffer gather, padding of
the last batch with zero-weight rows, device-side loss accumulation, epoch
statistics, fallback decisions) is tested without a GPU. tests/neural/test_cuda.py
repeats the comparisons with the graph captured.
"""

import contextlib
import pickle

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback, EpochScoring, LRScheduler

from skmtl import MultiTaskRegressor
from skmtl.architectures import ARCHITECTURES
from skmtl.neural import _captured
from skmtl.neural._captured import StepRunner, capture_obstacle
from skmtl.weighting import WEIGHTINGS
from tests.neural._step_cases import (
    LAYOUTS,
    SMALL,
    make_case,
    predictions,
    record_runners,
)

CAPTURABLE = [name for name in WEIGHTINGS if WEIGHTINGS.resolve(name).capturable]
NOT_CAPTURABLE = [name for name in WEIGHTINGS if name not in CAPTURABLE]


@pytest.fixture
def step_on_cpu(monkeypatch):
    """Let the fixed-shape step run on CPU (uncaptured: graphs need CUDA)."""
    monkeypatch.setattr(_captured, "_CAPTURE_DEVICE_TYPES", frozenset({"cpu"}))
    return record_runners(monkeypatch)


def _fit_pair(layout, **params):
    estimator_cls, extra, X, y, fit_kwargs = make_case(layout)
    settings = {**SMALL, **extra, **params}
    step = estimator_cls(**settings, cuda_graphs=True).fit(X, y, **fit_kwargs)
    eager = estimator_cls(**settings, cuda_graphs=False).fit(X, y, **fit_kwargs)
    return step, eager, X


@pytest.mark.parametrize("layout", LAYOUTS)
def test_fixed_shape_step_trains_as_the_eager_loop(step_on_cpu, layout):
    step, eager, X = _fit_pair(layout)
    assert len(step_on_cpu) == 1 and not step_on_cpu[0].capture
    # Fully observed, unweighted wide data takes the one-product loss.
    assert step_on_cpu[0]._plain == (layout in ("wide", "classifier_wide"))
    # The same batches, losses and updates; only float summation order differs.
    np.testing.assert_allclose(predictions(step, X), predictions(eager, X), atol=2e-4)
    for key in ("train_loss", "task_weights"):
        np.testing.assert_allclose(
            step.history_[:, key], eager.history_[:, key], rtol=1e-4, atol=1e-6
        )
    assert step.n_iter_ == eager.n_iter_ == SMALL["max_epochs"]
    assert list(step.history_[-1, "train_task_loss"]) == list(
        eager.history_[-1, "train_task_loss"]
    )
    # One batch count per epoch, the eager loop's; no per-batch records.
    assert (
        step.history_[-1, "train_batch_count"]
        == eager.history_[-1]["train_batch_count"]
    )
    assert step.history_[-1, "batches"] == []


@pytest.mark.parametrize("weighting", CAPTURABLE)
def test_each_capturable_weighting_runs_in_the_fixed_step(step_on_cpu, weighting):
    step, eager, X = _fit_pair("missing", loss_weighting=weighting)
    assert len(step_on_cpu) == 1
    np.testing.assert_allclose(step.predict(X), eager.predict(X), atol=2e-4)
    np.testing.assert_allclose(step.task_weights_, eager.task_weights_, rtol=1e-4)


@pytest.mark.parametrize("sharing", list(ARCHITECTURES))
def test_each_architecture_runs_in_the_fixed_step(step_on_cpu, sharing):
    step, eager, X = _fit_pair("wide", sharing=sharing, max_epochs=2)
    np.testing.assert_allclose(step.predict(X), eager.predict(X), atol=2e-4)


def test_weights_given_per_task_run_in_the_fixed_step(step_on_cpu):
    step, eager, X = _fit_pair("wide", loss_weighting=[1.0, 0.5, 2.0])
    np.testing.assert_allclose(step.predict(X), eager.predict(X), atol=2e-4)


def test_early_stopping_validates_eagerly_between_fixed_steps(step_on_cpu):
    step, eager, X = _fit_pair("missing", early_stopping=True, max_epochs=6)
    np.testing.assert_allclose(
        step.history_[:, "valid_loss"], eager.history_[:, "valid_loss"], rtol=1e-4
    )
    np.testing.assert_allclose(step.predict(X), eager.predict(X), atol=2e-4)


def test_warm_start_binds_a_new_step_per_fit(step_on_cpu):
    estimator_cls, _, X, Y, _ = make_case("wide")
    settings = {**SMALL, "max_epochs": 2, "warm_start": True}
    step = estimator_cls(**settings, cuda_graphs=True).fit(X, Y).fit(X, Y)
    eager = estimator_cls(**settings, cuda_graphs=False).fit(X, Y).fit(X, Y)
    assert len(step_on_cpu) == 2
    np.testing.assert_allclose(step.predict(X), eager.predict(X), atol=2e-4)


def test_the_step_is_released_after_the_fit(step_on_cpu):
    estimator_cls, _, X, Y, _ = make_case("wide")
    model = estimator_cls(**SMALL, cuda_graphs=True).fit(X, Y)
    assert model.net_.step_runner is None
    assert step_on_cpu[0]._dataset is None
    assert all(p.grad is None for p in model.net_.module_.parameters())
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_step_pads_the_last_batch_with_zero_weight_rows(step_on_cpu):
    estimator_cls, _, X, Y, _ = make_case("wide")
    estimator_cls(**{**SMALL, "max_epochs": 1}, cuda_graphs=True).fit(X, Y)
    runner = step_on_cpu[0]
    assert (runner.batch_size, runner.n_batches) == (32, 5)  # 150 rows
    # The buffers outlive the fit's release only as attributes; 10 padded slots.
    weights = runner._row_weight.view(5, 32)
    assert weights[:4].eq(1).all()
    assert weights[4, :22].eq(1).all() and weights[4, 22:].eq(0).all()
    assert int(runner._batch) == 5


def test_batch_larger_than_the_data_is_one_batch(step_on_cpu):
    step, eager, X = _fit_pair("missing", batch_size=1000)
    assert step_on_cpu[0].n_batches == 1
    np.testing.assert_allclose(step.predict(X), eager.predict(X), atol=2e-4)


@pytest.mark.parametrize("weighting", NOT_CAPTURABLE)
def test_gradient_and_host_side_weightings_fall_back_to_the_eager_loop(
    step_on_cpu, weighting
):
    estimator_cls, _, X, Y, _ = make_case("wide")
    params = {**SMALL, "max_epochs": 1, "loss_weighting": weighting}
    model = estimator_cls(**params, cuda_graphs="auto").fit(X, Y)
    assert step_on_cpu == []
    assert len(model.history_[-1, "batches"]) == 5  # eager: per-batch records
    with pytest.raises(ValueError, match=r"cuda_graphs=True.*loss_weighting="):
        estimator_cls(**params, cuda_graphs=True).fit(X, Y)


class _BatchCounter(Callback):
    def on_batch_end(self, net, **kwargs):
        pass


class _EpochCounter(Callback):
    def on_epoch_end(self, net, **kwargs):
        pass


def test_obstacles_name_what_prevents_capture():
    estimator_cls, _, X, Y, _ = make_case("wide")
    fast = {**SMALL, "max_epochs": 1}
    net = estimator_cls(**fast).fit(X, Y).net_
    assert capture_obstacle(net, None) is None
    assert capture_obstacle(net, [("epochs", _EpochCounter())]) is None
    # skorch's EpochScoring caches each batch's predictions in on_batch_end.
    assert "on_batch_end" in capture_obstacle(net, [EpochScoring("r2")])
    assert "on_batch_end" in capture_obstacle(net, [("count", _BatchCounter())])
    scheduler = LRScheduler(torch.optim.lr_scheduler.StepLR, step_size=1)
    assert "LRScheduler" in capture_obstacle(net, [scheduler])
    with_class = estimator_cls(**fast, optimizer=torch.optim.Adam)
    assert "optimizer" in capture_obstacle(with_class.fit(X, Y).net_, None)
    with_rmsprop = estimator_cls(**fast, optimizer="rmsprop")
    assert "RMSprop" in capture_obstacle(with_rmsprop.fit(X, Y).net_, None)


def test_auto_is_eager_on_cpu_and_true_needs_cuda(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**SMALL, "max_epochs": 1}).fit(X, Y)
    assert model.cuda_graphs == "auto"
    assert len(model.history_[-1, "batches"]) == model.history_[-1]["train_batch_count"]
    with pytest.raises(ValueError, match=r"cuda_graphs=True .*device='cuda'.*'cpu'"):
        MultiTaskRegressor(**SMALL, cuda_graphs=True).fit(X, Y)


def test_cuda_graphs_rejects_other_values(wide_regression):
    X, Y = wide_regression
    with pytest.raises(ValueError, match="cuda_graphs"):
        MultiTaskRegressor(**SMALL, cuda_graphs="always").fit(X, Y)


def test_runner_without_capture_needs_no_cuda():
    runner = StepRunner(capture=False)
    runner.release()  # unbound: nothing to free
    assert runner._graph is None


class _ReplayedGraph:
    """Stands in for torch.cuda.CUDAGraph on CPU: replay runs the step eagerly.

    A real capture records the kernels without running them, so the state of
    the module, the optimizer and the counters at ``capture_begin`` is restored
    at ``capture_end``.
    """

    runner = None

    def capture_begin(self, **kwargs):
        runner = self.runner
        self.saved = [
            (tensor, tensor.detach().clone())
            for tensor in (
                *runner._module.state_dict().values(),
                *(
                    value
                    for state in runner._optimizer.state.values()
                    for value in state.values()
                    if torch.is_tensor(value)
                ),
                runner._batch,
                runner._loss_sums,
                runner._label_totals,
                runner._weight_sums,
            )
        ]

    def capture_end(self):
        with torch.no_grad():
            for tensor, value in self.saved:
                tensor.copy_(value)

    def replay(self):
        self.runner._step()


class _Stream:
    def __init__(self, *args):
        pass

    def wait_stream(self, other):
        pass


@pytest.fixture
def fake_cuda_graphs(monkeypatch, step_on_cpu):
    """Run the capture path (warm-up, restore, record, replay) on CPU."""
    original = _captured.StepRunner

    def capturing_runner(**kwargs):
        runner = original(**{**kwargs, "capture": True})
        _ReplayedGraph.runner = runner
        return runner

    monkeypatch.setattr(_captured, "StepRunner", capturing_runner)
    monkeypatch.setattr(torch.cuda, "CUDAGraph", _ReplayedGraph)
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: None)
    monkeypatch.setattr(torch.cuda, "Stream", _Stream)
    monkeypatch.setattr(torch.cuda, "current_stream", _Stream)
    monkeypatch.setattr(torch.cuda, "stream", lambda stream: contextlib.nullcontext())
    monkeypatch.setattr(torch.cuda, "get_rng_state", lambda device: None)
    monkeypatch.setattr(torch.cuda, "set_rng_state", lambda state, device: None)
    return step_on_cpu


@pytest.mark.parametrize("layout", ["wide", "long", "classifier", "classifier_wide"])
@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd"])
def test_warm_up_before_capture_leaves_no_trace(fake_cuda_graphs, layout, optimizer):
    step, eager, X = _fit_pair(layout, optimizer=optimizer, weight_decay=0.01)
    runner = fake_cuda_graphs[0]
    assert runner.capture and runner._graph is None  # released after the fit
    np.testing.assert_allclose(predictions(step, X), predictions(eager, X), atol=2e-4)
    np.testing.assert_allclose(
        step.history_[:, "train_loss"], eager.history_[:, "train_loss"], rtol=1e-4
    )


def test_warm_up_restores_the_state_of_a_warm_started_fit(fake_cuda_graphs):
    estimator_cls, _, X, Y, _ = make_case("missing")
    settings = {**SMALL, "max_epochs": 2, "warm_start": True}
    step = estimator_cls(**settings, cuda_graphs=True, loss_weighting="uncertainty")
    eager = estimator_cls(**settings, cuda_graphs=False, loss_weighting="uncertainty")
    step.fit(X, Y).fit(X, Y)
    eager.fit(X, Y).fit(X, Y)
    assert len(fake_cuda_graphs) == 2
    np.testing.assert_allclose(step.predict(X), eager.predict(X), atol=2e-4)
    # The optimizer's capturable flag is given back after each fit.
    assert not step.net_.optimizer_.param_groups[0].get("capturable", False)
