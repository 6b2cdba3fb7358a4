"""Independent lasso per task: the l1 norm of every coefficient.

Tibshirani, R. (1996). Regression shrinkage and selection via the lasso. Journal
of the Royal Statistical Society, Series B, 58(1), 267-288.
"""

import numpy as np

from skmtl.linear_model.penalties._base import (
    PENALTIES,
    PENALTY_PARAMETERS,
    Penalty,
    PenaltyConfig,
)
from skmtl.utils._docstrings import fill_doc


@fill_doc(parameters=PENALTY_PARAMETERS)
class LassoPenalty(Penalty):
    r"""The l1 norm of every coefficient: one independent lasso per task.

    .. math::

        \Omega(W) = \alpha \sum_{t=1}^{T} \lVert w_t \rVert_1.

    Nothing is shared between tasks: with ``task_weighting="per_task"`` each task
    solves :class:`sklearn.linear_model.Lasso` at the same ``alpha`` (the
    single-task baseline inside the multi-task solver).

    Parameters
    ----------
    %(parameters)s

    See Also
    --------
    L21Penalty : Selects features jointly for all tasks.
    """

    name = "lasso"

    def nonsmooth_value(self, W):
        """Return alpha times the sum of the absolute coefficients."""
        return self.alpha * float(np.abs(W).sum())

    def dual_norm(self, G):
        """Return the largest absolute entry of G: the max norm."""
        return float(np.abs(G).max(initial=0.0))

    def prox(self, V, step):
        """Return V soft-thresholded entry by entry."""
        return np.sign(V) * np.maximum(np.abs(V) - step * self.alpha, 0.0)


@PENALTIES.register
class LassoPenaltyConfig(PenaltyConfig):
    """Configuration of :class:`LassoPenalty`, ``penalty="lasso"``.

    No hyperparameters of its own: its strength is the estimator's ``alpha``.
    """

    plugin = LassoPenalty
