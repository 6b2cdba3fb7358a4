"""Bounded relative change of the error between a model and a baseline."""

import numpy as np


def error_reduction(scores, baseline_scores, *, perfect_score=1.0, per_task=False):
    """Return the mean symmetric relative reduction of the error, in percent.

    The error of a score is its distance to a perfect score: ``1 - R²`` (the
    fraction of variance left unexplained) or ``1 - accuracy`` (the error
    rate). For each task, with ``E_m`` the model's error and ``E_b`` the
    baseline's::

        100 * (E_b - E_m) / max(E_b, E_m)

    ``+30`` means the model removes 30% of the baseline's error, ``-30`` that the
    baseline removes 30% of the model's. The value lies in [-100, 100], whatever
    the sign or size of the scores, so a task whose baseline R² is near 0 or
    negative cannot blow the average up, as it does in the classic relative
    gain :func:`relative_gain` (which divides by the baseline score).

    Parameters
    ----------
    scores, baseline_scores : dict
        Task name -> score (higher is better), for the model and the baseline.
        Only tasks present in both and finite are used.
    perfect_score : float, default=1.0
        The best possible score (1 for R² and accuracy).
    per_task : bool, default=False
        Return the dict of per-task reductions (%) instead of their mean.

    Returns
    -------
    reduction : float or dict
        The mean over tasks in percent (NaN when no task can be compared), or
        the per-task values.

    See Also
    --------
    relative_gain : The classic Δm%, relative to the baseline score.

    Examples
    --------
    >>> from skmtl.metrics import error_reduction
    >>> round(error_reduction({"a": 0.6, "b": -0.2}, {"a": 0.5, "b": -0.01}), 2)
    2.08
    >>> error_reduction({"a": 0.5}, {"a": 0.0}, per_task=True)
    {'a': 50.0}
    """
    reductions = {}
    for name, value in scores.items():
        base = baseline_scores.get(name, np.nan)
        if not (np.isfinite(value) and np.isfinite(base)):
            continue
        model_error, base_error = perfect_score - value, perfect_score - base
        largest = max(model_error, base_error)
        reductions[name] = (
            0.0 if largest <= 0 else 100.0 * (base_error - model_error) / largest
        )
    if per_task:
        return reductions
    if not reductions:
        return float("nan")
    return float(np.mean(list(reductions.values())))
