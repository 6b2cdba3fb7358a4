"""Relative multi-task gain over a single-task baseline (Delta m %)."""

import numpy as np


def relative_gain(scores, baseline_scores, *, higher_is_better=True, per_task=False):
    """Return the mean relative gain of ``scores`` over ``baseline_scores``, in %.

    ``Delta m = 100 / T * sum_t s_t (M_t - B_t) / |B_t|`` with ``s_t = +1`` when a
    higher score is better and ``-1`` otherwise (Maninis et al., CVPR 2019). A
    positive value means the multi-task model is better on average.

    The ratio explodes when a baseline score is near 0, and flips meaning when
    it is negative (an R² below 0): a baseline R² of -0.008 turns a difference of
    0.01 into +125%. For R² and accuracy prefer :func:`error_reduction`, which
    is bounded, next to the absolute differences (:func:`paired_difference`).

    Parameters
    ----------
    scores, baseline_scores : dict
        Task name -> score, for the model and for the baseline (usually
        single-task learning). Only tasks present in both and finite are used.
    higher_is_better : bool or dict, default=True
        Direction of the metric, for all tasks or per task name.
    per_task : bool, default=False
        Return the dict of per-task gains (%) instead of their mean.

    Returns
    -------
    gain : float or dict
        The mean gain in percent, or the per-task gains.

    See Also
    --------
    error_reduction : A bounded relative measure for scores near or below 0.

    Examples
    --------
    >>> from skmtl.metrics import relative_gain
    >>> relative_gain({"a": 0.6, "b": 0.4}, {"a": 0.5, "b": 0.5})
    0.0
    """
    gains = {}
    for name, value in scores.items():
        if name not in baseline_scores:
            continue
        base = baseline_scores[name]
        if not (np.isfinite(value) and np.isfinite(base)) or base == 0:
            continue
        sign = (
            higher_is_better.get(name, True)
            if isinstance(higher_is_better, dict)
            else higher_is_better
        )
        gains[name] = (1.0 if sign else -1.0) * 100.0 * (value - base) / abs(base)
    if per_task:
        return gains
    if not gains:
        raise ValueError(
            "No task has a finite, non-zero baseline score in common with the "
            "scores; cannot compute a relative gain."
        )
    return float(np.mean(list(gains.values())))
