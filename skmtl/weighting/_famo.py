"""FAMO: balanced decrease of the task log-losses at constant cost per step.

Liu, B., Feng, Y., Stone, P. and Liu, Q. (2023). "FAMO: Fast adaptive multitask
optimization". NeurIPS 2023 (Advances in Neural Information Processing Systems
36). Official code: https://github.com/Cranial-XIX/FAMO.
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

_BETAS = (0.9, 0.999)
_EPS = 1e-8


@fill_doc(**WEIGHTING_SECTIONS)
class FAMO(LossWeighting):
    r"""Weigh the task log-losses so that every task's loss falls at a similar rate.

    FAMO keeps one logit ``xi_t`` per task (initially 0) and ``z = softmax(xi)``.
    With ``D_t = L_t + m`` (``m`` is ``min_loss``), the loss of a batch is, over
    the tasks present in it,

    .. math::

        \mathcal{L} = c \sum_t z_t \log D_t, \qquad
        c = \Bigl(\sum_t \frac{z_t}{D_t}\Bigr)^{-1} \ (\text{held constant}),

    whose gradient is a convex combination of the task gradients: the effective
    weight of ``L_t`` is ``c z_t / D_t`` and these weights sum to 1. After a step,
    the decrease of each log-loss, ``delta_t = log D_t(before) - log D_t(after)``,
    drives the logits:

    .. math::

        \xi \leftarrow \xi - \beta \left( J_z(\xi)^\top \delta + \gamma \xi \right),
        \qquad \bigl(J_z^\top \delta\bigr)_t = z_t \Bigl(\delta_t -
        \sum_s z_s \delta_s\Bigr),

    so a task whose loss falls slower than the ``z``-weighted average gets a
    larger logit, hence a larger weight at the next step.

    Parameters
    ----------
    %(n_tasks)s
    gamma : float, default=0.01
        Weight decay ``gamma`` of the logits (pulls the weights towards equal).
    w_lr : float, default=0.025
        Learning rate ``beta`` of the logits.
    min_loss : float, default=1e-8
        Small positive constant added to each loss inside the logarithm, so that
        a zero loss gives a finite log-loss.
    %(unused_random_state)s

    Attributes
    ----------
    logits : Tensor of shape (n_tasks,)
        The logits ``xi`` (buffer).
    previous_losses : Tensor of shape (n_tasks,)
        ``L_t + min_loss`` on the previous training batch (buffer).
    previous_present : BoolTensor of shape (n_tasks,)
        Which tasks had a label in the previous training batch (buffer).

    See Also
    --------
    DynamicWeightAverage : Weights from the per-epoch rate of loss decrease.
    GradNorm : Weights that balance the per-task gradient norms.

    Notes
    -----
    The paper evaluates the losses a second time, on the same batch, after the
    network's step, to measure ``delta``. A loss weighting here only sees each
    batch once, so the "after" losses are those of the *next* training batch:
    ``delta_t = log D_t(batch k-1) - log D_t(batch k)``, and the logits are
    updated at the start of batch ``k``, before its loss is formed. This adds
    the batch-to-batch variation of the losses to ``delta``; it costs no extra
    forward pass. Only the tasks present in both batches take part in an
    update: the softmax Jacobian and the weight decay are restricted to them, so
    the logits of the other tasks (and their Adam moments) are left unchanged.

    Like the authors' code (and not the plain gradient step written in the
    paper's algorithm), the logits are updated with Adam (betas 0.9 and 0.999,
    epsilon 1e-8) on the gradient ``J_z^T delta + gamma xi``; ``w_lr`` and
    ``gamma`` default to the values of that code. Its ``log(L_t - L_t^* + 1e-8)``
    with the lower bound ``L_t^* = 0`` of the losses used here is
    ``log(L_t + min_loss)``. The logits and the Adam state are buffers, so they
    are saved and restored with the network.

    The recorded weights are the effective weights ``c z_t / D_t`` of the
    present tasks (summing to 1) and 0 for the others. The loss value itself is
    a weighted sum of log-losses and may be negative.

    References
    ----------
    .. [1] Liu, B., Feng, Y., Stone, P. and Liu, Q. (2023). "FAMO: Fast adaptive
       multitask optimization". NeurIPS 2023.
    """

    name = "famo"

    def __init__(
        self, n_tasks, *, gamma=0.01, w_lr=0.025, min_loss=1e-8, random_state=0
    ):
        super().__init__(n_tasks, random_state=random_state)
        self.gamma = float(gamma)
        self.w_lr = float(w_lr)
        self.min_loss = float(min_loss)
        self.register_buffer("logits", torch.zeros(n_tasks))
        self.register_buffer("previous_losses", torch.zeros(n_tasks))
        self.register_buffer("previous_present", torch.zeros(n_tasks, dtype=torch.bool))
        self.register_buffer("adam_steps", torch.zeros(n_tasks))
        self.register_buffer("adam_mean", torch.zeros(n_tasks))
        self.register_buffer("adam_var", torch.zeros(n_tasks))

    def forward(self, task_losses, present, features=None):
        """Update the logits from the last step's decrease, return the FAMO loss."""
        losses = torch.where(present, task_losses, 1.0) + self.min_loss
        with torch.no_grad():
            self._update(losses.detach(), present)
            self.previous_losses.copy_(losses.detach())
            self.previous_present.copy_(present)
            z = torch.softmax(self.logits, dim=0)
            scaled = torch.where(present, z / losses.detach(), 0.0)
            weights = scaled / scaled.sum().clamp_min(torch.finfo(scaled.dtype).tiny)
            coefficients = weights * losses.detach()
        loss = (coefficients * torch.log(losses)).sum()
        return loss, weights

    def _update(self, losses, present):
        """Take one Adam step on the logits of the tasks present in both batches."""
        both = present & self.previous_present
        if not both.any():
            return
        decrease = torch.log(self.previous_losses) - torch.log(losses)
        z = torch.softmax(self.logits.masked_fill(~both, -torch.inf), dim=0)
        z = torch.where(both, z, 0.0)
        decrease = torch.where(both, decrease, 0.0)
        grad = z * (decrease - (z * decrease).sum()) + self.gamma * self.logits
        beta1, beta2 = _BETAS
        steps = self.adam_steps + 1
        mean = beta1 * self.adam_mean + (1 - beta1) * grad
        var = beta2 * self.adam_var + (1 - beta2) * grad**2
        step = (mean / (1 - beta1**steps)) / (
            torch.sqrt(var / (1 - beta2**steps)) + _EPS
        )
        for buffer, value in (
            (self.adam_steps, steps),
            (self.adam_mean, mean),
            (self.adam_var, var),
            (self.logits, self.logits - self.w_lr * step),
        ):
            buffer.copy_(torch.where(both, value, buffer))


@WEIGHTINGS.register
class FAMOConfig(LossWeightingConfig):
    """Configuration of :class:`FAMO`, ``loss_weighting="famo"``.

    Parameters
    ----------
    gamma : float, default=0.01
        Weight decay of the task logits, >= 0.
    w_lr : float, default=0.025
        Learning rate of the task logits, > 0.
    min_loss : float, default=1e-8
        Lower bound of the losses whose logarithms are compared, > 0.
    """

    plugin = FAMO
    _parameter_constraints = {
        "gamma": [Interval(Real, 0, None, closed="left")],
        "w_lr": [Interval(Real, 0, None, closed="neither")],
        "min_loss": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, gamma=0.01, w_lr=0.025, min_loss=1e-8):
        self.gamma = gamma
        self.w_lr = w_lr
        self.min_loss = min_loss
