"""Data-parallel training with ``torch.distributed``: one fit spread over processes.

When a neural estimator is fitted in every process of an initialized process
group (e.g. a script started with ``torchrun --nproc-per-node=2``, which calls
``torch.distributed.init_process_group``), each process holds all the data, draws
the same permutation each epoch (the same ``random_state``), and trains on its
share of every mini-batch: rows ``rank, rank + world_size, ...`` of the batch.
After the backward pass the gradients are summed over the processes, so every
process takes the same optimizer step and keeps the same weights.

Under the equal weighting without sample weights, each label's weight in its
batch is computed on the whole batch (:mod:`skmtl.neural._shares`), so a
process's loss is its part of the whole batch's loss and the summed gradient is
exactly the single-process gradient: the fit equals a one-process fit up to
float rounding. The other weightings combine the tasks' losses of each process's
shard, and their gradients are averaged over the processes (what
``DistributedDataParallel`` does): a valid data-parallel fit, not the same as
one process. Gradient-level weightings (PCGrad, MGDA, ...) then act on each
shard's own per-task gradients before the averaging.
"""

import math

import torch
from skorch.callbacks import Callback

from skmtl.neural._data import TensorBatchIterator


def process_group():
    """Return ``(rank, world_size)`` of an initialized 2+ process group, or None."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return None
    world_size = dist.get_world_size()
    if world_size < 2:
        return None
    return dist.get_rank(), world_size


class ShardedBatchIterator(TensorBatchIterator):
    """The batches of :class:`TensorBatchIterator`, each cut to this process's rows.

    Every process draws the same permutation and iterates over the same number
    of batches (a process whose share of the last batch is empty still takes
    part in the gradient sum). Label shares are computed on the whole batch.

    Parameters
    ----------
    dataset, batch_size, shuffle, generator
        As :class:`TensorBatchIterator`.
    rank : int
        This process's rank.
    world_size : int
        The number of processes.
    """

    def __init__(
        self, dataset, batch_size, shuffle=False, generator=None, rank=0, world_size=1
    ):
        super().__init__(dataset, batch_size, shuffle=shuffle, generator=generator)
        self.rank = rank
        self.world_size = world_size

    def __iter__(self):
        data = self.epoch_data(always_shares=True)
        device = next(iter(data.inputs.values())).device
        n_rows = len(data)
        for start in range(0, n_rows, self.batch_size):
            stop = min(start + self.batch_size, n_rows)
            rows = torch.arange(start + self.rank, stop, self.world_size, device=device)
            yield data.batch(rows)

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)


class GradientAllReduce(Callback):
    """Sum or average every parameter's gradient over the process group.

    Runs at ``on_grad_computed``, between the backward pass and the optimizer
    step. A batch whose loss is a part of the whole batch's loss (label shares
    under a plain-mean weighting) is summed; any other batch (its loss computed
    on the shard alone) is averaged. A parameter without a gradient in this
    process takes part with zeros, so every process makes the same collective
    calls.
    """

    def on_grad_computed(self, net, named_parameters, batch=None, **kwargs):
        """All-reduce the gradients in one flat buffer."""
        import torch.distributed as dist

        targets = batch[1] if batch is not None else {}
        summed = (
            "label_share" in targets
            and "weight" not in targets
            and net.module_.weighting.plain_mean
        )

        parameters = [p for p in net.module_.parameters() if p.requires_grad]
        for parameter in parameters:
            if parameter.grad is None:
                parameter.grad = torch.zeros_like(parameter)
        grads = [p.grad for p in parameters]
        flat = torch.cat([g.reshape(-1) for g in grads])
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        if not summed:
            flat /= dist.get_world_size()
        offset = 0
        for grad in grads:
            grad.copy_(flat[offset : offset + grad.numel()].view_as(grad))
            offset += grad.numel()
