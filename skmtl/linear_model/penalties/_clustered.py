"""Clustered multi-task learning, convex relaxation.

Jacob, L., Bach, F. and Vert, J.-P. (2008). Clustered multi-task learning: a convex
formulation. In Advances in Neural Information Processing Systems 21 (NIPS 2008),
745-752.

Zhou, J., Chen, J. and Ye, J. (2011). Clustered multi-task learning via
alternating structure optimization. In Advances in Neural Information Processing
Systems 24 (NIPS 2011), 702-710.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from skmtl.linear_model.penalties._base import (
    COEFFICIENTS,
    PENALTIES,
    Penalty,
    PenaltyConfig,
)
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval


@fill_doc(coefficients=COEFFICIENTS)
class ClusteredPenalty(Penalty):
    r"""Tasks grouped into ``n_clusters`` clusters learned with the coefficients.

    The convex relaxation of clustered multi-task learning (Zhou, Chen & Ye,
    2011, their cCMTL; Jacob, Bach & Vert, 2008, give an equivalent family):

    .. math::

        \Omega(W) = \alpha \, \eta (1 + \eta) \min_{M \in \mathcal{M}_k}
                    \operatorname{tr}\big(W^\top (\eta I + M)^{-1} W\big),
        \qquad
        \mathcal{M}_k = \{M : \operatorname{tr} M = k,\ 0 \preceq M
        \preceq I\},

    over :math:`T \times T` matrices :math:`M`, with :math:`k` = ``n_clusters``
    and :math:`\eta` = ``ridge``. When :math:`M = F F^\top` for a normalized
    cluster indicator :math:`F` it equals the non-convex clustered objective
    :math:`\alpha (\operatorname{tr}(W^\top W) - \operatorname{tr}(F^\top W
    W^\top F)) + \alpha \eta \lVert W \rVert_F^2`: the spread of the tasks
    around their cluster's mean plus a ridge. The relaxation minimizes over the
    convex hull of such :math:`M`.

    The minimizing :math:`M` has the eigenvectors of the task Gram matrix
    :math:`W W^\top` and eigenvalues found by water-filling (solved exactly), so
    :math:`\Omega` is evaluated in closed form. It is smooth, with gradient
    :math:`2 \alpha \eta (1 + \eta) (\eta I + M)^{-1} W` (Lipschitz constant
    :math:`2 \alpha (1 + \eta)`), so the solver needs no step on :math:`M`.

    After fit the estimator exposes ``task_cluster_matrix_`` (the minimizing
    :math:`M` at the solution) and ``task_clusters_`` (a cluster label per task:
    Ward clustering of the tasks' rows in the top ``n_clusters`` eigenvectors of
    :math:`M`, i.e. spectral clustering of the learned task similarity).

    Parameters
    ----------
    alpha : float
        Strength of the pull of the tasks towards their cluster.
    task_names : sequence
        The names of the tasks, in the order of the rows of ``W``.
    n_clusters : int, default=2
        The number of clusters :math:`k`, at most the number of tasks.
    ridge : float, default=0.1
        :math:`\eta > 0`: the ridge on all coefficients relative to ``alpha``
        (Zhou et al.'s :math:`\beta / \alpha`).

    See Also
    --------
    GraphPenalty : The task graph given instead of learned.
    """

    name = "clustered"

    def __init__(self, alpha, task_names, *, n_clusters=2, ridge=0.1):
        super().__init__(alpha, task_names)
        self.n_clusters = int(n_clusters)
        if self.n_clusters > self.n_tasks:
            raise ValueError(
                f"penalty='clustered': n_clusters={self.n_clusters} exceeds the "
                f"number of tasks ({self.n_tasks}: {self.task_names})."
            )
        self.ridge = float(ridge)

    def cluster_matrix(self, W):
        r"""Return the minimizing :math:`M` and its eigen-decomposition.

        %(coefficients)s

        Returns
        -------
        M : ndarray of shape (n_tasks, n_tasks)
            The relaxed cluster matrix minimizing the penalty for ``W``.
        eigenvalues : ndarray of shape (n_tasks,)
            The eigenvalues of ``M``, in [0, 1], summing to ``n_clusters``.
        eigenvectors : ndarray of shape (n_tasks, n_tasks)
            Its eigenvectors, those of :math:`W W^\top`, as columns.
        """
        gram_eigenvalues, vectors = np.linalg.eigh(W @ W.T)
        m = _water_filling(gram_eigenvalues, self.ridge, self.n_clusters)
        return (vectors * m) @ vectors.T, m, vectors

    def smooth_value_and_gradient(self, W):
        """Return the penalty and its gradient."""
        eta = self.ridge
        gram_eigenvalues, vectors = np.linalg.eigh(W @ W.T)
        m = _water_filling(gram_eigenvalues, eta, self.n_clusters)
        scale = self.alpha * eta * (1.0 + eta)
        inverse = 1.0 / (eta + m)
        value = scale * float((np.maximum(gram_eigenvalues, 0.0) * inverse).sum())
        gradient = 2.0 * scale * ((vectors * inverse) @ (vectors.T @ W))
        return value, gradient

    def lipschitz(self):
        """Return an upper bound of the gradient's Lipschitz constant."""
        return 2.0 * self.alpha * (1.0 + self.ridge)

    def fitted_attributes(self, W):
        """Return ``task_cluster_matrix_`` and ``task_clusters_``."""
        M, m, vectors = self.cluster_matrix(W)
        if self.n_tasks <= self.n_clusters:
            labels = np.arange(self.n_tasks)
        else:
            top = np.argsort(-m, kind="stable")[: self.n_clusters]
            labels = AgglomerativeClustering(
                n_clusters=self.n_clusters, linkage="ward"
            ).fit_predict(vectors[:, top])
        # Number the clusters in the order their first task appears.
        first_seen = {label: i for i, label in reversed(list(enumerate(labels)))}
        order = sorted(first_seen, key=first_seen.get)
        relabel = {label: i for i, label in enumerate(order)}
        return {
            "task_cluster_matrix_": M,
            "task_clusters_": np.array([relabel[label] for label in labels]),
        }


def _water_filling(gram_eigenvalues, eta, k):
    r"""Return the eigenvalues :math:`m` of the minimizing cluster matrix.

    Minimizes :math:`\sum_i \lambda_i / (\eta + m_i)` subject to
    :math:`\sum_i m_i = k` and :math:`0 \le m_i \le 1`. Stationarity gives
    :math:`m_i = \mathrm{clip}(s \sigma_i - \eta, 0, 1)` with
    :math:`\sigma_i = \sqrt{\lambda_i}` and :math:`s > 0` chosen so the sum is
    :math:`k`; the sum is piecewise linear in :math:`s`, so :math:`s` is found
    exactly between two breakpoints.
    """
    sigma = np.sqrt(np.maximum(gram_eigenvalues, 0.0))
    n_tasks = len(sigma)
    positive = sigma > 1e-12 * max(float(sigma.max(initial=0.0)), 1e-300)
    n_positive = int(positive.sum())
    if n_positive <= k:
        # Every direction the tasks use gets m = 1; the rest of the trace goes
        # where it costs nothing (directions with sigma = 0).
        rest = (k - n_positive) / (n_tasks - n_positive) if n_tasks > n_positive else 0
        return np.where(positive, 1.0, rest)
    used = sigma[positive]
    breaks = np.unique(np.concatenate([eta / used, (1.0 + eta) / used]))
    totals = np.clip(breaks[:, None] * used[None, :] - eta, 0.0, 1.0).sum(axis=1)
    j = int(np.searchsorted(totals, k))
    s = breaks[j - 1] + (k - totals[j - 1]) * (breaks[j] - breaks[j - 1]) / (
        totals[j] - totals[j - 1]
    )
    return np.where(positive, np.clip(s * sigma - eta, 0.0, 1.0), 0.0)


@PENALTIES.register
class ClusteredPenaltyConfig(PenaltyConfig):
    """Configuration of :class:`ClusteredPenalty`, ``penalty="clustered"``.

    Parameters
    ----------
    n_clusters : int, default=2
        The number of clusters, >= 1 and at most the number of tasks (checked
        at fit time).
    ridge : float, default=0.1
        The ridge on all coefficients relative to ``alpha``, > 0 (it keeps the
        relaxed problem strictly convex).
    """

    plugin = ClusteredPenalty
    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "ridge": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, n_clusters=2, ridge=0.1):
        self.n_clusters = n_clusters
        self.ridge = ridge
