"""Per-task training and validation loss of a fitted neural estimator."""

import numpy as np

from skmtl.plotting._estimator import HISTORY_RAISES, fitted_network, select_tasks
from skmtl.plotting._matplotlib import axes_or_new, pyplot
from skmtl.utils._docstrings import fill_doc


@fill_doc(history_raises=HISTORY_RAISES)
def plot_learning_curves(estimator, *, ax=None, tasks=None, valid=True, logy=False):
    """Plot each task's loss per epoch, on the training and validation rows.

    Reads ``history_`` of a fitted :class:`~skmtl.MultiTaskRegressor` or
    :class:`~skmtl.MultiTaskClassifier`: one solid line per task for the
    training loss and, when the fit held out a validation split
    (``early_stopping=True``), one dashed line of the same colour for the
    validation loss. The losses are the unweighted per-task losses on the
    observed labels, so the curves are comparable whatever the loss weighting.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~skmtl.MultiTaskRegressor` or
        :class:`~skmtl.MultiTaskClassifier`, a
        :class:`~sklearn.pipeline.Pipeline` ending in one, or a fitted search
        (e.g. :class:`~sklearn.model_selection.GridSearchCV`) whose best
        estimator is one of those.
    ax : matplotlib Axes, default=None
        Axes to draw on; None creates a new figure.
    tasks : sequence or None, default=None
        Names of the tasks to draw (from ``task_names_``), in legend order;
        None draws every task.
    valid : bool, default=True
        Also draw the validation losses when the history has them.
    logy : bool, default=False
        Use a logarithmic loss axis.

    Returns
    -------
    ax : matplotlib Axes
        The Axes with one line per task and split.

    %(history_raises)s

    See Also
    --------
    plot_task_weights : The loss weights of the tasks over the same epochs.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmtl import MultiTaskRegressor
    >>> from skmtl.datasets import make_multitask_regression
    >>> from skmtl.plotting import plot_learning_curves
    >>> X, Y = make_multitask_regression(n_samples=60, n_tasks=2, random_state=0)
    >>> est = MultiTaskRegressor(max_epochs=3, early_stopping=True).fit(X, Y)
    >>> ax = plot_learning_curves(est)
    >>> len(ax.lines)
    4
    """
    pyplot()
    est = fitted_network(estimator, "history_")
    positions = select_tasks(est.task_names_, tasks)
    names = [est.task_names_[t] for t in positions]
    history = est.history_
    epochs = np.asarray([row["epoch"] for row in history])
    train = _task_losses(history, "train_task_loss", names)
    valid_losses = _task_losses(history, "valid_task_loss", names) if valid else None
    if valid_losses is not None and np.isnan(valid_losses).all():
        valid_losses = None

    ax = axes_or_new(ax)
    for i, name in enumerate(names):
        (line,) = ax.plot(epochs, train[:, i], label=str(name))
        if valid_losses is not None:
            ax.plot(
                epochs,
                valid_losses[:, i],
                linestyle="--",
                color=line.get_color(),
                label=f"_{name} (valid)",
            )
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("Per-task loss")
    legend = ax.legend(title="task", fontsize="small", ncols=1 + len(names) // 12)
    if valid_losses is not None:
        # A second legend tells the line styles apart; matplotlib keeps only the
        # last legend unless the first is added back as an artist.
        ax.add_artist(legend)
        from matplotlib.lines import Line2D

        styles = [
            Line2D([], [], color="gray", linestyle=style) for style in ("-", "--")
        ]
        ax.legend(styles, ["train", "valid"], loc="upper center", fontsize="small")
    return ax


def _task_losses(history, key, names):
    """Return the ``(n_epochs, n_tasks)`` losses under ``key`` (NaN if absent)."""
    losses = np.full((len(history), len(names)), np.nan)
    for epoch, row in enumerate(history):
        per_task = row.get(key)
        if per_task is not None:
            losses[epoch] = [per_task.get(name, np.nan) for name in names]
    return losses
