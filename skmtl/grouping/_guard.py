"""The negative-transfer guard: per task, the model that validated best."""

import numpy as np

#: The guard's candidates, in the order of ``guard_scores_``'s columns; on a
#: tie the earlier one wins, so a task leaves its single-task model only for a
#: model that validated strictly better.
GUARD_CANDIDATES = ("single", "group", "shared")


def guard_choices(scores):
    """Return each task's candidate: the one with the best inner-CV score.

    Parameters
    ----------
    scores : ndarray of shape (n_tasks, 3)
        Inner cross-validated score of each task under its single-task model,
        its group's model and the model shared by all tasks (higher is better;
        NaN: not measured, never chosen).

    Returns
    -------
    choices : list of str
        One of :data:`GUARD_CANDIDATES` per task; ``"single"`` when no score is
        finite.
    """
    choices = []
    for row in np.asarray(scores, dtype=float):
        finite = np.where(np.isfinite(row), row, -np.inf)
        best = int(np.argmax(finite)) if np.isfinite(finite).any() else 0
        choices.append(GUARD_CANDIDATES[best])
    return choices
