"""Docstring sections shared by the two CV estimators.

:class:`RegularizedMultiTaskRegressorCV` and
:class:`RegularizedMultiTaskClassifierCV` fill their docstrings from these
sections (see :func:`skmtl.utils._docstrings.fill_doc`).
"""

from skmtl.utils._docstrings import FEATURES_PARAMETER

#: How the strength is chosen, after the first sentence.
PATH = """\
On every fold, a warm-started path of strengths from the largest down is
fitted on the training rows and scored on the held-out rows; the strength
with the best mean score (``alpha_``) is refitted on all rows
(``estimator_``), which then predicts and scores."""

#: The Parameters section.
PARAMETERS = """\
Parameters
----------
penalty : str or PenaltyConfig, default="l21"
    The penalty, as in the base estimator; search it and its configuration's
    hyperparameters (``penalty__n_clusters``) with
    :class:`~sklearn.model_selection.GridSearchCV` around this estimator.
penalty_params : dict, default=None
    Deprecated (FutureWarning), removed in the next release, as in the base
    estimator.
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
    Seeds the shuffling of the folds when ``cv`` is an int."""

#: The Attributes section (the classifier adds ``classes_``).
ATTRIBUTES = """\
Attributes
----------
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
    Solver iterations of the refit."""

#: How the grid of strengths is built.
NOTES = r"""Notes
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
solution, which costs a fraction of independent fits."""

#: The sections, for :func:`skmtl.utils._docstrings.fill_doc`.
SECTIONS = {
    "path": PATH,
    "parameters": PARAMETERS,
    "attributes": ATTRIBUTES,
    "notes": NOTES,
    "features": FEATURES_PARAMETER,
}
