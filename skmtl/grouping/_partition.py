"""From a task affinity matrix to nested partitions of the tasks."""

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform


def task_similarity(affinity, kind):
    """Return a symmetric similarity in ``[-1, 1]`` with 1 on the diagonal.

    Parameters
    ----------
    affinity : ndarray of shape (n_tasks, n_tasks)
        A measured affinity (NaN where never measured: similarity 0).
    kind : {"gradient", "lookahead"}
        ``"gradient"`` cosines are used as they are. TAG's lookahead affinity
        ``Z[i, j]`` scales with the learning rate and with how much a step on
        a task lowers its own loss; it is normalised by the diagonal,
        ``Z[i, j] / sqrt(Z[i, i] Z[j, j])``, and symmetrised (the mean of the
        two directions, as TAG's group score adds both).

    Returns
    -------
    similarity : ndarray of shape (n_tasks, n_tasks)
    """
    values = np.nan_to_num(np.asarray(affinity, dtype=float), nan=0.0)
    if kind == "lookahead":
        scale = np.sqrt(np.clip(np.diag(values), 1e-300, None))
        values = values / scale[:, None] / scale[None, :]
    values = np.clip((values + values.T) / 2.0, -1.0, 1.0)
    np.fill_diagonal(values, 1.0)
    return values


def nested_partitions(similarity):
    """Return the partition into ``k`` groups for every ``k``, nested.

    Average-linkage agglomerative clustering of the tasks on the distance
    ``1 - similarity``: each merge joins the two groups of highest mean
    pairwise affinity, the greedy form of TAG's selection, which maximises the
    affinity of every task to the rest of its group.

    Parameters
    ----------
    similarity : ndarray of shape (n_tasks, n_tasks)
        Symmetric, 1 on the diagonal.

    Returns
    -------
    partitions : dict
        ``k -> labels`` (ndarray of shape (n_tasks,), groups numbered 0, 1,
        ... in the order of their first task) for ``k = 1 .. n_tasks``.
    """
    n_tasks = similarity.shape[0]
    if n_tasks == 1:
        return {1: np.zeros(1, dtype=int)}
    distance = squareform(1.0 - similarity, checks=False)
    tree = linkage(distance, method="average")
    partitions = {}
    for k in range(1, n_tasks + 1):
        partitions[k] = _renumber(fcluster(tree, k, criterion="maxclust"))
    return partitions


def _renumber(labels):
    """Return the labels renumbered 0, 1, ... in the order of first use."""
    order = {}
    for label in labels:
        order.setdefault(label, len(order))
    return np.array([order[label] for label in labels], dtype=int)


def groups_of(labels):
    """Return the task positions of each group, ``[[0, 2], [1], ...]``."""
    return [np.flatnonzero(labels == g).tolist() for g in range(labels.max() + 1)]
