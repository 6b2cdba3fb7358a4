"""The fits of a comparison: each model on each fold, with what each fit left."""

import time
import warnings

from sklearn.base import clone
from sklearn.pipeline import Pipeline

from skmtl._values import is_missing
from skmtl.compare._grouping import grouping_choices
from skmtl.compare._mixed import mixed_scores
from skmtl.compare._notices import (
    chosen_params_notice,
    error_text,
    small_folds_notice,
    warning_notices,
)
from skmtl.compare._preprocess import preprocessed
from skmtl.compare._wording import METRIC_LABELS
from skmtl.metrics import per_task_scores


class FoldRuns:
    """Fit models fold by fold and keep their scores, times, warnings and failures.

    Parameters
    ----------
    models : dict
        Name -> unfitted estimator, each fitted on every fold.
    data : PreparedTargets
        The decoded targets (:func:`~skmtl.compare._tasks.prepare_targets`).
    X : array-like
        All the rows' features, for the preprocessor.
    task_column : int, str or None
        The caller's task column (long layout), for the preprocessor.
    metric : {"r2", "accuracy", "mixed"}
        The per-task score; ``"mixed"``: each task's by its type.
    preprocessor : {"auto", None}
        Whether each model runs after the default preprocessing.
    on_error : {"warn", "raise"}
        Whether a failing fit raises or scores NaN with a notice.
    """

    def __init__(self, models, data, X, task_column, metric, preprocessor, on_error):
        self.models, self.data, self.X = models, data, X
        self.task_column, self.metric = task_column, metric
        self.preprocessor, self.on_error = preprocessor, on_error
        tasks = data.names
        self.scores = {name: {task: [] for task in tasks} for name in models}
        self.fit_times = {name: [] for name in models}
        self.caught = {name: [] for name in models}
        self.failures = {name: {} for name in models}
        self.chosen = {name: [] for name in models}
        self.test_sizes = {task: [] for task in tasks}

    def record_test_sizes(self, test):
        """Record the number of observed test labels of each task in ``test``."""
        data = self.data
        observed = ~is_missing(data.Y[test])
        if data.tasks is None:
            sizes = dict(zip(data.names, observed.sum(axis=0).tolist()))
        else:
            tasks = data.tasks[test]
            sizes = {name: int(observed[tasks == name].sum()) for name in data.names}
        for task, size in sizes.items():
            self.test_sizes[task].append(size)

    def fit(self, name, k, fold, Y):
        """Fit model ``name`` on fold ``k`` and record its per-task test scores.

        Parameters
        ----------
        name : str
            The model.
        k : int
            The fold's index (from 0).
        fold : tuple of (train, test, X_train, X_test)
            The fold's row indices and feature rows.
        Y : ndarray
            The targets, as this fold trains on them.
        """
        train, test, X_train, X_test = fold
        data = self.data
        start = time.perf_counter()
        model = self._model(name)
        with warnings.catch_warnings(record=True) as fold_warnings:
            warnings.simplefilter("always")
            try:
                model.fit(X_train, _named(Y[train], data))
                self.chosen[name].append(_chosen_params(model))
                fold_scores = self._scores(Y[test], model.predict(X_test), test)
            except Exception as error:
                if self.on_error == "raise":
                    raise
                self.failures[name].setdefault(error_text(error), []).append(k + 1)
                if len(self.chosen[name]) == k:
                    self.chosen[name].append(None)
                fold_scores = dict.fromkeys(data.names, float("nan"))
        self.caught[name].extend((k + 1, warning) for warning in fold_warnings)
        self.fit_times[name].append(time.perf_counter() - start)
        for task in data.names:
            self.scores[name][task].append(fold_scores[task])

    def _scores(self, y_true, y_pred, test):
        """Return each task's score of the predictions ``y_pred`` of rows ``test``."""
        data = self.data
        if data.task_types is not None:
            return mixed_scores(y_true, y_pred, data.names, data.task_types)
        return per_task_scores(
            y_true,
            y_pred,
            task=None if data.tasks is None else data.tasks[test],
            task_names=data.names,
            metric=self.metric,
        )

    def _model(self, name):
        """Return an unfitted copy of model ``name``, after the preprocessing."""
        model = clone(self.models[name])
        if self.preprocessor != "auto":
            return model
        return preprocessed(model, self.X, self.task_column)

    def notices(self):
        """Return the notices on failures, warnings, searches and small folds."""
        notices = []
        for name in self.models:
            for message, failed in self.failures[name].items():
                which = ", ".join(map(str, failed))
                notices.append(f"{name} failed on fold {which} (NaN scores): {message}")
            notices.extend(warning_notices(name, self.caught[name]))
            notice = chosen_params_notice(name, self.chosen[name])
            if notice is not None:
                notices.append(notice)
        notice = small_folds_notice(self.test_sizes, METRIC_LABELS[self.metric])
        if notice is not None:
            notices.append(notice)
        return notices


def _named(Y, data):
    """Return wide-layout targets as a DataFrame whose columns are the task names.

    The models then know each task by its name, and so do their messages.
    """
    if data.tasks is not None:
        return Y
    try:
        import pandas as pd
    except ImportError:
        return Y
    frame = pd.DataFrame(Y, columns=data.names)
    for name, task_type in (data.task_types or {}).items():
        if task_type == "regression":
            frame[name] = frame[name].astype("float64")
    return frame


def _chosen_params(model):
    """Return the hyperparameters a fitted search chose, or None for other models."""
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    params = getattr(final, "best_params_", None)
    if params is None:  # a task grouping's groups and guard
        return grouping_choices(final)
    return dict(params)
