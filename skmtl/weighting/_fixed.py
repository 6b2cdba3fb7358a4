"""Fixed weighting: user-given constant weights per task."""

import numpy as np
import torch

from skmtl.utils._docstrings import fill_doc
from skmtl.weighting._base import (
    WEIGHTING_SECTIONS,
    WEIGHTINGS,
    LossWeighting,
    LossWeightingConfig,
)


def check_fixed_weights(weights, n_tasks, name):
    """Return fixed task weights as a float64 array, or raise a ValueError.

    Parameters
    ----------
    weights : array-like
        One weight per task.
    n_tasks : int
        Number of tasks.
    name : str
        The parameter that gave the weights, named in the errors.

    Returns
    -------
    weights : ndarray of shape (n_tasks,)
        The weights: finite, non-negative, at least one positive.
    """
    try:
        values = np.asarray(weights, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must hold one number per task, got {weights!r}."
        ) from None
    if values.shape[0] != n_tasks:
        raise ValueError(
            f"{name} needs one weight per task ({n_tasks} tasks), got "
            f"{values.shape[0]}: {values.tolist()}."
        )
    if not np.isfinite(values).all():
        raise ValueError(f"{name} must be finite, got {values.tolist()}.")
    if (values < 0).any():
        raise ValueError(f"{name} must be non-negative, got {values.tolist()}.")
    if not (values > 0).any():
        raise ValueError(
            f"{name} must give at least one positive weight, got "
            f"{values.tolist()}: with all weights 0 nothing is trained."
        )
    return values


@fill_doc(**WEIGHTING_SECTIONS)
class FixedWeighting(LossWeighting):
    """Combine the task losses with constant weights: ``sum_t w_t L_t``.

    The estimators build it when ``loss_weighting`` is a dict (task name ->
    weight) or an array of one weight per task. The weights are used as given
    (not normalised); a task absent from a batch contributes nothing.

    Parameters
    ----------
    %(n_tasks)s
    weights : array-like of shape (n_tasks,), default=None
        Finite, non-negative weight of each task, at least one positive; None
        gives every task weight 1 (the
        plain sum of the task losses).
    %(unused_random_state)s
    """

    name = "fixed"
    capturable = True

    def __init__(self, n_tasks, *, weights=None, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        if weights is None:
            weights = torch.ones(n_tasks)
        weights = check_fixed_weights(weights, n_tasks, "weights")
        weights = torch.as_tensor(weights, dtype=torch.float32)
        self.register_buffer("weights", weights)

    def forward(self, task_losses, present, features=None):
        """Return ``sum_t w_t L_t`` over present tasks and the weights applied."""
        weights = torch.where(present, self.weights, 0.0)
        loss = (weights * torch.where(present, task_losses, 0.0)).sum()
        return loss, weights


@WEIGHTINGS.register
class FixedWeightingConfig(LossWeightingConfig):
    """Configuration of :class:`FixedWeighting`, ``loss_weighting="fixed"``.

    Parameters
    ----------
    weights : array-like of shape (n_tasks,), default=None
        Finite, non-negative weight of each task, at least one positive
        (checked against the number of tasks at fit time); None gives every
        task weight 1.
    """

    plugin = FixedWeighting
    _parameter_constraints = {"weights": ["array-like", None]}

    def __init__(self, weights=None):
        self.weights = weights
