"""Independent ridge per task: the squared l2 norm of every task's coefficients.

Hoerl, A. E. and Kennard, R. W. (1970). Ridge regression: biased estimation for
nonorthogonal problems. Technometrics, 12(1), 55-67.
"""

from skmtl.linear_model.penalties._base import (
    PENALTIES,
    PENALTY_PARAMETERS,
    Penalty,
    PenaltyConfig,
    frobenius_squared,
)
from skmtl.utils._docstrings import fill_doc


@fill_doc(parameters=PENALTY_PARAMETERS)
class RidgePenalty(Penalty):
    r"""Half the squared norm of every task's coefficients: one ridge per task.

    .. math::

        \Omega(W) = \frac{\alpha}{2} \sum_{t=1}^{T} \lVert w_t \rVert_2^2
                  = \frac{\alpha}{2} \lVert W \rVert_F^2.

    Nothing is shared between tasks. The factor 1/2 is scikit-learn's elastic-net
    and logistic-regression convention: with ``task_weighting="per_task"`` a task
    of :math:`n_t` rows solves :class:`sklearn.linear_model.Ridge` with
    ``alpha = n_t * alpha`` (Ridge does not divide its loss by the number of
    rows), :class:`sklearn.linear_model.ElasticNet` with ``l1_ratio=0`` at the
    same ``alpha``, and :class:`sklearn.linear_model.LogisticRegression` (l2)
    with ``C = 1 / (n_t * alpha)``.

    Parameters
    ----------
    %(parameters)s

    See Also
    --------
    MeanPenalty : Shrinks the tasks towards their mean instead of towards zero.
    """

    name = "ridge"

    def smooth_value_and_gradient(self, W):
        """Return alpha/2 times the squared norm of W and its gradient alpha W."""
        return 0.5 * self.alpha * frobenius_squared(W), self.alpha * W

    def lipschitz(self):
        """Return alpha."""
        return self.alpha


@PENALTIES.register
class RidgePenaltyConfig(PenaltyConfig):
    """Configuration of :class:`RidgePenalty`, ``penalty="ridge"``.

    No hyperparameters of its own: its strength is the estimator's ``alpha``.
    """

    plugin = RidgePenalty
