"""Per-task scoring shared by every multi-task estimator family."""

import numpy as np

from skmtl.metrics import per_task_scores
from skmtl.utils._docstrings import SCORE_PARAMETERS, fill_doc
from skmtl.utils._sklearn_compat import _num_samples


class PerTaskScoreMixin:
    """``score_per_task`` and ``score`` on the observed labels of each task.

    The estimator provides ``_validate_for_predict(X)`` (returning the features
    and each row's task index, or None in the wide layout),
    ``_predict_from_features(features, task_index)``, ``_layout`` (its
    :class:`~skmtl._layout.TaskLayout`) and ``_score_metric`` (a metric name of
    :func:`skmtl.metrics.per_task_scores`, or a dict task name -> metric name
    when the tasks have metrics of their own).
    """

    def score_per_task(self, X, y, sample_weight=None, *, as_frame=False):
        """Return the score of each task on its observed labels.

        The metric is R² for the regressors and accuracy for the classifiers;
        for an estimator with tasks of several types, each task's own
        (``task_metrics_``).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features.
        y : array-like
            True labels, in the layout used in ``fit`` (NaN or None = missing).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        as_frame : bool, default=False
            Return a pandas DataFrame indexed by task instead of a dict.

        Returns
        -------
        scores : dict or DataFrame
            Task name -> score; NaN for a task without observed labels in ``y``.
            The DataFrame has one column named after the metric, or, with
            metrics per task, columns ``score`` and ``metric``.
        """
        features, task_index = self._validate_for_predict(X)
        y_pred = self._predict_from_features(features, task_index)
        y_true, y_pred, task = self._layout.score_inputs(
            y, y_pred, task_index, _num_samples(features)
        )
        metric = self._score_metric
        if isinstance(metric, dict):
            return _scores_by_metric(
                y_true, y_pred, task, metric, sample_weight, as_frame=as_frame
            )
        return per_task_scores(
            y_true,
            y_pred,
            task=task,
            task_names=self.task_names_,
            metric=metric,
            sample_weight=sample_weight,
            as_frame=as_frame,
        )

    @fill_doc(score=SCORE_PARAMETERS)
    def score(self, X, y, sample_weight=None):
        """Return the mean over tasks of the per-task score on observed labels.

        R² for the regressors, accuracy for the classifiers; tasks without
        observed labels in ``y`` are left out. For a 1-D ``y`` this is the
        usual scikit-learn score. See :meth:`score_per_task` for each task's
        value.

        %(score)s

        Returns
        -------
        score : float
            Mean of the per-task scores.
        """
        scores = np.asarray(list(self.score_per_task(X, y, sample_weight).values()))
        return float(np.nanmean(scores)) if np.isfinite(scores).any() else float("nan")


def _scores_by_metric(y_true, y_pred, task, metrics, sample_weight, *, as_frame):
    """Return :func:`per_task_scores` with each task's own metric, in task order.

    ``metrics`` maps each task name, in task order, to its metric; the tasks of
    one metric are scored together (their columns, or their rows in the long
    layout).
    """
    names = list(metrics)
    scores = {}
    for metric in dict.fromkeys(metrics.values()):
        chosen = [t for t, name in enumerate(names) if metrics[name] == metric]
        truth, prediction = y_true, y_pred
        if task is None:
            truth, prediction = y_true[:, chosen], y_pred[:, chosen]
        scores.update(
            per_task_scores(
                truth,
                prediction,
                task=task,
                task_names=[names[t] for t in chosen],
                metric=metric,
                sample_weight=sample_weight,
            )
        )
    scores = {name: scores[name] for name in names}
    if as_frame:
        import pandas as pd

        frame = {"score": pd.Series(scores), "metric": pd.Series(metrics)}
        return pd.DataFrame(frame).rename_axis("task")
    return scores
