"""Callbacks that turn per-batch task losses into per-epoch history and progress."""

import sys

import numpy as np
from skorch.callbacks import Callback


class TaskLossRecorder(Callback):
    """Write each epoch's per-task losses, overall losses and task weights to history.

    Per-task losses are exact epoch means over the observed labels (accumulated as
    tensors during the epoch, read once at its end). ``train_loss`` and
    ``valid_loss`` are the unweighted means of the per-task losses, so early
    stopping compares epochs on the same scale whatever the loss weighting.

    History keys added each epoch: ``train_loss``, ``train_task_loss`` (dict task
    name -> loss), ``task_weights`` (list, the mean weight applied to each task
    over the epoch's batches) and, with a validation split, ``valid_loss`` and
    ``valid_task_loss``.
    """

    def on_epoch_begin(self, net, **kwargs):
        """Reset the net's per-epoch accumulators."""
        net.reset_epoch_stats()

    def on_epoch_end(self, net, dataset_valid=None, **kwargs):
        """Record this epoch's losses and weights, and tell the weighting."""
        names = net.task_names
        stats = net.epoch_stats()
        train = stats["train"]
        net.history.record("train_task_loss", dict(zip(names, train.tolist())))
        net.history.record("train_loss", float(np.nanmean(train)))
        net.history.record("task_weights", stats["weights"].tolist())
        if dataset_valid is not None:
            valid = stats["valid"]
            net.history.record("valid_task_loss", dict(zip(names, valid.tolist())))
            net.history.record("valid_loss", float(np.nanmean(valid)))
        net.module_.weighting.end_epoch(net.epoch_task_losses(training=True))


class EpochProgress(Callback):
    """Print one line per epoch: overall losses, duration and per-task losses.

    With early stopping, an epoch that improves on the best monitored score so
    far by more than the stopping threshold (the epoch early stopping would
    restore if none improved after it) is marked ``*best``. For that, this
    callback runs before the ``early_stopping`` callback, which ends training
    by raising from its own epoch-end hook.

    Parameters
    ----------
    max_tasks : int or None, default=8
        Print the losses of at most this many tasks (None: all of them).
    sink : callable, default=print to stdout
        Where the lines go.
    """

    def __init__(self, max_tasks=8, sink=None):
        self.max_tasks = max_tasks
        self.sink = sink

    def on_epoch_end(self, net, **kwargs):
        """Print the epoch's line."""
        row = net.history[-1]
        parts = [f"epoch {row['epoch']:>4}", f"train_loss {row['train_loss']:.4f}"]
        if "valid_loss" in row:
            parts.append(f"valid_loss {row['valid_loss']:.4f}")
        parts.append(f"{row.get('dur', 0.0):.2f}s")
        if _improves(dict(net.callbacks_).get("early_stopping"), row):
            parts.append("*best")
        task_losses = row.get("valid_task_loss", row["train_task_loss"])
        items = list(task_losses.items())
        shown = items if self.max_tasks is None else items[: self.max_tasks]
        tasks = " ".join(f"{name}={loss:.4f}" for name, loss in shown)
        if len(shown) < len(items):
            tasks += f" ... (+{len(items) - len(shown)} tasks)"
        which = "valid" if "valid_task_loss" in row else "train"
        line = "  ".join(parts) + f"  | {which} per task: {tasks}"
        sink = self.sink if self.sink is not None else _print_stdout
        sink(line)


def _improves(stopper, row):
    """Return True when early stopping will count this epoch as its best so far.

    Read before ``stopper`` updates itself this epoch: its threshold is still
    the previous best score, minus the minimal improvement.
    """
    if stopper is None or stopper.monitor not in row:
        return False
    score = row[stopper.monitor]
    if stopper.lower_is_better:
        return score < stopper.dynamic_threshold_
    return score > stopper.dynamic_threshold_


def _print_stdout(line):
    print(line, file=sys.stdout, flush=True)
