"""The default preprocessing of a comparison: impute, scale, one-hot encode.

Gradient-boosting models get their own: numbers as they are, categories
ordinal-encoded for their native categorical support.
"""

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from skmtl._layout import task_column_position
from skmtl._values import is_dataframe
from skmtl.compare._checks import infinite_cells_error
from skmtl.utils._docstrings import fill_doc

#: The Parameters section of the functions that take the features alone.
PARAMETERS = """\
Parameters
----------
X : array-like or DataFrame of shape (n_samples, n_columns)
    The features, with the task column in the long layout.
task_column : int or str, default=None
    The task column; None in the wide layout."""


def _is_numeric(column):
    """Return True for a numeric (or boolean) column of a DataFrame or array."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return is_numeric_dtype(column) or is_bool_dtype(column)


def feature_kinds(X, task_column=None):
    """Return the positions of the numeric and of the categorical feature columns.

    The task column (long layout) is in neither list. In an array, a column is
    numeric when all its values convert to float.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_columns)
        The features, with the task column in the long layout.
    task_column : int or str, default=None
        The task column (position, or name for a DataFrame); None in the wide
        layout.

    Returns
    -------
    numeric, categorical : list of int
        Column positions.
    """
    skip = None if task_column is None else task_column_position(X, task_column)
    numeric, categorical = [], []
    for position in range(X.shape[1]):
        if position == skip:
            continue
        if is_dataframe(X):
            is_number = _is_numeric(X.iloc[:, position])
        else:
            try:
                np.asarray(X)[:, position].astype(np.float64)
                is_number = True
            except (TypeError, ValueError):
                is_number = False
        (numeric if is_number else categorical).append(position)
    return numeric, categorical


def _split_kinds(X, task_column):
    """Return the numeric and categorical positions, and the task's transformer.

    The transformer list holds the task column passed through first (long
    layout), or nothing.
    """
    numeric, categorical = feature_kinds(X, task_column)
    transformers = []
    if task_column is not None:
        position = task_column_position(X, task_column)
        transformers.append(("task", "passthrough", [position]))
    return numeric, categorical, transformers


@fill_doc(parameters=PARAMETERS)
def check_finite_features(X, task_column=None):
    """Raise a ValueError naming a numeric feature column with an infinite value.

    %(parameters)s

    Raises
    ------
    ValueError
        Naming the column (its name in a DataFrame, else its position) and the
        rows (positions, from 0).
    """
    numeric, _ = feature_kinds(X, task_column)
    for position in numeric:
        if is_dataframe(X):
            name, values = X.columns[position], X.iloc[:, position].to_numpy()
        else:
            name, values = position, np.asarray(X)[:, position]
        message = infinite_cells_error(values, name, "feature")
        if message is not None:
            raise ValueError(message)


def _check_has_features(transformers, task_column):
    """Raise a ValueError when the transformers hold the task column only."""
    if len(transformers) == (task_column is not None):
        raise ValueError(
            "X has no feature column besides the task column; a comparison needs "
            "at least one feature."
        )


def make_preprocessor(X, task_column=None):
    """Return the default preprocessing of ``X`` for a comparison.

    Numeric columns: median imputation then standardization. Other columns
    (strings, categories): most-frequent imputation then one-hot encoding,
    categories unseen in training encoded as all zeros. In the long layout the
    task column is passed through unchanged as the **first** output column, so
    the estimators after it find it at position 0.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_columns)
        The features, with the task column in the long layout (only the column
        kinds are read).
    task_column : int or str, default=None
        The task column (position, or name for a DataFrame); None in the wide
        layout.

    Returns
    -------
    preprocessor : ColumnTransformer
        Unfitted; its output is a dense array.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.compare import make_preprocessor
    >>> X = np.array([[1.0, 0], [np.nan, 1], [3.0, 1]])
    >>> make_preprocessor(X, task_column=1).fit_transform(X).round(2)
    array([[ 0.  , -1.22],
           [ 1.  ,  0.  ],
           [ 1.  ,  1.22]])
    """
    numeric, categorical, transformers = _split_kinds(X, task_column)
    if numeric:
        transformers.append(
            (
                "numeric",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                numeric,
            )
        )
    if categorical:
        transformers.append(
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                categorical,
            )
        )
    _check_has_features(transformers, task_column)
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0)


def _boosting_keys(estimator):
    """Return the ``categorical_features`` parameters of the boosting models inside."""
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
    )

    boosting = (HistGradientBoostingClassifier, HistGradientBoostingRegressor)
    params = estimator.get_params(deep=True)
    keys = ["categorical_features"] if isinstance(estimator, boosting) else []
    keys += [
        f"{key}__categorical_features"
        for key, value in params.items()
        if isinstance(value, boosting)
    ]
    return [key for key in keys if params[key] == "from_dtype"]


@fill_doc(parameters=PARAMETERS)
def make_tree_preprocessor(X, task_column=None):
    """Return the preprocessing of ``X`` for gradient boosting, and its categories.

    Numeric columns are passed through (the trees need no scaling and handle
    missing values); other columns are ordinal-encoded for the native categorical
    support of :class:`~sklearn.ensemble.HistGradientBoostingRegressor` (missing
    and unseen values become NaN, at most 255 categories a column, the rarest
    grouped). In the long layout the task column comes first, as in
    :func:`make_preprocessor`.

    %(parameters)s

    Returns
    -------
    preprocessor : ColumnTransformer
        Unfitted; its output is a dense array.
    categorical : list of int
        Positions of the encoded categorical columns in the output, the task
        column left out (as the per-task and pooled models see their features).
    """
    numeric, categorical, transformers = _split_kinds(X, task_column)
    if numeric:
        transformers.append(("numeric", "passthrough", numeric))
    if categorical:
        encoder = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=np.nan,
            encoded_missing_value=np.nan,
            max_categories=255,
        )
        transformers.append(("categorical", encoder, categorical))
    _check_has_features(transformers, task_column)
    positions = list(range(len(numeric), len(numeric) + len(categorical)))
    return ColumnTransformer(transformers, sparse_threshold=0), positions


def preprocessed(model, X, task_column=None):
    """Return ``model`` behind the default preprocessing of a comparison.

    A model containing ``HistGradientBoosting*`` with
    ``categorical_features="from_dtype"`` (their default) gets
    :func:`make_tree_preprocessor`, and those models are told which columns
    are categorical; any other model gets :func:`make_preprocessor`.

    Parameters
    ----------
    model : estimator object
        The unfitted model, its task column bound.
    X : array-like or DataFrame of shape (n_samples, n_columns)
        The features, with the task column in the long layout.
    task_column : int or str, default=None
        The task column; None in the wide layout.

    Returns
    -------
    pipeline : Pipeline
        Steps ``preprocess`` and ``model``.
    """
    keys = _boosting_keys(model)
    if keys:
        preprocessor, categorical = make_tree_preprocessor(X, task_column)
        if categorical:
            model = clone(model).set_params(**dict.fromkeys(keys, categorical))
    else:
        preprocessor = make_preprocessor(X, task_column)
    return Pipeline([("preprocess", preprocessor), ("model", model)])
