"""From a task affinity matrix to nested partitions of the tasks."""

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

#: The weight of a negative similarity in the clustering's distance: enough to
#: order tasks that have no positive similarity, too little to outweigh one.
TIE_WEIGHT = 1e-3


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
    ``1 - max(similarity, 0)``: each merge joins the two groups of highest mean
    pairwise affinity, the greedy form of TAG's selection, which maximises the
    affinity of every task to the rest of its group. A negative affinity
    counts only to break ties (a thousandth of its size): tasks of different
    groups neither help nor hurt each other, so "conflicting" and "unrelated"
    both mean "apart"; counted in full, one noisy, strongly negative pair
    split a task from a planted group it had positive affinities with (2 of
    5 seeds of ``benchmarks/quality/task_grouping.py``).

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
    positive = _positive_part(similarity)
    conflict = positive - similarity
    distance = squareform(1.0 - positive + TIE_WEIGHT * conflict, checks=False)
    tree = linkage(distance, method="average")
    partitions = {}
    for k in range(1, n_tasks + 1):
        partitions[k] = _renumber(fcluster(tree, k, criterion="maxclust"))
    return partitions


def eigengap_groups(similarity):
    """Return the number of groups at the largest gap of the graph's spectrum.

    The eigengap heuristic of spectral clustering (von Luxburg, "A tutorial on
    spectral clustering", Statistics and Computing 17, 2007, section 8.3): on
    the graph of the tasks weighted by their positive similarity, the
    normalised Laplacian ``I - D^{-1/2} W D^{-1/2}`` has one eigenvalue near 0
    per well separated group; the number of groups is the ``k`` before the
    largest jump between consecutive eigenvalues ``lambda_k`` and
    ``lambda_{k+1}``, at least the number of disconnected parts (tasks with no
    positive similarity to any other are each a group).

    Parameters
    ----------
    similarity : ndarray of shape (n_tasks, n_tasks)
        Symmetric, 1 on the diagonal.

    Returns
    -------
    n_groups : int
        Between 1 and ``n_tasks``.
    """
    n_tasks = similarity.shape[0]
    if n_tasks == 1:
        return 1
    weights = _positive_part(similarity)
    np.fill_diagonal(weights, 0.0)
    degree = weights.sum(axis=1)
    connected = degree > 0
    scale = np.zeros(n_tasks)
    scale[connected] = 1.0 / np.sqrt(degree[connected])
    laplacian = np.diag(connected.astype(float)) - scale[:, None] * weights * scale
    eigenvalues = np.clip(np.linalg.eigvalsh(laplacian), 0.0, None)
    n_parts = int(np.sum(eigenvalues < 1e-9))
    gaps = np.diff(eigenvalues)
    return max(n_parts, int(np.argmax(gaps)) + 1)


def _positive_part(similarity):
    """Return a copy of the similarity with its negative entries set to 0."""
    return np.clip(np.asarray(similarity, dtype=float), 0.0, None)


def _renumber(labels):
    """Return the labels renumbered 0, 1, ... in the order of first use."""
    order = {}
    for label in labels:
        order.setdefault(label, len(order))
    return np.array([order[label] for label in labels], dtype=int)


def groups_of(labels):
    """Return the task positions of each group, ``[[0, 2], [1], ...]``."""
    return [np.flatnonzero(labels == g).tolist() for g in range(labels.max() + 1)]
