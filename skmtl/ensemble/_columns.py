"""The feature containers of the meta-estimators: split, take rows, add columns.

The ensembles hand ``X`` to any scikit-learn estimator, so they keep its kind: a
DataFrame stays a DataFrame (a Pipeline with a ColumnTransformer may select its
columns by name), a sparse matrix stays sparse, anything else becomes a 2-D
array of its own dtype. Nothing here modifies its input.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

from skmtl._layout import split_task_column, task_column_position
from skmtl._values import is_dataframe
from skmtl.utils._sklearn_compat import (
    _check_feature_names,
    _check_n_features,
    _num_samples,
    _safe_indexing,
)


def split_features(estimator, X, *, reset):
    """Lightly validate ``X`` and split off the task column in the long layout.

    The values are left to the base estimator to check (it may accept strings,
    NaN or sparse input); this checks only that ``X`` is 2-D and that its width
    and column names match the ones seen in fit, and sets ``n_features_in_`` and
    ``feature_names_in_`` when ``reset`` (counting the task column, a column of the
    ``X`` the user passes).

    Returns
    -------
    features : DataFrame, sparse matrix or ndarray of shape (n_samples, n_features)
        ``X`` itself in the wide layout, ``X`` without its task column in the
        long layout (see :func:`skmtl._layout.split_task_column`; never written
        into).
    task_values : ndarray of shape (n_samples,) or None
        The raw task id of each row (long layout), else None.
    """
    task_column = estimator.task_column
    if not is_dataframe(X):
        X = check_array(
            X,
            dtype=None,
            accept_sparse=["csr", "csc"],
            ensure_all_finite=False,
            ensure_min_features=1 if task_column is None else 2,
            estimator=estimator,
        )
    _check_feature_names(estimator, X, reset=reset)
    _check_n_features(estimator, X, reset=reset)
    if task_column is None:
        return X, None
    return split_task_column(X, task_column_position(X, task_column))


def take_rows(X, rows):
    """Return the rows ``rows`` of ``X``; ``X`` itself when they are all, in order.

    ``rows`` holds int positions or is ``slice(None)``.
    """
    if isinstance(rows, slice):
        return X
    n_samples = _num_samples(X)
    if len(rows) == n_samples and np.array_equal(rows, np.arange(n_samples)):
        return X
    return _safe_indexing(X, rows)


def column_names(X, labels):
    """Return names for new columns of ``X``; None when ``X`` has no column names.

    Labels become string names when every column of ``X`` has a string name
    (scikit-learn rejects a mix of string and other names); otherwise the new
    columns are named by their positions. A clash with an existing column is an
    error.
    """
    if not is_dataframe(X):
        return None
    existing = list(X.columns)
    if all(isinstance(name, str) for name in existing):
        names = [str(label) for label in labels]
    else:
        names = list(range(X.shape[1], X.shape[1] + len(labels)))
    clash = sorted(set(map(str, existing)) & set(map(str, names)))
    if clash:
        raise ValueError(
            f"X already has columns {clash}, the names of the columns this "
            "estimator adds to it; rename them."
        )
    return names


def append_columns(X, block, labels):
    """Return ``X`` with the columns of ``block`` appended, in ``X``'s own kind.

    Parameters
    ----------
    X : DataFrame, sparse matrix or ndarray of shape (n_samples, n_features)
        The features.
    block : ndarray, sparse matrix or DataFrame of shape (n_samples, n_new)
        The new columns. A DataFrame block keeps its column dtypes (e.g. a
        categorical column) when ``X`` is a DataFrame; a sparse block is
        appended to a sparse ``X`` without being densified.
    labels : list of str
        What the new columns hold, used as their names when ``X`` is a
        DataFrame.

    Returns
    -------
    X_new : same kind as ``X``, of shape (n_samples, n_features + n_new)
        A new container; ``X`` is not modified.
    """
    if is_dataframe(X):
        import pandas as pd

        names = column_names(X, labels)
        if is_dataframe(block):
            extra = block.set_axis(names, axis=1).set_axis(X.index, axis=0)
        else:
            extra = pd.DataFrame(block, columns=names, index=X.index)
        return pd.concat([X, extra], axis=1)
    values = block.to_numpy(dtype=float) if is_dataframe(block) else block
    if sp.issparse(X):
        kind = sp.csr_array if isinstance(X, sp.sparray) else sp.csr_matrix
        return sp.hstack([X, kind(values)], format="csr")
    return np.hstack([X, values])
