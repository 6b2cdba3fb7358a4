"""The best single-task model on each task, as the baseline of a comparison.

A multi-task model earns its place only when it beats the strongest single-task
model a user would otherwise fit, and which one that is differs between tasks
(a linear model on one, gradient boosting on another). With several baselines,
a comparison reports each model against the best of them **on each task**: the
baseline with the best mean score over the test folds. Choosing it on the same
test folds it is then scored on favours the baseline (it gets the maximum of
several noisy means), so a multi-task model that beats it has cleared a bar set
a little too high, never too low.
"""

import math

import numpy as np

#: The baseline's name in tables when it is the best of several single-task models.
BEST_SINGLE_TASK = "best single-task"


def baseline_names(baseline):
    """Return the baseline models of ``baseline`` and the name of the reference.

    Parameters
    ----------
    baseline : str or sequence of str
        One model, or several whose best on each task is the reference.

    Returns
    -------
    baselines : list of str
        The baseline models.
    name : str
        The model itself for one; :data:`BEST_SINGLE_TASK` for several
        single-task models (names containing ``"single-task"`` or
        ``"per-task"``), else ``"best baseline"``.
    """
    if isinstance(baseline, str):
        return [baseline], baseline
    baselines = list(baseline)
    if not baselines:
        raise ValueError("baseline is an empty list; name at least one model.")
    if len(baselines) == 1:
        return baselines, baselines[0]
    if all("single-task" in name or "per-task" in name for name in baselines):
        return baselines, BEST_SINGLE_TASK
    return baselines, "best baseline"


def _mean(values):
    finite = [v for v in values if math.isfinite(v)]
    return float(np.mean(finite)) if finite else -math.inf


def best_per_task(scores, baselines):
    """Return the baseline with the best mean score on each task.

    Parameters
    ----------
    scores : dict
        Model name -> task name -> per-fold scores (higher is better).
    baselines : list of str
        The candidate models.

    Returns
    -------
    best : dict
        Task name -> model name; the first candidate on a tie or when none
        scored the task.
    """
    tasks = scores[baselines[0]]
    return {
        task: max(baselines, key=lambda name: _mean(scores[name][task]))
        for task in tasks
    }


def best_fold_scores(scores, baselines, task=None):
    """Return the per-fold scores of the best baseline on a task, or on average.

    Parameters
    ----------
    scores : dict
        Model name -> task name -> per-fold scores.
    baselines : list of str
        The candidate models.
    task : object, default=None
        A task name; None: the per-fold mean over tasks, each task scored by
        its own best baseline.

    Returns
    -------
    folds : list of float
    """
    best = best_per_task(scores, baselines)
    if task is not None:
        return list(scores[best[task]][task])
    per_task = [scores[model][name] for name, model in best.items()]
    n_splits = len(per_task[0]) if per_task else 0
    means = []
    for k in range(n_splits):
        finite = [folds[k] for folds in per_task if math.isfinite(folds[k])]
        means.append(float(np.mean(finite)) if finite else float("nan"))
    return means
