"""Equal weighting: the plain average of the task losses."""

import torch

from skmtl.weighting._base import WEIGHTINGS, LossWeighting, LossWeightingConfig


class EqualWeighting(LossWeighting):
    """Average the losses of the tasks present in the batch, each with weight 1/k.

    With ``k`` tasks observed in a batch, the loss is ``sum_t L_t / k`` over those
    tasks; tasks with no label in the batch are left out of the average. This is
    the usual multi-task baseline (e.g. Caruana, 1997).
    """

    name = "equal"
    plain_mean = True
    capturable = True

    def forward(self, task_losses, present, features=None):
        """Return the mean loss over present tasks and the weights 1/k."""
        weights = present.to(task_losses.dtype)
        weights = weights / weights.sum().clamp_min(1.0)
        # One product in the graph: absent tasks already have a loss of 0 and a
        # weight of 0 (this is the default weighting, on every batch of a fit).
        return torch.dot(weights, task_losses), weights


@WEIGHTINGS.register
class EqualWeightingConfig(LossWeightingConfig):
    """Configuration of :class:`EqualWeighting`, ``loss_weighting="equal"``.

    No hyperparameters of its own.
    """

    plugin = EqualWeighting
