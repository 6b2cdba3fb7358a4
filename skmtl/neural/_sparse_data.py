"""Sparse features in training: CSR rows held as tensors, batched without densifying.

The dense path (:mod:`skmtl.neural._data`) keeps ``X`` as one tensor; a sparse
``X`` (one-hot encodings, TF-IDF) can be far too large to densify. Here the CSR
arrays live as tensors and a shuffle permutes rows of the CSR structure. A batch
is a torch sparse COO tensor for architectures that take one
(``Architecture.sparse_input``: their first layer is then a sparse matrix
product), else the rows of that one batch written into a dense tensor.
"""

from dataclasses import KW_ONLY, dataclass, field

import numpy as np
import torch

from skmtl.neural._data import TaskTensorDataset


@dataclass(eq=False)
class SparseRows:
    """The rows of a CSR matrix as tensors; a slice of rows is a batch tensor.

    ``rows[start:stop]`` returns the rows as a ``(stop - start, n_columns)``
    tensor: a sparse COO tensor, or with ``dense`` a dense tensor written into a
    buffer that the next slice reuses (only the entries the previous slice wrote
    are cleared, not the whole buffer). ``rows[index_tensor]`` (or :meth:`take`)
    returns a :class:`SparseRows` of those rows.

    Parameters
    ----------
    indptr : LongTensor of shape (n_rows + 1,)
        Row pointers.
    indices : LongTensor of shape (nnz,)
        Column of each stored value.
    values : Tensor of shape (nnz,)
        The stored values (duplicates within a row add up, as in SciPy).
    n_columns : int
        Width of the matrix.
    dense : bool, default=True
        Slices come out dense (else as sparse COO tensors).
    """

    indptr: torch.Tensor
    indices: torch.Tensor
    values: torch.Tensor
    n_columns: int
    _: KW_ONLY
    dense: bool = True
    # The dense batch buffer and the entries the last slice wrote into it.
    _buffer: torch.Tensor | None = field(default=None, init=False, repr=False)
    _written: tuple | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_scipy(cls, matrix, device, *, dense=True):
        """Return the rows of the SciPy CSR ``matrix`` as tensors on ``device``."""
        return cls(
            torch.from_numpy(matrix.indptr.astype(np.int64)).to(device),
            torch.from_numpy(matrix.indices.astype(np.int64)).to(device),
            torch.from_numpy(np.asarray(matrix.data)).to(device),
            matrix.shape[1],
            dense=dense,
        )

    @property
    def shape(self):
        """``(n_rows, n_columns)``."""
        return (len(self), self.n_columns)

    @property
    def dtype(self):
        """The dtype of the values (and of the dense batches)."""
        return self.values.dtype

    @property
    def device(self):
        """Where the tensors live."""
        return self.values.device

    def __len__(self):
        return len(self.indptr) - 1

    def __getitem__(self, rows):
        if isinstance(rows, slice):
            return self._dense(rows) if self.dense else self._sparse(rows)
        return self.take(rows)

    def take(self, order, out=None):
        """Return the rows ``order`` (a LongTensor) as a new :class:`SparseRows`.

        ``out``, a :class:`SparseRows` holding as many stored values, receives the
        rows instead (the per-epoch shuffle writes into the same tensors every
        epoch).
        """
        lengths = self.indptr.diff().index_select(0, order)
        indptr = torch.zeros(len(order) + 1, dtype=torch.int64, device=self.device)
        torch.cumsum(lengths, 0, out=indptr[1:])
        # Each stored value's position in the source: its row's start there plus
        # its offset within the row.
        shift = self.indptr.index_select(0, order) - indptr[:-1]
        nnz = int(indptr[-1])
        positions = torch.arange(nnz, device=self.device)
        positions += torch.repeat_interleave(shift, lengths, output_size=nnz)
        if out is None or len(out.values) != nnz or len(out) != len(order):
            return SparseRows(
                indptr,
                self.indices.index_select(0, positions),
                self.values.index_select(0, positions),
                self.n_columns,
                dense=self.dense,
            )
        out.indptr.copy_(indptr)
        torch.index_select(self.indices, 0, positions, out=out.indices)
        torch.index_select(self.values, 0, positions, out=out.values)
        return out

    def _slice_entries(self, rows):
        """Return the slice's row count, each stored value's row in it, and range."""
        start, stop, step = rows.indices(len(self))
        if step != 1:
            raise ValueError("SparseRows slices need a step of 1.")
        n_rows = max(stop - start, 0)
        begin, end = int(self.indptr[start]), int(self.indptr[stop])
        lengths = self.indptr[start + 1 : stop + 1] - self.indptr[start:stop]
        batch_rows = torch.repeat_interleave(
            torch.arange(n_rows, device=self.device), lengths, output_size=end - begin
        )
        return n_rows, batch_rows, slice(begin, end)

    def _sparse(self, rows):
        """Return the rows of the slice ``rows`` as a sparse COO tensor."""
        n_rows, batch_rows, entries = self._slice_entries(rows)
        return torch.sparse_coo_tensor(
            torch.stack([batch_rows, self.indices[entries]]),
            self.values[entries],
            (n_rows, self.n_columns),
            # Valid by construction; checking would cost a pass per batch.
            check_invariants=False,
        )

    def _dense(self, rows):
        """Return the rows of the slice ``rows`` as a dense tensor (reused buffer)."""
        n_rows, batch_rows, entries = self._slice_entries(rows)
        if self._buffer is None or len(self._buffer) < n_rows:
            self._buffer = torch.zeros(
                n_rows, self.n_columns, dtype=self.dtype, device=self.device
            )
            self._written = None
        elif self._written is not None:
            self._buffer.index_put_(self._written, self._buffer.new_zeros(()))
        # A copy: the next epoch's shuffle overwrites ``indices`` in place.
        self._written = (batch_rows, self.indices[entries].clone())
        self._buffer.index_put_(self._written, self.values[entries], accumulate=True)
        return self._buffer[:n_rows]


class SparseTaskDataset(TaskTensorDataset):
    """A :class:`~skmtl.neural._data.TaskTensorDataset` whose ``X`` is sparse.

    ``inputs["X"]`` is a :class:`SparseRows`; batches hold ``X`` as a sparse
    COO tensor or dense (one batch at a time, in a buffer the next batch reuses:
    a callback that keeps a batch must copy it). The other inputs and the
    targets are tensors, handled as in the dense dataset.
    """

    def shuffled(self, order):
        """Return a dataset of the rows in ``order``, written into reused tensors."""
        if self._shuffle_buffers is None:
            self._shuffle_buffers = (
                {k: torch.empty_like(v) for k, v in self.inputs.items() if k != "X"},
                {k: torch.empty_like(v) for k, v in self.targets.items()},
                None,
            )
        inputs, targets, rows = self._shuffle_buffers
        for source, buffers in ((self.inputs, inputs), (self.targets, targets)):
            for key, values in source.items():
                if key != "X":
                    torch.index_select(values, 0, order, out=buffers[key])
        rows = self.inputs["X"].take(order, out=rows)
        self._shuffle_buffers = (inputs, targets, rows)
        return SparseTaskDataset({"X": rows, **inputs}, targets)
