"""The base of the cross-validated regularized estimators: path per fold, refit."""

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import KFold, StratifiedKFold, check_cv

from skmtl.linear_model._alpha_grid import DecodedData, alpha_grid
from skmtl.linear_model._cv_path import (
    StableTaskR2,
    default_score,
    fold_path,
    indexable,
)
from skmtl.linear_model._regressor import RegularizedMultiTaskRegressor
from skmtl.linear_model.penalties import PENALTIES
from skmtl.utils._doc_link import DocLinkMixin
from skmtl.utils._docstrings import FEATURES_PARAMETER, SCORE_PARAMETERS, fill_doc
from skmtl.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
)
from skmtl.utils._tags import multi_task_tags

# The refit estimator's fitted attributes that the CV estimator exposes as its own.
_EXPOSED_ATTRIBUTES = (
    "coef_",
    "intercept_",
    "n_tasks_",
    "task_names_",
    "classes_",
    "n_features_in_",
    "feature_names_in_",
    "n_iter_",
)


def refit_has(method):
    """Return a check for :func:`available_if`: the refit estimator has ``method``."""

    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, method)
        return hasattr(self._estimator_class, method)

    return check


@fill_doc(features=FEATURES_PARAMETER, score=SCORE_PARAMETERS)
class _BaseRegularizedMultiTaskCV(DocLinkMixin, BaseEstimator):
    """Path over alphas per fold, selection by mean score, refit; delegation."""

    #: The estimator fitted along the path and refitted.
    _estimator_class = None

    _parameter_constraints = {
        **{
            name: constraint
            for name, constraint in (
                RegularizedMultiTaskRegressor._parameter_constraints.items()
            )
            if name not in ("alpha", "warm_start")
        },
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        penalty="l21",
        penalty_params=None,
        alphas=20,
        eps=1e-3,
        cv=5,
        scoring=None,
        fit_intercept=True,
        task_weighting="per_task",
        max_iter=None,
        tol=None,
        task_column=None,
        n_jobs=None,
        random_state=None,
    ):
        self.penalty = penalty
        self.penalty_params = penalty_params
        self.alphas = alphas
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.task_weighting = task_weighting
        self.max_iter = max_iter
        self.tol = tol
        self.task_column = task_column
        self.n_jobs = n_jobs
        self.random_state = random_state

    # --------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, groups=None):
        """Choose ``alpha`` by cross-validation, then refit on all rows.

        %(features)s
        y : array-like or DataFrame
            Targets, in the wide (NaN = missing label) or long layout.
        groups : array-like of shape (n_samples,), default=None
            Group labels for a group splitter given as ``cv`` (e.g.
            :class:`~sklearn.model_selection.GroupKFold`); ignored otherwise.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if sparse.issparse(X) and X.format not in ("csr", "csc"):
            # The folds index rows of X: COO, DIA, BSR... cannot be indexed
            # (the base estimator converts them to CSR as well).
            X = X.tocsr()
        data = self._decode(X, y)
        X, y = indexable(X), indexable(y)
        alphas = self._alphas(data)
        folds = self._folds(X, y, data, groups)
        paths = Parallel(n_jobs=self.n_jobs)(
            delayed(fold_path)(
                self._path_estimator(alphas[0]),
                X,
                y,
                train,
                test,
                alphas,
                self._scorer(data, test),
            )
            for train, test in folds
        )
        self.cv_scores_ = np.column_stack([scores for scores, _ in paths])
        self.cv_n_iter_ = np.column_stack([n_iter for _, n_iter in paths])
        mean = self.cv_scores_.mean(axis=1)
        if not np.isfinite(mean).any():
            raise ValueError(
                f"Every cross-validated score is NaN or infinite (scoring="
                f"{self.scoring!r}): no alpha can be chosen. Check that every "
                "task has held-out labels in every fold."
            )
        self.alphas_ = alphas
        # Ties go to the first, i.e. the strongest penalty.
        self.best_index_ = int(np.nanargmax(np.where(np.isfinite(mean), mean, np.nan)))
        self.alpha_ = float(alphas[self.best_index_])
        self.estimator_ = self._estimator(self.alpha_, warm_start=False).fit(X, y)
        for name in _EXPOSED_ATTRIBUTES:
            vars(self).pop(name, None)
            if hasattr(self.estimator_, name):
                setattr(self, name, getattr(self.estimator_, name))
        return self

    def _estimator(self, alpha, *, warm_start):
        """Return an unfitted base estimator with this estimator's settings."""
        params = {
            "penalty": self.penalty,
            "penalty_params": self.penalty_params,
            "fit_intercept": self.fit_intercept,
            "task_weighting": self.task_weighting,
            "task_column": self.task_column,
        }
        # None keeps the base estimator's own default (its stopping rule may
        # differ between releases).
        if self.max_iter is not None:
            params["max_iter"] = self.max_iter
        if self.tol is not None:
            params["tol"] = self.tol
        return self._estimator_class(alpha=alpha, warm_start=warm_start, **params)

    def _path_estimator(self, alpha):
        return self._estimator(alpha, warm_start=True)

    def _scorer(self, data, test):
        """Return the scorer of the fold with held-out rows ``test``."""
        if self.scoring is not None:
            return check_scoring(self._path_estimator(1.0), scoring=self.scoring)
        if data.loss == "squared":
            return StableTaskR2(data, test)
        return default_score

    def _decode(self, X, y):
        """Decode the layout and targets once, as the base estimator's fit does.

        The only use of the base estimator's internals (``_fit_layout``,
        ``_encode_targets`` and ``_loss_targets``): it validates the data with the
        base estimator's messages and gives the arrays the alpha grid is computed
        from.
        """
        estimator = self._estimator(1.0, warm_start=False)
        layout, features, Y, task_index = estimator._fit_layout(X, y, warm=False)
        targets, observed = estimator._loss_targets(
            estimator._encode_targets(layout, Y, task_index, reset=True)
        )
        counts = layout.task_sums(observed, np.ones(len(observed)), task_index)
        empty = [estimator.task_names_[t] for t in np.flatnonzero(counts == 0)]
        if empty:
            raise ValueError(
                f"Tasks {empty} have no observed label (every label is missing); "
                "drop these tasks or provide labels."
            )
        if self.task_weighting == "per_task":
            task_scale = 1.0 / counts
        else:
            task_scale = np.full(len(counts), len(counts) / counts.sum())
        self._task_names = estimator.task_names_
        return DecodedData(
            features=features.astype(np.float64),
            targets=targets,
            observed=observed,
            task_index=task_index,
            task_scale=task_scale,
            loss=estimator._loss,
            fit_intercept=self.fit_intercept,
        )

    def _alphas(self, data):
        """Return the decreasing strengths of the path."""
        if isinstance(self.alphas, Integral):
            penalty_name = PENALTIES.resolve(self.penalty).name
            return alpha_grid(penalty_name, data, self.alphas, self.eps)
        alphas = np.asarray(self.alphas, dtype=np.float64)
        if alphas.ndim != 1 or alphas.size == 0 or not np.all(alphas >= 0):
            raise ValueError(
                "alphas must be an int (the number of strengths on a log grid) or "
                f"a non-empty 1-D array of finite values >= 0, got {self.alphas!r}."
            )
        return np.sort(alphas)[::-1]

    def _folds(self, X, y, data, groups):
        """Return the list of ``(train, test)`` row indices.

        An int ``cv`` shuffles with ``random_state``; in the long layout the folds
        are stratified by task, so that every fold trains every task.
        """
        if not isinstance(self.cv, Integral):
            return list(check_cv(self.cv).split(X, y, groups))
        if data.task_index is None:
            splitter = KFold(self.cv, shuffle=True, random_state=self.random_state)
            return list(splitter.split(data.features))
        sizes = np.bincount(data.task_index, minlength=len(self._task_names))
        small = [self._task_names[t] for t in np.flatnonzero(sizes < self.cv)]
        if small:
            raise ValueError(
                f"cv={self.cv} folds need at least {self.cv} rows per task so that "
                f"every fold trains every task; tasks {small[:10]} have fewer. "
                "Lower cv or pass a splitter."
            )
        splitter = StratifiedKFold(
            self.cv, shuffle=True, random_state=self.random_state
        )
        return list(splitter.split(data.features, data.task_index))

    # -------------------------------------------------------------- delegation
    def predict(self, X):
        """Predict with the estimator refitted at ``alpha_``.

        %(features)s

        Returns
        -------
        y_pred : ndarray
            As :meth:`RegularizedMultiTaskRegressor.predict` (or the
            classifier's).
        """
        check_is_fitted(self)
        return self.estimator_.predict(X)

    def score(self, X, y, sample_weight=None):
        """Return the refitted estimator's mean per-task score (R² or accuracy).

        %(score)s

        Returns
        -------
        score : float
            Mean over tasks of the per-task score on observed labels.
        """
        check_is_fitted(self)
        return self.estimator_.score(X, y, sample_weight)

    def score_per_task(self, X, y, sample_weight=None, *, as_frame=False):
        """Return the refitted estimator's score of each task.

        %(score)s
        as_frame : bool, default=False
            Return a pandas DataFrame indexed by task instead of a dict.

        Returns
        -------
        scores : dict or DataFrame
            Task name -> score.
        """
        check_is_fitted(self)
        return self.estimator_.score_per_task(X, y, sample_weight, as_frame=as_frame)

    def __sklearn_tags__(self):
        # The linear models take SciPy sparse X (CSR/CSC, never densified).
        return multi_task_tags(super().__sklearn_tags__(), sparse=True)
