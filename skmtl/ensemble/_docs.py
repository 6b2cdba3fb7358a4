"""Docstring sections shared by the ensemble estimators.

The Regressor/Classifier twins (and the chain and stacked ensembles) fill
their docstrings from these sections (see
:func:`skmtl.utils._docstrings.fill_doc`).
"""

from skmtl.utils._docstrings import LAYOUT_SECTIONS, TASK_ATTRIBUTES, TASK_COLUMN

#: ``cv`` of the regression ensembles with inner folds.
CV_REGRESSOR = """\
cv : int, cross-validation generator or iterable, default=5
    How the out-of-fold estimates of each task are computed on its observed
    rows: an int gives ``KFold(cv, shuffle=True,
    random_state=random_state)`` (:class:`~sklearn.model_selection.KFold`),
    or a splitter or iterable of ``(train, test)`` splits of a task's
    observed rows whose test folds partition them, used as given (e.g.
    ``KFold(5)`` for consecutive folds). Splitters that need ``groups`` are
    not supported. The folds are shuffled because data sets are often
    stored sorted (by a design parameter, by time): consecutive folds would
    leave each fold's model without the kind of rows it predicts, and the
    later models would learn from estimates worse than the ones they get
    at predict time."""

#: ``cv`` of the classification ensembles with inner folds.
CV_CLASSIFIER = """\
cv : int, cross-validation generator or iterable, default=5
    How the out-of-fold probabilities of each task are computed on its
    observed rows: an int gives ``StratifiedKFold(cv, shuffle=True,
    random_state=random_state)``
    (:class:`~sklearn.model_selection.StratifiedKFold`, stratified on the
    task's labels), or a splitter or iterable of ``(train, test)`` splits of
    a task's observed rows whose test folds partition them, used as given
    (e.g. ``StratifiedKFold(5)`` for unshuffled folds). Splitters that need
    ``groups`` are not supported. The folds are shuffled because data sets
    are often stored sorted (by a design parameter, by time): consecutive
    folds would leave each fold's model without the kind of rows it
    predicts, and the later models would learn from probabilities worse
    than the ones they get at predict time."""

#: ``random_state``, ``task_column`` and ``n_jobs`` of the chain ensembles.
CHAIN_RANDOM_STATE_N_JOBS = f"""\
random_state : int, RandomState instance or None, default=None
    Draws the chain orders and seeds the shuffled inner folds of an int
    ``cv`` (an int is the folds' seed itself; None or a RandomState
    instance draws one seed per fit, the same in every chain). The base
    estimator's own randomness is its own parameter.
{TASK_COLUMN}
n_jobs : int, default=None
    Number of chains fitted in parallel (joblib). None means 1 unless in a
    :obj:`joblib.parallel_backend` context."""

#: ``task_column`` and ``n_jobs`` of the per-task estimators.
PER_TASK_N_JOBS = f"""\
{TASK_COLUMN}
n_jobs : int, default=None
    Number of tasks fitted in parallel (joblib). None means 1 unless in a
    :obj:`joblib.parallel_backend` context; -1 uses all processors."""

#: ``classes_`` of every classification ensemble.
CLASSES = """\
classes_ : list of ndarray or ndarray
    The classes of each task, in the order of the columns of
    ``predict_proba``. A single array when ``fit`` got a 1-D ``y`` in the
    wide layout (one task), as for any scikit-learn classifier."""

#: ``estimators_`` and the task attributes of the per-task estimators.
PER_TASK_ESTIMATORS = f"""\
estimators_ : list of estimators
    The fitted clone of each task, in the order of ``task_names_``.
{TASK_ATTRIBUTES}"""

#: The References section of the chains and the stacked ensembles.
INPUT_SPACE_EXPANSION = """\
References
----------
E. Spyromitros-Xioufis, G. Tsoumakas, W. Groves and I. Vlahavas,
"Multi-target regression via input space expansion: treating targets as
inputs", Machine Learning 104(1), 55-98, 2016."""

#: The cost of the chain ensembles and their first reference.
CHAIN_COST_REFERENCES = f"""\
Cost: up to ``n_chains * n_tasks * (cv + 1)`` fits, and ``predict`` runs
every chain. With a DataFrame ``X`` and a ColumnTransformer in a Pipeline,
the added columns must reach the model: use ``remainder="passthrough"`` or
select them.

{INPUT_SPACE_EXPANSION}"""

