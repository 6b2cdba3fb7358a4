"""Dynamic Weight Average (Liu et al., 2019): weights from epoch loss ratios."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from skmtl.weighting import (
    DynamicWeightAverage,
    DynamicWeightAverageConfig,
    EqualWeighting,
)

ALL = torch.ones(3, dtype=torch.bool)


def _dwa(ratios, temperature=2.0):
    ratios = np.asarray(ratios, dtype=float)
    scores = np.exp(ratios / temperature)
    return len(ratios) * scores / scores.sum()


def test_weights_follow_the_formula_over_a_sequence_of_epochs():
    weighting = DynamicWeightAverage(3, temperature=2.0)
    losses = torch.tensor([2.0, 3.0, 4.0])
    # Epochs 1 and 2 use w = 1: the loss is the equal weighting's mean.
    for epoch_losses in (None, [1.0, 2.0, 4.0]):
        if epoch_losses is not None:
            weighting.end_epoch(torch.tensor(epoch_losses))
        loss, weights = weighting(losses, ALL)
        np.testing.assert_allclose(weights.numpy(), 1 / 3)
        assert loss.item() == pytest.approx(EqualWeighting(3)(losses, ALL)[0].item())
    # Epoch 3: r = L(2) / L(1).
    weighting.end_epoch(torch.tensor([0.5, 1.8, 4.0]))
    expected = _dwa([0.5, 0.9, 1.0])
    np.testing.assert_allclose(weighting.epoch_weights.numpy(), expected, rtol=1e-6)
    loss, weights = weighting(losses, ALL)
    np.testing.assert_allclose(weights.numpy(), expected / 3, rtol=1e-6)
    assert loss.item() == pytest.approx((expected * [2.0, 3.0, 4.0]).sum() / 3)
    # Epoch 4: r = L(3) / L(2).
    weighting.end_epoch(torch.tensor([0.4, 1.8, 1.0]))
    np.testing.assert_allclose(
        weighting.epoch_weights.numpy(), _dwa([0.8, 1.0, 0.25]), rtol=1e-6
    )
    assert weighting.epoch_weights.sum().item() == pytest.approx(3.0)


def test_temperature_flattens_the_weights():
    sharp, flat = DynamicWeightAverage(2, temperature=0.1), DynamicWeightAverage(2)
    for weighting in (sharp, flat):
        weighting.end_epoch(torch.tensor([1.0, 1.0]))
        weighting.end_epoch(torch.tensor([0.5, 1.0]))
    np.testing.assert_allclose(sharp.epoch_weights.numpy(), _dwa([0.5, 1.0], 0.1))
    assert sharp.epoch_weights[1] > flat.epoch_weights[1] > 1.0


def test_nan_epoch_loss_gives_ratio_one():
    weighting = DynamicWeightAverage(3)
    weighting.end_epoch(torch.tensor([1.0, np.nan, 2.0]))
    weighting.end_epoch(torch.tensor([0.5, 1.0, np.nan]))
    np.testing.assert_allclose(weighting.epoch_weights.numpy(), _dwa([0.5, 1.0, 1.0]))
    weighting.end_epoch(torch.tensor([0.5, 0.5, 1.0]))
    np.testing.assert_allclose(weighting.epoch_weights.numpy(), _dwa([1.0, 0.5, 1.0]))
    assert torch.isfinite(weighting.epoch_weights).all()


def test_absent_task_contributes_nothing_and_the_mean_is_over_present_tasks():
    weighting = DynamicWeightAverage(3)
    weighting.end_epoch(torch.tensor([1.0, 1.0, 1.0]))
    weighting.end_epoch(torch.tensor([0.5, 1.0, 2.0]))
    expected = _dwa([0.5, 1.0, 2.0])
    losses = torch.tensor([2.0, 0.0, 4.0], requires_grad=True)
    loss, weights = weighting(losses, torch.tensor([True, False, True]))
    np.testing.assert_allclose(
        weights.detach().numpy(), [expected[0] / 2, 0.0, expected[2] / 2], rtol=1e-6
    )
    loss.backward()
    np.testing.assert_allclose(losses.grad.numpy(), weights.detach().numpy())


def test_rejects_a_non_positive_temperature():
    with pytest.raises(ValueError, match=r"The 'temperature' parameter .* Got 0"):
        DynamicWeightAverageConfig(temperature=0).build(2)


def test_estimator_weights_follow_the_recorded_epoch_losses():
    X, Y = make_multitask_regression(
        n_samples=100, n_features=5, n_tasks=3, missing_rate=0.3, random_state=0
    )
    model = MultiTaskRegressor(
        loss_weighting="dwa", shared_layers=(8,), max_epochs=5, random_state=0
    ).fit(X, Y)
    weights = model.task_weights_
    assert weights.shape == (5, 3)
    assert np.isfinite(model.predict(X)).all()
    # One batch per epoch (100 rows, batch_size=200) with every task present:
    # the recorded weights are w_t / 3, and w_t comes from the two epochs before.
    np.testing.assert_allclose(weights[:2], 1 / 3, rtol=1e-6)
    losses = np.array(
        [list(row.values()) for row in model.history_[:, "train_task_loss"]]
    )
    for epoch in range(2, 5):
        expected = _dwa(losses[epoch - 1] / losses[epoch - 2]) / 3
        np.testing.assert_allclose(weights[epoch], expected, rtol=1e-5)
