"""Per-task target encoding for both layouts, shared by every estimator family."""

import warnings

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

from skmtl._base import homogeneous, is_missing


def task_columns(Y, task_index, n_tasks):
    """Yield each task's labels in either layout.

    Yields ``(t, samples, cells, values)``: the task index, the rows of ``X``
    labelled for it, the index of its labels in ``Y`` and the labels themselves.
    """
    for t in range(n_tasks):
        if task_index is None:
            yield t, slice(None), (slice(None), t), Y[:, t]
        else:
            rows = np.flatnonzero(task_index == t)
            yield t, rows, rows, Y[rows]


def require_observed(name, missing):
    """Raise a ValueError naming the task when it has no observed label."""
    if missing.all():
        raise ValueError(
            f"Task {name!r} has no observed label (every label is missing); drop the "
            "task or provide labels for it."
        )


def regression_values(values, name):
    """Return a task's labels as float64 with NaN for missing; errors name the task."""
    missing = is_missing(values)
    require_observed(name, missing)
    try:
        numbers = np.where(missing, np.nan, values).astype(np.float64)
    except (TypeError, ValueError):
        example = values[~missing][0]
        raise ValueError(
            f"Task {name!r} has non-numeric targets (e.g. {example!r}); a regressor "
            "needs numbers: use MultiTaskClassifier for class labels."
        ) from None
    if np.isinf(numbers).any():
        raise ValueError(f"Task {name!r} has infinite targets; labels must be finite.")
    return numbers


def class_codes(values, name, classes=None):
    """Return ``(codes, classes)`` for a task's labels; code -1 marks a missing label.

    With ``classes`` given (continued training), labels outside them are an error.
    A task seen with a single class gets a warning: it is predicted constant.
    """
    missing = is_missing(values)
    require_observed(name, missing)
    observed = homogeneous(values[~missing])
    if classes is None:
        try:
            check_classification_targets(observed)
            classes = np.unique(observed)
        except (ValueError, TypeError) as error:
            raise ValueError(f"Task {name!r}: {error}") from error
        if len(classes) == 1:
            only = classes.tolist()[0]
            warnings.warn(
                f"Task {name!r} has a single class ({only!r}) in the training data; "
                "it will always be predicted.",
                UserWarning,
                stacklevel=4,
            )
    positions = np.clip(np.searchsorted(classes, observed), 0, len(classes) - 1)
    unseen = classes[positions] != observed
    if unseen.any():
        raise ValueError(
            f"Task {name!r} has labels {sorted(set(observed[unseen].tolist()))[:5]} "
            f"that are not among its classes {classes.tolist()} seen in the first fit."
        )
    codes = np.full(len(values), -1, dtype=np.int64)
    codes[~missing] = positions
    return codes, classes


def stack_labels(columns, n_rows):
    """Return a 2-D label array from per-task columns, in a dtype they all fit."""
    out = np.empty((n_rows, len(columns)), dtype=common_dtype(columns))
    for t, column in enumerate(columns):
        out[:, t] = column
    return out


def common_dtype(arrays):
    """Return the promoted dtype of ``arrays``, object when numbers meet strings."""
    kinds = {a.dtype.kind for a in arrays}
    if len(kinds & {"U", "S", "O"}) and len(kinds - {"U", "S"}):
        return np.dtype(object)
    try:
        return np.result_type(*[a.dtype for a in arrays])
    except TypeError:
        return np.dtype(object)


def decode_labels(codes, task_classes, task_index, one_d):
    """Return the original labels of per-task class ``codes``.

    Parameters
    ----------
    codes : ndarray of int
        ``(n_samples, n_tasks)`` class indices (wide layout) or ``(n_samples,)``,
        each row's index in its own task's classes (long layout).
    task_classes : list of ndarray
        The classes of each task, in code order.
    task_index : ndarray or None
        Each row's task (long layout), or None (wide layout).
    one_d : bool
        Whether ``fit`` got a 1-D ``y`` (wide layout): return one column as 1-D.
    """
    if task_index is None:
        columns = [classes[codes[:, t]] for t, classes in enumerate(task_classes)]
        labels = stack_labels(columns, len(codes))
        return labels[:, 0] if one_d else labels
    labels = np.empty(len(codes), dtype=common_dtype(task_classes))
    for t, classes in enumerate(task_classes):
        rows = task_index == t
        labels[rows] = classes[codes[rows]]
    return labels
