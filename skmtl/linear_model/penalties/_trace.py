"""Low-rank tasks: the trace (nuclear) norm of the coefficient matrix.

Ji, S. and Ye, J. (2009). An accelerated gradient method for trace norm
minimization. In Proceedings of ICML 2009, 457-464.

Pong, T. K., Tseng, P., Ji, S. and Ye, J. (2010). Trace norm regularization:
reformulations, algorithms, and multi-task learning. SIAM Journal on
Optimization, 20(6), 3465-3489.
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
class TracePenalty(Penalty):
    r"""The trace norm: the sum of the singular values of :math:`W`.

    .. math::

        \Omega(W) = \alpha \lVert W \rVert_* = \alpha \sum_{k} \sigma_k(W).

    It favours coefficient matrices of low rank: every task's coefficients are a
    combination of a few shared directions in feature space. Its proximal
    operator soft-thresholds the singular values (singular value thresholding).

    Parameters
    ----------
    %(parameters)s

    See Also
    --------
    L21Penalty : Shares the support (which features) instead of the subspace.
    """

    name = "trace"

    def nonsmooth_value(self, W):
        """Return alpha times the sum of the singular values of W."""
        return self.alpha * float(np.linalg.svd(W, compute_uv=False).sum())

    def dual_norm(self, G):
        """Return the largest singular value of G: the spectral norm."""
        if G.size == 0:
            return 0.0
        return float(np.linalg.norm(G, 2))

    def prox(self, V, step):
        """Return V with its singular values soft-thresholded."""
        U, singular_values, Vt = np.linalg.svd(V, full_matrices=False)
        shrunk = np.maximum(singular_values - step * self.alpha, 0.0)
        keep = shrunk > 0
        return (U[:, keep] * shrunk[keep]) @ Vt[keep]


@PENALTIES.register
class TracePenaltyConfig(PenaltyConfig):
    """Configuration of :class:`TracePenalty`, ``penalty="trace"``.

    No hyperparameters of its own: its strength is the estimator's ``alpha``.
    """

    plugin = TracePenalty
