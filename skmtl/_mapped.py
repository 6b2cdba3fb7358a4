"""Validation of a memory-mapped ``X`` without reading it into memory at once.

The neural estimators train on a ``np.memmap`` (``np.load(path, mmap_mode="r")``)
one chunk of rows at a time (:mod:`skmtl.neural._mapped_data`); the checks of
:func:`skmtl._base.validate_features` run here chunk by chunk, with the same
fitted attributes and errors: a chunk of rows is read, converted to float32 and
checked, and its pages are dropped before the next (see
:mod:`skmtl.utils._chunks`). The user's array is never copied whole, converted
whole or written into.
"""

import numpy as np

from skmtl._base import check_finite_features, task_column_position, validate_features
from skmtl.utils._chunks import MappedRows, chunk_n_rows, is_memory_mapped
from skmtl.utils._sklearn_compat import _check_feature_names, _check_n_features


def validate_features_or_mapped(estimator, X, *, reset):
    """Validate ``X``: chunk-wise for a ``np.memmap``, else as usual.

    A memory-mapped ``X`` gives a :class:`~skmtl.utils._chunks.MappedRows`
    (see :func:`validate_mapped_features`); anything else goes to
    :func:`skmtl._base.validate_features`.
    """
    if is_memory_mapped(X):
        return validate_mapped_features(estimator, X, reset=reset)
    return validate_features(estimator, X, reset=reset)


def validate_mapped_features(estimator, X, *, reset):
    """Validate the memory-mapped ``X`` chunk by chunk; split off the task column.

    Returns
    -------
    features : MappedRows of shape (n_samples, n_features)
        The rows of ``X`` (without the task column), read as float32 chunks on
        demand; every value was checked to be finite.
    task_values : ndarray of shape (n_samples,) or None
        The task id of each row in ``X``'s dtype (long layout), else None.
    """
    task_column = estimator.task_column
    _check_shape(X, estimator, min_features=1 if task_column is None else 2)
    _check_feature_names(estimator, X, reset=reset)
    _check_n_features(estimator, X, reset=reset)
    columns, keep, task_values = slice(None), None, None
    if task_column is not None:
        position = task_column_position(X, task_column)
        task_values = MappedRows(X, slice(position, position + 1), dtype=X.dtype)
        task_values = task_values.read(slice(None))[:, 0]
        keep = np.delete(np.arange(X.shape[1]), position)
        # A slice keeps the chunks' column selection a view when the task
        # column is first or last.
        columns = {0: slice(1, None), X.shape[1] - 1: slice(None, -1)}.get(
            position, keep
        )
    features = MappedRows(X, columns)
    names = getattr(estimator, "feature_names_in_", None)
    step = chunk_n_rows(features.row_bytes)
    for start in range(0, len(features), step):
        block = features.read(slice(start, start + step))
        # NaN and infinity make the float64 sum non-finite, and float32 values
        # cannot overflow it: no boolean mask of the block for the common case.
        if not np.isfinite(block.sum(dtype=np.float64)):
            original = X[start : start + len(block)]
            check_finite_features(block, names, positions=keep, original=original)
        # Freed before the next block is read: one block in memory at a time.
        del block
    return features, task_values


def _check_shape(X, estimator, *, min_features):
    """Raise scikit-learn's errors for a memory-mapped ``X`` of the wrong shape."""
    name = type(estimator).__name__
    if X.ndim != 2:
        raise ValueError(
            f"Expected a 2D array, got a {X.ndim}D memory-mapped array of shape "
            f"{X.shape} instead; reshape it to (n_samples, n_features)."
        )
    if X.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} needs a numeric memory-mapped X, got dtype {X.dtype}."
        )
    if X.shape[0] < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 "
            f"is required by {name}."
        )
    if X.shape[1] < min_features:
        raise ValueError(
            f"Found array with {X.shape[1]} feature(s) (shape={X.shape}) while a "
            f"minimum of {min_features} is required by {name}."
        )
