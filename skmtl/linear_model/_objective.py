"""One linear fit: its data term, its problem, and the maps to the estimator.

:class:`LinearFit` builds the data term of a fit (:mod:`._data_terms`) on the
right linear map (:mod:`._design`). Intercepts are either eliminated (squared
loss: each task's optimal intercept is a closed-form function of its
coefficients, so the data are centered per task) or an extra, unpenalized column
of ``Theta`` (logistic loss). A sparse ``X`` is never densified nor centered in
place, and a Gram matrix is built only when its iterations are cheaper than the
sparse products, as ``X^T S X - s c c^T``.
"""

import numpy as np
from scipy import sparse

from skmtl.linear_model._data_terms import GramData, LogisticLoss, RowData, SquaredLoss
from skmtl.linear_model._design import BlockDesign, DenseDesign
from skmtl.linear_model._problem import Problem

# Largest Gram matrices (in float64 entries, all tasks together) built to speed up
# the squared loss; beyond this the data term works from the rows.
_MAX_GRAM_ENTRIES = 2**25


class LinearFit:
    """The problem of one fit, and the maps between its variable and the estimator.

    Parameters
    ----------
    loss : {"squared", "logistic"}
        The loss.
    X : ndarray or sparse matrix of shape (n_samples, n_features), float64
        Features; an ndarray is owned by this object (centered in place), a
        sparse matrix (CSR) is neither densified nor modified.
    targets : ndarray of shape (n_samples, n_tasks) or (n_samples,)
        Labels (any finite value where not observed), wide or long layout;
        logistic: 0 or 1.
    observed : ndarray of bool, same shape as ``targets``
        Which labels are observed.
    sample_weight : ndarray of shape (n_samples,)
        Weight of each row.
    task_scale : ndarray of shape (n_tasks,)
        Weight of each task's labels (the task weighting); 0 leaves a task out.
    task_index : ndarray of shape (n_samples,) or None
        Long layout: each row's task; None: wide layout.
    penalty : Penalty
        The penalty on the coefficients.
    fit_intercept : bool
        Whether each task has an (unpenalized) intercept.
    """

    def __init__(
        self,
        loss,
        X,
        targets,
        observed,
        sample_weight,
        task_scale,
        task_index,
        penalty,
        fit_intercept,
    ):
        n_features = X.shape[1]
        n_tasks = len(task_scale)
        self.fit_intercept = fit_intercept
        self.n_features = n_features
        if task_index is None:
            weights = sample_weight[:, None] * observed * task_scale
        else:
            weights = sample_weight * observed * task_scale[task_index]
        targets = np.where(observed, targets, 0.0)
        # The coefficients act on x - centers[t]: intercept_t is the free
        # intercept (logistic) or the target mean (squared) minus centers[t] . w_t.
        self.centers = np.zeros((n_tasks, n_features))
        self.offsets = np.zeros(n_tasks)
        self.free_intercept = loss == "logistic" and fit_intercept
        if task_index is None:
            data = self._wide(
                loss,
                X,
                targets,
                weights,
                bool(observed.all()),
                sample_weight,
                task_scale,
            )
        else:
            data = self._long(loss, X, targets, weights, task_index, n_tasks)
        self.problem = Problem(data, penalty, n_features)
        self.shape = (n_tasks, n_features + self.free_intercept)
        zero = np.zeros(self.shape)
        self.problem.tol_scale = 2.0 * data.value(zero, data.image(zero))

    def _wide(self, loss, X, targets, weights, shared_rows, sample_weight, task_scale):
        n_samples, n_features = X.shape
        is_sparse = sparse.issparse(X)
        offsets = None
        if self.fit_intercept:
            overall = _weighted_mean(X, weights.sum(axis=1))
            if not is_sparse:
                X -= overall
            self.centers[:] = overall
            if loss == "squared":
                totals = weights.sum(axis=0)
                self.offsets = _safe_divide((weights * targets).sum(axis=0), totals)
                targets = targets - self.offsets
                if not shared_rows:
                    task_means = _safe_divide(
                        np.asarray(X.T @ weights).T, totals[:, None]
                    )
                    if is_sparse:
                        self.centers = np.where(totals[:, None] > 0, task_means, 0.0)
                    else:
                        offsets = task_means
                        self.centers += offsets
            if is_sparse:
                offsets = self.centers
        if loss == "logistic":
            if self.fit_intercept:
                X = _append_ones(X)
                if offsets is not None:
                    offsets = np.hstack([offsets, np.zeros((len(offsets), 1))])
            return RowData(DenseDesign(X, offsets), LogisticLoss(targets, weights))
        if (
            shared_rows
            and n_features <= n_samples
            and _fits(n_features**2)
            and (not is_sparse or n_features**2 <= 2 * X.nnz)
        ):
            center = self.centers[0] if is_sparse and self.fit_intercept else None
            gram = _weighted_gram(X, sample_weight, center)
            weighted = np.asarray(X.T @ (sample_weight[:, None] * targets)).T
            # Centered targets: the centering of X cancels in the cross term.
            cross = task_scale[:, None] * weighted
            constant = 0.5 * float(task_scale @ (sample_weight @ (targets * targets)))
            return GramData(gram, cross, constant, task_scale)
        return RowData(DenseDesign(X, offsets), SquaredLoss(targets, weights))

    def _long(self, loss, X, targets, weights, task_index, n_tasks):
        n_samples, n_features = X.shape
        is_sparse = sparse.issparse(X)
        centers = None
        if self.fit_intercept:
            totals = np.bincount(task_index, weights=weights, minlength=n_tasks)
            self.centers = _safe_divide(
                _task_sums(X, weights, task_index, n_tasks), totals[:, None]
            )
            if is_sparse:
                centers = self.centers
            else:
                X -= self.centers[task_index]
            if loss == "squared":
                self.offsets = _safe_divide(
                    np.bincount(
                        task_index, weights=weights * targets, minlength=n_tasks
                    ),
                    totals,
                )
                targets = targets - self.offsets[task_index]
        if loss == "logistic":
            if self.fit_intercept:
                X = _append_ones(X)
                if centers is not None:
                    centers = np.hstack([centers, np.zeros((n_tasks, 1))])
            return RowData(
                BlockDesign(X, task_index, n_tasks, centers),
                LogisticLoss(targets, weights),
            )
        if (
            n_tasks * n_features <= n_samples
            and _fits(n_tasks * n_features**2)
            and (not is_sparse or n_tasks * n_features**2 <= 2 * X.nnz)
        ):
            order = np.argsort(task_index, kind="stable")
            bounds = np.searchsorted(task_index[order], np.arange(n_tasks + 1))
            gram = np.empty((n_tasks, n_features, n_features))
            cross = np.empty((n_tasks, n_features))
            for t in range(n_tasks):
                rows = order[bounds[t] : bounds[t + 1]]
                center = None if centers is None else centers[t]
                gram[t] = _weighted_gram(X[rows], weights[rows], center)
                cross[t] = np.asarray(X[rows].T @ (weights[rows] * targets[rows]))
            constant = 0.5 * float(np.vdot(weights * targets, targets))
            return GramData(gram, cross, constant)
        return RowData(
            BlockDesign(X, task_index, n_tasks, centers), SquaredLoss(targets, weights)
        )

    def to_variable(self, coef, intercept):
        """Return the solver's variable for ``coef_`` and ``intercept_``."""
        coef = np.asarray(coef, dtype=np.float64)
        if not self.free_intercept:
            return coef.copy()
        free = np.asarray(intercept, dtype=np.float64) + (self.centers * coef).sum(1)
        return np.hstack([coef, free[:, None]])

    def from_variable(self, theta):
        """Return ``(coef, intercept)`` for the solver's variable ``theta``."""
        coef = np.ascontiguousarray(theta[:, : self.n_features])
        if not self.fit_intercept:
            return coef, np.zeros(len(coef))
        free = theta[:, -1] if self.free_intercept else self.offsets
        return coef, free - (self.centers * coef).sum(axis=1)


