"""Joint feature selection: the l2,1 norm, a group lasso over the tasks.

Argyriou, A., Evgeniou, T. and Pontil, M. (2008). Convex multi-task feature
learning. Machine Learning, 73(3), 243-272.

Obozinski, G., Taskar, B. and Jordan, M. I. (2010). Joint covariate selection and
joint subspace selection for multiple classification problems. Statistics and
Computing, 20(2), 231-252.
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
class L21Penalty(Penalty):
    r"""Joint feature selection: the sum over features of the norm over tasks.

    .. math::

        \Omega(W) = \alpha \sum_{j=1}^{d} \lVert W_{:, j} \rVert_2
                  = \alpha \sum_{j=1}^{d} \sqrt{\textstyle\sum_{t=1}^{T} W_{tj}^2},

    where column :math:`W_{:, j}` holds feature :math:`j`'s coefficients in every
    task. A feature is used by all tasks or by none: this is the penalty of
    :class:`sklearn.linear_model.MultiTaskLasso` (whose ``coef_`` has the same
    ``(n_tasks, n_features)`` layout). Its proximal operator shrinks each column
    towards zero (block soft-thresholding).

    Parameters
    ----------
    %(parameters)s

    See Also
    --------
    LassoPenalty : The l1 norm, which selects features task by task.
    """

    name = "l21"

    def nonsmooth_value(self, W):
        """Return alpha times the sum of the column (feature) norms of W."""
        return self.alpha * float(np.sqrt((W * W).sum(axis=0)).sum())

    def column_dual_norms(self, G):
        """Return the l2 norm of each column (feature) of G."""
        return np.sqrt((G * G).sum(axis=0))

    def dual_norm(self, G):
        """Return the largest column (feature) norm of G: the l2,inf norm."""
        return float(np.sqrt((G * G).sum(axis=0)).max(initial=0.0))

    def prox(self, V, step):
        """Return V with each column (feature) block soft-thresholded."""
        norms = np.sqrt((V * V).sum(axis=0))
        threshold = step * self.alpha
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = np.where(norms > threshold, 1.0 - threshold / norms, 0.0)
        return V * shrink


@PENALTIES.register
class L21PenaltyConfig(PenaltyConfig):
    """Configuration of :class:`L21Penalty`, ``penalty="l21"``.

    No hyperparameters of its own: its strength is the estimator's ``alpha``.
    """

    plugin = L21Penalty
