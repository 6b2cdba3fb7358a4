"""Each label's weight in the mean of its batch's task means, for a whole epoch.

Under equal weighting (the default) a batch's loss is the mean, over the ``k``
tasks with a label in the batch, of each task's mean loss over its ``n_t``
labels there: every label of task ``t`` weighs ``1 / (k n_t)``. These weights
depend only on which labels each batch holds, so the batch iterator computes
them for all of an epoch's batches at once, and a batch's loss is then one dot
product of the labels' losses with their weights (measured: about 100
microseconds less per batch than per-task means, masks and the weighting in the
autograd graph).
"""

import math

import torch


def label_shares(batch_size, dtype, *, task=None, observed=None):
    """Return each label's weight in the mean of its batch's task means.

    Parameters
    ----------
    batch_size : int
        Rows per batch; batch ``b`` holds rows ``b * batch_size`` onwards.
    dtype : torch.dtype
        Floating dtype of the result.
    task : LongTensor of shape (n_rows,) or None
        Long layout: the task of each row, in the epoch's order.
    observed : BoolTensor or None
        Whether each label is observed: ``(n_rows, n_tasks)`` in the wide
        layout, ``(n_rows,)`` in the long layout; None in the long layout when
        every label is.

    Returns
    -------
    share : Tensor, shaped like the labels
        ``1 / (k n_t)`` for an observed label of task ``t`` in a batch with ``k``
        tasks and ``n_t`` labels of task ``t``; 0 for a missing label (so a batch
        without any label contributes no loss and no gradient). Within a batch,
        the shares of a task add up to its weight ``1 / k``.
    """
    rows = observed if task is None else task
    n_rows = len(rows)
    if n_rows == 0:
        return torch.zeros(rows.shape, dtype=dtype, device=rows.device)
    batch = torch.arange(n_rows, device=rows.device) // batch_size
    n_batches = math.ceil(n_rows / batch_size)
    if task is None:
        labels = observed.to(dtype)
        counts = labels.new_zeros(n_batches, observed.shape[1])
        counts.index_add_(0, batch, labels)
        # A batch without any label has no task: its shares are 0 / 1, not 0 / 0
        # (a NaN share made every later loss, weight and prediction NaN).
        tasks_in_batch = (counts > 0).sum(1, keepdim=True).clamp_min(1)
        return labels / (counts.clamp_min(1) * tasks_in_batch)[batch]
    n_tasks = int(task.max()) + 1
    cell = batch * n_tasks + task
    labels = None if observed is None else observed.to(dtype)
    counts = torch.bincount(cell, weights=labels, minlength=n_batches * n_tasks)
    tasks_in_batch = (counts.view(n_batches, n_tasks) > 0).sum(1)
    share = (counts[cell] * tasks_in_batch[batch]).clamp_min(1).to(dtype).reciprocal_()
    return share if labels is None else share * labels
