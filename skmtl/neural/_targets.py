"""Regression targets for a float32 network: scaling without overflow, range checks."""

import numpy as np

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
