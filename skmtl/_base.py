"""Shared estimator machinery: input validation, data layouts and task encoding.

Two layouts reach every skmtl estimator:

* wide: ``X`` of shape ``(n, d)`` and ``Y`` of shape ``(n, T)``, one column per
  task, a missing label written as NaN (or None for object labels);
* long: the task of each row is a column of ``X`` named by ``task_column`` and
  ``y`` is 1-D.

Nothing here modifies its inputs: conversions make copies.
"""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from skmtl.utils._sklearn_compat import (
    _check_feature_names,
    _check_n_features,
    check_is_fitted,
    validate_data,
)


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
        X = X.tocoo()
        bad = ~np.isfinite(X.data)
        if not bad.any():
            return
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


def task_column_position(X, task_column):
    """Return the integer position of ``task_column`` in ``X``."""
    n_columns = X.shape[1]
    if is_dataframe(X) and not isinstance(task_column, numbers.Integral):
        matches = np.flatnonzero(np.asarray(X.columns == task_column))
        if len(matches) != 1:
            raise ValueError(
                f"task_column={task_column!r} is not a column of X; X has columns "
                f"{list(X.columns)}."
            )
        return int(matches[0])
    if not isinstance(task_column, numbers.Integral) or isinstance(task_column, bool):
        raise ValueError(
            f"task_column={task_column!r} names a column, but X is not a DataFrame; "
            "give the task column's integer position instead."
        )
    if not -n_columns <= task_column < n_columns:
        raise ValueError(
            f"task_column={task_column} is out of range for X with {n_columns} columns."
        )
    return int(task_column) % n_columns


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
        float32 CSR matrix (see :func:`skmtl._sparse.validate_sparse_features`).
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
    if sp.issparse(X) and not accept_sparse:
        # The neural estimators' own sparse path (float32 CSR, sparse batches);
        # the linear models pass ``accept_sparse`` and take the one below.
        from skmtl._sparse import accepts_sparse, validate_sparse_features

        if accepts_sparse(estimator):
            return validate_sparse_features(estimator, X, reset=reset)
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
        position = _known_task_position(task_column, X.shape[1])
        if position is not None:
            # The long-layout twin of the fast path above: a plain array of the
            # fitted width needs no feature-name or width checks (measured: they
            # were 60% of a one-row predict's validation).
            task_values = X[:, position]
            keep = [i for i in range(X.shape[1]) if i != position]
            features = _other_columns(X, position).astype(dtype, copy=False)
            check_finite_features(features, None, positions=keep, original=X)
            return _writable(features), task_values

    _check_feature_names(estimator, X, reset=reset)
    names = None
    if is_dataframe(X):
        position = task_column_position(X, task_column)
        check_numeric_columns(X, skip=position)
        task_values = X.iloc[:, position].to_numpy()
        keep = [i for i in range(X.shape[1]) if i != position]
        raw_features = X.iloc[:, keep]
        names = [str(c) for c in X.columns]
    else:
        if reset or not _plain_known_array(estimator, X):
            X = check_array(
                X,
                dtype=None,
                accept_sparse=accept_sparse,
                ensure_all_finite=False,
                ensure_min_features=2,
                estimator=estimator,
            )
        position = task_column_position(X, task_column)
        task_values = _column(X, position)
        keep = [i for i in range(X.shape[1]) if i != position]
        raw_features = _other_columns(X, position)
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
    check_finite_features(features, names, positions=keep, original=X)
    return _writable(features), task_values


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


def _known_task_position(task_column, n_columns):
    """Return the position of an integer ``task_column`` in range, else None."""
    if isinstance(task_column, numbers.Integral) and not isinstance(task_column, bool):
        if -n_columns <= task_column < n_columns:
            return int(task_column) % n_columns
    return None


def _column(X, position):
    """Return column ``position`` of the 2-D array or sparse matrix ``X`` as 1-D."""
    if sp.issparse(X):
        return X[:, [position]].toarray().ravel()
    return X[:, position]


