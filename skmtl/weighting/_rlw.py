"""Random loss weighting: fresh random task weights for every batch.

Lin, B., Ye, F., Zhang, Y. and Tsang, I. W. (2022). "Reasonable effectiveness of
random weighting: a litmus test for multi-task learning". Transactions on Machine
Learning Research (TMLR), 2022.
"""

import torch

from skmtl.weighting._base import WEIGHTINGS, LossWeighting, LossWeightingConfig


class RandomLossWeighting(LossWeighting):
    r"""Weigh the task losses with weights drawn at random for each batch.

    For each training batch, draw ``z_t ~ N(0, 1)`` independently for every
    task and weigh the tasks present in the batch with the softmax of their
    draws:

    .. math::

        w_t = \frac{\exp(z_t)}{\sum_{s \text{ present}} \exp(z_s)}, \qquad
        \mathcal{L} = \sum_{t \text{ present}} w_t L_t .

    The weights of the present tasks sum to 1; absent tasks get weight 0. The
    paper proposes it as a baseline that an adaptive weighting should beat.

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    random_state : int
        Seed of the draws: the same ``random_state`` gives the same sequence of
        weights.

    Attributes
    ----------
    rng_state : Tensor
        The state of the random generator (buffer, so it is saved and restored
        with the network).

    See Also
    --------
    EqualWeighting : The deterministic baseline, weights ``1/k``.

    Notes
    -----
    The paper's main variant (normal draws through a softmax) is the one
    implemented here. A draw is made for every task at every batch, present or
    not, so the weights of one batch do not depend on which tasks were missing
    from earlier batches. The draws come from a :class:`torch.Generator` seeded
    with ``random_state``, never from torch's global generator.

    References
    ----------
    .. [1] Lin, B., Ye, F., Zhang, Y. and Tsang, I. W. (2022). "Reasonable
       effectiveness of random weighting: a litmus test for multi-task
       learning". TMLR.

    Examples
    --------
    >>> import torch
    >>> from skmtl.weighting import RandomLossWeighting
    >>> weighting = RandomLossWeighting(3, random_state=0)
    >>> present = torch.tensor([True, False, True])
    >>> loss, weights = weighting(torch.tensor([1.0, 5.0, 2.0]), present)
    >>> weights[1].item(), round(weights.sum().item(), 6)
    (0.0, 1.0)
    """

    name = "rlw"

    def __init__(self, n_tasks, *, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        generator = torch.Generator().manual_seed(int(random_state))
        self.register_buffer("rng_state", generator.get_state())

    def _draw(self):
        """Return ``n_tasks`` standard normal draws, advancing the stored state."""
        generator = torch.Generator()
        generator.set_state(self.rng_state.cpu())
        draws = torch.randn(self.n_tasks, generator=generator)
        self.rng_state.copy_(generator.get_state())
        return draws

    def forward(self, task_losses, present, features=None):
        """Return ``sum_t w_t L_t`` with ``w = softmax(z)`` over present tasks."""
        draws = self._draw().to(device=task_losses.device, dtype=task_losses.dtype)
        logits = torch.where(present, draws, -torch.inf)
        # nan_to_num: a batch without any task gives 0/0 in the softmax.
        weights = torch.softmax(logits, dim=0).nan_to_num(0.0)
        loss = (weights * torch.where(present, task_losses, 0.0)).sum()
        return loss, weights


@WEIGHTINGS.register
class RandomLossWeightingConfig(LossWeightingConfig):
    """Configuration of :class:`RandomLossWeighting`, ``loss_weighting="rlw"``.

    No hyperparameters of its own; its draws come from the estimator's
    ``random_state``.
    """

    plugin = RandomLossWeighting
