"""Tabular inputs of the neural estimators: categorical columns, embeddings, ensembles.

Three estimator parameters meet here:

* ``categorical_features``: columns whose values are categories. They are
  encoded to integer codes before the numeric validation of ``X`` (an unknown
  category, or a missing value not seen in training, gets the reserved code 0)
  and become learned embeddings in the network.
* ``num_embeddings``: piecewise-linear or periodic embeddings of the numerical
  columns (``rtdl_num_embeddings``; the bins from the training rows).
* ``ensemble_size``: a TabM parameter-efficient ensemble trunk (``tabm``).
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import OrdinalEncoder

from skmtl._layout import task_column_position
from skmtl._mapped import validate_features_or_mapped
from skmtl._values import is_dataframe
from skmtl.architectures._ensemble import EnsembleHardSharing
from skmtl.architectures._hard import HardSharing
from skmtl.architectures._tabular_input import (
    TabularArchitecture,
    TabularInput,
    piecewise_bins,
)
from skmtl.utils._chunks import MappedRows, chunk_n_rows


def split_tabular_features(estimator, X, *, reset):
    """Encode the categorical columns of ``X``, then validate it as numeric.

    The estimators' ``_split_features``: as
    :func:`skmtl._base.validate_features`, with the categorical columns (see
    :func:`categorical_positions`) replaced by float codes: ``1..n`` for the
    categories seen in training (a missing value seen in training is one of
    them), 0 for any other value. Sets ``categorical_features_`` when ``reset``.
    """
    if sp.issparse(X) and estimator.num_embeddings is not None:
        raise ValueError(
            f"num_embeddings={estimator.num_embeddings!r} needs a dense X; X is "
            "a sparse matrix. Use num_embeddings=None with sparse input "
            "(ensemble_size works with it)."
        )
    if reset:
        positions = categorical_positions(estimator, X)
        estimator.categorical_features_ = [_label(X, p) for p in positions]
        estimator._category_encoder = None
        if positions:
            estimator._category_encoder = OrdinalEncoder(
                handle_unknown="use_encoded_value",
                unknown_value=-1,
                dtype=np.float64,
            ).fit(_columns(X, positions))
            estimator._category_positions = positions
            # Positions among the features: in the long layout the task column
            # is split off X, so the columns after it move one to the left.
            task = (
                None
                if estimator.task_column is None
                else task_column_position(X, estimator.task_column)
            )
            estimator._category_features = [
                p - (task is not None and p > task) for p in positions
            ]
    encoder = getattr(estimator, "_category_encoder", None)
    if encoder is not None:
        X = _with_codes(X, estimator._category_positions, encoder)
    return validate_features_or_mapped(estimator, X, reset=reset)


def categorical_positions(estimator, X):
    """Return the positions in ``X`` of its categorical columns.

    ``categorical_features="auto"``: the non-numeric columns of a DataFrame
    (pandas ``category``, string and object columns), none for other inputs;
    ``None``: none; a list: those column names or positions. The task column
    (long layout) is never one of them.
    """
    given = estimator.categorical_features
    task = None
    if estimator.task_column is not None and not sp.issparse(X):
        task = task_column_position(X, estimator.task_column)
    if given is None or (isinstance(given, str) and given == "auto"):
        if given is None or not is_dataframe(X):
            return []
        from pandas.api.types import is_numeric_dtype

        return [
            i
            for i, dtype in enumerate(X.dtypes)
            if i != task and not is_numeric_dtype(dtype)
        ]
    if sp.issparse(X):
        raise ValueError(
            f"categorical_features={given!r} needs a dense X (a DataFrame or an "
            "array); X is a sparse matrix. Encode the categories in the sparse "
            "matrix (e.g. OneHotEncoder) and leave categorical_features=None."
        )
    positions = [_position(X, column, given) for column in np.atleast_1d(given)]
    if task is not None and task in positions:
        raise ValueError(
            f"categorical_features={given!r} names the task column "
            f"{estimator.task_column!r}; the task column is not a feature."
        )
    return sorted(set(positions))


def _position(X, column, given):
    """Return the position of one ``categorical_features`` entry in ``X``."""
    n_columns = X.shape[1]
    if isinstance(column, Integral | np.integer) and not isinstance(column, bool):
        if -n_columns <= column < n_columns:
            return int(column) % n_columns
        raise ValueError(
            f"categorical_features={given!r}: position {column} is out of range "
            f"for X with {n_columns} columns."
        )
    if is_dataframe(X):
        matches = np.flatnonzero(np.asarray(X.columns == column))
        if len(matches) == 1:
            return int(matches[0])
    raise ValueError(
        f"categorical_features={given!r}: {column!r} is not a column of X "
        "(give column names for a DataFrame, positions otherwise)."
    )


def _label(X, position):
    """Return the name of column ``position`` of a DataFrame, else the position."""
    return X.columns[position] if is_dataframe(X) else position


def _columns(X, positions):
    """Return the columns ``positions`` of ``X`` as strings, missing values NaN.

    Categories compare as their text, so a predict-time column of another dtype
    (an all-missing column, numbers where training had strings) never fails.
    """
    import pandas as pd

    if is_dataframe(X):
        values = X.iloc[:, positions].to_numpy(dtype=object)
    else:
        values = np.asarray(X, dtype=object)[:, positions]
    missing = pd.isna(values)
    text = values.astype(str).astype(object)
    text[missing] = np.nan
    return text


def _with_codes(X, positions, encoder):
    """Return a copy of ``X`` with the category columns replaced by their codes."""
    if X.shape[1] <= max(positions):
        raise ValueError(
            f"X has {X.shape[1]} columns, but the categorical columns of the fit "
            f"are at positions {positions}."
        )
    codes = encoder.transform(_columns(X, positions))
    # A missing value seen in training is the last category, which the encoder
    # encodes as NaN: give it its code, so it gets a vector of its own.
    last = np.array([len(c) - 1 for c in encoder.categories_], dtype=float)
    codes = np.where(np.isnan(codes), last, codes) + 1.0
    if is_dataframe(X):
        X = X.copy()
        for j, position in enumerate(positions):
            X.isetitem(position, codes[:, j])
        return X
    X = np.array(X, dtype=object)
    X[:, positions] = codes
    return X


def tabular_spec(estimator, features):
    """Return the :class:`TabularInput` arguments for this fit, or None.

    Parameters
    ----------
    estimator : estimator
        The neural estimator being fitted (after ``_split_features``).
    features : ndarray, sparse matrix or MappedRows of shape \
            (n_samples, n_features)
        The training features; of a memory-mapped ``X``, the bins are computed
        from evenly spaced rows (see :func:`_embedding_sample`).
    """
    encoder = getattr(estimator, "_category_encoder", None)
    if encoder is None and estimator.num_embeddings is None:
        return None
    categorical = {}
    if encoder is not None:
        positions = estimator._category_features
        categorical = {p: len(c) + 1 for p, c in zip(positions, encoder.categories_)}
    embedded, bins = [], None
    if estimator.num_embeddings is not None:
        features = _embedding_sample(features)
        varying = np.ptp(features, axis=0) > 0
        embedded = [
            i for i in range(features.shape[1]) if i not in categorical and varying[i]
        ]
        if estimator.num_embeddings == "piecewise" and embedded:
            bins = piecewise_bins(features, embedded)
    return {
        "categorical": categorical,
        "num_embeddings": estimator.num_embeddings,
        "embedded": embedded,
        "bins": bins,
        "embedding_dim": estimator.embedding_dim,
    }


def build_architecture(estimator, architecture_cls, n_features, construct, spec):
    """Return the estimator's architecture with its embeddings and ensemble.

    Parameters
    ----------
    estimator : estimator
        The neural estimator (its ``ensemble_size`` and ``sharing``).
    architecture_cls : type
        The sharing architecture resolved from ``sharing``.
    n_features : int
        Number of feature columns.
    construct : callable
        ``construct(cls, n_features, **extra)`` builds an architecture with the
        estimator's layer parameters.
    spec : dict or None
        From :func:`tabular_spec`.
    """
    inputs = None
    if spec is not None:
        inputs = TabularInput(n_features, **spec)
        n_features = inputs.n_features_out
    if estimator.ensemble_size is None:
        architecture = construct(architecture_cls, n_features)
    elif architecture_cls is HardSharing:
        architecture = construct(
            EnsembleHardSharing, n_features, n_members=estimator.ensemble_size
        )
    else:
        raise ValueError(
            f"ensemble_size={estimator.ensemble_size!r} is supported with "
            f"sharing='hard' only, got sharing={estimator.sharing!r}; use "
            "ensemble_size=None with this architecture."
        )
    return architecture if inputs is None else TabularArchitecture(inputs, architecture)


def _embedding_sample(features):
    """Return the rows the numerical embeddings' bins and ranges are computed from.

    All rows, except for a memory-mapped ``X``
    (:class:`~skmtl.utils._chunks.MappedRows`) larger than one chunk of
    scikit-learn's ``working_memory``: then evenly spaced rows filling one chunk,
    so that the fit's memory stays bounded (a smaller ``X`` is read whole and
    gives the in-memory bins exactly).
    """
    if not isinstance(features, MappedRows):
        return features
    n_rows = len(features)
    step = max(1, -(-n_rows // chunk_n_rows(features.row_bytes)))
    return features.read(slice(0, n_rows, step))
