"""GradNorm: weights that balance the per-task gradient norms.

Chen, Z., Badrinarayanan, V., Lee, C.-Y. and Rabinovich, A. (2018). "GradNorm:
Gradient normalization for adaptive loss balancing in deep multitask networks".
ICML 2018, PMLR 80, pp. 794-803.
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
class GradNorm(LossWeighting):
    r"""Adapt the task weights so that the tasks train at similar rates.

    Task ``t`` has a weight ``w_t`` (initially 1; the weights sum to ``T``, the
    number of tasks). For each training batch, over the tasks present in it:

    .. math::

        G_t = \lVert \nabla_h (w_t L_t) \rVert_2 = w_t\, g_t, \qquad
        \tilde L_t = \frac{L_t}{L_t(0)}, \qquad
        r_t = \frac{\tilde L_t}{\operatorname{mean}_s \tilde L_s},

    .. math::

        L_{\text{grad}} = \sum_t \left| G_t - \bar G \, r_t^{\alpha} \right| ,

    where ``h`` is the batch's shared representation, ``L_t(0)`` the loss of task
    ``t`` on the first batch where it has a label, and ``\bar G`` the mean of the
    ``G_t``. The target ``\bar G r_t^\alpha`` is held constant, so
    ``dL_grad / dw_t = sign(G_t - target_t) g_t``; the weights take one gradient
    step of size ``weight_lr`` on ``L_grad``, are clipped at 0, and renormalised.
    The training loss of the batch is

    .. math::

        \mathcal{L} = \frac{1}{T} \sum_{t \text{ present}} w_t L_t

    with the weights before their update, held constant.

    Parameters
    ----------
    %(n_tasks)s
    alpha : float, default=1.5
        The asymmetry ``alpha``: how strongly tasks that train slower (larger
        ``r_t``) are given larger gradients. 0 asks for equal gradient norms.
    weight_lr : float, default=0.025
        Step size of the gradient-descent update of the weights.
    %(unused_random_state)s

    Attributes
    ----------
    task_weights : Tensor of shape (n_tasks,)
        The current weights ``w_t`` (buffer; non-negative, summing to ``T``).
    initial_losses : Tensor of shape (n_tasks,)
        ``L_t(0)`` (buffer; NaN until task ``t`` first has a label in a batch).

    See Also
    --------
    UncertaintyWeighting : Learned per-task variances.
    DynamicWeightAverage : Weights from the rate at which the task losses fall.

    Notes
    -----
    The paper takes the gradient norms with respect to the weights of the last
    shared layer. Here they are taken with respect to the shared representation
    ``h`` (the output of the shared layers on the batch), a common variant (e.g.
    LibMTL's representation-gradient mode): it costs one backward pass through
    the task heads per task rather than through the trunk, and works for any
    architecture that exposes a shared representation.

    Other differences from the paper, all chosen for this library's setting:

    * the paper optimises the weights with the network's optimizer; here they
      take one plain gradient-descent step of size ``weight_lr`` per batch, with
      the analytic gradient, and live in a buffer (not an optimised parameter);
    * only the tasks present in the batch take part: ``\bar G`` and the mean of
      the ``\tilde L_s`` are over them, and after the update their weights are
      rescaled to keep their total, so that the weights of all tasks keep summing
      to ``T`` and those of absent tasks are untouched;
    * the weighted loss is divided by ``T``, so that with all weights at 1 and
      all tasks present it equals the ``"equal"`` weighting's mean and the
      network's learning rate means the same for both;
    * when ``forward`` is called without ``features`` (outside the estimators),
      the weights are applied but not updated.

    The recorded weights are ``w_t / T`` for present tasks and 0 for the others.

    References
    ----------
    .. [1] Chen, Z., Badrinarayanan, V., Lee, C.-Y. and Rabinovich, A. (2018).
       "GradNorm: Gradient normalization for adaptive loss balancing in deep
       multitask networks". ICML 2018.
    """

    name = "gradnorm"
    requires_features = True

    def __init__(self, n_tasks, *, alpha=1.5, weight_lr=0.025, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        self.alpha = float(alpha)
        self.weight_lr = float(weight_lr)
        self.register_buffer("task_weights", torch.ones(n_tasks))
        self.register_buffer("initial_losses", torch.full((n_tasks,), torch.nan))

    def forward(self, task_losses, present, features=None):
        """Return ``sum_t w_t L_t / T`` over present tasks, then update ``w``."""
        weights = torch.where(present, self.task_weights, 0.0) / self.n_tasks
        loss = (weights * torch.where(present, task_losses, 0.0)).sum()
        with torch.no_grad():
            unseen = present & torch.isnan(self.initial_losses)
            self.initial_losses.copy_(
                torch.where(unseen, task_losses.detach(), self.initial_losses)
            )
        if features is not None and features.requires_grad and present.any():
            self._update(task_losses, present, features)
        return loss, weights

    def _update(self, task_losses, present, features):
        """Take one gradient step on the GradNorm loss with respect to the weights."""
        tasks = torch.nonzero(present).flatten().tolist()
        norms = torch.zeros_like(self.task_weights)
        for t in tasks:
            (grad,) = torch.autograd.grad(
                task_losses[t], features, retain_graph=True, allow_unused=True
            )
            if grad is not None:
                norms[t] = grad.detach().norm()
        with torch.no_grad():
            weights = self.task_weights[tasks]
            norms = norms[tasks]
            grad_norms = weights * norms
            relative = task_losses.detach()[tasks] / self.initial_losses[tasks]
            rates = relative / relative.mean()
            targets = grad_norms.mean() * rates**self.alpha
            if not torch.isfinite(targets).all():
                # A zero initial or mean loss leaves the training rates undefined.
                return
            step = torch.sign(grad_norms - targets) * norms
            updated = (weights - self.weight_lr * step).clamp_min(0.0)
            total = updated.sum()
            if total > 0:
                self.task_weights[tasks] = updated * (weights.sum() / total)


@WEIGHTINGS.register
class GradNormConfig(LossWeightingConfig):
    """Configuration of :class:`GradNorm`, ``loss_weighting="gradnorm"``.

    Parameters
    ----------
    alpha : float, default=1.5
        The asymmetry, >= 0: how strongly tasks that train slower get larger
        weights.
    weight_lr : float, default=0.025
        Learning rate of the task weights, > 0.
    """

    plugin = GradNorm
    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "weight_lr": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, alpha=1.5, weight_lr=0.025):
        self.alpha = alpha
        self.weight_lr = weight_lr
