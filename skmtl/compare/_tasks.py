"""The targets of a comparison: checked, split by task, standardized per fold."""

from collections import namedtuple

import numpy as np

from skmtl._layout import python_list, read_task_column, task_ids
from skmtl._targets import long_targets, wide_targets
from skmtl._task_types import categorical_targets
from skmtl._values import as_numbers, is_missing
from skmtl.compare._checks import infinite_cells_error
from skmtl.compare._mixed import mixed_task_types
from skmtl.utils._sklearn_compat import _num_samples

TaskData = namedtuple(
    "TaskData", ["Y", "names", "tasks", "n_classes", "task_types"], defaults=[None]
)
TaskData.__doc__ = """The targets of a comparison.

``Y`` is ``(n_samples, n_tasks)`` (wide layout) or ``(n_samples,)`` (long), float
for regression and object for classification (and for targets of mixed types:
numbers in the regression columns, label strings in the others), NaN marking a
missing label; ``names`` the task names; ``tasks`` each row's task id (long
layout) or None; ``n_classes`` task name -> number of classes (of the
classification tasks) or None; ``task_types`` task name -> ``"regression"`` or
``"classification"`` for targets of mixed types, else None."""


def _as_numbers(values, name):
    """Return labels as float64 (NaN = missing); the error names the target."""
    return as_numbers(
        values,
        is_missing(values),
        lambda example: ValueError(
            f"Target {name!r} is not numeric (e.g. {example!r}); regression needs "
            "numbers: pass classification=True for class labels."
        ),
    )


def _label_strings(Y):
    """Return class labels as strings (integral numbers without ".0"), NaN = missing.

    Each task keeps its classes, and the pooled baseline can fit tasks whose
    labels are of different kinds (strings for one, numbers for another).
    """
    Y = np.asarray(Y, dtype=object)
    missing = is_missing(Y)
    labels = np.full(Y.shape, np.nan, dtype=object)
    for index in zip(*np.nonzero(~missing)):
        value = Y[index]
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)
        labels[index] = str(value)
    return labels


def prepare_targets(X, y, *, task_column=None, classification=False, task_names=None):
    """Check the targets of a comparison and return them as a ``TaskData``.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_columns)
        The features, with the task column in the long layout.
    y : array-like, Series or DataFrame
        Wide layout: ``(n_samples, n_tasks)``, NaN (or None) for a missing label.
        Long layout: 1-D.
    task_column : int or str, default=None
        The task column of ``X``; None for the wide layout.
    classification : bool, default=False
        Whether the labels are classes. False: numbers (regression), or, when
        some wide-layout target columns hold text labels and the others
        numbers, targets of mixed types (see :mod:`skmtl.compare._mixed`).
    task_names : list, default=None
        Wide layout: the names of the target columns, replacing the columns of a
        DataFrame ``y`` or the default ``task_0, task_1, ...``.

    Returns
    -------
    data : TaskData
        The checked targets.
    """
    n_samples = _num_samples(X)
    if task_column is None:
        Y, names, _ = wide_targets(y, n_samples)
        if task_names is not None:
            if len(task_names) != Y.shape[1]:
                raise ValueError(
                    f"{len(task_names)} task names for {Y.shape[1]} target columns."
                )
            names = task_names
        names = python_list(names)
        if len(names) < 2:
            raise ValueError(
                f"A multi-task comparison needs at least 2 tasks, got 1 target "
                f"({names[0]!r}): give more targets, or a task column (long layout) "
                "whose values say which task each row belongs to."
            )
        columns = [(name, Y[:, t]) for t, name in enumerate(names)]
        tasks = None
    else:
        Y = long_targets(y, n_samples, task_column)
        tasks = read_task_column(X, task_column)
        names = python_list(task_ids(tasks))
        if len(names) < 2:
            raise ValueError(
                f"The task column {task_column!r} holds a single task "
                f"({names[0]!r}); a multi-task comparison needs at least 2 tasks."
            )
        columns = [(name, Y[tasks == name]) for name in names]
    if classification:
        return TaskData(_label_strings(Y), names, tasks, _class_counts(columns))
    task_types = _mixed_types(y, columns, task_column)
    if task_types is not None:
        return _mixed_targets(Y, names, columns, task_types)
    if task_column is None:
        Y = np.column_stack([_as_numbers(values, name) for name, values in columns])
        named_columns = [(name, Y[:, t]) for t, name in enumerate(names)]
    else:
        name = getattr(y, "name", None) or "y"
        Y = _as_numbers(np.asarray(Y), name)
        named_columns = [(name, Y)]
    for name, values in named_columns:
        message = infinite_cells_error(values, name, "target")
        if message is not None:
            raise ValueError(message)
    return TaskData(Y, names, tasks, None)


