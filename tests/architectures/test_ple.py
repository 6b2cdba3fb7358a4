"""Progressive layered extraction: one level by hand, gates, levels, both layouts."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.architectures import (
    ProgressiveLayeredExtraction,
    ProgressiveLayeredExtractionConfig,
)


def test_one_level_equals_the_cgc_computed_expert_by_expert():
    torch.manual_seed(0)
    net = ProgressiveLayeredExtraction(
        4, 2, 3, shared_layers=(5,), n_shared_experts=2, n_task_experts=2
    )
    level = net.levels[0]
    X = torch.randn(6, 4)

    def expert(layers, index):
        layer = layers.hidden[0]
        return torch.relu(X @ layer.weight[index] + layer.bias[index])

    for t in range(2):
        gate = torch.softmax(
            X @ level.task_gates.weight[t] + level.task_gates.bias[t], dim=1
        )
        # The gate's columns: the task's own experts, then the shared ones.
        experts = [expert(level.task_experts, 2 * t + k) for k in range(2)]
        experts += [expert(level.shared_experts, s) for s in range(2)]
        mixed = sum(gate[:, [i]] * experts[i] for i in range(4))
        expected = mixed @ net.heads.output.weight[t] + net.heads.output.bias[t]
        torch.testing.assert_close(net(X)[:, t], expected)


def test_the_shared_gate_feeds_the_next_level():
    torch.manual_seed(0)
    net = ProgressiveLayeredExtraction(
        4, 2, 1, shared_layers=(5,), n_levels=2, n_shared_experts=1, n_task_experts=1
    )
    bottom, top = net.levels
    X = torch.randn(6, 4)

    def expert(layers, index, inputs):
        layer = layers.hidden[0]
        return torch.relu(inputs @ layer.weight[index] + layer.bias[index])

    # Bottom level: experts [task 0, task 1, shared], gates over [own, shared].
    experts = [expert(bottom.task_experts, t, X) for t in range(2)]
    experts.append(expert(bottom.shared_experts, 0, X))
    shared_gate = torch.softmax(bottom.shared_gate(X), dim=1)
    shared_input = sum(shared_gate[:, [i]] * experts[i] for i in range(3))
    task_inputs = []
    for t in range(2):
        gate = torch.softmax(
            X @ bottom.task_gates.weight[t] + bottom.task_gates.bias[t], dim=1
        )
        task_inputs.append(gate[:, [0]] * experts[t] + gate[:, [1]] * experts[2])
    # Top level: each task's expert reads its own input, the shared expert the
    # shared input.
    shared_top = expert(top.shared_experts, 0, shared_input)
    for t in range(2):
        gate = torch.softmax(
            task_inputs[t] @ top.task_gates.weight[t] + top.task_gates.bias[t], dim=1
        )
        own = expert(top.task_experts, t, task_inputs[t])
        mixed = gate[:, [0]] * own + gate[:, [1]] * shared_top
        expected = mixed @ net.heads.output.weight[t] + net.heads.output.bias[t]
        torch.testing.assert_close(net(X)[:, t], expected)
    torch.testing.assert_close(net.forward_with_shared(X)[1][0], shared_top)


@pytest.mark.parametrize("n_levels", [1, 2])
@pytest.mark.parametrize("n_task_experts", [0, 2])
def test_shapes_and_gates(n_levels, n_task_experts):
    torch.manual_seed(0)
    net = ProgressiveLayeredExtraction(
        5,
        3,
        2,
        shared_layers=(6, 4),
        head_layers=(3,),
        n_levels=n_levels,
        n_shared_experts=2,
        n_task_experts=n_task_experts,
    )
    X = torch.randn(7, 5)
    outputs, shared = net.forward_with_shared(X)
    assert outputs.shape == (7, 3, 2)
    assert shared.shape == (2, 7, 4)
    assert net.shared_representation(X).shape == (7, 8)
    n_gated = n_task_experts + 2
    gates = net.gate_weights(X)
    assert gates.shape == (7, n_levels, 3, n_gated)
    assert torch.all(gates >= 0)
    torch.testing.assert_close(gates.sum(dim=-1), torch.ones(7, n_levels, 3))
    summary = net.summary(X)
    torch.testing.assert_close(summary["gate_weights"], gates.mean(dim=0))
    shared_gates = summary["shared_gate_weights"]
    assert shared_gates.shape == (n_levels - 1, 3 * n_task_experts + 2)
    torch.testing.assert_close(shared_gates.sum(dim=-1), torch.ones(n_levels - 1))
    assert net.summary() == {}


@pytest.mark.parametrize("n_levels", [1, 2, 3])
@pytest.mark.parametrize("n_task_experts", [0, 1, 2])
def test_long_layout_equals_the_gathered_wide_output(n_levels, n_task_experts):
    torch.manual_seed(0)
    net = ProgressiveLayeredExtraction(
        5,
        4,
        2,
        shared_layers=(6,),
        head_layers=(3,),
        n_levels=n_levels,
        n_task_experts=n_task_experts,
    )
    X = torch.randn(9, 5)
    task = torch.tensor([3, 0, 1, 2, 2, 0, 3, 3, 1])
    wide, wide_shared = net.forward_with_shared(X)
    own, own_shared = net.forward_with_shared(X, task)
    torch.testing.assert_close(own, wide[torch.arange(9), task])
    torch.testing.assert_close(own_shared, wide_shared)


def test_shared_parameters_are_the_shared_experts_and_gates():
    net = ProgressiveLayeredExtraction(4, 2, 1, shared_layers=(5,), n_levels=2)
    expected = set()
    for level in net.levels:
        expected |= {id(p) for p in level.shared_experts.parameters()}
    expected |= {id(p) for p in net.levels[0].shared_gate.parameters()}
    assert net.levels[1].shared_gate is None
    assert {id(p) for p in net.shared_parameters()} == expected


def test_fit_and_sharing_summary(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        sharing=ProgressiveLayeredExtractionConfig(
            n_levels=2, n_shared_experts=1, n_task_experts=1
        ),
        shared_layers=(8,),
        max_epochs=3,
        random_state=0,
    ).fit(X, Y)
    gate_weights = model.sharing_summary(X)["gate_weights"]
    assert gate_weights.shape == (2, 3, 2)
    np.testing.assert_allclose(gate_weights.sum(axis=-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_levels": 0}, "The 'n_levels' parameter .* Got 0 instead"),
        ({"n_shared_experts": 0}, "The 'n_shared_experts' parameter"),
        ({"n_task_experts": -1}, "The 'n_task_experts' parameter"),
        ({"n_levels": 1.5}, "The 'n_levels' parameter"),
    ],
)
def test_invalid_hyperparameters_fail_at_fit(params, message, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        sharing=ProgressiveLayeredExtractionConfig(**params), max_epochs=1
    )
    with pytest.raises(ValueError, match=message):
        model.fit(X, Y)