def _other_columns(X, position):
    """Return the columns of the 2-D array ``X`` other than ``position``.

    With the task column first or last, this is a view of ``X`` (no copy of the
    features: 4 MB and 2 ms for 20,000 x 50 float32, and a smaller peak
    memory); callers never write into it.
    """
    if sp.issparse(X):
        return X[:, np.delete(np.arange(X.shape[1]), position)]
    if position == X.shape[1] - 1:
        return X[:, :-1]
    if position == 0:
        return X[:, 1:]
    return np.delete(X, position, axis=1)


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


def task_ids(task_values):
    """Return the sorted distinct task ids of ``task_values`` (long layout).

    Float ids that are all integral (a task column read from a numeric array) are
    returned as integers. Missing ids are an error.
    """
    values = normalize_task_values(task_values)
    try:
        return np.unique(values)
    except TypeError:
        return np.asarray(list(dict.fromkeys(values.tolist())), dtype=object)


def normalize_task_values(task_values):
    """Return ``task_values`` as an array, integral floats converted to int64."""
    values = np.asarray(task_values)
    missing = is_missing(values)
    if missing.any():
        raise ValueError(
            f"The task column holds {int(missing.sum())} missing task ids (e.g. at "
            f"row {int(np.flatnonzero(missing)[0])}); every row needs its task."
        )
    if values.dtype.kind == "O":
        if all(isinstance(v, numbers.Real) for v in values):
            values = values.astype(np.float64)
    if values.dtype.kind == "f" and np.all(values == np.round(values)):
        values = values.astype(np.int64)
    return values


def task_lookup(task_names):
    """Return ``{task id: index}`` for ``task_names``."""
    return {name: i for i, name in enumerate(python_list(task_names))}


# Above this many rows, task ids are looked up once per distinct id (after a sort)
# rather than once per row.
_ROWS_PER_LOOKUP = 256


def encode_tasks(task_values, task_names, lookup=None):
    """Map each row's task id to its index in ``task_names``.

    ``lookup`` is ``task_lookup(task_names)`` when the caller keeps one (a fitted
    estimator does: rebuilding it cost 190 us per predict call with 1000 tasks).
    Raises a ValueError naming the ids that were not seen in fit.
    """
    values = normalize_task_values(task_values)
    index = task_lookup(task_names) if lookup is None else lookup
    codes = None
    if len(values) > _ROWS_PER_LOOKUP:
        # Many rows: look up each distinct id once (20,000 rows: 6 ms -> 1 ms).
        try:
            distinct, inverse = np.unique(values, return_inverse=True)
        except TypeError:  # ids of mixed, unorderable types
            pass
        else:
            found = [index.get(v, -1) for v in distinct.tolist()]
            codes = np.asarray(found, dtype=np.int64)[inverse.reshape(-1)]
    if codes is None:
        codes = np.fromiter(
            (index.get(v, -1) for v in values.tolist()),
            dtype=np.int64,
            count=len(values),
        )
    unknown = codes < 0
    if unknown.any():
        unseen = list(dict.fromkeys(values[unknown].tolist()))
        raise ValueError(
            f"Unknown task ids {unseen[:5]}{' ...' if len(unseen) > 5 else ''} in the "
            f"task column: the estimator was fitted on tasks {_preview(task_names)}."
        )
    return codes


def encode_fitted_tasks(estimator, task_values):
    """Return each row's task index for a fitted long-layout ``estimator``."""
    lookup = getattr(estimator, "_task_lookup", None)
    return encode_tasks(task_values, estimator.task_names_, lookup)


def python_list(values):
    """Return ``values`` as a list of plain Python scalars, types kept per item."""
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def _preview(names, limit=10):
    names = python_list(names)
    if len(names) <= limit:
        return names
    return f"{names[:limit]} ... ({len(names)} tasks)"


