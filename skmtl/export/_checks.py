"""The check shared by the export functions: a fitted neural estimator."""

from skmtl.neural._base import _BaseMultiTaskNeural
from skmtl.utils._sklearn_compat import check_is_fitted


def check_fitted_neural(model, function, hint=""):
    """Raise unless ``model`` is a fitted MultiTaskRegressor or MultiTaskClassifier.

    Parameters
    ----------
    model : object
        What the caller was given.
    function : str
        The caller's name, for the message.
    hint : str, default=""
        Appended to the message of the TypeError.

    Raises
    ------
    TypeError
        If ``model`` is not a neural skmtl estimator.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    """
    if not isinstance(model, _BaseMultiTaskNeural):
        raise TypeError(
            f"{function} takes a fitted MultiTaskRegressor or MultiTaskClassifier, "
            f"got {type(model).__qualname__}.{hint}"
        )
    check_is_fitted(model)
