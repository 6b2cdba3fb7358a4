"""The mixed loss: each label's loss by its task's type, in both layouts."""

import math

import numpy as np
import pytest
import torch

from skmtl.neural._mixed_criterion import MixedTaskLoss
from skmtl.weighting import UncertaintyWeighting

# Regression, 3-class classification, counts.
KINDS = [0, 1, 2]
INF = float("-inf")


def _outputs():
    """Two rows, three tasks, width 3: masked logits for the 3-class task."""
    return torch.tensor(
        [
            [[0.5, INF, INF], [1.0, 2.0, 0.0], [0.3, INF, INF]],
            [[-1.0, INF, INF], [0.0, 0.0, 3.0], [-0.2, INF, INF]],
        ]
    )


def _expected(outputs, targets):
    losses = np.empty(targets.shape)
    for i in range(targets.shape[0]):
        losses[i, 0] = (outputs[i, 0, 0] - targets[i, 0]) ** 2
        logits = outputs[i, 1].numpy().astype(float)
        code = int(targets[i, 1])
        losses[i, 1] = -(logits[code] - math.log(np.exp(logits).sum()))
        eta = float(outputs[i, 2, 0])
        losses[i, 2] = math.exp(eta) - float(targets[i, 2]) * eta
    return losses


def test_wide_losses_follow_each_tasks_type():
    outputs = _outputs()
    targets = torch.tensor([[1.5, 1.0, 2.0], [0.0, 2.0, 0.0]])
    loss = MixedTaskLoss(3, KINDS)
    np.testing.assert_allclose(
        loss.elementwise(outputs, targets).numpy(),
        _expected(outputs, targets),
        rtol=1e-6,
    )
    losses, totals = loss(outputs, targets)
    np.testing.assert_allclose(
        losses.numpy(), _expected(outputs, targets).mean(0), rtol=1e-6
    )
    assert totals.tolist() == [2.0, 2.0, 2.0]


def test_long_rows_take_their_own_tasks_loss():
    outputs = _outputs()
    targets = torch.tensor([[1.5, 1.0, 2.0], [0.0, 2.0, 0.0]])
    wide = _expected(outputs, targets)
    # Every (row, task) label as one row of the long layout, shuffled.
    rows = torch.tensor([0, 1, 0, 1, 0, 1])
    task = torch.tensor([2, 0, 1, 2, 0, 1])
    long_outputs = outputs[rows, task]
    long_targets = targets[rows, task]
    got = MixedTaskLoss(3, KINDS).elementwise(long_outputs, long_targets, task)
    np.testing.assert_allclose(got.numpy(), wide[rows, task], rtol=1e-6)


def test_gradients_stay_finite_when_other_kinds_would_overflow():
    # A huge classification logit in column 0: its Poisson term would overflow.
    outputs = torch.tensor([[[0.0, INF], [500.0, 0.0]]], requires_grad=True)
    targets = torch.tensor([[1.0, 1.0]])
    loss = MixedTaskLoss(2, [0, 1])(outputs, targets)[0].sum()
    loss.backward()
    assert torch.isfinite(outputs.grad).all()


def test_uncertainty_likelihood_scales():
    weighting = UncertaintyWeighting(2)
    present = torch.tensor([True, True])
    plain, _ = weighting(torch.tensor([0.5, 2.0]), present)
    weighting.set_likelihood_scales([1.0, 2.0])
    loss, weights = weighting(torch.tensor([0.5, 2.0]), present)
    # c_t exp(-s_t) L_t + s_t at s = 0: 0.5 + 2 * 2.
    assert plain.item() == pytest.approx(2.5)
    assert loss.item() == pytest.approx(4.5)
    assert weights.tolist() == [1.0, 2.0]
    assert "likelihood_scales" in weighting.state_dict()
    assert "likelihood_scales" not in UncertaintyWeighting(2).state_dict()


def test_ensemble_members_combine_by_kind():
    from skmtl.neural._mixed_criterion import MixedTaskModule

    module = MixedTaskModule.__new__(MixedTaskModule)
    torch.nn.Module.__init__(module)
    module.register_buffer("task_kinds", torch.tensor(KINDS))
    # (batch 1, 2 members, 3 tasks, width 2); class task has 2 classes.
    outputs = torch.tensor(
        [[[[1.0, INF], [0.0, 1.0], [0.0, INF]], [[3.0, INF], [2.0, 0.0], [1.0, INF]]]]
    )
    combined = module.combine(outputs, None)[0]
    assert combined[0, 0].item() == pytest.approx(2.0)  # mean value
    rate = (math.exp(0.0) + math.exp(1.0)) / 2
    assert combined[2, 0].item() == pytest.approx(math.log(rate))  # mean rate
    proba = torch.softmax(outputs[0, :, 1], dim=-1).mean(0)
    np.testing.assert_allclose(
        torch.softmax(combined[1], dim=-1).numpy(), proba.numpy(), rtol=1e-6
    )
