"""Uncertainty weighting (Kendall et al., 2018): learned variances track the losses."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from skmtl.weighting import UncertaintyWeighting


def test_loss_weights_and_variances():
    weighting = UncertaintyWeighting(3)
    with torch.no_grad():
        weighting.log_vars.copy_(torch.tensor([0.0, np.log(2.0), 1.0]))
    losses = torch.tensor([1.0, 4.0, 7.0])
    loss, weights = weighting(losses, torch.tensor([True, True, False]))
    # exp(-0) * 1 + 0  +  exp(-log 2) * 4 + log 2; the absent task adds nothing.
    assert loss.item() == pytest.approx(1.0 + 2.0 + np.log(2.0), rel=1e-6)
    np.testing.assert_allclose(weights.numpy(), [1.0, 0.5, 0.0], rtol=1e-6)
    np.testing.assert_allclose(weighting.variances.numpy(), [1.0, 2.0, np.e], rtol=1e-6)


def test_absent_task_gets_no_gradient():
    weighting = UncertaintyWeighting(2)
    losses = torch.tensor([2.0, 0.0], requires_grad=True)
    loss, _ = weighting(losses, torch.tensor([True, False]))
    loss.backward()
    assert weighting.log_vars.grad[1] == 0
    assert losses.grad[1] == 0
    assert weighting.log_vars.grad[0] != 0


def test_optimum_for_fixed_losses_is_the_log_loss():
    fixed = torch.tensor([0.01, 0.5, 3.0])
    present = torch.ones(3, dtype=torch.bool)
    weighting = UncertaintyWeighting(3)
    # The gradient in s vanishes at s = log L ...
    with torch.no_grad():
        weighting.log_vars.copy_(fixed.log())
    weighting(fixed, present)[0].backward()
    np.testing.assert_allclose(weighting.log_vars.grad.numpy(), 0.0, atol=1e-6)
    # ... and gradient descent from s = 0 reaches it.
    weighting = UncertaintyWeighting(3)
    optimizer = torch.optim.Adam(weighting.parameters(), lr=0.05)
    for _ in range(400):
        optimizer.zero_grad()
        weighting(fixed, present)[0].backward()
        optimizer.step()
    np.testing.assert_allclose(
        weighting.log_vars.detach().numpy(), fixed.log(), atol=1e-3
    )


def test_learned_variances_match_the_noise_levels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    a, b = rng.normal(size=3), rng.normal(size=3)
    Y = np.column_stack(
        [X @ a + 0.1 * rng.normal(size=400), X @ b + 1.0 * rng.normal(size=400)]
    )
    # batch_size=100 (4 steps per epoch) lets the log-variances converge in 200
    # epochs at lr=0.01; with one or two steps per epoch they are still moving.
    model = MultiTaskRegressor(
        loss_weighting="uncertainty",
        standardize_targets=False,
        shared_layers=(16,),
        max_epochs=200,
        batch_size=100,
        lr=0.01,
        random_state=0,
        n_threads=1,  # 800 tiny steps: thread start-up would dominate
    ).fit(X, Y)
    variances = model.net_.module_.weighting.variances.numpy()
    assert variances[1] > 20 * variances[0]
    # The optimum exp(s_t) = L_t: each variance is the task's training MSE
    # (about the noise variances 0.01 and 1).
    final = list(model.history_[-1, "train_task_loss"].values())
    np.testing.assert_allclose(variances, final, rtol=0.25)
    np.testing.assert_allclose(model.task_weights_[-1], 1 / variances, rtol=0.05)


def test_fits_end_to_end_with_missing_labels():
    X, Y = make_multitask_regression(
        n_samples=100, n_features=5, n_tasks=3, missing_rate=0.3, random_state=0
    )
    model = MultiTaskRegressor(
        loss_weighting="uncertainty", shared_layers=(8,), max_epochs=5, random_state=0
    ).fit(X, Y)
    assert model.task_weights_.shape == (5, 3)
    assert np.isfinite(model.task_weights_).all()
    assert np.isfinite(model.predict(X)).all()
