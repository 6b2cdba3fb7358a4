"""The negative-transfer guard: the default model unless another is better.

Choosing per task the candidate of highest inner score picks, among noisy
estimates, the luckiest one: on School (about 25 inner validation rows per
school) that choice kept the single-task network for 90 of 834 decisions and
the guarded model ended below the one shared by all tasks on every split. The
guard therefore starts from the candidate that validated best on average over
all tasks (the default) and moves a task to another candidate only when that
candidate's fold-wise gain over the default, for that task, exceeds its
standard error (the one-standard-error rule of Hastie, Tibshirani and
Friedman, "The Elements of Statistical Learning", 7.10, applied to a paired
difference).
"""

import numpy as np

#: The guard's candidates, in the order of ``guard_scores_``'s columns; on a
#: tie the earlier one wins, so the default is the single-task model unless
#: another validated strictly better on average.
GUARD_CANDIDATES = ("single", "group", "shared")


def fold_mean(fold_scores):
    """Return the mean over the first axis of the finite entries (NaN where none)."""
    measured = np.isfinite(fold_scores)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(measured, fold_scores, 0).sum(0) / measured.sum(0)


def default_candidate(scores):
    """Return the column of the candidate with the best score averaged over tasks.

    Parameters
    ----------
    scores : ndarray of shape (n_tasks, 3)
        Each task's mean inner score per candidate (higher is better; NaN: not
        measured). Only tasks measured under every candidate are averaged.

    Returns
    -------
    column : int
        0 (single) when no task was measured under all three.
    """
    scores = np.asarray(scores, dtype=float)
    complete = np.isfinite(scores).all(axis=1)
    if not complete.any():
        return 0
    return int(np.argmax(scores[complete].mean(axis=0)))


def guard_choices(fold_scores):
    """Return each task's candidate and the default one.

    Parameters
    ----------
    fold_scores : ndarray of shape (n_folds, n_tasks, 3)
        Inner score of each task on each fold under its single-task model, its
        group's model and the model shared by all tasks (higher is better;
        NaN: not measured on that fold).

    Returns
    -------
    choices : list of str
        One of :data:`GUARD_CANDIDATES` per task: the default, unless another
        candidate's mean fold-wise gain over it exceeds its standard error (the
        candidate of largest gain among those); a task not measured under the
        default takes its best measured candidate, ``"single"`` when none.
    default : str
        The candidate that validated best on average over the tasks.
    """
    fold_scores = np.asarray(fold_scores, dtype=float)
    means = fold_mean(fold_scores)
    default = default_candidate(means)
    choices = []
    for t, row in enumerate(means):
        if not np.isfinite(row[default]):
            finite = np.where(np.isfinite(row), row, -np.inf)
            best = int(np.argmax(finite)) if np.isfinite(row).any() else 0
            choices.append(GUARD_CANDIDATES[best])
            continue
        gains = _significant_gains(fold_scores[:, t, :], default)
        best = int(np.argmax(gains)) if np.isfinite(gains).any() else default
        choices.append(GUARD_CANDIDATES[best])
    return choices, GUARD_CANDIDATES[default]


def _significant_gains(folds, default):
    """Return each candidate's mean gain over ``default``, -inf unless beyond 1 SE.

    ``folds`` is ``(n_folds, 3)``; a gain needs two folds measured under both.
    """
    gains = np.full(folds.shape[1], -np.inf)
    for column in range(folds.shape[1]):
        if column == default:
            continue
        difference = folds[:, column] - folds[:, default]
        difference = difference[np.isfinite(difference)]
        if len(difference) < 2:
            continue
        gain = difference.mean()
        error = difference.std(ddof=1) / np.sqrt(len(difference))
        if gain > error:
            gains[column] = gain
    return gains
