"""Parameter, attribute and notes documentation shared by the grouping twins.

TaskGroupingRegressor and TaskGroupingClassifier fill their docstrings from
these sections (see :func:`skmtl.utils._docstrings.fill_doc`).
"""

from skmtl.utils._docstrings import FEATURES_PARAMETER

#: The parameters after ``estimator`` (``{scoring}``: filled by :func:`head`).
PARAMETERS = """\
n_groups : int, "auto" or "eigengap", default="auto"
    Number of groups (at most the number of tasks). ``"auto"``: among the
    nested partitions for 1 to ``n_tasks`` groups, the fewest groups whose
    inner cross-validated score (mean over tasks, per fold) falls short of
    the best partition's by no more than the standard error of that
    shortfall over the folds (the one-standard-error rule).
    ``"eigengap"``: the number of well separated groups in the affinity
    itself, where the spectrum of its graph jumps (no inner
    cross-validation of the number: without ``guard`` only the affinity
    run and one network per group are fitted); it recovers planted groups
    that ``"auto"`` merges when the merged partition validates as well.
affinity : {"lookahead", "gradient"}, default="lookahead"
    The affinity measured by the short training run (see the neural
    estimators' ``task_affinity``): TAG's lookahead affinity, normalised
    by its diagonal, or the cosine of the tasks' gradients.
affinity_epochs : int, default=None
    Epochs of the affinity run; None: the estimator's ``max_epochs``.
guard : bool, default=False
    The negative-transfer guard: per task, choose between its single-task
    network, its group's and the one shared by all tasks by inner
    cross-validation. Every task takes the candidate that validated best on
    average over the tasks (ties: the single-task network), unless another
    candidate's mean fold-wise gain for that task exceeds its standard
    error.
{scoring}
cv : int, default=3
    Folds of the inner cross-validation (rows, shuffled) used by
    ``n_groups="auto"`` and ``guard``; training rows only.
task_column : int, str or None, default=None
    Long layout: the column of ``X`` holding each row's task (as for the
    neural estimators); None: wide layout.
random_state : int, RandomState instance or None, default=None
    Seed of the inner folds and of the networks."""

#: The ``scoring`` parameter of each family.
SCORING = {
    "regressor": """\
scoring : {"r2", "neg_mean_squared_error", "neg_mean_absolute_error"}, \
default=None
    The inner score of each task (higher is better) that ``n_groups="auto"``
    and ``guard`` compare; None: ``"r2"``.""",
    "classifier": """\
scoring : {"neg_log_loss", "roc_auc", "accuracy", "balanced_accuracy"}, \
default=None
    The inner score of each task (higher is better) that ``n_groups="auto"``
    and ``guard`` compare; None: ``"neg_log_loss"`` of the predicted
    probabilities. Accuracy ties on imbalanced tasks (every model predicts
    the majority class), and a tie keeps the single-task network;
    ``"roc_auc"`` (one-vs-rest for more than two classes) is NaN, so not
    counted, in a fold where a task has one class.""",
}

#: The attributes set by the grouping itself.
GROUPING_ATTRIBUTES = """\
affinity_ : ndarray of shape (`n_tasks_`, `n_tasks_`)
    The affinity measured by the short run (``[i, j]``: effect of task
    ``i`` on task ``j``); ``[[1.0]]`` for a single task.
similarity_ : ndarray of shape (`n_tasks_`, `n_tasks_`)
    Its symmetric form in ``[-1, 1]``; the clustering reads its positive
    part (a negative affinity counts as none).
groups_ : list of list
    The task names of each group.
group_labels_ : ndarray of shape (`n_tasks_`,)
    The group of each task (0, 1, ...).
n_groups_ : int
    Number of groups.
cv_scores_ : dict
    Only when the inner cross-validation ran: number of groups -> ndarray
    of each task's mean inner score under that partition.
cv_fold_scores_ : dict
    The same per fold: number of groups -> ndarray of shape (`cv`,
    `n_tasks_`) (NaN: not measured), the evidence of ``n_groups="auto"``.
guard_scores_ : ndarray of shape (`n_tasks_`, 3)
    With ``guard``: each task's mean inner score under its single-task,
    group and shared network (columns in that order).
guard_fold_scores_ : ndarray of shape (`cv`, `n_tasks_`, 3)
    With ``guard``: the same per inner fold (NaN: not scored on that fold),
    the evidence of each decision.
guard_default_ : str
    With ``guard``: the candidate every task takes unless another is better
    for it beyond noise (``"single"``, ``"group"`` or ``"shared"``).
guard_choice_ : dict
    With ``guard``: task name -> ``"single"``, ``"group"`` or ``"shared"``."""

#: The fitted networks and the task attributes.
TASK_ATTRIBUTES = """\
estimators_ : dict
    Tuple of the task positions a network was fitted on -> that fitted
    network.
task_names_ : list
    Task names, as the neural estimators name them.
n_tasks_ : int
    Number of tasks.
n_features_in_ : int
    Number of columns of ``X`` seen in fit.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Column names of ``X``, when it is a DataFrame with string names."""

#: The See Also and Notes sections.
SEE_ALSO_NOTES = """\
See Also
--------
skmtl.neural.TaskAffinity : How the affinity is measured.

Notes
-----
The affinity of TAG (Fifty et al., 2021, "Efficiently Identifying Task
Groupings for Multi-Task Learning", NeurIPS) is measured during one short
run on all tasks; its symmetric form is clustered by average linkage (each
merge joins the two groups of highest mean affinity: a greedy form of
TAG's search for the groups of highest total affinity), which gives nested
partitions. A group shared by several candidate partitions is fitted once
per inner fold. Cost: the affinity run, plus with ``"auto"`` or ``guard``
``cv x (2 n_tasks - 1)`` networks at most, plus the final networks."""


def head(kind, default):
    """Return the Parameters section and the grouping's own attributes.

    Parameters
    ----------
    kind : str
        ``"regressor"`` or ``"classifier"``.
    default : str
        The class name of the default network.

    Returns
    -------
    section : str
        Written without indentation, for :func:`skmtl.utils._docstrings.fill_doc`.
    """
    return f"""\
Parameters
----------
estimator : {kind} estimator, default=None
    The network to train per group: a neural multi-task estimator (it
    needs the ``task_affinity`` parameter). None: ``{default}()``. Its
    ``task_column`` is overridden by this estimator's; its
    ``random_state`` too, when ``random_state`` is given or it has none.
{PARAMETERS.replace("{scoring}", SCORING[kind])}

Attributes
----------
{GROUPING_ATTRIBUTES}"""


#: The sections, for :func:`skmtl.utils._docstrings.fill_doc`.
SECTIONS = {
    "features": FEATURES_PARAMETER,
    "task_attributes": TASK_ATTRIBUTES,
    "see_also_notes": SEE_ALSO_NOTES,
}
