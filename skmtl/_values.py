"""What the values given to an estimator are: a DataFrame or not, missing labels.

The lowest layer of the package: :mod:`skmtl._base` (feature validation) and
:mod:`skmtl._layout` (the task layout) both read values through it.
"""

import numbers

import numpy as np


def is_dataframe(X):
    """Return True for a pandas-like DataFrame."""
    return hasattr(X, "columns") and hasattr(X, "iloc")


def is_missing(values):
    """Return a boolean array marking missing labels (NaN, None, pandas.NA)."""
    values = np.asarray(values)
    if values.dtype.kind in "fc":
        return np.isnan(values)
    if values.dtype.kind != "O":
        return np.zeros(values.shape, dtype=bool)
    flat = [_is_missing_scalar(v) for v in values.ravel()]
    return np.asarray(flat, dtype=bool).reshape(values.shape)


def as_numbers(values, missing, error):
    """Return ``values`` as float64, NaN where ``missing``.

    Parameters
    ----------
    values : ndarray
        Labels, possibly of object dtype.
    missing : ndarray of bool
        Where a label is missing.
    error : callable
        Called with the first observed label when a label is not a number;
        returns the exception to raise.

    Returns
    -------
    numbers : ndarray of float64
        The labels, NaN where missing.
    """
    try:
        return np.where(missing, np.nan, values).astype(np.float64)
    except (TypeError, ValueError):
        raise error(values[~missing][0]) from None


def homogeneous(labels):
    """Return object-dtype labels of one kind (all numbers or all strings) unboxed.

    A DataFrame column or a mixed-task array hands labels over as objects;
    scikit-learn's target checks need them as a numeric or string array. Labels of
    mixed kinds stay objects and are rejected by the target check.
    """
    if labels.dtype != object or len(labels) == 0:
        return labels
    if all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in labels):
        return np.asarray(labels.tolist())
    if all(isinstance(v, str) for v in labels):
        return labels.astype(str)
    return labels


def _is_missing_scalar(value):
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float | np.floating) and value != value


def python_list(values):
    """Return ``values`` as a list of plain Python scalars, types kept per item."""
    return [v.item() if isinstance(v, np.generic) else v for v in values]
