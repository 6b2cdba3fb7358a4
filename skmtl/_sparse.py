"""Validation of SciPy sparse ``X`` for the estimators that take it.

An estimator takes sparse input when its tags say so
(``__sklearn_tags__().input_tags.sparse``); :func:`skmtl._base.validate_features`
then hands a sparse ``X`` to :func:`validate_sparse_features` (importing this
module only then: the dense path never does). The features stay
sparse (CSR, float32): converted once, never densified; in the long layout the
task column is split off the sparse structure.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array, get_tags

from skmtl._base import check_finite_features, task_column_position
from skmtl.utils._sklearn_compat import (
    _check_feature_names,
    _check_n_features,
    validate_data,
)


def accepts_sparse(estimator):
    """Return whether ``estimator``'s tags declare that it takes sparse ``X``."""
    return get_tags(estimator).input_tags.sparse


def validate_sparse_features(estimator, X, *, reset):
    """Validate the sparse ``X`` for ``estimator``; split off the task column.

    The sparse twin of :func:`skmtl._base.validate_features`, with the same
    fitted attributes (``n_features_in_`` counts the task column) and errors.

    Returns
    -------
    features : scipy.sparse.csr_matrix of shape (n_samples, n_features), float32
        The finite features: ``X`` itself when it is already a float32 CSR
        matrix (callers must never write into it), else a converted copy.
    task_values : ndarray of shape (n_samples,) or None
        The task id of each row (long layout), else None.
    """
    task_column = estimator.task_column
    if task_column is None:
        features = validate_data(
            estimator,
            X,
            reset=reset,
            accept_sparse="csr",
            dtype=np.float32,
            ensure_all_finite=False,
        )
        check_finite_sparse(features, getattr(estimator, "feature_names_in_", None))
        return features, None
    _check_feature_names(estimator, X, reset=reset)
    # The task column is read in the input's dtype (ids above 2**24 are not
    # float32 numbers); only the features are converted.
    X = check_array(
        X,
        accept_sparse="csr",
        dtype=None,
        ensure_all_finite=False,
        ensure_min_features=2,
        estimator=estimator,
    )
    _check_n_features(estimator, X, reset=reset)
    position = task_column_position(X, task_column)
    task_values = X[:, [position]].toarray().ravel()
    features = drop_column(X, position).astype(np.float32, copy=False)
    keep = [i for i in range(X.shape[1]) if i != position]
    check_finite_sparse(features, None, positions=keep)
    return features, task_values


def drop_column(X, position):
    """Return the CSR matrix ``X`` without column ``position`` (no densifying).

    One pass over the stored values: those of the column are dropped, later
    columns move one to the left, and each row pointer moves back by the number
    of values dropped before it.
    """
    dropped = X.indices == position
    indices = X.indices[~dropped]
    indices -= indices > position
    dropped_before = np.concatenate([[0], np.cumsum(dropped)])
    indptr = X.indptr - dropped_before[X.indptr]
    return sp.csr_matrix(
        (X.data[~dropped], indices, indptr), shape=(X.shape[0], X.shape[1] - 1)
    )


def check_finite_sparse(X, names=None, positions=None):
    """Raise a ValueError naming the first column of sparse ``X`` with NaN or inf.

    Only stored values can be non-finite; the offending column alone is
    densified to word the error exactly like the dense check.
    """
    finite = np.isfinite(X.data)
    if finite.all():
        return
    column = int(X.indices[~finite].min())
    values = X[:, [column]].toarray()
    position = column if positions is None else positions[column]
    check_finite_features(values, names, positions=[position])
