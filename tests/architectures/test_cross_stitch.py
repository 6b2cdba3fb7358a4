"""Cross-stitch networks: initial units, the mixing by hand, learning the units."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.architectures import CrossStitch, CrossStitchConfig


def test_initial_stitch_matrices_follow_self_weight():
    net = CrossStitch(4, 3, 1, shared_layers=(5, 5), self_weight=0.7)
    expected = torch.tensor(
        [[0.7, 0.15, 0.15], [0.15, 0.7, 0.15], [0.15, 0.15, 0.7]]
    ).expand(2, 3, 3)
    torch.testing.assert_close(net.stitch_matrices(), expected)
    single = CrossStitch(4, 1, 1, shared_layers=(5, 5, 5), self_weight=0.7)
    torch.testing.assert_close(single.stitch_matrices(), torch.ones(3, 1, 1))


def test_one_task_is_a_plain_mlp_column():
    torch.manual_seed(0)
    net = CrossStitch(4, 1, 2, shared_layers=(5, 3), activation="tanh")
    X = torch.randn(6, 4)
    hidden = X
    for layer in net.columns:
        hidden = torch.tanh(hidden @ layer.weight[0] + layer.bias[0])
    expected = hidden @ net.heads.output.weight[0] + net.heads.output.bias[0]
    torch.testing.assert_close(net(X)[:, 0], expected)


def test_units_mix_the_columns_after_each_layer():
    torch.manual_seed(0)
    net = CrossStitch(4, 2, 1, shared_layers=(5, 3))
    with torch.no_grad():
        net.alpha.copy_(torch.tensor([[[0.6, 0.4], [0.1, 0.9]], [[1.0, -0.5], [2, 0]]]))
    X = torch.randn(6, 4)
    columns = [X, X]
    for layer, alpha in zip(net.columns, net.alpha):
        activations = [
            torch.relu(columns[t] @ layer.weight[t] + layer.bias[t]) for t in range(2)
        ]
        columns = [
            alpha[t, 0] * activations[0] + alpha[t, 1] * activations[1]
            for t in range(2)
        ]
    outputs, shared = net.forward_with_shared(X)
    for t in range(2):
        expected = columns[t] @ net.heads.output.weight[t] + net.heads.output.bias[t]
        torch.testing.assert_close(outputs[:, t], expected)
        torch.testing.assert_close(shared[t], activations[t])


def test_long_layout_equals_the_gathered_wide_output():
    torch.manual_seed(0)
    net = CrossStitch(5, 3, 2, shared_layers=(6, 4), head_layers=(3,))
    X = torch.randn(8, 5)
    task = torch.tensor([2, 0, 1, 1, 0, 2, 2, 0])
    torch.testing.assert_close(net(X, task), net(X)[torch.arange(8), task])


def test_shared_parts_are_the_stitch_units():
    net = CrossStitch(5, 3, 1, shared_layers=(6, 4))
    assert net.shared_parameters() == [net.alpha]
    assert net.shared_representation(torch.randn(7, 5)).shape == (7, 12)


def test_training_learns_the_stitch_matrices(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        sharing="cross_stitch",
        shared_layers=(8, 4),
        max_epochs=1,
        batch_size=X.shape[0],
        random_state=0,
    ).fit(X, Y)
    matrices = model.sharing_summary()["stitch_matrices"]
    assert matrices.shape == (2, 3, 3)
    initial = CrossStitch(6, 3, 1, shared_layers=(8, 4)).stitch_matrices().numpy()
    # One Adam step moves every entry that receives a gradient by about lr.
    change = np.abs(matrices - initial)
    assert np.all(change > 1e-4)
    np.testing.assert_allclose(change, model.lr, rtol=0.2)


def test_gradients_reach_every_stitch_entry():
    torch.manual_seed(0)
    net = CrossStitch(4, 3, 1, shared_layers=(5, 5))
    net(torch.randn(6, 4)).sum().backward()
    assert torch.all(net.alpha.grad != 0)


@pytest.mark.parametrize("self_weight", [-0.1, 1.5, "high"])
def test_invalid_self_weight_fails_at_fit(self_weight, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        sharing=CrossStitchConfig(self_weight=self_weight), max_epochs=1
    )
    with pytest.raises(ValueError, match=r"sharing: The 'self_weight' parameter"):
        model.fit(X, Y)
