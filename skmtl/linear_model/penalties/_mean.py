"""Mean-regularized multi-task learning: every task pulled towards the tasks' mean.

Evgeniou, T. and Pontil, M. (2004). Regularized multi-task learning. In
Proceedings of the 10th ACM SIGKDD International Conference on Knowledge Discovery
and Data Mining (KDD 2004), 109-117.
"""

from numbers import Real

from skmtl.linear_model.penalties._base import (
    PENALTIES,
    TASK_NAMES,
    Penalty,
    PenaltyConfig,
    frobenius_squared,
)
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval


@fill_doc(task_names=TASK_NAMES)
class MeanPenalty(Penalty):
    r"""Tasks pulled towards their mean, with a small ridge on the mean.

    .. math::

        \Omega(W) = \alpha \Big( \sum_{t=1}^{T} \lVert w_t - \bar w \rVert_2^2
                    + \rho \, T \lVert \bar w \rVert_2^2 \Big),
        \qquad \bar w = \frac{1}{T} \sum_{t=1}^{T} w_t,

    with :math:`\rho` = ``mean_ridge``. It is smooth. :math:`\rho = 0` leaves the
    mean free (only the spread of the tasks around it is penalized);
    :math:`\rho = 1` gives :math:`\alpha \lVert W \rVert_F^2`, an independent
    ridge per task. This is Evgeniou & Pontil's model :math:`w_t = w_0 + v_t`
    with penalty :math:`\frac{\lambda_1}{T} \sum_t \lVert v_t \rVert^2 +
    \lambda_2 \lVert w_0 \rVert^2`, minimized over :math:`w_0`: it equals the
    formula above with :math:`\alpha = \lambda_1 / T` and
    :math:`\rho = \lambda_2 / (\lambda_1 + \lambda_2)`.

    Parameters
    ----------
    alpha : float
        Strength of the pull towards the mean.
    %(task_names)s
    mean_ridge : float, default=0.01
        The ridge :math:`\rho \ge 0` on the mean, relative to ``alpha``.

    See Also
    --------
    GraphPenalty : Pulls chosen pairs of tasks together instead of all of them.
    """

    name = "mean"

    def __init__(self, alpha, task_names, *, mean_ridge=0.01):
        super().__init__(alpha, task_names)
        self.mean_ridge = float(mean_ridge)

    def smooth_value_and_gradient(self, W):
        """Return the penalty and its gradient."""
        mean = W.mean(axis=0)
        spread = W - mean
        value = self.alpha * (
            frobenius_squared(spread)
            + self.mean_ridge * self.n_tasks * frobenius_squared(mean)
        )
        return value, 2.0 * self.alpha * (spread + self.mean_ridge * mean)

    def lipschitz(self):
        """Return the largest eigenvalue of the penalty's Hessian."""
        return 2.0 * self.alpha * max(1.0, self.mean_ridge)


@PENALTIES.register
class MeanPenaltyConfig(PenaltyConfig):
    """Configuration of :class:`MeanPenalty`, ``penalty="mean"``.

    Parameters
    ----------
    mean_ridge : float, default=0.01
        The ridge on the mean of the tasks, >= 0, relative to ``alpha``.
    """

    plugin = MeanPenalty
    _parameter_constraints = {"mean_ridge": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, mean_ridge=0.01):
        self.mean_ridge = mean_ridge
