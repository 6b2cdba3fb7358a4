"""Masked multi-task losses: one mean loss per task over its observed labels."""

import torch
from torch import nn
from torch.nn import functional as F


def per_task_means(elementwise, weight, observed, task, n_tasks):
    """Return the weighted mean of ``elementwise`` per task and each task's weight sum.

    Parameters
    ----------
    elementwise : Tensor
        Loss of each label: ``(batch, n_tasks)`` in the wide layout, ``(batch,)``
        in the long layout.
    weight : Tensor of shape (batch,) or None
        Sample weights; None: every row weighs 1.
    observed : BoolTensor, same shape as ``elementwise``, or None
        Whether each label is observed; None: every label is.
    task : LongTensor of shape (batch,) or None
        Task index of each row (long layout) or None (wide layout).
    n_tasks : int
        Number of tasks.

    Returns
    -------
    losses : Tensor of shape (n_tasks,)
        Weighted mean loss per task; 0 where a task has no observed label.
    totals : Tensor of shape (n_tasks,)
        Sum of the weights of each task's observed labels.
    """
    if observed is None and weight is None and task is None:
        # The common case, every label observed with unit weight: plain column
        # means, a handful fewer tensor operations per batch.
        n_rows = float(elementwise.shape[0])
        return elementwise.mean(0), elementwise.new_full((n_tasks,), n_rows)
    if observed is None and weight is None:
        # Long layout, unit weights: each task's rows counted by bincount, no
        # weight tensor in the graph (about half the operations of the general
        # path; a task absent from the batch gets 0 / 1 = 0).
        totals = torch.bincount(task, minlength=n_tasks).to(elementwise.dtype)
        sums = elementwise.new_zeros(n_tasks).index_add(0, task, elementwise)
        return sums / totals.clamp_min(1.0), totals
    w = None
    if observed is not None:
        elementwise = torch.where(observed, elementwise, 0.0)
        w = observed.to(elementwise.dtype)
    if weight is not None:
        per_row = weight.unsqueeze(1) if task is None else weight
        w = per_row if w is None else w * per_row
    w = torch.ones_like(elementwise) if w is None else w.expand_as(elementwise)
    if task is None:
        sums, totals = (w * elementwise).sum(0), w.sum(0)
    else:
        sums = elementwise.new_zeros(n_tasks).index_add_(0, task, w * elementwise)
        totals = elementwise.new_zeros(n_tasks).index_add_(0, task, w)
    losses = torch.where(totals > 0, sums / totals.clamp_min(1e-12), 0.0)
    return losses, totals


def _has_members(y_pred, y):
    """Return whether ``y_pred`` holds every ensemble member's outputs.

    An ensemble's training outputs have a member axis after the batch axis
    (see :class:`~skmtl.architectures._ensemble.EnsembleHardSharing`): two more
    axes than the targets instead of one.
    """
    return y_pred.dim() == y.dim() + 2


class _MaskedLoss(nn.Module):
    """Per-task mean of an elementwise loss over the observed labels.

    A subclass writes ``elementwise`` and ``_fill_missing``, which gives the
    missing labels a valid placeholder (they are masked out of the means).

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    """

    def __init__(self, n_tasks):
        super().__init__()
        self.n_tasks = n_tasks

    def forward(self, y_pred, y, weight=None, observed=None, task=None):
        """Return ``(losses, totals)`` as in :func:`per_task_means`."""
        if observed is not None:
            y = self._fill_missing(y)
        return per_task_means(
            self.elementwise(y_pred, y), weight, observed, task, self.n_tasks
        )


class MaskedSquaredError(_MaskedLoss):
    """Per-task mean squared error; NaN targets are missing labels.

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    """

    def _fill_missing(self, y):
        return torch.nan_to_num(y)

    def elementwise(self, y_pred, y, task=None):
        """Return the squared error of each label (no label may be missing).

        ``task`` (each row's task in the long layout) is unused: every task has
        the same loss.
        """
        if _has_members(y_pred, y):
            # An ensemble's loss is the mean of its members' losses (TabM).
            predicted = y_pred[..., 0]
            target = y.unsqueeze(1).expand_as(predicted)
            return F.mse_loss(predicted, target, reduction="none").mean(1)
        return F.mse_loss(y_pred[..., 0], y, reduction="none")

    def mean_over_labels(self, y_pred, y):
        """Return the mean loss over every label and each task's mean (detached).

        For a wide batch with every label observed and unit weights, where the
        mean over all labels equals the mean of the task means: one fused loss
        op (and one backward node) instead of per-task means in the graph.
        """
        if _has_members(y_pred, y):
            elementwise = self.elementwise(y_pred, y)
            return elementwise.mean(), elementwise.detach().mean(0).view(-1)
        # The target gains the output axis, so the prediction needs no reshaping
        # node in the graph.
        target = y.unsqueeze(-1)
        loss = F.mse_loss(y_pred, target)
        with torch.no_grad():
            per_task = (y_pred.detach() - target).square_().mean(0).view(-1)
        return loss, per_task


class MaskedCrossEntropy(_MaskedLoss):
    """Per-task cross-entropy; class code -1 marks a missing label.

    The logits of classes a task does not have are ``-inf`` (masked by the module),
    so each task's softmax runs over its own classes only.

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    """

    def _fill_missing(self, y):
        return y.clamp_min(0)

    def elementwise(self, y_pred, y, task=None):
        """Return the negative log-likelihood of each label (none may be missing).

        ``task`` is unused, as for :meth:`MaskedSquaredError.elementwise`.
        """
        log_proba = F.log_softmax(y_pred, dim=-1)
        if _has_members(y_pred, y):
            index = y.unsqueeze(1).expand(log_proba.shape[:-1]).unsqueeze(-1)
            return -log_proba.gather(-1, index).squeeze(-1).mean(1)
        return -log_proba.gather(-1, y.unsqueeze(-1)).squeeze(-1)

    def mean_over_labels(self, y_pred, y):
        """Return the mean loss over every label and each task's mean (detached).

        See :meth:`MaskedSquaredError.mean_over_labels`.
        """
        if _has_members(y_pred, y):
            elementwise = self.elementwise(y_pred, y)
            return elementwise.mean(), elementwise.detach().mean(0)
        logits = y_pred.reshape(-1, y_pred.shape[-1])
        loss = F.cross_entropy(logits, y.reshape(-1))
        with torch.no_grad():
            nll = F.cross_entropy(logits.detach(), y.reshape(-1), reduction="none")
            per_task = nll.view(y.shape).mean(0)
        return loss, per_task
