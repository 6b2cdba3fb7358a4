"""One cross-validation fold of a regularized estimator's path, and its score."""

import numpy as np
from scipy import sparse

from skmtl.utils._sklearn_compat import _safe_indexing


def indexable(values):
    """Return ``values`` in a form whose rows the folds can select.

    DataFrames (column names), sparse matrices, arrays and lists are kept; any
    other array-like (e.g. one exposing only ``__array__``) becomes an array.
    """
    if isinstance(values, (np.ndarray, list)) or hasattr(values, "iloc"):
        return values
    if sparse.issparse(values):
        return values
    return np.asarray(values)


def default_score(estimator, X, y):
    """Score with the estimator's own ``score`` (mean per-task accuracy)."""
    return estimator.score(X, y)


class StableTaskR2:
    r"""Mean over tasks of R² on held-out rows, each task's variance from all rows.

    A fold's R² for task :math:`t` is :math:`1 - \mathrm{MSE}_t / V_t`. The
    estimator's ``score`` takes :math:`V_t` over the fold's held-out labels of
    the task, a noisy denominator when tasks have few rows (School: about 20 per
    school and fold, which chose a visibly worse ``alpha``); here :math:`V_t` is
    the variance of all the task's labels given to ``fit``, the same in every
    fold, so the score ranks strengths by each task's held-out MSE, every task
    counting the same.

    Parameters
    ----------
    data : DecodedData
        The decoded training data (all rows).
    test : ndarray of int
        The fold's held-out rows.
    """

    def __init__(self, data, test):
        variances = np.array([labels.var() for _, _, labels in data.task_labels()])
        self.variances = variances
        self.targets = data.targets[test]
        self.observed = data.observed[test]
        self.task_index = None if data.task_index is None else data.task_index[test]

    def __call__(self, estimator, X, y):
        """Return the score of the fitted ``estimator`` on the fold's rows."""
        predictions = estimator.predict(X)
        if self.task_index is None:
            predictions = predictions.reshape(len(self.targets), -1)
            errors = np.where(self.observed, self.targets - predictions, 0.0) ** 2
            counts = self.observed.sum(axis=0)
            sums = errors.sum(axis=0)
        else:
            n_tasks = len(self.variances)
            errors = np.where(self.observed, self.targets - predictions, 0.0) ** 2
            sums = np.bincount(self.task_index, weights=errors, minlength=n_tasks)
            counts = np.bincount(
                self.task_index, weights=self.observed, minlength=n_tasks
            )
        scored = (counts > 0) & (self.variances > 0)
        if not scored.any():
            return float("nan")
        mse = sums[scored] / counts[scored]
        return float(np.mean(1.0 - mse / self.variances[scored]))


def fold_path(estimator, X, y, train, test, alphas, scorer):
    """Fit a warm-started path on one fold's training rows; score every strength.

    Parameters
    ----------
    estimator : RegularizedMultiTaskRegressor or RegularizedMultiTaskClassifier
        An unfitted estimator with ``warm_start=True``.
    X, y : array-like
        All the rows.
    train, test : ndarray of int
        The fold's training and held-out rows.
    alphas : ndarray of shape (n_alphas,)
        Decreasing strengths.
    scorer : callable
        ``scorer(estimator, X, y)``, greater is better.

    Returns
    -------
    scores : ndarray of shape (n_alphas,)
        The held-out score of each strength.
    n_iter : ndarray of shape (n_alphas,)
        The solver iterations each strength took from the previous solution.
    """
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    scores = np.empty(len(alphas))
    n_iter = np.empty(len(alphas), dtype=np.int64)
    for k, alpha in enumerate(alphas):
        estimator.set_params(alpha=alpha).fit(X_train, y_train)
        scores[k] = scorer(estimator, X_test, y_test)
        n_iter[k] = estimator.n_iter_
    return scores, n_iter
