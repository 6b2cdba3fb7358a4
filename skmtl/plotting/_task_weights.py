"""Trajectories of the loss weights a loss weighting gave each task."""

import numpy as np

from skmtl.plotting._estimator import HISTORY_RAISES, fitted_network, select_tasks
from skmtl.plotting._matplotlib import axes_or_new, pyplot
from skmtl.utils._docstrings import fill_doc


@fill_doc(history_raises=HISTORY_RAISES)
def plot_task_weights(estimator, *, ax=None, tasks=None):
    """Plot the weight of each task's loss per epoch.

    Reads ``task_weights_`` of a fitted :class:`~skmtl.MultiTaskRegressor` or
    :class:`~skmtl.MultiTaskClassifier`: for every epoch, the mean over its
    batches of the weight applied to each task's loss. Flat lines for
    ``loss_weighting="equal"``; the trajectories show how adaptive weightings
    (``"uncertainty"``, ``"dwa"``, ``"gradnorm"``, ...) rebalance the tasks.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~skmtl.MultiTaskRegressor` or
        :class:`~skmtl.MultiTaskClassifier`, a
        :class:`~sklearn.pipeline.Pipeline` ending in one, or a fitted search
        whose best estimator is one of those.
    ax : matplotlib Axes, default=None
        Axes to draw on; None creates a new figure.
    tasks : sequence or None, default=None
        Names of the tasks to draw (from ``task_names_``); None draws all.

    Returns
    -------
    ax : matplotlib Axes
        The Axes with one line per task.

    %(history_raises)s

    See Also
    --------
    plot_learning_curves : The per-task losses over the same epochs.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmtl import MultiTaskRegressor
    >>> from skmtl.datasets import make_multitask_regression
    >>> from skmtl.plotting import plot_task_weights
    >>> X, Y = make_multitask_regression(n_samples=60, n_tasks=3, random_state=0)
    >>> est = MultiTaskRegressor(loss_weighting="dwa", max_epochs=4).fit(X, Y)
    >>> ax = plot_task_weights(est)
    >>> len(ax.lines)
    3
    """
    pyplot()
    est = fitted_network(estimator, "task_weights_")
    positions = select_tasks(est.task_names_, tasks)
    weights = np.asarray(est.task_weights_, dtype=float).reshape(
        -1, len(est.task_names_)
    )
    history = getattr(est, "history_", None)
    if history is not None and len(history) == weights.shape[0]:
        epochs = np.asarray([row["epoch"] for row in history])
    else:
        epochs = np.arange(1, weights.shape[0] + 1)

    ax = axes_or_new(ax)
    for t in positions:
        ax.plot(epochs, weights[:, t], label=str(est.task_names_[t]))
    ax.set_xlabel("epoch")
    ax.set_ylabel("task loss weight (epoch mean)")
    ax.set_title("Task weights")
    ax.legend(title="task", fontsize="small", ncols=1 + len(positions) // 12)
    return ax
