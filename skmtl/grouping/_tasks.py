"""The tasks of a grouping fit: each group's rows and labels, and assembly back."""

import numpy as np

from skmtl._layout import (
    common_dtype,
    encode_tasks,
    read_task_column,
    task_ids,
)
from skmtl._targets import long_targets, wide_targets
from skmtl._values import is_missing, python_list
from skmtl.grouping._scores import (
    PREDICTION_SCORES,
    PROBABILITY_SCORES,
    REGRESSION_SCORES,
    probability_scores,
)
from skmtl.metrics import per_task_scores
from skmtl.utils._sklearn_compat import _num_samples, _safe_indexing


class TaskData:
    """The targets of a fit in either layout, split by groups of tasks.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        Features (with the task column in the long layout).
    y : array-like
        Wide: (n_samples, n_tasks), missing labels NaN or None; long: 1-D.
    task_column : int, str or None
        The task column of ``X`` (long layout) or None (wide layout).
    """

    def __init__(self, X, y, task_column):
        n_samples = _num_samples(X)
        self.X, self.task_column = X, task_column
        if task_column is None:
            self.Y, names, self.one_d = wide_targets(y, n_samples)
            self.task_index = None
        else:
            self.Y = long_targets(y, n_samples, task_column)
            values = read_task_column(X, task_column)
            names = task_ids(values)
            self.task_index = encode_tasks(values, names)
            self.one_d = False
        self.names = python_list(names)

    def rows_of(self, tasks, rows=None):
        """Return the rows (positions) with a label of one of ``tasks``."""
        rows = np.arange(len(self.Y)) if rows is None else np.asarray(rows)
        if self.task_index is None:
            labelled = ~is_missing(self.Y[np.ix_(rows, tasks)]).all(axis=1)
        else:
            labelled = np.isin(self.task_index[rows], tasks)
        return rows[labelled]

    def subset(self, tasks, rows=None):
        """Return ``(X, y)`` of ``tasks`` (positions) on ``rows`` with labels."""
        rows = self.rows_of(tasks, rows)
        X = _safe_indexing(self.X, rows)
        if self.task_index is None:
            return X, self.Y[np.ix_(rows, tasks)]
        return X, self.Y[rows]

    def scores(self, model, tasks, rows, scoring):
        """Return the score of ``model`` (fitted on ``tasks``) on each of them.

        ``scoring`` is a key of the tables in :mod:`skmtl.grouping._scores`;
        NaN for a task without a label among ``rows``.
        """
        X, y = self.subset(tasks, rows)
        names = [self.names[t] for t in tasks]
        if len(y) == 0:
            return np.full(len(tasks), np.nan)
        task = None
        if self.task_index is not None:
            rows = self.rows_of(tasks, rows)
            task = np.asarray(self.names, dtype=object)[self.task_index[rows]]
        if scoring in PROBABILITY_SCORES:
            return probability_scores(model, X, y, task, names, scoring)
        metric = REGRESSION_SCORES.get(scoring) or PREDICTION_SCORES[scoring]
        predictions = np.asarray(model.predict(X))
        if self.task_index is None:
            scores = per_task_scores(
                y, predictions.reshape(len(y), -1), task_names=names, metric=metric
            )
        else:
            scores = per_task_scores(
                y, predictions, task=task, task_names=names, metric=metric
            )
        return np.array([scores[name] for name in names], dtype=float)


def assemble_predictions(models, n_samples, task_index, one_d):
    """Put each model's predictions of its tasks in place.

    Parameters
    ----------
    models : list of (tasks, predict)
        The task positions each model serves and ``predict(rows)``, its
        predictions of those tasks on ``rows`` (positions of ``X``): wide,
        one column per task; long, one value per row.
    n_samples : int
        Rows of ``X``.
    task_index : ndarray of shape (n_samples,) or None
        Each row's task (long layout) or None (wide).
    one_d : bool
        Wide layout fitted on a 1-D ``y``.

    Returns
    -------
    y_pred : ndarray
        (n_samples, n_tasks) wide (1-D with ``one_d``), (n_samples,) long.
    """
    if task_index is None:
        n_tasks = sum(len(tasks) for tasks, _ in models)
        columns = [None] * n_tasks
        everything = np.arange(n_samples)
        for tasks, predict in models:
            values = predict(everything)
            for column, t in enumerate(tasks):
                columns[t] = values[:, column]
        out = np.empty((n_samples, n_tasks), dtype=common_dtype(columns))
        for t, column in enumerate(columns):
            out[:, t] = column
        return out[:, 0] if one_d else out
    parts = []
    for tasks, predict in models:
        rows = np.flatnonzero(np.isin(task_index, tasks))
        if len(rows):
            parts.append((rows, np.asarray(predict(rows))))
    out = np.empty(n_samples, dtype=common_dtype([values for _, values in parts]))
    for rows, values in parts:
        out[rows] = values
    return out
