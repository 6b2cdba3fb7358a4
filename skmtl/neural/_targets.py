"""Regression targets for a float32 network: scaling without overflow, range checks."""

import numpy as np
import torch

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def weighted_mean_and_scale(values, weight):
    """Return the weighted mean and standard deviation of a task's targets.

    Computed on the values divided by a power of two near their largest
    magnitude, so squares cannot overflow (targets near 1e155 have a variance
    beyond float64's range) and, the division being exact, ordinary targets get
    bit for bit the statistics of the direct formula.

    Parameters
    ----------
    values : ndarray of shape (n,)
        Targets, NaN where missing.
    weight : ndarray of shape (n,)
        Non-negative weight of each target, 0 where missing; positive sum.

    Returns
    -------
    mean : float
        Weighted mean.
    scale : float
        Weighted standard deviation, or 1.0 when it is 0.
    """
    observed = np.nan_to_num(values)
    magnitude = float(np.abs(observed[weight > 0]).max(initial=0.0))
    if magnitude == 0.0:
        return 0.0, 1.0
    unit = 2.0 ** np.frexp(magnitude)[1]
    scaled = observed / unit
    mean = np.average(scaled, weights=weight)
    spread = np.sqrt(np.average((scaled - mean) ** 2, weights=weight))
    return mean * unit, (spread * unit if spread > 0 else 1.0)


def check_float32_targets(values, task_index, task_names):
    """Raise a ValueError naming a task whose training targets exceed float32's range.

    Parameters
    ----------
    values : ndarray
        The targets the network trains on (after any standardization):
        ``(n, n_tasks)`` in the wide layout, ``(n,)`` in the long layout.
    task_index : ndarray of shape (n,) or None
        Each row's task (long layout), else None.
    task_names : list
        Task names.
    """
    too_large = np.abs(np.nan_to_num(values)) > _FLOAT32_MAX
    if not too_large.any():
        return
    if task_index is None:
        task = int(np.flatnonzero(too_large.any(axis=0))[0])
        largest = np.abs(np.nan_to_num(values[:, task])).max()
    else:
        task = int(task_index[np.flatnonzero(too_large)[0]])
        largest = np.abs(np.nan_to_num(values[task_index == task])).max()
    raise ValueError(
        f"Task {task_names[task]!r} has training targets up to {largest:.6g} in "
        f"magnitude, beyond float32's range ({_FLOAT32_MAX:.6g}), in which the "
        "network computes: set standardize_targets=True or scale the targets."
    )


def target_standardization(layout, encoded, task_index, weight, standardize):
    """Return each task's training mean and scale: its weighted statistics, or 0, 1.

    Parameters
    ----------
    layout : TaskLayout
        The layout of the fit.
    encoded : ndarray
        The targets laid out by task, NaN where missing.
    task_index : ndarray of shape (n_samples,) or None
        Each row's task (long layout).
    weight : ndarray of shape (n_samples,)
        Sample weights.
    standardize : bool
        False: mean 0 and scale 1 for every task (no scaling).

    Returns
    -------
    means, scales : ndarray of shape (n_tasks,)
    """
    means, scales = np.zeros(layout.n_tasks), np.ones(layout.n_tasks)
    if standardize:
        for t, samples, _, column in layout.columns(encoded, task_index):
            task_weight = np.where(np.isnan(column), 0.0, weight[samples])
            if task_weight.sum() > 0:
                means[t], scales[t] = weighted_mean_and_scale(column, task_weight)
    return means, scales


def scaled_targets(layout, encoded, task_index, means, scales):
    """Return the targets standardized by task as a float32 tensor; range checked."""
    scaled = (encoded - layout.per_row(means, task_index)) / (
        layout.per_row(scales, task_index)
    )
    check_float32_targets(scaled, task_index, layout.task_names)
    return torch.from_numpy(np.ascontiguousarray(scaled, dtype=np.float32))


def kept_scaled_targets(
    estimator, layout, encoded, task_index, weight, *, reset, standardized=None
):
    """Return :func:`scaled_targets`, each task's scaling fixed by its first fit.

    Sets ``estimator._target_mean`` and ``_target_scale`` for the tasks of a
    fresh fit, or for the tasks a continued fit adds (for ``partial_fit``, the
    first chunk with their labels); the previous tasks keep theirs.

    Parameters
    ----------
    estimator : estimator
        Has ``standardize_targets`` and ``n_tasks_``.
    layout, encoded, task_index, weight
        As for :func:`target_standardization`.
    reset : bool
        A fresh fit: every task's scaling is set.
    standardized : ndarray of bool of shape (n_tasks,), default=None
        The tasks that may be standardized (others get mean 0 and scale 1);
        None for every task.
    """
    n_known = 0 if reset else len(estimator._target_mean)
    if n_known < estimator.n_tasks_:
        means, scales = target_standardization(
            layout, encoded, task_index, weight, estimator.standardize_targets
        )
        if standardized is not None:
            means[~standardized], scales[~standardized] = 0.0, 1.0
        if n_known:
            means[:n_known] = estimator._target_mean
            scales[:n_known] = estimator._target_scale
        estimator._target_mean, estimator._target_scale = means, scales
    return scaled_targets(
        layout, encoded, task_index, estimator._target_mean, estimator._target_scale
    )
