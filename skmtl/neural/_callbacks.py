"""Callbacks: per-epoch progress lines and the divergence guard."""

import math
import sys

import torch
from skorch.callbacks import Callback


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


class TrainingDiverged(ValueError):
    """Raised when a training or validation loss becomes NaN or infinite."""


class DivergenceGuard(Callback):
    """Stop training at the first non-finite loss, keeping the last finite weights.

    Three checks, none of which adds a per-batch synchronisation: each batch's
    loss, already read to the host for the history (see
    :meth:`~skmtl.neural._fast_loop.FastTrainingLoopMixin.run_single_epoch`);
    each epoch's accumulated per-task losses (one small read per epoch); the
    weights at the end of training (one read per fit). On failure the module's
    parameters and buffers are restored to the newest snapshot that is finite
    (snapshots are taken when training starts and after every epoch whose
    losses were finite), and :class:`TrainingDiverged`, a ``ValueError``, is raised.

    Parameters
    ----------
    hints : sequence of str, default=()
        Likely fixes, appended to the error message.
    """

    def __init__(self, hints=()):
        self.hints = hints

    def on_train_begin(self, net, **kwargs):
        """Snapshot the weights training starts from."""
        # Parameters first, then buffers. Buffers are restored with the
        # parameters but not checked: some hold NaN by design (e.g. DWA's losses
        # of epochs not yet seen).
        parameters = [p.detach() for p in net.module_.parameters()]
        self._n_parameters = len(parameters)
        self._tensors = parameters + [b.detach() for b in net.module_.buffers()]
        self._snapshots = [
            [t.clone() for t in self._tensors],
            [t.clone() for t in self._tensors],
        ]
        self._snapshot_epochs = [len(net.history) - 1, len(net.history) - 1]

    def on_epoch_end(self, net, **kwargs):
        """Check the epoch's losses; snapshot the weights if they are finite."""
        if not net.task_losses_.losses_finite():
            self.fail(net, f"the per-task losses of epoch {len(net.history)}")
        older = self._snapshots[0]
        torch._foreach_copy_(older, self._tensors)
        self._snapshots = [self._snapshots[1], older]
        self._snapshot_epochs = [self._snapshot_epochs[1], len(net.history)]

    def on_train_end(self, net, **kwargs):
        """Check that the trained weights are finite."""
        if not _all_finite(self._tensors[: self._n_parameters]):
            self.fail(net, "the network's weights after the last update")

    def fail(self, net, where):
        """Restore the newest finite snapshot and raise :class:`TrainingDiverged`.

        Parameters
        ----------
        net : MultiTaskNet
            The net being trained.
        where : str
            What became non-finite, for the message.
        """
        restored = None
        for snapshot, epoch in zip(
            reversed(self._snapshots), reversed(self._snapshot_epochs), strict=True
        ):
            if _all_finite(snapshot[: self._n_parameters]):
                torch._foreach_copy_(self._tensors, snapshot)
                restored = epoch
                break
        if restored is None:
            kept = "no finite weights were left to restore"
        elif restored < 1:
            kept = "the network keeps the weights training started from"
        else:
            kept = f"the network keeps the weights of epoch {restored}"
        hints = "; ".join(self.hints)
        raise TrainingDiverged(
            f"Training diverged: {where} became NaN or infinite, so training "
            f"stopped ({kept}). Likely fixes: {hints}."
        )


def check_batch_loss(net, value, prefix, batch):
    """Fail through the net's :class:`DivergenceGuard` if a batch loss is not finite.

    Parameters
    ----------
    net : MultiTaskNet
        The net being trained.
    value : float
        The batch's loss, already on the host.
    prefix : {"train", "valid"}
        Which loss it is.
    batch : int
        The batch's position in the epoch (from 0).
    """
    if math.isfinite(value):
        return
    where = f"the {prefix} loss of batch {batch + 1} in epoch {len(net.history)}"
    guard = dict(net.callbacks_).get("divergence_guard")
    if guard is None:
        raise TrainingDiverged(f"Training diverged: {where} became {value}.")
    guard.fail(net, where)


def _all_finite(tensors):
    """Return whether every floating tensor of ``tensors`` is finite (one read)."""
    floating = [t for t in tensors if t.is_floating_point() and t.numel()]
    if not floating:
        return True
    flags = torch.stack([torch.isfinite(t).all() for t in floating])
    return bool(flags.all())
