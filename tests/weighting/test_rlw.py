"""Random loss weighting (Lin et al., 2022): seeded random weights per batch."""

import copy
import pickle

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from skmtl.weighting import RandomLossWeighting

LOSSES = torch.tensor([1.0, 2.0, 0.0, 4.0])
PRESENT = torch.tensor([True, True, False, True])


def _sequence(weighting, n_batches=10):
    return np.array([weighting(LOSSES, PRESENT)[1].numpy() for _ in range(n_batches)])


def test_same_seed_same_weights_different_seed_different_weights():
    first = _sequence(RandomLossWeighting(4, random_state=3))
    np.testing.assert_array_equal(
        first, _sequence(RandomLossWeighting(4, random_state=3))
    )
    assert not np.allclose(first, _sequence(RandomLossWeighting(4, random_state=4)))
    assert len({tuple(row) for row in first}) == len(first)  # fresh draw each batch


def test_weights_are_a_softmax_of_normal_draws_over_present_tasks():
    weighting = RandomLossWeighting(4, random_state=0)
    draws = torch.randn(4, generator=torch.Generator().manual_seed(0))
    losses = LOSSES.clone().requires_grad_()
    loss, weights = weighting(losses, PRESENT)
    expected = torch.softmax(draws[PRESENT], dim=0)
    np.testing.assert_allclose(weights[PRESENT].numpy(), expected.numpy(), rtol=1e-6)
    assert weights[2] == 0
    assert weights.sum().item() == pytest.approx(1.0)
    assert loss.item() == pytest.approx((weights * LOSSES).sum().item())
    loss.backward()
    np.testing.assert_allclose(losses.grad.numpy(), weights.numpy())
    for row in _sequence(weighting):
        assert row[2] == 0 and row.sum() == pytest.approx(1.0)


def test_global_rng_untouched():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    _sequence(RandomLossWeighting(4, random_state=0))
    assert torch.equal(torch.get_rng_state(), state)


def test_generator_state_survives_pickling_and_state_dict():
    weighting = RandomLossWeighting(4, random_state=0)
    _sequence(weighting, 3)
    pickled = pickle.loads(pickle.dumps(weighting))
    copied = copy.deepcopy(weighting)
    restored = RandomLossWeighting(4, random_state=99)
    restored.load_state_dict(weighting.state_dict())
    expected = _sequence(weighting)
    for other in (pickled, copied, restored):
        np.testing.assert_array_equal(_sequence(other), expected)


def test_no_task_present_gives_zero_weights():
    loss, weights = RandomLossWeighting(2)(torch.zeros(2), torch.zeros(2, dtype=bool))
    assert loss.item() == 0.0
    assert (weights == 0).all()


def test_fits_end_to_end_reproducibly():
    X, Y = make_multitask_regression(
        n_samples=100, n_features=5, n_tasks=3, missing_rate=0.3, random_state=0
    )
    params = {"loss_weighting": "rlw", "shared_layers": (8,), "max_epochs": 5}
    model = MultiTaskRegressor(**params, random_state=0).fit(X, Y)
    assert model.task_weights_.shape == (5, 3)
    assert np.isfinite(model.predict(X)).all()
    # One batch per epoch with every task present: each row sums to 1.
    np.testing.assert_allclose(model.task_weights_.sum(axis=1), 1.0, rtol=1e-6)
    again = MultiTaskRegressor(**params, random_state=0).fit(X, Y)
    np.testing.assert_array_equal(again.task_weights_, model.task_weights_)
    other = MultiTaskRegressor(**params, random_state=1).fit(X, Y)
    assert not np.allclose(other.task_weights_, model.task_weights_)
