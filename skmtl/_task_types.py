"""The type of each task of a mixed fit: given, or inferred from its labels.

One place decides what kind of target a task is, for
:class:`~skmtl.neural.MultiTaskMixedEstimator`. A task is ``"regression"``,
``"classification"`` or ``"poisson"`` (counts); an inferred type follows one
rule, applied to the task's observed labels (see :func:`infer_task_type`):

1. labels of a boolean, categorical or string dtype, or any label that is a
   string or a boolean: classification;
2. numbers with a non-integer value: regression;
3. integer-valued numbers: classification with at most
   :data:`MAX_CLASS_LEVELS` distinct values, regression with more.

``"poisson"`` is never inferred: counts with few levels look like classes,
counts with many like a regression, so a count target is named explicitly.
"""

import numpy as np

from skmtl._targets import class_codes, regression_values, require_observed
from skmtl._values import homogeneous, is_dataframe, is_missing

#: The task types a user names in ``task_types``.
TASK_TYPES = ("regression", "classification", "poisson")

#: Integer-valued labels with at most this many distinct values are classes.
MAX_CLASS_LEVELS = 10

#: The metric ``score_per_task`` uses for each fitted task type.
TASK_METRICS = {
    "regression": "r2",
    "poisson": "r2",
    "binary": "accuracy",
    "multiclass": "accuracy",
}


def categorical_targets(y):
    """Return whether the caller's target columns are of a categorical dtype.

    A DataFrame ``y`` gives one answer per column (read before the columns
    become one object array); anything else one answer for every task.

    Parameters
    ----------
    y : array-like, Series or DataFrame
        The targets as given to ``fit``.

    Returns
    -------
    categorical : list of bool or bool
        See :func:`is_categorical_dtype`.
    """
    if is_dataframe(y):
        return [is_categorical_dtype(dtype) for dtype in y.dtypes]
    return is_categorical_dtype(getattr(y, "dtype", None))


def is_categorical_dtype(dtype):
    """Return whether ``dtype`` holds labels that are classes whatever their values."""
    if dtype is None:
        return False
    if getattr(dtype, "name", "") in ("category", "string", "boolean", "str"):
        return True
    kind = getattr(dtype, "kind", "")
    return kind in ("b", "U", "S")


def infer_task_type(values, categorical=False):
    """Return ``"classification"`` or ``"regression"`` for a task's labels.

    Parameters
    ----------
    values : ndarray of shape (n,)
        The task's labels, missing ones included (ignored).
    categorical : bool, default=False
        Whether the caller gave the task's column a boolean, categorical or
        string dtype (:func:`is_categorical_dtype`): the task is then a
        classification whatever its values.

    Returns
    -------
    task_type : {"classification", "regression"}
        See the rule in :mod:`skmtl._task_types`.
    """
    if categorical:
        return "classification"
    observed = homogeneous(np.asarray(values)[~is_missing(values)])
    if observed.dtype.kind in "bUS" or observed.dtype == object:
        return "classification"
    numbers_ = observed.astype(np.float64)
    if not np.all(numbers_ == np.round(numbers_)):
        return "regression"
    if len(np.unique(numbers_)) <= MAX_CLASS_LEVELS:
        return "classification"
    return "regression"


def given_task_types(task_types, task_names):
    """Return the type given for each task (None where it is to be inferred).

    Parameters
    ----------
    task_types : None, dict or list
        The ``task_types`` parameter: None (infer every task), a dict task name
        -> type (tasks not in it are inferred) or a list in task order.
    task_names : list
        The tasks of the fit.

    Returns
    -------
    given : list of str or None
        One entry per task.
    """
    n_tasks = len(task_names)
    if task_types is None:
        return [None] * n_tasks
    if isinstance(task_types, dict):
        unknown = [name for name in task_types if name not in task_names]
        if unknown:
            raise ValueError(
                f"task_types names tasks {unknown} that are not in y; the tasks "
                f"are {list(task_names)}."
            )
        given = [task_types.get(name) for name in task_names]
    else:
        given = list(task_types)
        if len(given) != n_tasks:
            raise ValueError(
                f"task_types has {len(given)} types for {n_tasks} tasks "
                f"{list(task_names)}; give one per task, in task order, or a dict."
            )
    for name, kind in zip(task_names, given):
        if kind is not None and kind not in TASK_TYPES:
            raise ValueError(
                f"task_types gives task {name!r} the type {kind!r}; expected one "
                f"of {list(TASK_TYPES)}."
            )
    return given


