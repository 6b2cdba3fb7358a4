"""Each epoch's per-task losses: accumulated during the epoch, recorded at its end."""

import math

import numpy as np
import torch
from skorch.callbacks import Callback


class TaskLossRecorder(Callback):
    """Accumulate each epoch's per-task losses and write them to history.

    The net hands every batch's per-task losses to :meth:`add` (or
    :meth:`add_shares`) from its ``get_loss``; the sums stay tensors during the
    epoch and are read once at its end. Per-task losses are exact epoch means over
    the observed labels. ``train_loss`` and ``valid_loss`` are the unweighted
    means of the per-task losses, so early stopping compares epochs on the same
    scale whatever the loss weighting.

    History keys added each epoch: ``train_loss``, ``train_task_loss`` (dict task
    name -> loss), ``task_weights`` (list, the mean weight applied to each task
    over the epoch's batches) and, with a validation split, ``valid_loss`` and
    ``valid_task_loss``.

    Label totals and weights start as plain numbers and stay numbers while every
    batch has them equal for all tasks (no tensor operation per batch), becoming
    per-task tensors otherwise.
    """

    def reset(self, n_tasks, device):
        """Zero the accumulators for ``n_tasks`` tasks on ``device``.

        Parameters
        ----------
        n_tasks : int
            Number of tasks.
        device : str or torch.device
            Where the per-task sums live (the network's device).
        """
        zeros = torch.zeros(n_tasks, device=device)
        self._n_tasks, self._device = n_tasks, device
        self._sums = {True: zeros, False: zeros.clone()}
        self._totals = {True: 0.0, False: 0.0}
        self._weights = 0.0
        self._batches = 0

    def on_epoch_begin(self, net, **kwargs):
        """Zero the accumulators."""
        self.reset(len(net.task_names), net.device)

    def add(self, training, losses, totals, weights):
        """Add a batch's per-task losses, label totals and weights to the epoch's.

        Parameters
        ----------
        training : bool
            Whether the batch is a training batch (else a validation batch).
        losses : Tensor of shape (n_tasks,)
            The batch's mean loss per task, detached.
        totals : Tensor of shape (n_tasks,) or float
            Each task's label total in the batch (a number: the same for all).
        weights : Tensor of shape (n_tasks,) or float
            The weight the loss weighting gave each task (training only).
        """
        if isinstance(totals, torch.Tensor):
            self._sums[training].addcmul_(losses, totals)
        else:
            self._sums[training].add_(losses, alpha=totals)
        self._totals[training] = self._totals[training] + totals
        if training:
            self._weights = self._weights + weights
            self._batches += 1

    def add_shares(self, training, elementwise, share, task, observed):
        """Add a batch's label losses, weighted by their label shares.

        Parameters
        ----------
        training : bool
            Whether the batch is a training batch.
        elementwise : Tensor
            Each label's loss, detached: (n_rows, n_tasks) wide, (n_rows,) long.
        share : Tensor
            Each label's weight in the batch (see
            :func:`~skmtl.neural._shares.label_shares`): a task's shares add up
            to its weight in the batch.
        task : Tensor of shape (n_rows,) or None
            Each row's task (long layout); None: wide.
        observed : Tensor or None
            Which labels are observed; a missing label counts for nothing.
        """
        if observed is None:
            labels = torch.ones_like(share)
        else:
            labels = observed.to(share)
            elementwise = elementwise * labels

        def add_per_task(accumulator, values):
            # Wide: one column per task; long: each row adds to its own task.
            if task is None:
                return accumulator.add_(values.sum(0))
            return accumulator.index_add_(0, task, values)

        add_per_task(self._sums[training], elementwise)
        self._totals[training] = add_per_task(
            self._per_task(self._totals[training]), labels
        )
        if training:
            self._weights = add_per_task(self._per_task(self._weights), share)
            self._batches += 1

    def replace_training(self, sums, totals, weights, n_batches):
        """Set the epoch's training statistics, accumulated elsewhere.

        The graph-captured step (:mod:`skmtl.neural._captured`) accumulates on
        its own device buffers and hands them over once per epoch.

        Parameters
        ----------
        sums : Tensor of shape (n_tasks,)
            Each task's loss summed over its labels.
        totals : Tensor of shape (n_tasks,)
            Each task's label total.
        weights : Tensor of shape (n_tasks,) or float
            Each task's weight summed over the batches.
        n_batches : int
            Number of training batches.
        """
        self._sums[True], self._totals[True] = sums, totals
        self._weights, self._batches = weights, n_batches

    def _per_task(self, value):
        """Return ``value`` as a per-task tensor (a number is the same for all)."""
        if isinstance(value, torch.Tensor):
            return value
        return torch.full((self._n_tasks,), float(value), device=self._device)

    def task_losses(self, training):
        """Return this epoch's mean loss per task as a tensor (NaN: no label seen).

        Parameters
        ----------
        training : bool
            The training losses (else the validation losses).

        Returns
        -------
        losses : Tensor of shape (n_tasks,)
        """
        totals = self._per_task(self._totals[training])
        means = self._sums[training] / totals.clamp_min(1e-12)
        return torch.where(totals > 0, means, torch.nan)

    def losses_finite(self):
        """Return whether every loss accumulated this epoch is finite.

        Read on the host, one small copy per epoch: 1 us, where a device-side
        check (``isfinite``, ``all``, then a read anyway) took 9 us on CPU. NaN
        and infinity survive the sum (``inf - inf`` is NaN).
        """
        total = sum(self._sums[True].tolist()) + sum(self._sums[False].tolist())
        return math.isfinite(total)

    def on_epoch_end(self, net, dataset_valid=None, **kwargs):
        """Record this epoch's losses and weights, and tell the weighting."""
        names = net.task_names
        train = self.task_losses(True).cpu().numpy()
        valid = self.task_losses(False).cpu().numpy()
        if len(net.history) == 1:
            _check_split_labels(names, train, valid, dataset_valid)
        weights = self._per_task(self._weights) / max(self._batches, 1)
        net.history.record("train_task_loss", dict(zip(names, train.tolist())))
        net.history.record("train_loss", float(np.nanmean(train)))
        net.history.record(
            "task_weights", weights.cpu().numpy().astype(np.float64).tolist()
        )
        if dataset_valid is not None:
            net.history.record("valid_task_loss", dict(zip(names, valid.tolist())))
            net.history.record("valid_loss", float(np.nanmean(valid)))
        net.module_.weighting.end_epoch(self.task_losses(True))


def _check_split_labels(names, train, valid, dataset_valid):
    """Raise a ValueError if the training split lacks a task or validation all.

    Checked after the first epoch, which sees every row: a task without a
    training label would keep its initial head, silently; a validation split
    without any label gives early stopping nothing to monitor.
    """
    untrained = [name for name, loss in zip(names, train) if np.isnan(loss)]
    if untrained:
        raise ValueError(
            f"Tasks {untrained} have no observed label with a positive weight in "
            "the training rows (early stopping held their labels out for "
            "validation): lower validation_fraction, provide more labels, or set "
            "early_stopping=False."
        )
    if dataset_valid is not None and np.isnan(valid).all():
        raise ValueError(
            "The validation split holds no observed label of any task, so early "
            "stopping has no validation loss to monitor: raise "
            "validation_fraction, provide more labels, or set early_stopping=False."
        )
