"""Cross-validated regularized multi-task estimators: the penalty strength chosen.

:class:`RegularizedMultiTaskRegressorCV` and :class:`RegularizedMultiTaskClassifierCV`
fit, on every cross-validation fold, a warm-started path of penalty strengths from
the largest down, score each on the held-out rows, and refit the strength with the
best mean score on all rows (as :class:`sklearn.linear_model.MultiTaskLassoCV` and
:class:`sklearn.linear_model.LogisticRegressionCV` do).
"""

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import KFold, StratifiedKFold, check_cv
from sklearn.utils.metaestimators import available_if

from skmtl.linear_model._alpha_grid import DecodedData, alpha_grid
from skmtl.linear_model._classifier import RegularizedMultiTaskClassifier
from skmtl.linear_model._regressor import RegularizedMultiTaskRegressor
from skmtl.linear_model.penalties import PENALTIES
from skmtl.utils._doc_link import DocLinkMixin
from skmtl.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    _safe_indexing,
    check_is_fitted,
)

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


def _indexable(values):
    """Return ``values`` in a form whose rows the folds can select.

    DataFrames (column names), sparse matrices, arrays and lists are kept; any
    other array-like (e.g. one exposing only ``__array__``) becomes an array.
    """
    if isinstance(values, (np.ndarray, list)) or hasattr(values, "iloc"):
        return values
    if sparse.issparse(values):
        return values
    return np.asarray(values)


def _default_score(estimator, X, y):
    """Score with the estimator's own ``score`` (mean per-task accuracy)."""
    return estimator.score(X, y)


class _StableTaskR2:
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


def _fold_path(estimator, X, y, train, test, alphas, scorer):
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


def _refit_has(method):
    """Return a check for :func:`available_if`: the refit estimator has ``method``."""

    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, method)
        return hasattr(self._estimator_class, method)

    return check


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

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout).
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
        X, y = _indexable(X), _indexable(y)
        alphas = self._alphas(data)
        folds = self._folds(X, y, data, groups)
        paths = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_path)(
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
            return _StableTaskR2(data, test)
        return _default_score

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

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout).

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

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features.
        y : array-like
            True labels, in the layout used in ``fit``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean over tasks of the per-task score on observed labels.
        """
        check_is_fitted(self)
        return self.estimator_.score(X, y, sample_weight)

    def score_per_task(self, X, y, sample_weight=None, *, as_frame=False):
        """Return the refitted estimator's score of each task.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features.
        y : array-like
            True labels, in the layout used in ``fit``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
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
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.allow_nan = False
        # The linear models take SciPy sparse X (CSR/CSC, never densified).
        tags.input_tags.sparse = True
        return tags


_SHARED_PARAMETERS = """
    penalty : str or Penalty subclass, default="l21"
        The penalty, as in the base estimator.
    penalty_params : dict, default=None
        Hyperparameters of the penalty, as in the base estimator; search them
        (and ``penalty``) with :class:`~sklearn.model_selection.GridSearchCV`
        around this estimator.
    alphas : int or array-like, default=20
        An int: that many strengths on a geometric grid from ``alpha_max`` down
        to ``eps * alpha_max``, scaled to the data (see Notes). An array: these
        strengths (sorted decreasing for the path).
    eps : float, default=1e-3
        Ratio of the smallest to the largest strength of the grid, in (0, 1).
    cv : int, cross-validation generator or iterable, default=5
        An int: that many folds of a shuffled
        :class:`~sklearn.model_selection.KFold` seeded by ``random_state`` (wide
        layout) or of a :class:`~sklearn.model_selection.StratifiedKFold` on the
        task ids (long layout), so every fold trains every task. A splitter or an
        iterable of ``(train, test)`` indices is used as given (``split(X, y,
        groups)``).
    scoring : str, callable or None, default=None
        None: the mean over tasks of the per-task score on the held-out labels:
        accuracy for the classifier; for the regressor R², with each task's
        variance taken over all its labels rather than over the fold's few
        held-out ones (a stabler choice of ``alpha`` when tasks are small). A
        scorer name (e.g.
        ``"neg_mean_squared_error"``, which needs every label observed) or a
        callable ``scorer(estimator, X, y)``; greater is better.
    fit_intercept : bool, default=True
        Whether each task has its own unpenalized intercept.
    task_weighting : {"per_task", "per_sample"}, default="per_task"
        How tasks with different numbers of labels are weighted, as in the base
        estimator.
    max_iter : int, default=None
        Maximum solver iterations per fit; None: the base estimator's default.
    tol : float, default=None
        The solver's tolerance; None: the base estimator's default.
    task_column : int or str, default=None
        Long layout: the column of ``X`` holding each row's task id. None: wide
        layout.
    n_jobs : int, default=None
        Number of folds fitted in parallel (joblib); None means 1.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the folds when ``cv`` is an int.
"""

_SHARED_ATTRIBUTES = """
    alpha_ : float
        The chosen strength: the best mean score over the folds (ties: the
        strongest).
    alphas_ : ndarray of shape (n_alphas,)
        The strengths tried, decreasing.
    cv_scores_ : ndarray of shape (n_alphas, n_folds)
        The held-out score of every strength on every fold.
    cv_n_iter_ : ndarray of shape (n_alphas, n_folds)
        Solver iterations of every fit of the paths (each warm-started from the
        previous strength's solution).
    best_index_ : int
        Index of ``alpha_`` in ``alphas_``.
    estimator_ : estimator
        The base estimator refitted on all rows at ``alpha_``.
    coef_ : ndarray of shape (n_tasks, n_features)
        Coefficients of the refitted estimator.
    intercept_ : ndarray of shape (n_tasks,)
        Intercepts of the refitted estimator.
    n_tasks_ : int
        Number of tasks.
    task_names_ : list
        Task names.
    n_features_in_ : int
        Number of columns of ``X`` seen in fit (including the task column).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X``, when it is a DataFrame with string names.
    n_iter_ : int
        Solver iterations of the refit.
"""

