"""Regression tasks in planted groups: related within a group, unrelated across."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state


def make_grouped_regression(
    n_samples=300,
    n_features=20,
    group_sizes=(3, 3, 3),
    *,
    n_latent=2,
    task_specific=0.2,
    noise=0.1,
    missing_rate=0.0,
    random_state=None,
):
    r"""Generate regression tasks in groups with a known membership.

    Each group ``g`` has latent directions of its own, ``U_g`` (``n_features x
    n_latent``), and a signal ``f_g(X) = tanh(X U_g) c_g``. Task ``t`` of
    group ``g`` is

    .. math::

        y_t = a_t f_g(X) + \lambda\, \tanh(X V_t) d_t + \sigma \epsilon_t,

    a rescaled copy of its group's signal (``a_t`` drawn in ``[0.7, 1.3]``)
    plus a small signal of its own (``V_t``, ``d_t``; weight ``lambda =
    task_specific``) and noise. Tasks of one group help each other (they need
    the same features of ``X``); tasks of different groups depend on unrelated
    directions and compete for the units of a shared trunk, so sharing
    everything can hurt them (negative transfer), and single-task models do not
    pool the labels of a group.

    Parameters
    ----------
    n_samples : int, default=300
        Number of rows.
    n_features : int, default=20
        Number of input features.
    group_sizes : sequence of int, default=(3, 3, 3)
        Number of tasks of each group; tasks are numbered group by group.
    n_latent : int, default=2
        Dimension of each group's and each task's latent directions.
    task_specific : float, default=0.2
        Weight of each task's own signal relative to its group's.
    noise : float, default=0.1
        Standard deviation of the Gaussian label noise.
    missing_rate : float, default=0.0
        Probability that a label is missing (NaN); each task keeps at least two
        labels.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Standard normal features.
    Y : ndarray of shape (n_samples, sum(group_sizes))
        Targets, NaN where missing.
    groups : ndarray of shape (sum(group_sizes),)
        The planted group of each task (0, 1, ...).

    Examples
    --------
    >>> from skmtl.datasets import make_grouped_regression
    >>> X, Y, groups = make_grouped_regression(group_sizes=(2, 3), random_state=0)
    >>> X.shape, Y.shape, groups.tolist()
    ((300, 20), (300, 5), [0, 0, 1, 1, 1])
    """
    _check(n_samples, n_features, group_sizes, n_latent)
    for name, value in [("task_specific", task_specific), ("noise", noise)]:
        if not isinstance(value, Real) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}.")
    if not isinstance(missing_rate, Real) or not 0.0 <= missing_rate < 1.0:
        raise ValueError(f"missing_rate must be in [0, 1), got {missing_rate!r}.")
    rng = check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    groups = np.repeat(np.arange(len(group_sizes)), group_sizes)
    scale = 1.0 / np.sqrt(n_features)

    def signal():
        directions = rng.standard_normal((n_features, n_latent)) * scale * 2.0
        coefficients = rng.standard_normal(n_latent)
        values = np.tanh(X @ directions) @ coefficients
        return values / max(values.std(), 1e-12)

    group_signals = [signal() for _ in group_sizes]
    columns = []
    for group in groups:
        amplitude = rng.uniform(0.7, 1.3)
        own = signal()
        columns.append(
            amplitude * group_signals[group]
            + task_specific * own
            + noise * rng.standard_normal(n_samples)
        )
    Y = np.column_stack(columns)
    if missing_rate > 0:
        hidden = rng.random_sample(Y.shape) < missing_rate
        for t in range(Y.shape[1]):
            kept = np.flatnonzero(~hidden[:, t])
            if len(kept) < 2:
                hidden[rng.choice(n_samples, 2, replace=False), t] = False
        Y[hidden] = np.nan
    return X, Y, groups


def _check(n_samples, n_features, group_sizes, n_latent):
    """Raise a ValueError naming the first invalid size."""
    for name, value, low in [
        ("n_samples", n_samples, 2),
        ("n_features", n_features, 1),
        ("n_latent", n_latent, 1),
    ]:
        if not isinstance(value, Integral) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    sizes = list(group_sizes) if np.ndim(group_sizes) == 1 else None
    if not sizes or not all(isinstance(s, Integral) and s >= 1 for s in sizes):
        raise ValueError(
            f"group_sizes must be a non-empty sequence of positive integers, got "
            f"{group_sizes!r}."
        )
