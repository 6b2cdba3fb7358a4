"""Feature validation shared by every estimator family.

Every estimator validates ``X`` through :func:`validate_features`; the task
layout (wide or long, see :mod:`skmtl._layout`) decides only which column is
split off. Nothing here modifies its inputs: conversions make copies.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array, get_tags

from skmtl._layout import split_task_column, task_column_position
from skmtl._values import is_dataframe
from skmtl.utils._sklearn_compat import (
    _check_feature_names,
    _check_n_features,
    validate_data,
)


def _column_label(position, names):
    if names is None:
        return f"column {position}"
    return f"column {position} ({names[position]!r})"


def check_finite_features(X, names=None, positions=None, original=None):
    """Raise a ValueError naming the first column of ``X`` holding NaN or infinity.

    ``positions`` maps the columns of ``X`` to the columns of the user's input
    (which differ once the task column is split off); ``names`` is indexed by the
    user's positions. ``original`` is the user's input before the conversion to
    float32: a finite value beyond float32's range became infinity there, and the
    error then says so. A SciPy sparse ``X`` is checked on its stored values.
    """
    if sp.issparse(X):
        # Only stored values can be non-finite: the fast check reads them alone.
        if np.isfinite(X.data).all():
            return
        X = X.tocoo()
        bad = ~np.isfinite(X.data)
        column_index = int(X.col[bad].min())
        values = X.data[bad & (X.col == column_index)]
        kind = "NaN" if np.isnan(values).any() else "infinity"
        position = column_index if positions is None else positions[column_index]
        raise ValueError(_non_finite_message(kind, position, names))
    finite = np.isfinite(X)
    if finite.all():
        return
    column_index = int(np.flatnonzero(~finite.all(axis=0))[0])
    kind = "NaN" if np.isnan(X[:, column_index]).any() else "infinity"
    position = column_index if positions is None else positions[column_index]
    largest = _largest_finite(original, position, np.isinf(X[:, column_index]))
    if kind == "infinity" and largest is not None:
        raise ValueError(
            f"Input X has the value {largest:.6g} in "
            f"{_column_label(position, names)}, which exceeds float32's range "
            f"(largest magnitude {np.finfo(np.float32).max:.6g}); skmtl estimators "
            "compute in float32: scale this feature down first (for example with "
            "sklearn.preprocessing.StandardScaler or MaxAbsScaler in a Pipeline)."
        )
    raise ValueError(_non_finite_message(kind, position, names))


def _non_finite_message(kind, position, names):
    """Return the error message for ``kind`` ("NaN" or "infinity") in a column."""
    return (
        f"Input X contains {kind} in {_column_label(position, names)}; skmtl "
        "estimators need finite features: impute or drop them first (for example "
        "with sklearn.impute.SimpleImputer in a Pipeline)."
    )


def _largest_finite(original, position, rows):
    """Return the largest-magnitude finite value of ``original``'s column at ``rows``.

    None when there is none (the value was infinite already) or the column
    cannot be read back as numbers.
    """
    if original is None:
        return None
    try:
        if is_dataframe(original):
            column = original.iloc[:, position].to_numpy()
        else:
            column = np.asarray(original)[:, position]
        values = np.asarray(column, dtype=np.float64)[rows]
    except (TypeError, ValueError, IndexError):
        return None
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    return float(values[np.argmax(np.abs(values))])


def check_numeric_columns(X, skip=None):
    """Raise a ValueError naming the non-numeric columns of a DataFrame ``X``."""
    from pandas.api.types import is_numeric_dtype

    bad = [
        name
        for position, (name, dtype) in enumerate(X.dtypes.items())
        if position != skip and not is_numeric_dtype(dtype)
    ]
    if bad:
        raise ValueError(
            f"Input X has non-numeric columns {bad}; skmtl estimators need numeric "
            "features: encode them first (for example with OneHotEncoder in a "
            "ColumnTransformer)."
        )


def validate_features(estimator, X, *, reset, dtype=np.float32, accept_sparse=False):
    """Validate ``X`` for ``estimator``; split off the task column in the long layout.

    Sets ``n_features_in_`` and ``feature_names_in_`` when ``reset`` (counting the
    task column, since it is a column of the ``X`` the user passes) and checks
    them otherwise.

    Parameters
    ----------
    estimator : estimator
        The estimator being fitted or applied (its ``task_column`` decides the
        layout).
    X : array-like, DataFrame or sparse matrix
        The user's features.
    reset : bool
        Whether this is a fit (set the feature attributes) or not (check them).
    dtype : numpy dtype, default=np.float32
        The dtype of the returned features (the linear models ask for float64).
    accept_sparse : False or tuple of str, default=False
        SciPy sparse formats accepted as they are (e.g. ``("csr", "csc")``);
        the task column of a sparse ``X`` is split off without densifying it.

    Returns
    -------
    features : ndarray or sparse matrix of shape (n_samples, n_features)
        The finite numeric features, of ``dtype``: the caller's array itself
        when it is already a writable array of that dtype (callers must never
        write into it), else a new one. A sparse ``X`` stays sparse: given
        ``accept_sparse``, in one of those formats and of ``dtype``; otherwise,
        for an estimator whose tags accept sparse input (the neural ones), a
        float32 CSR matrix (the task column split off without densifying).
    task_values : ndarray of shape (n_samples,) or None
        The raw task id of each row (long layout), else None.
    """
    task_column = estimator.task_column
    if task_column is None and not reset and _plain_known_array(estimator, X):
        # A one-row predict spends half its time in scikit-learn's validation
        # (dataframe detection, dtype and shape checks); a plain numeric array
        # of the fitted width needs only the conversion and the finite check.
        features = X.astype(dtype, copy=False)
        check_finite_features(features, None, original=X)
        return _writable(features), None
    if sp.issparse(X) and not accept_sparse and get_tags(estimator).input_tags.sparse:
        # The neural estimators: float32 CSR, batched as sparse rows.
        accept_sparse = "csr"
    if task_column is None:
        if is_dataframe(X):
            check_numeric_columns(X)
        # No copy of a float32 array: a fit's peak memory stays within 2x the data
        # (measured: 3.1x with the copy). Nothing writes into it.
        features = validate_data(
            estimator,
            X,
            reset=reset,
            dtype=dtype,
            accept_sparse=accept_sparse,
            ensure_all_finite=False,
        )
        check_finite_features(
            features, getattr(estimator, "feature_names_in_", None), original=X
        )
        return _writable(features), None

    if not reset and _plain_known_array(estimator, X):
        # The long-layout twin of the fast path above: a plain array of the
        # fitted width needs no feature-name or width checks (measured: they
        # were 60% of a one-row predict's validation).
        position = task_column_position(X, task_column)
        raw_features, task_values = split_task_column(X, position)
        features = raw_features.astype(dtype, copy=False)
        check_finite_features(
            features, None, positions=_other_positions(X, position), original=X
        )
        return _writable(features), task_values

    return _split_long_features(estimator, X, reset, dtype, accept_sparse)


def _split_long_features(estimator, X, reset, dtype, accept_sparse):
    """Validate the long-layout ``X`` fully; see :func:`validate_features`."""
    task_column = estimator.task_column
    _check_feature_names(estimator, X, reset=reset)
    names = None
    if is_dataframe(X):
        position = task_column_position(X, task_column)
        check_numeric_columns(X, skip=position)
        names = [str(c) for c in X.columns]
    else:
        # The task column is read in the input's dtype (ids above 2**24 are not
        # float32 numbers); only the features are converted.
        X = check_array(
            X,
            dtype=None,
            accept_sparse=accept_sparse,
            ensure_all_finite=False,
            ensure_min_features=2,
            estimator=estimator,
        )
        position = task_column_position(X, task_column)
    raw_features, task_values = split_task_column(X, position)
    _check_n_features(estimator, _Width(X.shape[1], len(task_values)), reset=reset)
    if isinstance(raw_features, np.ndarray) and raw_features.dtype.kind in "fiub":
        # Already a numeric array: scikit-learn's second validation pass would
        # cost more than a one-row predict (measured: 125 us of 340 us).
        features = raw_features.astype(dtype, copy=False)
    else:
        features = check_array(
            raw_features,
            dtype=dtype,
            accept_sparse=accept_sparse,
            ensure_all_finite=False,
            estimator=estimator,
        )
    check_finite_features(
        features, names, positions=_other_positions(X, position), original=X
    )
    return _writable(features), task_values


def _other_positions(X, position):
    """Return the positions in ``X`` of the feature columns (all but ``position``)."""
    return [i for i in range(X.shape[1]) if i != position]


def _plain_known_array(estimator, X):
    """Return True for a 2-D numeric ndarray of the width ``estimator`` was fitted on.

    Anything else (lists, DataFrames, other widths, an estimator fitted on a
    DataFrame, which warns about missing feature names) takes the full
    validation and its error messages.
    """
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype.kind in "fiu"
        and X.shape[0] > 0
        and X.shape[1] == getattr(estimator, "n_features_in_", None)
        and not hasattr(estimator, "feature_names_in_")
    )


def _writable(features):
    """Return ``features``, copied if read-only (torch tensors need writable memory)."""
    if sp.issparse(features) or features.flags.writeable:
        return features
    return features.copy()


class _Width:
    """Stand-in with the shape of ``X`` for scikit-learn's n_features check."""

    def __init__(self, n_columns, n_rows):
        self.shape = (n_rows, n_columns)

    def __len__(self):
        return self.shape[0]
