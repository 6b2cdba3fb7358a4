"""Contract tests for every registered loss weighting."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.weighting import WEIGHTINGS, EqualWeighting, FixedWeighting, LossWeighting
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


def test_fixed_weights_by_task_name_or_array(wide_regression):
    pd = pytest.importorskip("pandas")
    X, Y = wide_regression
    Y = pd.DataFrame(Y, columns=["a", "b", "c"])
    by_name = MultiTaskRegressor(**FAST, loss_weighting={"c": 0.5, "a": 2.0, "b": 1.0})
    by_name.fit(X, Y)
    np.testing.assert_allclose(by_name.task_weights_[-1], [2.0, 1.0, 0.5])
    by_array = MultiTaskRegressor(**FAST, loss_weighting=[2.0, 1.0, 0.5]).fit(X, Y)
    np.testing.assert_array_equal(by_array.predict(X), by_name.predict(X))
    with pytest.raises(ValueError, match=r"tasks without a weight \['b', 'c'\]"):
        MultiTaskRegressor(**FAST, loss_weighting={"a": 1.0}).fit(X, Y)
    with pytest.raises(ValueError, match=r"unknown tasks \['z'\]"):
        MultiTaskRegressor(**FAST, loss_weighting={"a": 1, "b": 1, "c": 1, "z": 1}).fit(
            X, Y
        )
    with pytest.raises(ValueError, match="2 weights for 3 tasks"):
        MultiTaskRegressor(**FAST, loss_weighting=[1.0, 2.0]).fit(X, Y)
    with pytest.raises(ValueError, match="non-negative"):
        MultiTaskRegressor(**FAST, loss_weighting=[1.0, -2.0, 1.0]).fit(X, Y)


def test_fixed_weights_scale_the_task_losses():
    weighting = FixedWeighting(3, weights=[2.0, 1.0, 0.5])
    loss, weights = weighting(
        torch.tensor([1.0, 3.0, 10.0]), torch.tensor([True, True, False])
    )
    assert loss.item() == pytest.approx(5.0)
    np.testing.assert_allclose(weights.numpy(), [2.0, 1.0, 0.0])


def test_gradient_weighting_needs_a_shared_representation(wide_regression):
    from skmtl.architectures import HardSharing

    class NoShared(HardSharing):
        name = "no_shared"
        exposes_shared = False

        def forward_with_shared(self, X, task=None):
            return super().forward_with_shared(X, task)[0], None

    class NeedsFeatures(EqualWeighting):
        name = "needs_features"
        requires_features = True

    X, Y = wide_regression
    with pytest.raises(ValueError, match="does not expose"):
        MultiTaskRegressor(**FAST, sharing=NoShared, loss_weighting=NeedsFeatures).fit(
            X, Y
        )
