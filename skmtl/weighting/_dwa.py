"""Dynamic Weight Average: weights from the rate at which each task loss falls.

Liu, S., Johns, E. and Davison, A. J. (2019). "End-to-end multi-task learning
with attention". CVPR 2019, pp. 1871-1880.
"""

from numbers import Real

import torch

from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval
from skmtl.weighting._base import (
    WEIGHTING_SECTIONS,
    WEIGHTINGS,
    LossWeighting,
    LossWeightingConfig,
)


@fill_doc(**WEIGHTING_SECTIONS)
class DynamicWeightAverage(LossWeighting):
    r"""Weigh the tasks by the relative descent of their losses over recent epochs.

    For epoch ``k``, with ``T`` tasks and ``L_t(k)`` the mean training loss of
    task ``t`` over epoch ``k``,

    .. math::

        r_t = \frac{L_t(k-1)}{L_t(k-2)}, \qquad
        w_t(k) = T \, \frac{\exp(r_t / \tau)}{\sum_s \exp(r_s / \tau)},

    and ``w_t = 1`` for the first two epochs. A task whose loss falls slower (a
    larger ratio) gets a larger weight. The loss of a batch is

    .. math::

        \mathcal{L} = \frac{1}{k_b} \sum_{t \text{ present}} w_t L_t ,

    with ``k_b`` the number of tasks present in the batch.

    Parameters
    ----------
    %(n_tasks)s
    temperature : float, default=2.0
        The softmax temperature ``tau``; larger values give weights closer to 1.
    %(unused_random_state)s

    Attributes
    ----------
    epoch_weights : Tensor of shape (n_tasks,)
        The weights ``w_t`` of the current epoch (buffer; they sum to ``T``).
    last_losses, previous_losses : Tensor of shape (n_tasks,)
        The epoch losses ``L_t(k-1)`` and ``L_t(k-2)`` (buffers; NaN before they
        are known).

    See Also
    --------
    UncertaintyWeighting : Learned per-task variances.
    GradNorm : Weights that balance the per-task gradient norms.

    Notes
    -----
    The paper sums the weighted losses; here the sum is divided by the number of
    tasks present in the batch, so that with every ``w_t = 1`` (the first two
    epochs) the loss equals the ``"equal"`` weighting's mean and the step size
    does not change when the weighting starts. The recorded weights are the
    effective ones, ``w_t / k_b`` for the present tasks and 0 for the others.

    Where a ratio is undefined (a task with no label in epoch ``k-1`` or
    ``k-2``, so a NaN epoch loss, or a zero loss in ``k-2``), ``r_t = 1``. The
    ratios use the epoch-mean training losses, computed during the epoch while
    the network changes, as in the authors' implementation.

    References
    ----------
    .. [1] Liu, S., Johns, E. and Davison, A. J. (2019). "End-to-end multi-task
       learning with attention". CVPR 2019.

    Examples
    --------
    >>> import torch
    >>> from skmtl.weighting import DynamicWeightAverage
    >>> weighting = DynamicWeightAverage(2)
    >>> weighting.end_epoch(torch.tensor([1.0, 1.0]))
    >>> weighting.end_epoch(torch.tensor([0.5, 1.0]))
    >>> weighting.epoch_weights
    tensor([0.8756, 1.1244])
    """

    name = "dwa"
    capturable = True

    def __init__(self, n_tasks, *, temperature=2.0, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        self.temperature = float(temperature)
        self.register_buffer("epoch_weights", torch.ones(n_tasks))
        self.register_buffer("last_losses", torch.full((n_tasks,), torch.nan))
        self.register_buffer("previous_losses", torch.full((n_tasks,), torch.nan))

    def forward(self, task_losses, present, features=None):
        """Return ``sum_t w_t L_t / k_b`` over present tasks and ``w_t / k_b``."""
        n_present = present.sum().clamp_min(1)
        weights = torch.where(present, self.epoch_weights, 0.0) / n_present
        loss = (weights * torch.where(present, task_losses, 0.0)).sum()
        return loss, weights

    @torch.no_grad()
    def end_epoch(self, epoch_task_losses):
        """Shift the stored epoch losses and compute the next epoch's weights.

        Parameters
        ----------
        epoch_task_losses : Tensor of shape (n_tasks,)
            Mean training loss of each task over the epoch (NaN: no label).
        """
        self.previous_losses.copy_(self.last_losses)
        self.last_losses.copy_(epoch_task_losses)
        ratios = self.last_losses / self.previous_losses
        ratios = torch.where(torch.isfinite(ratios), ratios, 1.0)
        self.epoch_weights.copy_(
            self.n_tasks * torch.softmax(ratios / self.temperature, dim=0)
        )


@WEIGHTINGS.register
class DynamicWeightAverageConfig(LossWeightingConfig):
    """Configuration of :class:`DynamicWeightAverage`, ``loss_weighting="dwa"``.

    Parameters
    ----------
    temperature : float, default=2.0
        The softmax temperature, > 0; larger values give weights closer to 1.
    """

    plugin = DynamicWeightAverage
    _parameter_constraints = {
        "temperature": [Interval(Real, 0, None, closed="neither")]
    }

    def __init__(self, temperature=2.0):
        self.temperature = temperature
