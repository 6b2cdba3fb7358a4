"""PerTaskMixed: the single-task baseline of targets of mixed types."""

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from skmtl._values import is_dataframe
from skmtl.ensemble import PerTaskClassifier, PerTaskRegressor


class PerTaskMixed(BaseEstimator):
    """One independent model per task, a regressor or a classifier by its type.

    The regression tasks are fitted by a :class:`~skmtl.ensemble.PerTaskRegressor`
    around ``regressor``, the classification tasks by a
    :class:`~skmtl.ensemble.PerTaskClassifier` around ``classifier``: each
    task's model sees only its own observed labels, as in the single-task
    baselines of a comparison of one type. Wide layout only.

    Parameters
    ----------
    regressor : estimator object
        The model of each regression task.
    classifier : estimator object
        The model of each classification task.
    task_types : dict, default=None
        Task name -> ``"regression"`` or ``"classification"``, for every column
        of ``Y``; :func:`~skmtl.compare.compare_models` sets it to the types it
        detected.

    Attributes
    ----------
    regressor_ : PerTaskRegressor or None
        The fitted models of the regression tasks (None without any).
    classifier_ : PerTaskClassifier or None
        The fitted models of the classification tasks (None without any).
    task_names_ : list
        The tasks, in the order of the columns of ``Y``.
    task_positions_ : tuple of (list of int, list of int)
        The columns of the regression tasks and of the classification tasks.
    """

    def __init__(self, regressor, classifier, *, task_types=None):
        self.regressor = regressor
        self.classifier = classifier
        self.task_types = task_types

    def _columns(self, names):
        """Return the positions of the regression and of the classification tasks."""
        types = self.task_types
        if not isinstance(types, dict) or set(types) != set(names):
            raise ValueError(
                f"task_types={types!r} must give 'regression' or 'classification' "
                f"for each of the tasks {list(names)}."
            )
        unknown = set(types.values()) - {"regression", "classification"}
        if unknown:
            raise ValueError(
                f"task_types has {sorted(unknown)}; expected 'regression' or "
                "'classification'."
            )
        regression = [i for i, n in enumerate(names) if types[n] == "regression"]
        classification = [i for i, n in enumerate(names) if i not in regression]
        return regression, classification

    def fit(self, X, Y):
        """Fit one model per task, of its task's type.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The features.
        Y : DataFrame of shape (n_samples, n_tasks)
            One column per task, NaN (or None) for a missing label.

        Returns
        -------
        self : PerTaskMixed
            The fitted estimator.
        """
        if not is_dataframe(Y):
            raise TypeError(
                f"PerTaskMixed needs Y as a DataFrame whose columns are the task "
                f"names, got {type(Y).__name__}."
            )
        self.task_names_ = list(Y.columns)
        regression, classification = self._columns(self.task_names_)
        self.regressor_ = self.classifier_ = None
        if regression:
            labels = Y.iloc[:, regression].astype(np.float64)
            self.regressor_ = PerTaskRegressor(clone(self.regressor)).fit(X, labels)
        if classification:
            labels = Y.iloc[:, classification].astype(object)
            self.classifier_ = PerTaskClassifier(clone(self.classifier)).fit(X, labels)
        self.task_positions_ = (regression, classification)
        return self

    def predict(self, X):
        """Return each task's prediction: numbers for regression, classes otherwise.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The features.

        Returns
        -------
        Y : DataFrame of shape (n_samples, n_tasks)
            One column per task, named after it.
        """
        import pandas as pd

        check_is_fitted(self, "task_names_")
        columns = {}
        for model, positions in zip(
            (self.regressor_, self.classifier_), self.task_positions_
        ):
            if model is None:
                continue
            prediction = np.asarray(model.predict(X)).reshape(len(X), -1)
            for j, position in enumerate(positions):
                columns[self.task_names_[position]] = prediction[:, j]
        return pd.DataFrame({name: columns[name] for name in self.task_names_})
