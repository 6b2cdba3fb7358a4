"""How a pooled model sees the task of a row: one-hot columns or one category.

Gradient-boosted trees split a categorical feature into any two groups of its
values at once, so one categorical task column lets them group similar tasks in
a single split, where one-hot columns need a split per task. Estimators that
support categorical features say so with a ``categorical_features`` parameter
(:class:`~sklearn.ensemble.HistGradientBoostingRegressor` and
:class:`~sklearn.ensemble.HistGradientBoostingClassifier`).
"""

import numpy as np
from sklearn.base import clone

from skmtl._values import is_dataframe

#: The ``task_encoding`` values a pooled model accepts.
TASK_ENCODINGS = {"auto", "onehot", "ordinal", "categorical"}


def _categorical_keys(estimator):
    """Return the names of every ``categorical_features`` parameter, nested too."""
    return [
        key
        for key in estimator.get_params(deep=True)
        if key == "categorical_features" or key.endswith("__categorical_features")
    ]


def resolve_task_encoding(task_encoding, estimator):
    """Return the encoding ``task_encoding`` stands for with this estimator.

    ``"auto"`` is ``"categorical"`` when the estimator itself has a
    ``categorical_features`` parameter, else ``"onehot"``.
    """
    if task_encoding != "auto":
        return task_encoding
    has_parameter = "categorical_features" in estimator.get_params(deep=False)
    return "categorical" if has_parameter else "onehot"


def _with_task_feature(value, position, name, dataframe):
    """Return the ``categorical_features`` value that adds the task column."""
    if isinstance(value, str) and value == "from_dtype":
        # A DataFrame's task column has the category dtype: nothing to add.
        return value if dataframe else [position]
    if value is None:
        return [name if dataframe else position]
    values = np.asarray(value)
    if values.dtype.kind == "b":
        return [*values.tolist(), True]
    if values.dtype.kind in "OUS":
        return [*values.tolist(), name]
    return [*values.tolist(), position]


def declare_task_categorical(estimator, X, name="task"):
    """Return a clone of ``estimator`` told that the last column of X is categorical.

    Every ``categorical_features`` parameter of the estimator (also nested, e.g.
    in a Pipeline or a search) gets the task column added: its position (the
    last column of ``X``), its name for names, ``True`` for a mask. With
    ``"from_dtype"`` and a DataFrame ``X`` the column's category dtype says it.

    Parameters
    ----------
    estimator : estimator object
        The pooled model's base estimator.
    X : DataFrame or ndarray of shape (n_samples, n_features)
        The pooled features, the task column last.
    name : str, default="task"
        The task column's name in a DataFrame.

    Returns
    -------
    estimator : estimator object
        An unfitted clone.

    Raises
    ------
    ValueError
        When the estimator has no ``categorical_features`` parameter.
    """
    keys = _categorical_keys(estimator)
    if not keys:
        raise ValueError(
            "task_encoding='categorical' declares the task column categorical "
            "through the estimator's categorical_features parameter, and "
            f"{type(estimator).__name__} has none (HistGradientBoosting* have "
            "one); use task_encoding='onehot' or 'ordinal'."
        )
    params = estimator.get_params(deep=True)
    position, dataframe = X.shape[1] - 1, is_dataframe(X)
    updates = {
        key: _with_task_feature(params[key], position, name, dataframe) for key in keys
    }
    return clone(estimator).set_params(**updates)
