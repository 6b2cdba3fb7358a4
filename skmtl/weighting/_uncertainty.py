"""Uncertainty weighting: learned homoscedastic task variances.

Kendall, A., Gal, Y. and Cipolla, R. (2018). "Multi-task learning using
uncertainty to weigh losses for scene geometry and semantics". CVPR 2018,
pp. 7482-7491.
"""

import torch
from torch import nn

from skmtl.utils._docstrings import fill_doc
from skmtl.weighting._base import (
    WEIGHTING_SECTIONS,
    WEIGHTINGS,
    LossWeighting,
    LossWeightingConfig,
)


@fill_doc(**WEIGHTING_SECTIONS)
class UncertaintyWeighting(LossWeighting):
    r"""Weigh each task by a learned inverse variance (homoscedastic uncertainty).

    Each task ``t`` has a learnable log-variance ``s_t = log sigma_t^2``
    (initialised at 0). The loss of a batch is, over the tasks present in it,

    .. math::

        \mathcal{L} = \sum_t \exp(-s_t)\, L_t + s_t ,

    so the weight of task ``t`` is ``exp(-s_t) = 1 / sigma_t^2``. The log-variances
    are parameters of the trained module, optimised by the estimator's optimizer
    together with the network.

    Parameters
    ----------
    %(n_tasks)s
    random_state : int
        Unused; kept for the common signature.

    Attributes
    ----------
    log_vars : torch.nn.Parameter of shape (n_tasks,)
        The learned log-variances ``s_t``.

    See Also
    --------
    DynamicWeightAverage : Weights from the rate at which the task losses fall.
    GradNorm : Weights that balance the per-task gradient norms.

    Notes
    -----
    Kendall et al. derive ``L_t / (2 sigma_t^2) + log sigma_t`` for a Gaussian
    likelihood (regression) and ``L_t / sigma_t^2 + log sigma_t`` for a
    softmax likelihood (classification). The form used here,
    ``exp(-s_t) L_t + s_t`` with ``s_t = log sigma_t^2``, is twice the regression
    form (``2 (L_t / (2 sigma_t^2) + log sigma_t)``) and is the simplified form
    common to most implementations: it uses one expression for every task type
    and is numerically stable because ``s_t`` is unconstrained. For a fixed task
    loss its minimum over ``s_t`` is at ``s_t = log L_t``: the learned variance
    tracks the task's loss (for squared error, the residual variance), and tasks
    with larger losses get smaller weights.

    Tasks of different types (:class:`~skmtl.neural.MultiTaskMixedEstimator`)
    get Kendall et al.'s likelihood of each type, in the same doubled form:
    ``c_t exp(-s_t) L_t + s_t`` with ``c_t = 1`` for a regression task and
    ``c_t = 2`` for a classification or count task (twice
    ``L_t / sigma_t^2 + log sigma_t``); the estimator sets the ``c_t`` with
    :meth:`set_likelihood_scales`. Without them every ``c_t`` is 1.

    The estimator's ``weight_decay`` also applies to the log-variances (it pulls
    them towards 0, i.e. the weights towards 1), and its ``lr`` sets how fast they
    move. The loss is not bounded below by 0: it decreases as ``s_t`` follows
    a small ``L_t``.

    References
    ----------
    .. [1] Kendall, A., Gal, Y. and Cipolla, R. (2018). "Multi-task learning
       using uncertainty to weigh losses for scene geometry and semantics".
       CVPR 2018.

    Examples
    --------
    >>> import torch
    >>> from skmtl.weighting import UncertaintyWeighting
    >>> weighting = UncertaintyWeighting(2)
    >>> loss, weights = weighting(torch.tensor([0.5, 2.0]), torch.tensor([True, True]))
    >>> round(loss.item(), 4), weights.tolist()
    (2.5, [1.0, 1.0])
    """

    name = "uncertainty"
    capturable = True

    def __init__(self, n_tasks, *, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        self.log_vars = nn.Parameter(torch.zeros(n_tasks))
        # The c_t of a mixed fit; None (every c_t is 1) keeps the state of the
        # other estimators' weightings as it was.
        self.register_buffer("likelihood_scales", None)

    def set_likelihood_scales(self, scales):
        """Set each task's factor ``c_t`` (see Notes)."""
        self.likelihood_scales = torch.as_tensor(scales, dtype=torch.float32)

    @property
    def variances(self):
        """Tensor of shape (n_tasks,): the learned task variances ``exp(s_t)``."""
        return torch.exp(self.log_vars.detach())

    def forward(self, task_losses, present, features=None):
        """Return ``sum_t c_t exp(-s_t) L_t + s_t`` over present tasks, and the weights.

        The weights are ``c_t exp(-s_t)`` (``c_t = 1`` unless
        :meth:`set_likelihood_scales` set them).
        """
        precisions = torch.exp(-self.log_vars)
        if self.likelihood_scales is not None:
            precisions = precisions * self.likelihood_scales
        losses = torch.where(present, task_losses, 0.0)
        terms = precisions * losses + self.log_vars
        loss = torch.where(present, terms, 0.0).sum()
        weights = torch.where(present, precisions.detach(), 0.0)
        return loss, weights


@WEIGHTINGS.register
class UncertaintyWeightingConfig(LossWeightingConfig):
    """Configuration of :class:`UncertaintyWeighting`, ``loss_weighting="uncertainty"``.

    No hyperparameters of its own.
    """

    plugin = UncertaintyWeighting
