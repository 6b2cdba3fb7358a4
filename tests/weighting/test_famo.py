"""FAMO (Liu et al., 2023): logits driven by the decrease of the log-losses."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from skmtl.weighting import FAMO, FAMOConfig

BOTH = torch.tensor([True, True])


def test_first_batch_weights_are_inverse_losses_and_the_gradient():
    weighting = FAMO(3)
    losses = torch.tensor([1.0, 3.0, 0.0], requires_grad=True)
    loss, weights = weighting(losses, torch.tensor([True, True, False]))
    # z uniform: effective weights c z_t / L_t = (1/L_t) / sum_s (1/L_s).
    np.testing.assert_allclose(weights.numpy(), [0.75, 0.25, 0.0], rtol=1e-6)
    assert loss.item() == pytest.approx(0.75 * np.log(1.0) + 0.75 * np.log(3.0))
    loss.backward()
    np.testing.assert_allclose(losses.grad.numpy(), weights.numpy(), rtol=1e-6)
    assert (weighting.logits == 0).all()  # no previous batch: no update


def test_first_update_is_one_adam_step_towards_the_slower_task():
    weighting = FAMO(2, w_lr=0.025)
    weighting(torch.tensor([1.0, 1.0]), BOTH)
    # Task 0's log-loss fell by log 2, task 1's by log 1.25.
    weighting(torch.tensor([0.5, 0.8]), BOTH)
    # Adam's first step moves each logit by w_lr against the sign of its gradient.
    np.testing.assert_allclose(weighting.logits.numpy(), [-0.025, 0.025], rtol=1e-4)


def _run(weighting, n_steps=200):
    # Open loop: task 0's loss falls by 2% per step, task 1's by 0.5%.
    for step in range(n_steps):
        losses = torch.tensor([0.98**step, 0.995**step])
        _, weights = weighting(losses, BOTH)
        assert weights.sum().item() == pytest.approx(1.0, rel=1e-5)
    return losses, weights


def test_slower_decreasing_task_gets_the_larger_weight():
    weighting = FAMO(2)
    losses, weights = _run(weighting)
    z = torch.softmax(weighting.logits, dim=0)
    assert z[1] > 0.6 > 0.4 > z[0]
    expected = (z / losses) / (z / losses).sum()
    np.testing.assert_allclose(weights.numpy(), expected.numpy(), rtol=1e-5)
    # Relative to the log-loss baseline (z uniform: weights proportional to
    # 1 / L_t), the slow task is up-weighted by z_1 / z_0.
    baseline = losses[0] / losses[1]
    assert weights[1] / weights[0] > 1.5 * baseline
    # Without the logits' weight decay, the slow task gets the larger effective
    # weight even though its loss is 20 times larger.
    _, weights = _run(FAMO(2, gamma=0.0))
    assert weights[1] > 0.7 > 0.3 > weights[0]


def test_tasks_missing_from_either_batch_are_not_updated():
    weighting = FAMO(3)
    weighting(torch.tensor([1.0, 1.0, 0.0]), torch.tensor([True, True, False]))
    weighting(torch.tensor([0.5, 0.9, 2.0]), torch.tensor([True, True, True]))
    assert weighting.logits[2] == 0 and weighting.adam_steps[2] == 0
    assert weighting.logits[0] < 0 < weighting.logits[1]
    weighting(torch.tensor([0.4, 0.0, 1.0]), torch.tensor([True, False, True]))
    assert weighting.logits[1].item() == pytest.approx(0.025, rel=1e-3)
    assert weighting.adam_steps.tolist() == [2.0, 1.0, 1.0]
    assert torch.isfinite(weighting.logits).all()


def test_zero_loss_stays_finite():
    weighting = FAMO(2)
    losses = torch.tensor([0.0, 1.0], requires_grad=True)
    loss, weights = weighting(losses, BOTH)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(losses.grad).all()
    assert weights.sum().item() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"gamma": -0.1}, "The 'gamma' parameter"),
        ({"w_lr": 0.0}, "The 'w_lr' parameter"),
        ({"min_loss": 0.0}, "The 'min_loss' parameter"),
    ],
)
def test_rejects_bad_hyperparameters(params, message):
    with pytest.raises(ValueError, match=message):
        FAMOConfig(**params).build(2)


def test_fits_end_to_end_with_missing_labels():
    X, Y = make_multitask_regression(
        n_samples=100, n_features=5, n_tasks=3, missing_rate=0.3, random_state=0
    )
    model = MultiTaskRegressor(
        loss_weighting="famo", shared_layers=(8,), max_epochs=5, random_state=0
    ).fit(X, Y)
    assert model.task_weights_.shape == (5, 3)
    assert np.isfinite(model.task_weights_).all()
    assert np.isfinite(model.predict(X)).all()
    np.testing.assert_allclose(model.task_weights_.sum(axis=1), 1.0, rtol=1e-5)
    assert (model.net_.module_.weighting.logits != 0).all()
