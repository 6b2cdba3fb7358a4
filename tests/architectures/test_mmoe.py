"""Multi-gate mixture of experts: the mixture by hand, the gates, both layouts."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.architectures import (
    MultiGateMixtureOfExperts,
    MultiGateMixtureOfExpertsConfig,
)


def test_forward_equals_the_mixture_computed_expert_by_expert():
    torch.manual_seed(0)
    net = MultiGateMixtureOfExperts(
        4, 2, 3, shared_layers=(5,), activation="tanh", n_experts=3
    )
    X = torch.randn(6, 4)
    expert_layer, gates, head = net.experts.hidden[0], net.gates, net.heads.output
    for t in range(2):
        gate = torch.softmax(X @ gates.weight[t] + gates.bias[t], dim=1)
        mixed = sum(
            gate[:, [e]] * torch.tanh(X @ expert_layer.weight[e] + expert_layer.bias[e])
            for e in range(3)
        )
        expected = mixed @ head.weight[t] + head.bias[t]
        torch.testing.assert_close(net(X)[:, t], expected)


def test_gates_are_distributions_over_the_experts():
    torch.manual_seed(0)
    net = MultiGateMixtureOfExperts(4, 3, 1, shared_layers=(5,), n_experts=6)
    gates = net.gate_weights(torch.randn(7, 4))
    assert gates.shape == (7, 3, 6)
    assert torch.all(gates >= 0)
    torch.testing.assert_close(gates.sum(dim=-1), torch.ones(7, 3))


def test_a_single_expert_is_hard_sharing():
    torch.manual_seed(0)
    net = MultiGateMixtureOfExperts(4, 3, 2, shared_layers=(5,), n_experts=1)
    X = torch.randn(7, 4)
    torch.testing.assert_close(net.gate_weights(X), torch.ones(7, 3, 1))
    trunk = net.expert_outputs(X)[0]
    torch.testing.assert_close(net(X), net.heads(trunk))


@pytest.mark.parametrize("head_layers", [(), (3,)])
def test_long_layout_equals_the_gathered_wide_output(head_layers):
    torch.manual_seed(0)
    net = MultiGateMixtureOfExperts(
        5, 4, 2, shared_layers=(6, 4), head_layers=head_layers, n_experts=3
    )
    X = torch.randn(9, 5)
    task = torch.tensor([3, 0, 1, 2, 2, 0, 3, 3, 1])
    wide, wide_shared = net.forward_with_shared(X)
    own, own_shared = net.forward_with_shared(X, task)
    torch.testing.assert_close(own, wide[torch.arange(9), task])
    torch.testing.assert_close(own_shared, wide_shared)
    assert wide_shared.shape == (3, 9, 4)


def test_shared_parts_are_the_experts():
    net = MultiGateMixtureOfExperts(5, 2, 1, shared_layers=(6,), n_experts=3)
    assert {id(p) for p in net.shared_parameters()} == {
        id(p) for p in net.experts.parameters()
    }
    assert net.shared_representation(torch.randn(4, 5)).shape == (4, 18)


def test_sharing_summary_reports_the_mean_gate_of_each_task(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        sharing=MultiGateMixtureOfExpertsConfig(n_experts=3),
        shared_layers=(8,),
        max_epochs=3,
        random_state=0,
    ).fit(X, Y)
    assert model.sharing_summary() == {}
    summary = model.sharing_summary(X)
    gate_weights, gates = summary["gate_weights"], summary["gates"]
    assert gate_weights.shape == (3, 3)
    np.testing.assert_allclose(gate_weights.sum(axis=1), 1.0, rtol=1e-5)
    assert gates.shape == (X.shape[0], 3, 3)
    np.testing.assert_allclose(gates.mean(axis=0), gate_weights, rtol=1e-5)


@pytest.mark.parametrize("n_experts", [0, -2, 1.5])
def test_invalid_number_of_experts_fails_at_fit(n_experts, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        sharing=MultiGateMixtureOfExpertsConfig(n_experts=n_experts), max_epochs=1
    )
    with pytest.raises(ValueError, match="The 'n_experts' parameter"):
        model.fit(X, Y)


def test_empty_experts_are_rejected(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(sharing="mmoe", shared_layers=(), max_epochs=1)
    with pytest.raises(ValueError, match=r"shared_layers=\(\)"):
        model.fit(X, Y)
