"""Contract tests for every registered sharing architecture, plus the layers."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.architectures import (
    ARCHITECTURES,
    Architecture,
    ArchitectureConfig,
    HardSharing,
    HardSharingConfig,
    SoftSharingConfig,
)
from skmtl.architectures._layers import TaskLinear, TaskMLP, use_own_task_rows
from skmtl.architectures._row_linear import row_linear
from skmtl.utils import Registry
from tests.conftest import FAST

NAMES = ARCHITECTURES.names()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "n_tasks, head_width",
    # 20 tasks x 16 units: the long layout maps rows by their own task's weights.
    [(4, 5), (20, 16)],
)
def test_architecture_shapes_and_row_gathering(name, n_tasks, head_width):
    torch.manual_seed(0)
    architecture = ARCHITECTURES.resolve(name)(
        6, n_tasks, 3, shared_layers=(8,), head_layers=(head_width,), activation="tanh"
    )
    assert isinstance(architecture, Architecture)
    assert architecture.name == name
    X = torch.randn(10, 6)
    task = torch.tensor([0, 1, 2, 3, 0, 1, 2, 3, 3, 3]) * (n_tasks // 4)
    every = architecture(X)
    own = architecture(X, task)
    assert every.shape == (10, n_tasks, 3)
    assert own.shape == (10, 3)
    torch.testing.assert_close(every[torch.arange(10), task], own, atol=1e-6, rtol=1e-5)
    # The gradients of each row's own output are those of the same outputs taken
    # from every task's.
    weights = torch.randn(10, 3)
    every_grads = torch.autograd.grad(
        (every[torch.arange(10), task] * weights).sum(),
        architecture.parameters(),
        allow_unused=True,
    )
    own_grads = torch.autograd.grad(
        (own * weights).sum(), architecture.parameters(), allow_unused=True
    )
    for every_grad, own_grad in zip(every_grads, own_grads):
        if every_grad is None or own_grad is None:
            assert every_grad is None or not every_grad.any()
            assert own_grad is None or not own_grad.any()
        else:
            torch.testing.assert_close(every_grad, own_grad, atol=1e-5, rtol=1e-4)
    assert architecture.shared_representation(X).shape[0] == 10
    for parameter in architecture.shared_parameters():
        assert isinstance(parameter, torch.nn.Parameter)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("estimator_cls", [MultiTaskRegressor, MultiTaskClassifier])
def test_every_architecture_fits_predicts_and_pickles(
    name, estimator_cls, wide_regression
):
    X, Y = wide_regression
    if estimator_cls is MultiTaskClassifier:
        Y = np.where(np.isnan(Y), np.nan, (Y > 0).astype(float))
    model = estimator_cls(**FAST, sharing=name).fit(X, Y)
    prediction = model.predict(X)
    assert prediction.shape == Y.shape
    assert model.task_weights_.shape == (FAST["max_epochs"], Y.shape[1])
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), prediction)
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    assert not hasattr(cloned, "net_")


def test_hard_sharing_shares_the_trunk_and_independent_shares_nothing():
    hard = ARCHITECTURES.resolve("hard")(6, 3, 1, shared_layers=(8,))
    independent = ARCHITECTURES.resolve("independent")(6, 3, 1, shared_layers=(8,))
    assert {id(p) for p in hard.shared_parameters()} == {
        id(p) for p in hard.trunk.parameters()
    }
    assert independent.shared_parameters() == []
    # The independent towers: one (6 -> 8) layer per task, stacked.
    assert independent.towers.hidden[0].weight.shape == (3, 6, 8)


def test_independent_tasks_do_not_influence_each_other():
    torch.manual_seed(0)
    architecture = ARCHITECTURES.resolve("independent")(4, 2, 1, shared_layers=(5,))
    X = torch.randn(7, 4)
    loss = architecture(X)[:, 0].sum()
    loss.backward()
    first_layer = architecture.towers.hidden[0].weight.grad
    assert first_layer[0].abs().sum() > 0
    assert first_layer[1].abs().sum() == 0


def test_task_linear_equals_one_linear_layer_per_task():
    torch.manual_seed(0)
    layer = TaskLinear(3, 4, 2)
    X = torch.randn(5, 4)
    stacked = layer(X)  # task-major (3, 5, 2)
    for t in range(3):
        expected = X @ layer.weight[t] + layer.bias[t]
        torch.testing.assert_close(stacked[t], expected)


def test_row_linear_maps_each_row_by_its_own_task_with_exact_gradients():
    torch.manual_seed(0)
    x = torch.randn(7, 4, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(5, 4, 3, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    task = torch.tensor([4, 0, 4, 2, 2, 2, 1])
    expected = torch.stack([x[i] @ weight[t] + bias[t] for i, t in enumerate(task)])
    torch.testing.assert_close(row_linear(x, weight, bias, task), expected)

    def function(x, weight, bias):
        return row_linear(x, weight, bias, task)

    assert torch.autograd.gradcheck(function, (x, weight, bias))
    assert torch.autograd.gradgradcheck(function, (x, weight, bias))
    # A task with no row gets a zero gradient, not a missing one.
    row_linear(x, weight, bias, task).sum().backward()
    assert not weight.grad[3].any() and weight.grad[0].any()


def test_task_linear_takes_own_task_rows_only_with_many_task_outputs():
    assert not use_own_task_rows(4, 512)
    assert not use_own_task_rows(100, 1)
    assert use_own_task_rows(100, 32)
    assert use_own_task_rows(1000, 1)
    torch.manual_seed(0)
    layer = TaskLinear(40, 6, 32)
    X = torch.randn(9, 6)
    task = torch.randint(0, 40, (9,))
    torch.testing.assert_close(
        layer(X, task), layer(X).transpose(0, 1)[torch.arange(9), task]
    )


def test_task_mlp_heads_run_without_a_python_loop_over_tasks():
    # 1000 tasks cost one batched op per layer: the module holds one tensor per
    # layer, not one submodule per task.
    heads = TaskMLP(1000, 16, (8,), 1, "relu", 0.0)
    assert len(list(heads.parameters())) == 4
    assert heads(torch.randn(3, 16)).shape == (3, 1000, 1)


class ScaledHard(HardSharing):
    name = "scaled_hard"

    def __init__(self, n_features, n_tasks, n_outputs, *, scale=1.0, **kwargs):
        super().__init__(n_features, n_tasks, n_outputs, **kwargs)
        self.scale = scale

    def forward(self, X, task=None):
        return self.scale * super().forward(X, task)


class ScaledHardConfig(ArchitectureConfig):
    plugin = ScaledHard

    def __init__(self, scale=1.0):
        self.scale = scale


def test_an_unregistered_configuration_builds_its_architecture(wide_regression):
    X, Y = wide_regression
    config = ScaledHardConfig(scale=0.5)
    model = MultiTaskRegressor(**FAST, sharing=config).fit(X, Y)
    assert model.net_.module_.architecture.scale == 0.5
    assert model.get_params()["sharing__scale"] == 0.5


def test_sharing_params_is_a_deprecated_alias(wide_regression):
    X, Y = wide_regression
    with pytest.warns(FutureWarning, match="sharing_params is deprecated"):
        by_class = MultiTaskRegressor(
            **FAST, sharing=ScaledHard, sharing_params={"scale": 0.5}
        ).fit(X, Y)
    assert by_class.net_.module_.architecture.scale == 0.5
    with pytest.warns(FutureWarning, match=r"sharing=SoftSharingConfig\(\*\*"):
        by_name = MultiTaskRegressor(
            **FAST, sharing="soft", sharing_params={"penalty_strength": 0.5}
        ).fit(X, Y)
    by_config = MultiTaskRegressor(
        **FAST, sharing=SoftSharingConfig(penalty_strength=0.5)
    ).fit(X, Y)
    np.testing.assert_array_equal(by_name.predict(X), by_config.predict(X))
    with (
        pytest.warns(FutureWarning),
        pytest.raises(TypeError, match=r"sharing_params=.* unknown hyper.*\['scale'\]"),
    ):
        MultiTaskRegressor(**FAST, sharing="hard", sharing_params={"scale": 2}).fit(
            X, Y
        )


def test_registry_rejects_duplicates_and_non_plugins():
    registry = Registry("sharing architecture", Architecture, "sharing")
    registry.register(HardSharingConfig)
    assert registry.resolve("hard") is HardSharing
    assert registry.resolve(HardSharing) is HardSharing
    assert registry.resolve(HardSharingConfig()) is HardSharing
    assert registry.config_class(HardSharing) is HardSharingConfig
    assert registry.config_class(ScaledHard) is None

    class Other(HardSharing):
        name = "hard"

    class OtherConfig(ArchitectureConfig):
        plugin = Other

    with pytest.raises(ValueError, match="already taken by HardSharing"):
        registry.register(OtherConfig)
    with pytest.raises(TypeError, match="subclass of Architecture"):
        registry.register(HardSharing)
    with pytest.raises(TypeError, match="subclass of Architecture"):
        registry.resolve(int)
    with pytest.raises(ValueError, match="Unknown sharing architecture sharing='x'"):
        registry.resolve("x")


@pytest.mark.parametrize("sharing", ["hard", "independent"])
def test_no_hidden_layer_gives_linear_models(sharing, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "shared_layers": ()}, sharing=sharing)
    prediction = model.fit(X, Y).predict(X)
    assert prediction.shape == Y.shape and np.isfinite(prediction).all()
    width = X.shape[1] * (Y.shape[1] if sharing == "independent" else 1)
    assert model.transform(X).shape == (len(X), width)
