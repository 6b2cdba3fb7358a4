"""Parameter and attribute documentation shared by the linear estimators.

RegularizedMultiTaskRegressor and RegularizedMultiTaskClassifier fill their
docstrings from these sections (see :func:`skmtl.utils._docstrings.fill_doc`).
"""

from skmtl.utils._docstrings import TASK_ATTRIBUTES, TASK_COLUMN

#: ``coef_``, ``intercept_``, ``n_iter_`` and ``objective_path_``.
COEFFICIENTS = """\
coef_ : ndarray of shape (n_tasks, n_features)
    Coefficients, one row per task (``n_features`` excludes the task column
    in the long layout).
intercept_ : ndarray of shape (n_tasks,)
    Intercepts (zeros when ``fit_intercept=False``).
n_iter_ : int
    Number of solver iterations run by the last ``fit``.
objective_path_ : ndarray of shape (n_iter + 1,)
    The objective at the start and after each iteration; never increasing
    (beyond rounding: steps within a few ulps of the value are kept)."""

#: The attributes of the clustered penalty.
CLUSTERS = """\
task_clusters_ : ndarray of shape (n_tasks,)
    ``penalty="clustered"`` only: the cluster of each task, numbered in
    order of first appearance.
task_cluster_matrix_ : ndarray of shape (n_tasks, n_tasks)
    ``penalty="clustered"`` only: the learned relaxed cluster matrix
    :math:`M` (near :math:`1 / |C|` for two tasks of the same cluster
    :math:`C`, near 0 across clusters)."""

SECTIONS = {
    "penalty": """\
penalty : str or PenaltyConfig, default="l21"
    The penalty: a name registered in
    ``skmtl.linear_model.penalties.PENALTIES``, or a penalty's configuration
    with its own hyperparameters, e.g.
    ``skmtl.linear_model.penalties.ClusteredPenaltyConfig(n_clusters=3)``,
    which are then nested parameters (``penalty__n_clusters``) that
    ``GridSearchCV`` searches. A subclass of
    :class:`skmtl.linear_model.penalties.Penalty` is accepted too.""",
    "penalty_params": """\
penalty_params : dict, default=None
    Deprecated (FutureWarning), removed in the next release: hyperparameters
    of the penalty; give its configuration as ``penalty`` instead.""",
    "fit_intercept": """\
fit_intercept : bool, default=True
    Whether each task has its own unpenalized intercept.""",
    "max_iter": """\
max_iter : int, default=1000
    Maximum number of iterations of the solver.""",
    "task_column": TASK_COLUMN,
    "fitted_attributes": f"{COEFFICIENTS}\n{TASK_ATTRIBUTES}\n{CLUSTERS}",
}