def wide_targets(y, n_samples):
    """Return the wide targets as a 2-D array, their task names, and if y was 1-D.

    Task names come from the columns of a DataFrame (or the name of a Series),
    otherwise ``task_0``, ``task_1``, ...
    """
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None.")
    names = None
    if is_dataframe(y):
        names = list(y.columns)
    elif hasattr(y, "name") and hasattr(y, "to_numpy") and y.name is not None:
        names = [y.name]
    Y = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    one_d = Y.ndim == 1
    if one_d:
        Y = Y.reshape(-1, 1)
    if Y.ndim != 2:
        raise ValueError(
            f"y must be 1-D (one task) or 2-D (n_samples, n_tasks), got shape "
            f"{Y.shape}."
        )
    if Y.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} rows but y has {Y.shape[0]}; they must match."
        )
    if Y.shape[1] == 0:
        raise ValueError("y has no task column; expected at least one task.")
    if names is None:
        names = [f"task_{t}" for t in range(Y.shape[1])]
    check_unique_task_names(names)
    return Y, names, one_d


def check_unique_task_names(names):
    """Raise a ValueError naming the task names that occur more than once.

    Two target columns with one name would be one task to every per-task result
    (scores, ``history_``, ``predict`` by name), silently dropping the other.
    """
    seen, duplicates = set(), []
    for name in python_list(names):
        if name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    if duplicates:
        raise ValueError(
            f"y has duplicate task names {duplicates} (columns {list(names)}); "
            "give every task column its own name."
        )


def long_targets(y, n_samples, task_column):
    """Return the long-layout targets as a 1-D array of length ``n_samples``."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None.")
    values = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(
            f"In the long layout (task_column={task_column!r}) y must be 1-D, one "
            f"label per row, got shape {values.shape}."
        )
    if values.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} rows but y has {values.shape[0]}; they must match."
        )
    return values


def fit_layout(estimator, X, y, *, warm):
    """Validate ``X`` and ``y`` for a fit and set the task attributes.

    Shared by the neural and linear estimators. Sets ``task_names_``,
    ``n_tasks_`` and ``_y_one_d`` on a fresh fit; with ``warm`` (continuing a
    previous fit) checks instead that ``y`` has the same tasks.

    Returns
    -------
    features : ndarray or sparse matrix of shape (n_samples, n_features)
        As returned by the estimator's ``_split_features`` (by default
        :func:`validate_features`).
    Y : ndarray
        The targets: (n_samples, n_tasks) in the wide layout, (n_samples,) in
        the long layout.
    task_index : ndarray of shape (n_samples,) or None
        Each row's task index (long layout), else None.
    """
    split = getattr(estimator, "_split_features", validate_features)
    features, task_values = split(estimator, X, reset=not warm)
    n_samples = features.shape[0]
    if estimator.task_column is None:
        Y, names, one_d = wide_targets(y, n_samples)
        task_index = None
    else:
        Y = long_targets(y, n_samples, estimator.task_column)
        names = task_ids(task_values) if not warm else estimator.task_names_
        task_index = encode_tasks(task_values, names)
        one_d = False
    if warm:
        if python_list(names) != list(estimator.task_names_):
            raise ValueError(
                f"warm_start=True continues a fit on tasks {estimator.task_names_}, "
                f"but y now has tasks {list(names)}; refit with warm_start=False."
            )
    else:
        estimator.task_names_ = python_list(names)
        estimator.n_tasks_ = len(estimator.task_names_)
        estimator._y_one_d = one_d
        estimator._task_lookup = task_lookup(names)
    return features, Y, task_index


class FittedInputMixin:
    """``_validate_for_predict`` for estimators fitted on the wide or long layout.

    ``_split_features(estimator, X, reset=...)`` validates ``X`` and splits off the
    task column: :func:`validate_features` (finite float32 features) unless a
    subclass sets a lighter one (the ensembles leave values to their base
    estimator).
    """

    _split_features = staticmethod(validate_features)

    def _validate_for_predict(self, X):
        """Return ``(features, task_index or None)`` for a fitted estimator."""
        check_is_fitted(self)
        features, task_values = self._split_features(self, X, reset=False)
        task_index = None
        if self.task_column is not None:
            task_index = encode_fitted_tasks(self, task_values)
        return features, task_index
