"""ComparisonResult: per-fold, per-task scores of the compared models."""

import math

import numpy as np

from skmtl.compare._table import format_table
from skmtl.metrics import relative_gain

METRIC_LABELS = {"r2": "R²", "accuracy": "accuracy"}


def _mean(values):
    finite = [v for v in values if math.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


def _std(values):
    finite = [v for v in values if math.isfinite(v)]
    return float(np.std(finite)) if finite else float("nan")


def _json_number(value):
    return value if math.isfinite(value) else None


class ComparisonResult:
    """The cross-validated scores of several models on the same tasks and folds.

    Returned by :func:`compare_models`. Scores are per fold and per task, on the
    task's observed labels in the test rows of the fold: R² for regression,
    accuracy for classification (higher is better for both). A fold where a
    model failed, or a task absent from a test fold, scores NaN and is left out
    of the means.

    Parameters
    ----------
    scores : dict
        Model name -> task name -> list of per-fold scores.
    metric : {"r2", "accuracy"}
        The metric of the scores.
    baseline : str
        The model the relative gains compare against (single-task learning).
    fit_times : dict, default=None
        Model name -> list of per-fold fit and predict times, in seconds.
    notices : list of str, default=None
        What the user should know: models skipped or failed, warnings raised.
    layout : {"wide", "long"}, default="wide"
        The data layout compared.

    Attributes
    ----------
    models : list of str
        The compared models, in order.
    tasks : list
        The task names, in order.
    n_splits : int
        Number of folds.

    Examples
    --------
    >>> from skmtl.compare import ComparisonResult
    >>> result = ComparisonResult(
    ...     {"stl": {"a": [0.5, 0.7], "b": [0.4, 0.4]},
    ...      "mtl": {"a": [0.6, 0.8], "b": [0.5, 0.4]}},
    ...     metric="r2", baseline="stl")
    >>> result.winners()
    {'a': 'mtl', 'b': 'mtl'}
    >>> round(result.relative_gains()["mtl"], 2)
    14.58
    """

    def __init__(
        self, scores, *, metric, baseline, fit_times=None, notices=None, layout="wide"
    ):
        self.scores = scores
        self.metric = metric
        self.baseline = baseline
        self.fit_times = fit_times if fit_times is not None else {}
        self.notices = list(notices) if notices is not None else []
        self.layout = layout
        self.models = list(scores)
        self.tasks = list(next(iter(scores.values()))) if scores else []
        first = next(iter(scores.values()), {})
        self.n_splits = len(next(iter(first.values()), []))

    @property
    def metric_label(self):
        """The metric's name for display (``"R²"`` or ``"accuracy"``)."""
        return METRIC_LABELS.get(self.metric, self.metric)

    def mean_scores(self):
        """Return the mean over folds of each model's score on each task.

        Returns
        -------
        means : dict
            Model name -> task name -> mean score (NaN when no fold scored).
        """
        return {
            model: {task: _mean(folds) for task, folds in tasks.items()}
            for model, tasks in self.scores.items()
        }

    def std_scores(self):
        """Return the standard deviation over folds of each model's task scores.

        Returns
        -------
        stds : dict
            Model name -> task name -> standard deviation.
        """
        return {
            model: {task: _std(folds) for task, folds in tasks.items()}
            for model, tasks in self.scores.items()
        }

    def overall(self):
        """Return each model's mean over tasks, as mean and std over folds.

        Returns
        -------
        overall : dict
            Model name -> ``(mean, std)`` of the per-fold mean over tasks.
        """
        summary = {}
        for model, tasks in self.scores.items():
            per_fold = [
                _mean([folds[k] for folds in tasks.values()])
                for k in range(self.n_splits)
            ]
            summary[model] = (_mean(per_fold), _std(per_fold))
        return summary

    def relative_gains(self):
        """Return each model's relative gain Δm% over the baseline.

        The mean over tasks of the relative difference of the mean scores (see
        :func:`skmtl.metrics.relative_gain`); NaN when it cannot be computed.

        Returns
        -------
        gains : dict
            Model name -> Δm in percent (0 for the baseline itself).
        """
        means = self.mean_scores()
        gains = {}
        for model in self.models:
            try:
                gains[model] = relative_gain(means[model], means[self.baseline])
            except ValueError:
                gains[model] = float("nan")
        return gains

    def winners(self):
        """Return the model with the best mean score on each task.

        Returns
        -------
        winners : dict
            Task name -> model name (None when no model scored the task).
        """
        means = self.mean_scores()
        winners = {}
        for task in self.tasks:
            values = [means[model][task] for model in self.models]
            finite = [v if math.isfinite(v) else -math.inf for v in values]
            best = int(np.argmax(finite))
            winners[task] = self.models[best] if math.isfinite(values[best]) else None
        return winners

    def table(self):
        """Return the per-task table (markdown) and its summary rows.

        Rows are tasks, columns are models (mean ± std over folds), with the
        winner of each task, an overall row, the relative gain Δm% over the
        baseline, and how many tasks each model wins against the baseline.

        Returns
        -------
        table : str
            The table, with a title line saying the metric.
        """
        return format_table(self)

    def summary(self):
        """Return one honest sentence on whether multi-task learning helped.

        Returns
        -------
        summary : str
            Which model has the best Δm% over the baseline, or that none beats
            it.
        """
        gains = {
            model: gain
            for model, gain in self.relative_gains().items()
            if model != self.baseline and math.isfinite(gain)
        }
        if not gains:
            return f"No model could be compared with {self.baseline}."
        best = max(gains, key=gains.get)
        if gains[best] > 0:
            return (
                f"{best} beats {self.baseline} by {gains[best]:+.1f}% on average (Δm%)."
            )
        return (
            f"No model beats {self.baseline} here: the best, {best}, has Δm% = "
            f"{gains[best]:+.1f}%. Sharing did not help on this data."
        )

    def to_dict(self):
        """Return the result as plain, JSON-serializable Python objects.

        Task names become strings; NaN becomes None.

        Returns
        -------
        result : dict
            Keys ``metric``, ``layout``, ``baseline``, ``n_splits``, ``models``,
            ``tasks``, ``scores`` (model -> task -> per-fold scores), ``mean``,
            ``std``, ``overall`` (model -> ``{"mean", "std"}``),
            ``relative_gain``, ``winners``, ``fit_times`` and ``notices``.
        """
        means, stds = self.mean_scores(), self.std_scores()

        def per_task(values):
            return {
                model: {str(task): _json_number(v) for task, v in tasks.items()}
                for model, tasks in values.items()
            }

        return {
            "metric": self.metric,
            "layout": self.layout,
            "baseline": self.baseline,
            "n_splits": self.n_splits,
            "models": list(self.models),
            "tasks": [str(task) for task in self.tasks],
            "scores": {
                model: {
                    str(task): [_json_number(v) for v in folds]
                    for task, folds in tasks.items()
                }
                for model, tasks in self.scores.items()
            },
            "mean": per_task(means),
            "std": per_task(stds),
            "overall": {
                model: {"mean": _json_number(mean), "std": _json_number(std)}
                for model, (mean, std) in self.overall().items()
            },
            "relative_gain": {
                model: _json_number(gain)
                for model, gain in self.relative_gains().items()
            },
            "winners": {str(task): model for task, model in self.winners().items()},
            "fit_times": {
                model: [round(t, 4) for t in times]
                for model, times in self.fit_times.items()
            },
            "notices": list(self.notices),
        }

    def __repr__(self):
        return (
            f"ComparisonResult({len(self.models)} models, {len(self.tasks)} tasks, "
            f"{self.n_splits} folds, metric={self.metric!r})"
        )