_NOTES = r"""
    Notes
    -----
    The grid scales with the data. For ``"l21"``, ``"lasso"`` and ``"trace"``,
    ``alpha_max`` is the smallest strength at which every coefficient is zero:
    the dual norm (largest feature column 2-norm, largest entry, spectral norm)
    of the data term's gradient at zero coefficients with fitted intercepts. The
    smooth penalties (``"ridge"``, ``"mean"``, ``"graph"``, ``"clustered"``)
    zero nothing; their ``alpha_max`` is :math:`\lambda / \sqrt{\epsilon}`,
    with :math:`\lambda` the largest eigenvalue of the data term's Hessian (the
    per-task weighted feature covariance, times 1/4 for the logistic loss), so
    the grid is centred on :math:`\lambda` on a log scale. Each fold fits the
    path from the strongest penalty down, each fit starting from the previous
    solution, which costs a fraction of independent fits.
"""


class RegularizedMultiTaskRegressorCV(RegressorMixin, _BaseRegularizedMultiTaskCV):
    __doc__ = (
        """Regularized multi-task regression, ``alpha`` chosen by cross-validation.

    :class:`RegularizedMultiTaskRegressor` with a cross-validated ``alpha``.
    On every fold, a warm-started path of strengths from the largest down is
    fitted on the training rows and scored on the held-out rows; the strength
    with the best mean score (``alpha_``) is refitted on all rows
    (``estimator_``), which then predicts and scores. As
    :class:`sklearn.linear_model.MultiTaskLassoCV` for ``penalty="l21"``, for
    every penalty, both layouts and missing labels.

    Parameters
    ----------"""
        + _SHARED_PARAMETERS
        + """
    Attributes
    ----------"""
        + _SHARED_ATTRIBUTES
        + """
    See Also
    --------
    RegularizedMultiTaskRegressor : The estimator at a given ``alpha``.
    sklearn.linear_model.MultiTaskLassoCV : The ``"l21"`` penalty, shared rows.
"""
        + _NOTES
        + """
    Examples
    --------
    >>> from skmtl.datasets import make_multitask_regression
    >>> from skmtl.linear_model import RegularizedMultiTaskRegressorCV
    >>> X, Y = make_multitask_regression(n_samples=200, n_tasks=3, random_state=0)
    >>> model = RegularizedMultiTaskRegressorCV(penalty="mean", random_state=0)
    >>> model.fit(X, Y).cv_scores_.shape
    (20, 5)
    >>> model.predict(X[:2]).shape
    (2, 3)
    """
    )

    _estimator_class = RegularizedMultiTaskRegressor

    # The mixin on the left would otherwise supply a single-output score.
    score = _BaseRegularizedMultiTaskCV.score


class RegularizedMultiTaskClassifierCV(ClassifierMixin, _BaseRegularizedMultiTaskCV):
    __doc__ = (
        """Regularized multi-task classification, ``alpha`` chosen by cross-validation.

    :class:`RegularizedMultiTaskClassifier` with a cross-validated ``alpha``.
    On every fold, a warm-started path of strengths from the largest down is
    fitted on the training rows and scored on the held-out rows; the strength
    with the best mean score (``alpha_``) is refitted on all rows
    (``estimator_``), which then predicts and scores. Binary tasks, as the base
    estimator. With missing labels in the wide layout, a task must keep labels
    of both classes in every training fold.

    Parameters
    ----------"""
        + _SHARED_PARAMETERS
        + """
    Attributes
    ----------"""
        + _SHARED_ATTRIBUTES
        + """    classes_ : list of ndarray or ndarray
        The classes of each task (one array for a 1-D ``y``).

    See Also
    --------
    RegularizedMultiTaskClassifier : The estimator at a given ``alpha``.
    sklearn.linear_model.LogisticRegressionCV : One task at a time.
"""
        + _NOTES
        + """
    Examples
    --------
    >>> from skmtl.datasets import make_multitask_classification
    >>> from skmtl.linear_model import RegularizedMultiTaskClassifierCV
    >>> X, Y = make_multitask_classification(
    ...     n_samples=200, n_tasks=3, random_state=0)
    >>> model = RegularizedMultiTaskClassifierCV(alphas=5, cv=3, random_state=0)
    >>> model.fit(X, Y).predict(X[:2]).shape
    (2, 3)
    >>> [len(c) for c in model.classes_]
    [2, 2, 2]
    """
    )

    _estimator_class = RegularizedMultiTaskClassifier

    # The mixin on the left would otherwise supply a single-output score.
    score = _BaseRegularizedMultiTaskCV.score

    @available_if(_refit_has("predict_proba"))
    def predict_proba(self, X):
        """Return the refitted estimator's class probabilities per task.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout).

        Returns
        -------
        proba : list of ndarray, or ndarray
            As :meth:`RegularizedMultiTaskClassifier.predict_proba`.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(_refit_has("decision_function"))
    def decision_function(self, X):
        """Return the refitted estimator's decision function.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout).

        Returns
        -------
        scores : ndarray
            As the base estimator's ``decision_function``.
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = True
        return tags
