"""Contract tests for every registered loss weighting."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.weighting import WEIGHTINGS, EqualWeighting, LossWeighting
from tests.conftest import FAST


@pytest.mark.parametrize("name", WEIGHTINGS.names())
def test_weighting_contract(name):
    weighting = WEIGHTINGS.resolve(name)(4, random_state=0)
    assert isinstance(weighting, LossWeighting)
    losses = torch.tensor([1.0, 2.0, 0.0, 4.0], requires_grad=True)
    present = torch.tensor([True, True, False, True])
    loss, weights = weighting(losses, present)
    assert loss.dim() == 0 and torch.isfinite(loss)
    assert weights.shape == (4,)
    loss.backward()
    # An absent task contributes nothing.
    assert losses.grad[2] == 0
    assert weights[2] == 0


@pytest.mark.parametrize("name", WEIGHTINGS.names())
def test_weighting_trains_with_missing_labels(name, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**FAST, loss_weighting=name).fit(X, Y)
    assert model.task_weights_.shape == (FAST["max_epochs"], 3)
    assert np.isfinite(model.task_weights_).all()
    assert np.isfinite(model.predict(X)).all()


def test_equal_weighting_is_the_mean_over_present_tasks():
    losses = torch.tensor([1.0, 3.0, 100.0])
    loss, weights = EqualWeighting(3)(losses, torch.tensor([True, True, False]))
    assert loss.item() == pytest.approx(2.0)
    np.testing.assert_allclose(weights.numpy(), [0.5, 0.5, 0.0])