def _class_counts(columns):
    """Return task name -> number of classes; raise for a task with one class."""
    n_classes = {}
    for name, values in columns:
        labels = values[~is_missing(values)]
        n_classes[name] = len({str(label) for label in labels})
        if n_classes[name] == 1:
            raise ValueError(
                f"Task {name!r} has a single class ({labels[0]!r}); there is "
                "nothing to classify: drop the task."
            )
    return n_classes


def _mixed_types(y, columns, task_column):
    """Return each task's type when the targets mix text and numbers, else None."""
    categorical = categorical_targets(y)
    if not isinstance(categorical, list):
        categorical = [categorical] * len(columns)
    task_types = mixed_task_types(columns, categorical)
    if task_types is not None and task_column is not None:
        text = [name for name, kind in task_types.items() if kind == "classification"]
        raise ValueError(
            f"Tasks {text} have text labels and the others numbers: targets of "
            "mixed types are compared in the wide layout only (one target column "
            "per task, each of one type), as the long layout's single target "
            "column would mix text and numbers; or pass classification=True to "
            "treat every task's labels as classes."
        )
    return task_types


def _mixed_targets(Y, names, columns, task_types):
    """Return the TaskData of targets of mixed types (wide layout)."""
    Y = np.array(Y, dtype=object)
    classes = [(n, v) for n, v in columns if task_types[n] == "classification"]
    n_classes = _class_counts(classes)
    for t, (name, values) in enumerate(columns):
        if task_types[name] == "classification":
            Y[:, t] = _label_strings(values)
            continue
        Y[:, t] = _as_numbers(values, name)
        message = infinite_cells_error(Y[:, t].astype(np.float64), name, "target")
        if message is not None:
            raise ValueError(message)
    return TaskData(Y, names, None, n_classes, task_types)


def task_label_counts(data):
    """Return the number of observed labels of each task."""
    if data.tasks is None:
        return {
            name: int((~is_missing(data.Y[:, t])).sum())
            for t, name in enumerate(data.names)
        }
    observed = ~is_missing(data.Y)
    return {name: int(observed[data.tasks == name].sum()) for name in data.names}


def check_fold_sizes(data, n_splits):
    """Raise a ValueError naming a task with fewer labelled rows than folds."""
    counts = task_label_counts(data)
    for name, count in counts.items():
        if count == 0:
            raise ValueError(
                f"Task {name!r} has no observed label; drop the task or provide "
                "labels for it."
            )
        if count < n_splits:
            rows = "rows" if data.tasks is not None else "labelled rows"
            raise ValueError(
                f"Task {name!r} has {count} {rows}, fewer than the {n_splits} "
                "cross-validation folds: every task needs at least one row per "
                "fold; lower the number of folds or drop the task."
            )


def _standardize(values, reference):
    """Return ``values`` centered and scaled by the observed ``reference`` values."""
    reference = reference[~np.isnan(reference)]
    if len(reference) == 0:
        return values
    scale = reference.std()
    return (values - reference.mean()) / (scale if scale > 0 else 1.0)


def standardized(data, train):
    """Return the regression targets standardized per task on the rows ``train``.

    Each task's labels are centered and scaled by the mean and standard
    deviation of its observed labels in ``train`` (scale 1 when constant). A
    per-task affine map of both the truth and the predictions leaves R²
    unchanged, and it makes penalty strengths and learning rates independent of
    the units of the targets.
    """
    in_train = np.zeros(len(data.Y), dtype=bool)
    in_train[train] = True
    if data.task_types is not None:
        Y = np.array(data.Y, dtype=object)
        for t, name in enumerate(data.names):
            if data.task_types[name] == "regression":
                values = Y[:, t].astype(np.float64)
                Y[:, t] = _standardize(values, values[in_train])
        return Y
    Y = np.array(data.Y, dtype=np.float64)
    if data.tasks is None:
        for t in range(Y.shape[1]):
            Y[:, t] = _standardize(Y[:, t], Y[in_train, t])
    else:
        for name in data.names:
            rows = data.tasks == name
            Y[rows] = _standardize(Y[rows], Y[rows & in_train])
    return Y