def encode_task(
    values, name, task_type, classes=None, *, categorical=False, required=True
):
    """Return a task's labels as float64 numbers, its fitted type and classes.

    Parameters
    ----------
    values : ndarray of shape (n,)
        The task's labels, missing ones included.
    name : object
        The task's name, for error messages.
    task_type : {"regression", "classification", "poisson"}
        The task's type (given or inferred).
    classes : ndarray, default=None
        Classification, continued training: the classes of the first fit.
    categorical : bool, default=False
        The labels come from a categorical (or boolean, string) dtype: their
        distinct values are the classes, even non-integer numbers.
    required : bool, default=True
        Whether a task without any label is an error (a previous task of a
        continued fit may have none).

    Returns
    -------
    encoded : ndarray of shape (n,)
        Regression and counts: the labels; classification: class codes. NaN
        where a label is missing.
    fitted_type : {"regression", "binary", "multiclass", "poisson"}
        The type as ``task_types_`` reports it.
    classes : ndarray or None
        The task's classes (classification), else None.
    """
    if task_type == "classification":
        if categorical and classes is None:
            missing = is_missing(values)
            require_observed(name, missing)
            classes = np.unique(homogeneous(np.asarray(values)[~missing]))
        codes, classes = class_codes(values, name, classes, required=required)
        encoded = np.where(codes < 0, np.nan, codes.astype(np.float64))
        return encoded, ("binary" if len(classes) <= 2 else "multiclass"), classes
    missing = is_missing(values)
    if required:
        require_observed(name, missing)
    observed = homogeneous(np.asarray(values)[~missing])
    if not observed.size:
        return np.full(len(missing), np.nan), task_type, None
    if observed.dtype.kind not in "iuf":
        raise ValueError(
            f"Task {name!r} is of type {task_type!r} but has labels that are not "
            f"numbers (e.g. {observed.tolist()[0]!r}); name it 'classification' in "
            "task_types or give numeric labels."
        )
    numbers_ = regression_values(values, name, required=required)
    if task_type == "poisson" and np.nanmin(numbers_) < 0:
        raise ValueError(
            f"Task {name!r} is of type 'poisson' (counts) but has negative labels "
            f"(e.g. {np.nanmin(numbers_)!r}); counts must be non-negative."
        )
    return numbers_, task_type, None


def new_task_type(values, name, given, categorical, declared):
    """Return a new task's type and its declared classes (None if not declared).

    Parameters
    ----------
    values : ndarray of shape (n,)
        The task's labels, missing ones included.
    name : object
        The task's name.
    given : str or None
        Its type in ``task_types``, or None to infer it (a task with declared
        classes is a classification).
    categorical : bool
        See :func:`infer_task_type`.
    declared : dict or None
        ``partial_fit``'s classes, task name -> sorted classes; None in
        ``fit`` (the classes are those of the labels).

    Returns
    -------
    task_type : {"regression", "classification", "poisson"}
    classes : ndarray or None
    """
    known = None if declared is None else declared.get(name)
    task_type = given or (
        "classification" if known is not None else infer_task_type(values, categorical)
    )
    if declared is None:
        return task_type, None
    if task_type == "classification" and known is None:
        how = "given in task_types" if given else "inferred from its labels"
        raise ValueError(
            f"partial_fit needs the classes of task {name!r}, a classification "
            f"({how}): pass classes={{{name!r}: [...]}} on the call that brings "
            "it, since a chunk need not show every class. If it is a regression "
            "or counts, name its type in task_types (a small chunk's "
            "integer-valued targets look like classes)."
        )
    if task_type != "classification" and known is not None:
        raise ValueError(
            f"classes declares classes for task {name!r}, whose type is "
            f"{task_type!r} in task_types; only classification tasks take classes."
        )
    return task_type, known


def declared_classes(classes, task_names, previous):
    """Return ``partial_fit``'s ``classes`` as a dict task name -> sorted classes.

    Parameters
    ----------
    classes : dict or None
        Task name -> classes, for the classification tasks; None in ``fit``
        (then None is returned).
    task_names : list
        The tasks of the fit, the previous ones first.
    previous : list of ndarray or None
        The classes of the previous tasks (None for the other types): classes
        declared again for them must agree.

    Returns
    -------
    declared : dict or None
    """
    if classes is None:
        return None
    if not isinstance(classes, dict):
        raise ValueError(
            "MultiTaskMixedEstimator.partial_fit takes classes as a dict task "
            f"name -> classes, for its classification tasks; got {classes!r}."
        )
    declared = {
        name: np.unique(homogeneous(np.asarray(values)))
        for name, values in classes.items()
    }
    for name, known in zip(task_names, previous):
        given = declared.get(name)
        if given is not None and (known is None or not np.array_equal(given, known)):
            raise ValueError(
                f"Task {name!r}: classes {given.tolist()} differ from its classes "
                f"{None if known is None else known.tolist()} of the first fit."
            )
    return declared
