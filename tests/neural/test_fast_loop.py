"""The fast-path overrides of skorch behave as skorch's own methods do.

If one of these tests fails after a skorch upgrade, skorch changed something
that ``skmtl/neural/_fast_loop.py`` (or ``MultiTaskNet.train_step_single`` /
``infer``) relies on: compare the named skorch method with the override, adapt
the override, then this test.
"""

import inspect

import numpy as np
import pytest
import skorch
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.utils import to_tensor

from skmtl import MultiTaskRegressor
from skmtl.neural import _base
from skmtl.neural._fast_loop import FastTrainingLoopMixin
from skmtl.neural._net import MultiTaskNet
from tests.conftest import FAST

# Methods of the mixin that stand in for a step of skorch's code rather than
# for a NeuralNet method of the same name, with skorch's step.
_STEP_STAND_INS = {
    "batch_to_device": lambda net, x: to_tensor(x, device=net.device),
    # skorch has no step to compare with: see test_warm_start_needs_plain_attributes.
    "prepare_warm_start": FastTrainingLoopMixin.prepare_warm_start,
}
# MultiTaskNet's copies of skorch methods (through skorch's override points)
# that reproduce skorch's behaviour for a weighting without shared features.
_COPIED_OVERRIDES = ("train_step_single", "infer")


def _mixin_methods():
    return [
        name
        for name, value in vars(FastTrainingLoopMixin).items()
        if inspect.isfunction(value)
    ]


class SkorchLoopNet(MultiTaskNet):
    """MultiTaskNet with every fast path replaced by skorch's own code."""


for _name in _mixin_methods():
    setattr(
        SkorchLoopNet,
        _name,
        _STEP_STAND_INS[_name] if _name in _STEP_STAND_INS else vars(NeuralNet)[_name],
    )
for _name in _COPIED_OVERRIDES:
    setattr(SkorchLoopNet, _name, vars(NeuralNet)[_name])


class CallLog(Callback):
    """Record every callback notification: its hook and training flag."""

    def initialize(self):
        self.calls = []
        return super().initialize()

    def _log(self, hook, training=None):
        self.calls.append((hook, training))

    def on_train_begin(self, net, **kwargs):
        self._log("on_train_begin")

    def on_train_end(self, net, **kwargs):
        self._log("on_train_end")

    def on_epoch_begin(self, net, **kwargs):
        self._log("on_epoch_begin")

    def on_epoch_end(self, net, **kwargs):
        self._log("on_epoch_end")

    def on_batch_begin(self, net, training=None, **kwargs):
        self._log("on_batch_begin", training)

    def on_batch_end(self, net, training=None, **kwargs):
        self._log("on_batch_end", training)

    def on_grad_computed(self, net, named_parameters, training=None, **kwargs):
        self._log("on_grad_computed", training)


def _fit(net_class, monkeypatch, X, y, params, warm_epochs):
    monkeypatch.setattr(_base, "MultiTaskNet", net_class)
    log = CallLog()
    model = MultiTaskRegressor(**params, callbacks=[("log", log)]).fit(X, y)
    assert type(model.net_) is net_class
    model.set_params(max_epochs=warm_epochs, warm_start=True).fit(X, y)
    return model, log.calls


def _without_durations(history):
    return [{k: v for k, v in row.items() if k != "dur"} for row in history]


@pytest.mark.parametrize("layout", ["wide, validation split", "long"])
def test_fast_paths_train_exactly_like_skorchs_own_methods(layout, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(70, 4))
    params = {**FAST, "max_epochs": 3, "batch_size": 16, "dropout": 0.1}
    if layout == "long":
        task = rng.integers(0, 3, 70)
        y = X[:, 0] + task
        X = np.column_stack([X, task])
        params["task_column"] = -1
    else:
        y = X[:, :3] + rng.normal(size=(70, 3))
        params["early_stopping"] = True
    fast, fast_calls = _fit(MultiTaskNet, monkeypatch, X, y, params, 2)
    slow, slow_calls = _fit(SkorchLoopNet, monkeypatch, X, y, params, 2)

    assert fast_calls == slow_calls, "callbacks notified differently"
    assert ("on_grad_computed", True) in fast_calls
    assert _without_durations(fast.history_) == _without_durations(slow.history_)
    assert len(fast.history_) == 5
    batch = fast.history_[0]["batches"][0]
    assert set(batch) == {"train_loss", "train_batch_size"}
    np.testing.assert_array_equal(fast.predict(X), slow.predict(X))


def test_overrides_keep_skorchs_signatures():
    # An override with another signature would no longer be called the way
    # skorch's fit loop calls the method it replaces.
    for name in [*_mixin_methods(), *_COPIED_OVERRIDES]:
        if name in _STEP_STAND_INS:
            continue
        ours = inspect.signature(getattr(MultiTaskNet, name))
        skorchs = inspect.signature(vars(NeuralNet)[name])
        assert list(ours.parameters)[: len(skorchs.parameters)] == list(
            skorchs.parameters
        ), (
            f"skorch {skorch.__version__} changed NeuralNet.{name}{skorchs}; "
            f"MultiTaskNet.{name}{ours} overrides it (skmtl/neural/_fast_loop.py)"
        )


def test_every_mixin_method_is_an_override_or_a_named_stand_in():
    for name in _mixin_methods():
        assert name in vars(NeuralNet) or name in _STEP_STAND_INS, name
        assert name not in vars(NeuralNet) or name not in _STEP_STAND_INS, name


def test_warm_start_needs_plain_attributes(wide_regression):
    # prepare_warm_start writes attributes because skorch's set_params refuses
    # an iterator parameter on an initialised net; if skorch accepts it one day,
    # prepare_warm_start can use set_params.
    X, Y = wide_regression
    net = MultiTaskRegressor(**FAST).fit(X, Y).net_
    generator = torch.Generator().manual_seed(1)
    with pytest.raises(ValueError, match="Something went wrong"):
        net.set_params(iterator_train__generator=generator)
    net.prepare_warm_start(shuffle_seed=3, dropout_seed=4, max_epochs=2)
    # skorch reads the attribute when it builds the next fit's iterator.
    params = net.get_params_for("iterator_train")
    assert params["generator"] is net.iterator_train__generator
    assert torch.equal(
        params["generator"].get_state(), torch.Generator().manual_seed(3).get_state()
    )
    assert net.max_epochs == 2
