"""Choosing the number of groups by inner cross-validation: the one-SE rule.

``n_groups="auto"`` scores the nested partitions for 1 to ``n_tasks`` groups
on the same inner folds. The partition of best mean score is the best of up to
``n_tasks`` noisy estimates, so its score is biased upward (the winner's
curse), and the guard, which compares that score with the all-shared
network's on the same folds, could never find all shared better on average:
one group is itself one of the partitions scored. On School (139 tasks) the
guard kept the group model for every task and ended below all shared on every
split. The number of groups is therefore chosen with the one-standard-error
rule of Hastie, Tibshirani and Friedman ("The Elements of Statistical
Learning", 7.10): the fewest groups (the most sharing, the fewest weights)
whose fold-wise shortfall against the best partition is within its standard
error.
"""

import numpy as np


def fewest_groups_within_one_se(fold_scores):
    """Return the fewest groups whose score is within one SE of the best.

    Parameters
    ----------
    fold_scores : dict
        ``k -> ndarray of shape (n_folds, n_tasks)``: each task's inner score
        (higher is better) on each fold under the partition into ``k`` groups;
        NaN where not measured.

    Returns
    -------
    n_groups : int
        The ``k`` of best mean score when no fold can be compared; otherwise
        the smallest ``k`` whose mean fold-wise shortfall against it is at
        most its standard error. A fold's score is the mean over the tasks
        measured there under every ``k``.
    """
    candidates = sorted(fold_scores)
    stacked = np.stack([fold_scores[k] for k in candidates])
    measured = np.isfinite(stacked).all(axis=0)
    with np.errstate(invalid="ignore"):
        per_fold = np.where(measured, stacked, 0.0).sum(-1) / measured.sum(-1)
    usable = measured.any(axis=1)
    if not usable.any():
        return candidates[0]
    per_fold = per_fold[:, usable]
    best = int(np.argmax(per_fold.mean(axis=1)))
    if per_fold.shape[1] < 2:
        return candidates[best]
    for index, k in enumerate(candidates):
        shortfall = per_fold[best] - per_fold[index]
        error = shortfall.std(ddof=1) / np.sqrt(len(shortfall))
        if shortfall.mean() <= error:
            return k
    return candidates[best]
