"""Targets of mixed types in a comparison: regression and classification tasks.

Targets are of mixed types when, without ``classification=True``, some target
columns hold text (or boolean, categorical) labels and the others numbers. Each
task's type then follows the rule of :mod:`skmtl._task_types`, the one
:class:`~skmtl.MultiTaskMixedEstimator` infers by, so that the comparison and
the estimator agree: text labels and integer labels with at most
:data:`~skmtl._task_types.MAX_CLASS_LEVELS` levels are classes, other numbers a
regression.
"""

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.linear_model import LogisticRegression, RidgeCV

from skmtl._task_types import categorical_targets, infer_task_type
from skmtl._values import homogeneous, is_missing
from skmtl.compare._mixed_baseline import PerTaskMixed
from skmtl.compare._models import BASELINE, SHARINGS, SINGLE_TASK
from skmtl.compare._wording import METRIC_LABELS, TYPE_METRICS
from skmtl.metrics import per_task_scores


def _holds_text(values):
    """Return whether a target column's observed labels are text (or booleans)."""
    observed = homogeneous(np.asarray(values)[~is_missing(values)])
    return observed.dtype.kind in "bUS" or observed.dtype == object


def mixed_task_types(columns, categorical):
    """Return each task's type when the targets mix text and numbers, else None.

    Parameters
    ----------
    columns : list of (name, ndarray)
        Each task's labels, missing ones included.
    categorical : list of bool
        Whether the caller gave each column a categorical, boolean or string
        dtype.

    Returns
    -------
    task_types : dict or None
        Task name -> ``"regression"`` or ``"classification"`` when some
        columns hold text labels and others numbers; None otherwise (every
        target numeric, or every target text).
    """
    text = [
        is_categorical or _holds_text(values)
        for (_, values), is_categorical in zip(columns, categorical)
    ]
    if all(text) or not any(text):
        return None
    return {
        name: "classification"
        if is_text
        else infer_task_type(np.asarray(values, dtype=np.float64))
        for (name, values), is_text in zip(columns, text)
    }


def frame_task_types(y):
    """Return each task's type when a wide DataFrame's targets are mixed, else None.

    Parameters
    ----------
    y : DataFrame of shape (n_samples, n_tasks)
        One target column per task.

    Returns
    -------
    task_types : dict or None
        See :func:`mixed_task_types`.
    """
    columns = [(name, y[name].to_numpy(dtype=object)) for name in y.columns]
    return mixed_task_types(columns, categorical_targets(y))


def mixed_models(
    *, random_state=0, sharings=SHARINGS, max_epochs=None, n_threads=1, boosting=True
):
    """Return the models a comparison fits on targets of mixed types.

    The single-task baselines fit each task by its type (one ``RidgeCV`` per
    regression task and one ``LogisticRegression`` per classification task;
    one ``HistGradientBoosting*`` of the task's type per task), then one
    :class:`~skmtl.MultiTaskMixedEstimator` per sharing architecture. The
    pooled and linear multi-task models of :func:`default_models` fit one type
    for every task and do not apply.

    Parameters
    ----------
    random_state : int or None, default=0
        Seed of the networks and of the boosting models' early stopping.
    sharings : sequence of str, default=("hard", "soft", "mmoe")
        The ``sharing`` of each network.
    max_epochs : int, default=None
        Training epochs of the networks; None keeps their default.
    n_threads : int or None, default=1
        Torch threads of the networks.
    boosting : bool, default=True
        Include the per-task gradient-boosting baseline.

    Returns
    -------
    models : dict
        Model name -> unfitted estimator; their ``task_types`` are left unset
        (:func:`compare_models` sets them to the detected types).

    Examples
    --------
    >>> from skmtl.compare import mixed_models
    >>> list(mixed_models(sharings=["hard"]))
    ['single-task', 'single-task HistGB', 'MTL mixed hard']
    """
    from skmtl.neural import MultiTaskMixedEstimator

    models = {BASELINE: PerTaskMixed(RidgeCV(), LogisticRegression())}
    if boosting:
        models[SINGLE_TASK[1]] = PerTaskMixed(
            HistGradientBoostingRegressor(random_state=random_state),
            HistGradientBoostingClassifier(random_state=random_state),
        )
    network = {"random_state": random_state, "n_threads": n_threads}
    if max_epochs is not None:
        network["max_epochs"] = max_epochs
    for sharing in sharings:
        models[f"MTL mixed {sharing}"] = MultiTaskMixedEstimator(
            sharing=sharing, **network
        )
    return models


def bind_task_types(estimator, task_types):
    """Return ``estimator`` with every unset ``task_types`` parameter set.

    Parameters
    ----------
    estimator : estimator object
        An unfitted model, possibly a meta-estimator or a Pipeline.
    task_types : dict
        Task name -> ``"regression"`` or ``"classification"``.

    Returns
    -------
    estimator : estimator object
        A new estimator when a parameter was set, else ``estimator``.
    """
    keys = [
        key
        for key, value in estimator.get_params(deep=True).items()
        if (key == "task_types" or key.endswith("__task_types")) and value is None
    ]
    if not keys:
        return estimator
    return clone(estimator).set_params(**{key: dict(task_types) for key in keys})


def mixed_scores(y_true, y_pred, names, task_types):
    """Return each task's score by its type's metric (wide layout).

    Parameters
    ----------
    y_true : ndarray of shape (n_samples, n_tasks)
        The test labels, NaN for a missing one.
    y_pred : array-like or DataFrame of shape (n_samples, n_tasks)
        The predictions.
    names : list
        The tasks, in column order.
    task_types : dict
        Task name -> ``"regression"`` or ``"classification"``.

    Returns
    -------
    scores : dict
        Task name -> R² (regression) or accuracy (classification).
    """
    y_pred = np.asarray(y_pred, dtype=object).reshape(len(y_true), -1)
    scores = {}
    for task_type, metric in TYPE_METRICS.items():
        columns = [t for t, name in enumerate(names) if task_types[name] == task_type]
        if columns:
            scores.update(
                per_task_scores(
                    y_true[:, columns],
                    y_pred[:, columns],
                    task_names=[names[t] for t in columns],
                    metric=metric,
                )
            )
    return {name: scores[name] for name in names}


def mixed_notice(task_types):
    """Return the notice that says each task's type and the models left out."""
    kinds = []
    for task_type, metric in TYPE_METRICS.items():
        tasks = [str(name) for name, kind in task_types.items() if kind == task_type]
        kinds.append(f"{task_type} ({METRIC_LABELS[metric]}): {', '.join(tasks)}")
    return (
        f"Targets of mixed types, {'; '.join(kinds)}. The pooled and linear "
        "multi-task models fit one type for every task and do not apply; the "
        "single-task baselines fit each task by its type, the networks are "
        "MultiTaskMixedEstimator."
    )