#: The cost of the stacked ensembles and their reference.
STACKED_COST_REFERENCES = f"""\
Cost: ``n_tasks * (cv + 2)`` fits. With a DataFrame ``X`` and a
ColumnTransformer in a Pipeline, the added columns must reach the model:
use ``remainder="passthrough"`` or select them.

{INPUT_SPACE_EXPANSION}"""

#: ``task_encoding`` and ``task_column`` of the pooled estimators.
TASK_ENCODING = f"""\
task_encoding : {{"auto", "onehot", "ordinal", "categorical"}}, default="auto"
    How the task of a row is added to its features. ``"onehot"``: one 0/1
    column per task, named ``task=<name>`` in a DataFrame. ``"ordinal"``: one
    column holding the task's index in ``task_names_``, named ``task``; for a
    DataFrame ``X`` it has pandas' ``category`` dtype. ``"categorical"``:
    that column, declared categorical to the estimator: every
    ``categorical_features`` parameter of ``estimator`` (nested ones too)
    gets it added (the column's position, the last one of the pooled
    features, or its name or a ``True`` mask entry, matching the given
    value; with ``"from_dtype"`` and a DataFrame the category dtype says
    it), so that e.g.
    :class:`~sklearn.ensemble.HistGradientBoostingRegressor` splits the
    tasks into any two groups at once; an estimator without that parameter
    is an error. In a Pipeline whose first steps reorder the columns, give
    the position yourself with ``"ordinal"``. ``"auto"``: ``"categorical"``
    when ``estimator`` itself has a ``categorical_features`` parameter,
    else ``"onehot"``.
{TASK_COLUMN}"""

#: ``task_encoding_`` and the task attributes of the pooled estimators.
TASK_ENCODING_ATTRIBUTE = f"""\
task_encoding_ : {{"onehot", "ordinal", "categorical"}}
    The encoding used (``"auto"`` resolved).
{TASK_ATTRIBUTES}"""

#: The memory and column notes of the pooled estimators.
POOLED_MEMORY = """\
Memory: in the wide layout each row of ``X`` is repeated once per task with
an observed label, so the pooled training matrix has up to
``n_samples * n_tasks`` rows of ``n_features + n_tasks`` columns (one-hot) or
``n_features + 1`` (ordinal, categorical), and ``predict`` builds one such matrix of
``n_samples`` rows per task. In the long layout each row is used once and
the task column becomes the indicator.

With a DataFrame ``X`` and a ColumnTransformer in a Pipeline, the added
columns must reach the model: use ``remainder="passthrough"`` or select
them (e.g. with :func:`~sklearn.compose.make_column_selector`)."""

#: ``random_state``, ``task_column`` and ``n_jobs`` of the stacked ensembles.
STACKED_RANDOM_STATE_N_JOBS = f"""\
random_state : int, RandomState instance or None, default=None
    Seeds the shuffled inner folds of an int ``cv``: an int gives the same
    folds at every fit (each task's observed rows are shuffled with it);
    None or a RandomState instance draws one seed per fit. Not used when
    ``cv`` is a splitter. The base estimator's own randomness is its own
    parameter.
{TASK_COLUMN}
n_jobs : int, default=None
    Number of fits run in parallel (joblib): all folds of all tasks in stage
    1, then all tasks in stage 2. None means 1 unless in a
    :obj:`joblib.parallel_backend` context."""

#: The sections, for :func:`skmtl.utils._docstrings.fill_doc`.
SECTIONS = {
    **LAYOUT_SECTIONS,
    "cv_regressor": CV_REGRESSOR,
    "cv_classifier": CV_CLASSIFIER,
    "chain_random_state_n_jobs": CHAIN_RANDOM_STATE_N_JOBS,
    "per_task_n_jobs": PER_TASK_N_JOBS,
    "classes": CLASSES,
    "per_task_estimators": PER_TASK_ESTIMATORS,
    "chain_cost_references": CHAIN_COST_REFERENCES,
    "stacked_cost_references": STACKED_COST_REFERENCES,
    "task_encoding": TASK_ENCODING,
    "task_encoding_attribute": TASK_ENCODING_ATTRIBUTE,
    "pooled_memory": POOLED_MEMORY,
    "stacked_random_state_n_jobs": STACKED_RANDOM_STATE_N_JOBS,
}
