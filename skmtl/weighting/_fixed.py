"""Fixed weighting: user-given constant weights per task."""

import torch

from skmtl.weighting._base import LossWeighting


class FixedWeighting(LossWeighting):
    """Combine the task losses with constant weights: ``sum_t w_t L_t``.

    The estimators build it when ``loss_weighting`` is a dict (task name ->
    weight) or an array of one weight per task. The weights are used as given
    (not normalised); a task absent from a batch contributes nothing.

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    weights : array-like of shape (n_tasks,), default=None
        Non-negative weight of each task; None gives every task weight 1 (the
        plain sum of the task losses).
    random_state : int
        Unused; kept for the common signature.
    """

    name = "fixed"
    capturable = True

    def __init__(self, n_tasks, *, weights=None, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        if weights is None:
            weights = torch.ones(n_tasks)
        weights = torch.as_tensor(weights, dtype=torch.float32).reshape(-1)
        if weights.shape != (n_tasks,):
            raise ValueError(
                f"Fixed loss weights need one weight per task ({n_tasks}), got "
                f"{weights.shape[0]}."
            )
        if not torch.isfinite(weights).all() or (weights < 0).any():
            raise ValueError(
                f"Fixed loss weights must be finite and non-negative, got "
                f"{weights.tolist()}."
            )
        self.register_buffer("weights", weights)

    def forward(self, task_losses, present, features=None):
        """Return ``sum_t w_t L_t`` over present tasks and the weights applied."""
        weights = torch.where(present, self.weights, 0.0)
        loss = (weights * torch.where(present, task_losses, 0.0)).sum()
        return loss, weights
