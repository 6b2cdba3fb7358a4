"""Training on a memory-mapped ``X`` one chunk of rows at a time.

The in-memory path (:mod:`skmtl.neural._data`) holds ``X`` as one tensor and
gathers a shuffled copy of it every epoch; for an ``X`` larger than memory that
is impossible. Here ``X`` stays in its file (a
:class:`~skmtl.utils._chunks.MappedRows`) and an epoch reads it one chunk of
consecutive rows at a time: the chunks come in a new random order every epoch,
and the rows of a chunk in a new random order, drawn by the same generator as
the in-memory path. A chunk's batches are those of an in-memory dataset of the
chunk's rows, so with one chunk (data within scikit-learn's ``working_memory``)
the fit is the in-memory fit, batch for batch.

Memory: the targets (and the task index of the long layout) stay in memory as
in the in-memory path; of ``X``, at most about ``working_memory`` MiB at once
(the pages of the chunk read, its float32 copy, its shuffled copy and the
previous chunk's shuffled copy, which the last batch still refers to).
"""

import math

import torch

from skmtl.neural._data import TaskTensorDataset, TensorBatchIterator
from skmtl.neural._distributed import process_group
from skmtl.utils._chunks import chunk_n_rows


class MappedTaskDataset(TaskTensorDataset):
    """A :class:`~skmtl.neural._data.TaskTensorDataset` whose ``X`` is mapped.

    ``inputs["X"]`` is a :class:`~skmtl.utils._chunks.MappedRows`; the other
    inputs and the targets are tensors. :meth:`subset` (the validation split)
    reads nothing; :meth:`chunks` reads one chunk at a time.
    """

    def chunk_rows(self, batch_size):
        """Return the rows per chunk: a multiple of ``batch_size``.

        Each row of a chunk costs its mapped bytes, and its float32 values three
        times (read, shuffled, and the previous chunk's shuffled copy), plus its
        targets twice.
        """
        features = self.inputs["X"]
        other = [v for k, v in self.inputs.items() if k != "X"]
        targets = sum(_row_bytes(v) for v in [*other, *self.targets.values()])
        row_bytes = features.row_bytes + 2 * features.shape[1] * 4 + 2 * targets
        return chunk_n_rows(row_bytes, multiple=batch_size)

    def chunk_lengths(self, batch_size):
        """Return the number of rows of each chunk, in file order."""
        step, n_rows = self.chunk_rows(batch_size), len(self)
        return [min(step, n_rows - start) for start in range(0, n_rows, step)]

    def chunks(self, batch_size, *, shuffle=False, generator=None):
        """Yield the chunks of an epoch as in-memory datasets, one at a time.

        Parameters
        ----------
        batch_size : int
            Rows per batch; a chunk holds a multiple of it.
        shuffle : bool, default=False
            Visit the chunks in a random order (drawn from ``generator``; not
            drawn when there is a single chunk, so that the epoch's row order is
            the in-memory path's).
        generator : torch.Generator or None, default=None
            Source of the order.
        """
        step = self.chunk_rows(batch_size)
        n_chunks = math.ceil(len(self) / step)
        order = range(n_chunks)
        if shuffle and n_chunks > 1:
            order = torch.randperm(n_chunks, generator=generator).tolist()
        for chunk in order:
            yield self._chunk(slice(chunk * step, (chunk + 1) * step))

    def _chunk(self, rows):
        """Return the rows ``rows`` (a slice) as an in-memory dataset."""
        inputs = {k: v[rows] for k, v in self.inputs.items() if k != "X"}
        device = self.targets["y"].device
        features = torch.from_numpy(self.inputs["X"][rows]).to(device)
        targets = {k: v[rows] for k, v in self.targets.items()}
        return TaskTensorDataset({"X": features, **inputs}, targets)


class MappedBatchIterator(TensorBatchIterator):
    """Iterate over a :class:`MappedTaskDataset` in mini-batches, chunk by chunk.

    skorch's ``iterator_train`` / ``iterator_valid`` for a memory-mapped ``X``.
    Each chunk is batched as an in-memory dataset
    (:class:`~skmtl.neural._data.TensorBatchIterator`, rows shuffled within the
    chunk when ``shuffle``); a chunk is read when the previous one's batches are
    used up. The last chunk in file order may be shorter: its last batch is
    then short too, wherever the chunk comes in the epoch.
    """

    def __len__(self):
        lengths = self.dataset.chunk_lengths(self.batch_size)
        return sum(math.ceil(n / self.batch_size) for n in lengths)

    def __iter__(self):
        chunks = self.dataset.chunks(
            self.batch_size, shuffle=self.shuffle, generator=self.generator
        )
        for chunk in chunks:
            part = TensorBatchIterator(
                chunk, self.batch_size, shuffle=self.shuffle, generator=self.generator
            )
            yield from part
            # Released before the next chunk is read: two chunks are never
            # held at once.
            del chunk, part


def _row_bytes(tensor):
    """Return the bytes of one row of ``tensor``."""
    return tensor[:1].numel() * tensor.element_size()


def use_batch_iterators(net, mapped):
    """Set the batch iterators for this fit's data: chunk-wise for a mapped ``X``.

    Plain attributes, as for a warm start's generator: a fit on a mapped ``X``
    followed by one in memory (``warm_start``) switches back.
    """
    if mapped:
        if process_group() is not None:
            raise ValueError(
                "Data-parallel training (a torch.distributed process group) does "
                "not take a memory-mapped X; give each process its rows in memory."
            )
        net.iterator_train = net.iterator_valid = MappedBatchIterator
        return
    if net.iterator_train is MappedBatchIterator:
        net.iterator_train = TensorBatchIterator
    net.iterator_valid = TensorBatchIterator
