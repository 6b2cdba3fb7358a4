"""The targets of a fit, shared by every estimator family.

:func:`wide_targets` and :func:`long_targets` read ``y`` in its layout; the
others encode one task's labels (see :meth:`skmtl._layout.TaskLayout.columns`).
"""

import warnings

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

from skmtl._values import as_numbers, homogeneous, is_dataframe, is_missing, python_list


def require_observed(name, missing):
    """Raise a ValueError naming the task when it has no observed label."""
    if missing.all():
        raise ValueError(
            f"Task {name!r} has no observed label (every label is missing); drop the "
            "task or provide labels for it."
        )


def regression_values(values, name, *, required=True):
    """Return a task's labels as float64 with NaN for missing; errors name the task.

    With ``required`` a task without any label is an error.
    """
    missing = is_missing(values)
    if required:
        require_observed(name, missing)
    numbers = as_numbers(
        values,
        missing,
        lambda example: ValueError(
            f"Task {name!r} has non-numeric targets (e.g. {example!r}); a regressor "
            "needs numbers: use MultiTaskClassifier for class labels."
        ),
    )
    if np.isinf(numbers).any():
        raise ValueError(f"Task {name!r} has infinite targets; labels must be finite.")
    return numbers


def class_codes(values, name, classes=None, *, required=True):
    """Return ``(codes, classes)`` for a task's labels; code -1 marks a missing label.

    With ``classes`` given (continued training), labels outside them are an error.
    A task seen with a single class gets a warning: it is predicted constant.
    With ``required`` a task without any label is an error.
    """
    missing = is_missing(values)
    if required:
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


def given_classes(classes, task_names, previous):
    """Return each task's classes: the previous tasks' and those of ``classes``.

    For ``partial_fit``, whose ``classes`` declares the classes of the tasks a
    call brings: a list with one array-like per task (in the order of
    ``task_names``) or a dict task name -> classes. The previous tasks keep
    ``previous`` (classes given for them must agree); every new task needs
    its classes.
    """
    names = python_list(task_names)
    if isinstance(classes, dict):
        lookup = classes
    else:
        classes = list(classes)
        if len(names) == 1 and all(np.ndim(c) == 0 for c in classes):
            # One task's classes as a flat list, as scikit-learn passes them.
            classes = [classes]
        if len(classes) != len(names):
            raise ValueError(
                f"classes has {len(classes)} entries for the {len(names)} tasks "
                f"{names}; give one array of classes per task, or a dict task "
                "name -> classes."
            )
        lookup = dict(zip(names, classes))
    known = []
    for t, name in enumerate(names):
        given = lookup.get(name)
        if given is not None:
            given = np.unique(homogeneous(np.asarray(given)))
        if t < len(previous):
            if given is not None and not np.array_equal(given, previous[t]):
                raise ValueError(
                    f"Task {name!r}: classes {given.tolist()} differ from its "
                    f"classes {previous[t].tolist()} declared before."
                )
            known.append(previous[t])
        elif given is None or len(given) == 0:
            raise ValueError(
                f"partial_fit needs the classes of task {name!r} (a new task): "
                "pass classes with every task's classes on the call that brings "
                "it, as scikit-learn's incremental classifiers require."
            )
        else:
            known.append(given)
    return known


def wide_targets(y, n_samples):
    """Return the wide targets as a 2-D array, their task names, and if y was 1-D.

    Task names come from the columns of a DataFrame (or the name of a Series),
    otherwise ``task_0``, ``task_1``, ...
    """
    Y = _target_array(y)
    names = None
    if is_dataframe(y):
        names = list(y.columns)
    elif hasattr(y, "name") and hasattr(y, "to_numpy") and y.name is not None:
        names = [y.name]
    one_d = Y.ndim == 1
    if one_d:
        Y = Y.reshape(-1, 1)
    if Y.ndim != 2:
        raise ValueError(
            f"y must be 1-D (one task) or 2-D (n_samples, n_tasks), got shape "
            f"{Y.shape}."
        )
    _check_rows(Y, n_samples)
    if Y.shape[1] == 0:
        raise ValueError("y has no task column; expected at least one task.")
    if names is None:
        names = default_task_names(Y.shape[1])
    check_unique_task_names(names)
    return Y, names, one_d


def default_task_names(n_tasks):
    """Return the names of tasks given without names: ``task_0``, ``task_1``, ..."""
    return [f"task_{t}" for t in range(n_tasks)]


def check_unique_task_names(names):
    """Raise a ValueError naming the task names that occur more than once.

    Two target columns with one name would be one task to every per-task result
    (scores, ``history_``, ``predict`` by name), silently dropping the other.
    """
    seen, duplicates = set(), []
    for name in python_list(names):
        if name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    if duplicates:
        raise ValueError(
            f"y has duplicate task names {duplicates} (columns {list(names)}); "
            "give every task column its own name."
        )


def long_targets(y, n_samples, task_column):
    """Return the long-layout targets as a 1-D array of length ``n_samples``."""
    values = _target_array(y)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(
            f"In the long layout (task_column={task_column!r}) y must be 1-D, one "
            f"label per row, got shape {values.shape}."
        )
    _check_rows(values, n_samples)
    return values


def _target_array(y):
    """Return the targets ``y`` (array-like, Series or DataFrame) as an array."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None.")
    return y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)


def _check_rows(values, n_samples):
    """Raise a ValueError when the targets do not have one row per row of X."""
    if values.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} rows but y has {values.shape[0]}; they must match."
        )
