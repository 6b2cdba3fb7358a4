"""Graph-regularized multi-task learning: related tasks pulled together.

Evgeniou, T., Micchelli, C. A. and Pontil, M. (2005). Learning multiple tasks with
kernel methods. Journal of Machine Learning Research, 6, 615-637.
"""

import numpy as np

from skmtl._values import is_dataframe, python_list
from skmtl.linear_model.penalties._base import (
    PENALTIES,
    TASK_NAMES,
    Penalty,
    PenaltyConfig,
)
from skmtl.utils._docstrings import fill_doc


@fill_doc(task_names=TASK_NAMES)
class GraphPenalty(Penalty):
    r"""Tasks linked in a user-given graph pulled towards each other.

    .. math::

        \Omega(W) = \alpha \sum_{\{s, t\} \in E} a_{st} \lVert w_s - w_t
        \rVert_2^2 = \alpha \operatorname{tr}(W^\top L W),

    where each edge :math:`\{s, t\}` with weight :math:`a_{st} > 0` is counted
    once and :math:`L = D - A` is the graph Laplacian. It is smooth. The
    complete graph with unit weights gives :math:`T` times the spread term of
    :class:`MeanPenalty`.

    Parameters
    ----------
    alpha : float
        Strength of the pull along the edges.
    %(task_names)s
    task_graph : list of tuple, ndarray or DataFrame
        The graph, required. A list (or tuple) of edges ``(task_s, task_t)`` or
        ``(task_s, task_t, weight)`` naming the tasks as in ``task_names_``
        (repeated edges add their weights); or a symmetric non-negative
        adjacency matrix of shape ``(n_tasks, n_tasks)`` with rows and columns
        in the order of ``task_names_`` (a DataFrame is matched by its index and
        column labels). The diagonal is ignored.

    See Also
    --------
    MeanPenalty : Every task pulled towards the mean of all.
    ClusteredPenalty : Learns which tasks belong together.
    """

    name = "graph"

    def __init__(self, alpha, task_names, *, task_graph=None):
        super().__init__(alpha, task_names)
        self.adjacency = _adjacency(task_graph, self.task_names)
        self.laplacian = np.diag(self.adjacency.sum(axis=1)) - self.adjacency

    def smooth_value_and_gradient(self, W):
        """Return the penalty and its gradient."""
        LW = self.laplacian @ W
        return self.alpha * float(np.vdot(W, LW)), 2.0 * self.alpha * LW

    def lipschitz(self):
        """Return the largest eigenvalue of the penalty's Hessian."""
        if self.n_tasks == 0:
            return 0.0
        return 2.0 * self.alpha * float(np.linalg.eigvalsh(self.laplacian)[-1])


def _adjacency(task_graph, task_names):
    """Return the symmetric (T, T) adjacency matrix of ``task_graph``, zero diagonal."""
    n_tasks = len(task_names)
    if task_graph is None:
        raise ValueError(
            "penalty='graph' needs the task graph: pass "
            "penalty=GraphPenaltyConfig(task_graph=[(task_s, task_t), ...]) (edges "
            f"by task name) or an adjacency matrix of shape ({n_tasks}, {n_tasks}) "
            f"over the tasks {task_names}."
        )
    if isinstance(task_graph, list | tuple):
        adjacency = _edge_list_adjacency(task_graph, task_names)
    else:
        if is_dataframe(task_graph):
            task_graph = _ordered_frame(task_graph, task_names)
        try:
            adjacency = np.array(task_graph, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "penalty='graph': task_graph must be a list of edges or a numeric "
                f"adjacency matrix, got {type(task_graph).__name__}."
            ) from None
        if adjacency.shape != (n_tasks, n_tasks):
            raise ValueError(
                f"penalty='graph': the adjacency matrix task_graph has shape "
                f"{adjacency.shape}, expected ({n_tasks}, {n_tasks}) for the tasks "
                f"{task_names} (rows and columns in that order)."
            )
        if not np.isfinite(adjacency).all() or (adjacency < 0).any():
            raise ValueError(
                "penalty='graph': the adjacency matrix task_graph must hold finite "
                "weights >= 0."
            )
        if not np.allclose(adjacency, adjacency.T):
            raise ValueError(
                "penalty='graph': the adjacency matrix task_graph must be symmetric "
                "(give each edge in both directions, or pass a list of edges)."
            )
    np.fill_diagonal(adjacency, 0.0)
    return adjacency


def _edge_list_adjacency(edges, task_names):
    index = {name: i for i, name in enumerate(task_names)}
    adjacency = np.zeros((len(task_names), len(task_names)))
    unknown = []
    for edge in edges:
        if not isinstance(edge, list | tuple) or len(edge) not in (2, 3):
            raise ValueError(
                "penalty='graph': each edge of task_graph must be (task_s, task_t) or "
                f"(task_s, task_t, weight), got {edge!r}."
            )
        s, t = python_list(edge[:2])
        unknown.extend(name for name in (s, t) if name not in index)
        if s not in index or t not in index:
            continue
        weight = float(edge[2]) if len(edge) == 3 else 1.0
        if not np.isfinite(weight) or weight < 0:
            raise ValueError(
                f"penalty='graph': the edge {edge!r} has weight {weight}; weights "
                "must be finite and >= 0."
            )
        adjacency[index[s], index[t]] += weight
        if index[s] != index[t]:
            adjacency[index[t], index[s]] += weight
    if unknown:
        raise ValueError(
            f"penalty='graph': task_graph names tasks {list(dict.fromkeys(unknown))} "
            f"that are not among the tasks {task_names}."
        )
    return adjacency


def _ordered_frame(frame, task_names):
    labels = python_list(frame.index) + python_list(frame.columns)
    known = set(task_names)
    unknown = [label for label in dict.fromkeys(labels) if label not in known]
    if unknown:
        raise ValueError(
            f"penalty='graph': task_graph names tasks {unknown} that are not among "
            f"the tasks {task_names}."
        )
    return frame.reindex(index=task_names, columns=task_names).fillna(0.0).to_numpy()


@PENALTIES.register
class GraphPenaltyConfig(PenaltyConfig):
    """Configuration of :class:`GraphPenalty`, ``penalty="graph"``.

    Parameters
    ----------
    task_graph : list of tuple, ndarray or DataFrame, default=None
        The graph, required at fit time: edges ``(task_s, task_t)`` or
        ``(task_s, task_t, weight)`` by task name, or a symmetric non-negative
        adjacency matrix over the tasks (see :class:`GraphPenalty`).
    """

    plugin = GraphPenalty
    _parameter_constraints = {"task_graph": [list, tuple, "array-like", None]}

    def __init__(self, task_graph=None):
        self.task_graph = task_graph
