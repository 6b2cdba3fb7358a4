"""GradNorm (Chen et al., 2018): weights that balance per-task gradient norms."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from skmtl.weighting import GradNorm, GradNormConfig

PRESENT = torch.tensor([True, True, False])


def _features():
    generator = torch.Generator().manual_seed(0)
    return torch.randn(16, 4, generator=generator, requires_grad=True)


def test_smaller_gradient_task_gains_weight():
    features = _features()
    weighting = GradNorm(3)
    for _ in range(100):
        base = (features**2).mean()
        # Same training rate (L_t / L_t(0) = 1), gradients 10x apart; task 2 absent.
        losses = torch.stack([base, 10 * base, torch.zeros(())])
        loss, weights = weighting(losses, PRESENT, features=features)
        loss.backward()  # the graph is still usable after the weight update
        w = weighting.task_weights
        assert (w >= 0).all()
        assert w.sum().item() == pytest.approx(3.0, rel=1e-5)
        assert w[2].item() == 1.0
        assert weights[2].item() == 0.0
    # Equal G_t = w_t ||dL_t/dh|| needs w_0 = 10 w_1 with w_0 + w_1 = 2.
    np.testing.assert_allclose(w[:2].numpy(), [20 / 11, 2 / 11], atol=0.15)


def test_slower_training_task_gains_weight():
    features = _features()
    weighting = GradNorm(2, alpha=1.5)
    base = (features**2).mean()
    weighting(torch.stack([base, base]), PRESENT[:2], features=features)
    # Task 0's loss halved since L(0), task 1's did not: task 1 trains slower.
    base = (features**2).mean()
    weighting(torch.stack([0.5 * base, base]), PRESENT[:2], features=features)
    w = weighting.task_weights
    assert w[1] > 1.0 > w[0]
    assert w.sum().item() == pytest.approx(2.0)


def test_loss_and_weights_use_the_weights_before_the_update():
    weighting = GradNorm(3)
    with torch.no_grad():
        weighting.task_weights.copy_(torch.tensor([1.5, 0.5, 1.0]))
    losses = torch.tensor([2.0, 4.0, 0.0], requires_grad=True)
    loss, weights = weighting(losses, PRESENT)
    # Without features (outside the estimators) nothing is updated.
    np.testing.assert_allclose(weighting.task_weights.numpy(), [1.5, 0.5, 1.0])
    np.testing.assert_allclose(weights.numpy(), [0.5, 1 / 6, 0.0], rtol=1e-6)
    assert loss.item() == pytest.approx((1.5 * 2 + 0.5 * 4) / 3)
    loss.backward()
    np.testing.assert_allclose(losses.grad.numpy(), weights.numpy())


def test_initial_losses_recorded_when_a_task_first_appears():
    features = _features()
    weighting = GradNorm(3)
    base = (features**2).mean()
    weighting(torch.stack([base, 2 * base, base * 0]), PRESENT, features=features)
    assert torch.isnan(weighting.initial_losses[2])
    first = weighting.initial_losses[:2].clone()
    base = (features**2).mean()
    weighting(torch.stack([3 * base] * 3), torch.ones(3, dtype=torch.bool), features)
    np.testing.assert_allclose(weighting.initial_losses[:2].numpy(), first.numpy())
    assert weighting.initial_losses[2].item() == pytest.approx(3 * base.item())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alpha": -1.0}, "The 'alpha' parameter"),
        ({"weight_lr": 0.0}, "The 'weight_lr' parameter"),
    ],
)
def test_rejects_bad_hyperparameters(params, message):
    with pytest.raises(ValueError, match=message):
        GradNormConfig(**params).build(2)


def test_fits_end_to_end_with_missing_labels():
    X, Y = make_multitask_regression(
        n_samples=100, n_features=5, n_tasks=3, missing_rate=0.3, random_state=0
    )
    model = MultiTaskRegressor(
        loss_weighting="gradnorm", shared_layers=(8,), max_epochs=5, random_state=0
    ).fit(X, Y)
    assert model.task_weights_.shape == (5, 3)
    assert np.isfinite(model.task_weights_).all()
    assert np.isfinite(model.predict(X)).all()
    w = model.net_.module_.weighting.task_weights
    assert (w >= 0).all() and w.sum().item() == pytest.approx(3.0, rel=1e-5)
    assert not torch.equal(w, torch.ones(3))  # the weights were updated in training
    # One batch per epoch with every task present: the recorded w_t / T sum to 1.
    np.testing.assert_allclose(model.task_weights_.sum(axis=1), 1.0, rtol=1e-5)