def _fits(n_entries):
    return n_entries <= _MAX_GRAM_ENTRIES


def _weighted_mean(X, weights):
    total = weights.sum()
    if total <= 0:
        return np.zeros(X.shape[1])
    return np.asarray(X.T @ weights).ravel() / total


def _weighted_gram(X, weights, center=None):
    """Return ``(X - c)^T diag(weights) (X - c)``, dense, for ``c`` = ``center``.

    A dense ``X`` comes centered (``center`` None). A sparse one stays as it is:
    ``X^T S X - s c c^T`` with ``s`` the total weight, where ``c`` is the
    weighted mean of the rows (so the cross terms reduce to ``s c c^T``).
    """
    if not sparse.issparse(X):
        return (X * weights[:, None]).T @ X
    gram = (X.T @ X.multiply(weights[:, None]).tocsc()).toarray()
    if center is not None:
        gram -= weights.sum() * np.outer(center, center)
    return gram


def _append_ones(X):
    """Return ``X`` with a column of ones appended (the logistic intercept)."""
    ones = np.ones((X.shape[0], 1))
    if sparse.issparse(X):
        return sparse.hstack([X, ones], format="csr")
    return np.hstack([X, ones])


def _safe_divide(numerator, denominator):
    """Return numerator / denominator, 0 where the denominator is 0."""
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, 0.0)


def _task_sums(values, weights, task_index, n_tasks):
    """Return the per-task weighted sums of the rows of ``values`` (dense or sparse).

    The result is dense, of shape (n_tasks, width).
    """
    indicator = sparse.csr_matrix(
        (weights, (task_index, np.arange(len(task_index)))),
        shape=(n_tasks, len(task_index)),
    )
    sums = indicator @ values
    return sums.toarray() if sparse.issparse(sums) else np.asarray(sums)
