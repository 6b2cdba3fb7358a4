"""Rows of a memory-mapped array read one chunk at a time, its pages let go after.

A memory-mapped file's pages count in the process's resident memory once they
are read (Linux counts them as ``RssFile``): reading a 4 GB ``np.memmap`` from
start to end leaves 4 GB resident unless the pages are handed back. Here every
block of rows is copied out (converted to float32) and its pages are then
dropped from the process with ``madvise(MADV_DONTNEED)``; the operating system
keeps them in its page cache, which is not the process's memory, and reads them
back on the next access. The size of a chunk follows scikit-learn's
``working_memory`` setting (:func:`sklearn.set_config`, in MiB).

Numpy only: no torch here.
"""

import mmap

import numpy as np
from numpy.lib.array_utils import byte_bounds

from skmtl.utils._sklearn_compat import get_chunk_n_rows

_MADV_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)


def is_memory_mapped(X):
    """Return whether ``X`` is a ``np.memmap`` backed by a mapped file.

    ``np.load(path, mmap_mode="r")`` and ``np.memmap`` give one; arrays derived
    by fancy indexing or arithmetic are in memory and are not.
    """
    return isinstance(X, np.memmap) and getattr(X, "_mmap", None) is not None


def release_pages(view):
    """Drop the mapped pages under ``view`` (a view of a ``np.memmap``) from RSS.

    Only for shared mappings (modes ``"r"``, ``"r+"``, ``"w+"``): their pages
    live in the page cache and are read back on the next access. A
    copy-on-write mapping (mode ``"c"``) would lose the changes written into
    it, so its pages are left alone.
    """
    mapped = getattr(view, "_mmap", None)
    if mapped is None or _MADV_DONTNEED is None or view.mode == "c" or not view.size:
        return
    start = np.frombuffer(mapped, dtype=np.uint8).ctypes.data
    low, high = byte_bounds(view)
    offset = low - start
    offset -= offset % mmap.PAGESIZE
    length = min(high - start, len(mapped)) - offset
    if length > 0:
        mapped.madvise(_MADV_DONTNEED, offset, length)


def chunk_n_rows(row_bytes, multiple=1):
    """Return the rows per chunk: as many as scikit-learn's ``working_memory`` holds.

    Parameters
    ----------
    row_bytes : int
        Memory that one row of a chunk costs (all its copies together).
    multiple : int, default=1
        The result is a positive multiple of it (the training batch size, so
        that a chunk holds whole batches).
    """
    rows = get_chunk_n_rows(row_bytes=max(int(row_bytes), 1))
    return max(rows // multiple, 1) * multiple


class MappedRows:
    """The rows of a memory-mapped 2-D array, read in chunks as float32 arrays.

    ``rows[start:stop]`` (or :meth:`read`) returns those rows as a new float32
    array and drops the pages it read; ``rows[indices]`` (or :meth:`take`)
    returns a :class:`MappedRows` of those rows, reading nothing. Nothing is
    ever written into the mapped array.

    Parameters
    ----------
    source : np.memmap of shape (n_source_rows, n_source_columns)
        The user's array.
    columns : slice or ndarray of int, default=slice(None)
        The columns kept (the features without the task column).
    rows : ndarray of int or None, default=None
        The source rows in this object's order; None for all, in order.
    dtype : numpy dtype, default=np.float32
        The dtype of the arrays read.
    """

    def __init__(self, source, columns=slice(None), rows=None, dtype=np.float32):
        self.source = source
        self.columns = columns
        self.rows = rows
        self.dtype = np.dtype(dtype)
        self._n_columns = len(np.arange(source.shape[1])[columns])

    @property
    def shape(self):
        """``(n_rows, n_columns)``."""
        return (len(self), self._n_columns)

    @property
    def ndim(self):
        """2, as for the arrays it stands for."""
        return 2

    @property
    def row_bytes(self):
        """Bytes of one row in the mapped file plus its copy in a chunk read."""
        source = self.source
        mapped = max(abs(source.strides[0]), source.shape[1] * source.dtype.itemsize)
        return mapped + self._n_columns * self.dtype.itemsize

    def __len__(self):
        return self.source.shape[0] if self.rows is None else len(self.rows)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.read(key)
        return self.take(key)

    def __array__(self, dtype=None, copy=None):
        return self.read(slice(None)).astype(dtype or self.dtype, copy=False)

    def take(self, indices):
        """Return a :class:`MappedRows` of the rows ``indices`` (reads nothing)."""
        indices = np.asarray(indices, dtype=np.int64)
        rows = indices if self.rows is None else self.rows[indices]
        return MappedRows(self.source, self.columns, rows, self.dtype)

    def read(self, positions):
        """Return the rows at ``positions`` (a slice or an int array) as an array.

        The source is read in blocks of at most one chunk's span of rows, and
        each block's pages are dropped before the next is read.
        """
        if self.rows is None and isinstance(positions, slice):
            start, stop, step = positions.indices(len(self))
            if step == 1:
                return self._read_range(start, max(stop, start))
        if self.rows is not None:
            wanted = self.rows[positions]
        elif isinstance(positions, slice):
            wanted = np.arange(*positions.indices(len(self)))
        else:
            wanted = positions
        return self._read_rows(np.asarray(wanted, dtype=np.int64))

    def _read_range(self, start, stop):
        out = np.empty((stop - start, self._n_columns), dtype=self.dtype)
        step = chunk_n_rows(self.row_bytes)
        for low in range(start, stop, step):
            high = min(low + step, stop)
            block = self.source[low:high]
            # A float64 value beyond float32's range becomes infinity, which
            # the finite check reports with the value and its column.
            with np.errstate(over="ignore"):
                out[low - start : high - start] = block[:, self.columns]
            release_pages(block)
        return out

    def _read_rows(self, wanted):
        out = np.empty((len(wanted), self._n_columns), dtype=self.dtype)
        order = np.argsort(wanted, kind="stable")
        ordered = wanted[order]
        span = chunk_n_rows(self.row_bytes)
        first = 0
        while first < len(ordered):
            low = int(ordered[first])
            last = int(np.searchsorted(ordered, low + span, side="left"))
            block = self.source[low : int(ordered[last - 1]) + 1]
            with np.errstate(over="ignore"):
                out[order[first:last]] = block[ordered[first:last] - low][
                    :, self.columns
                ]
            release_pages(block)
            first = last
        return out
