"""ComparisonResult: per-fold, per-task scores of the compared models."""

import math

import numpy as np

from skmtl.compare._best import baseline_names, best_fold_scores, best_per_task
from skmtl.compare._result_json import result_to_dict, task_metrics
from skmtl.compare._table import format_table
from skmtl.compare._wording import METRIC_LABELS
from skmtl.metrics import (
    beyond_noise,
    error_reduction,
    paired_difference,
    relative_gain,
)


def _mean(values):
    finite = [v for v in values if math.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


def _std(values):
    finite = [v for v in values if math.isfinite(v)]
    return float(np.std(finite)) if finite else float("nan")


class ComparisonResult:
    """The cross-validated scores of several models on the same tasks and folds.

    Returned by :func:`compare_models`. Scores are per fold and per task, on the
    task's observed labels in the test rows of the fold: R² for regression,
    accuracy for classification (higher is better for both). A fold where a
    model failed, or a task absent from a test fold, scores NaN and is left out
    of the means.

    Models are compared with the baseline fold by fold: the mean paired
    difference of the scores (absolute, in the metric's units) with its
    standard error, and the error reduction (the symmetric relative change of
    ``1 - score``, bounded in [-100%, 100%]; see
    :func:`skmtl.metrics.error_reduction`). A winner is named only beyond fold
    noise (:data:`NOISE_RULE`).

    Parameters
    ----------
    scores : dict
        Model name -> task name -> list of per-fold scores.
    metric : {"r2", "accuracy", "mixed"}
        The metric of the scores; ``"mixed"``: each task's by its type.
    baseline : str or list of str
        The model the others are compared with (single-task learning), or
        several: then the reference on each task is the one of them with the
        best mean score on that task, named ``"best single-task"`` (see
        :meth:`baseline_per_task`; chosen on the test folds, which favours the
        baseline).
    fit_times : dict, default=None
        Model name -> list of per-fold fit and predict times, in seconds.
    notices : list of str, default=None
        What the user should know: models skipped or failed, warnings raised,
        hyperparameters chosen, folds too small.
    layout : {"wide", "long"}, default="wide"
        The data layout compared.
    test_sizes : dict, default=None
        Task name -> number of scored test labels in each fold.
    test_train_ratio : float, default=None
        Mean ``n_test / n_train`` rows of the folds, for the corrected standard
        error of paired differences; None uses the plain standard error.
    chosen_params : dict, default=None
        Model name -> per-fold dict of the hyperparameters its inner search
        chose (None for a model without a search).
    task_types : dict, default=None
        Targets of mixed types: task name -> ``"regression"`` (scored by R²)
        or ``"classification"`` (accuracy).

    Attributes
    ----------
    models : list of str
        The compared models, in order.
    baseline : str
        The reference's name: the baseline model, or ``"best single-task"``.
    baselines : list of str
        The baseline models.
    tasks : list
        The task names, in order.
    n_splits : int
        Number of folds.

    Examples
    --------
    >>> from skmtl.compare import ComparisonResult
    >>> result = ComparisonResult(
    ...     {"stl": {"a": [0.5, 0.7, 0.6], "b": [0.4, 0.4, 0.5]},
    ...      "mtl": {"a": [0.6, 0.8, 0.7], "b": [0.5, 0.3, 0.5]}},
    ...     metric="r2", baseline="stl")
    >>> result.winners()
    {'a': 'mtl', 'b': None}
    >>> round(result.error_reductions()["mtl"], 1)
    12.5
    """

    def __init__(
        self,
        scores,
        *,
        metric,
        baseline,
        fit_times=None,
        notices=None,
        layout="wide",
        test_sizes=None,
        test_train_ratio=None,
        chosen_params=None,
        task_types=None,
    ):
        self.scores = scores
        self.metric = metric
        self.baselines, self.baseline = baseline_names(baseline)
        self.fit_times = fit_times if fit_times is not None else {}
        self.notices = list(notices) if notices is not None else []
        self.layout = layout
        self.test_sizes = test_sizes if test_sizes is not None else {}
        self.test_train_ratio = test_train_ratio
        self.chosen_params = chosen_params if chosen_params is not None else {}
        self.task_types = task_types
        self.models = list(scores)
        self.tasks = list(next(iter(scores.values()))) if scores else []
        first = next(iter(scores.values()), {})
        self.n_splits = len(next(iter(first.values()), []))

    @property
    def metric_label(self):
        """The metric's name for display (``"R²"`` or ``"accuracy"``)."""
        return METRIC_LABELS.get(self.metric, self.metric)

    @property
    def task_metrics(self):
        """Task name -> the metric of its scores (``"r2"`` or ``"accuracy"``)."""
        return task_metrics(self)

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

    def _fold_scores(self, model, task=None):
        """Return the per-fold scores of a task, or the per-fold mean over tasks."""
        if model == self.baseline and model not in self.scores:
            return best_fold_scores(self.scores, self.baselines, task)
        tasks = self.scores[model]
        if task is not None:
            return list(tasks[task])
        return [
            _mean([folds[k] for folds in tasks.values()]) for k in range(self.n_splits)
        ]

    def overall(self):
        """Return each model's mean over tasks, as mean and std over folds.

        Returns
        -------
        overall : dict
            Model name -> ``(mean, std)`` of the per-fold mean over tasks.
        """
        summary = {}
        for model in self.models:
            per_fold = self._fold_scores(model)
            summary[model] = (_mean(per_fold), _std(per_fold))
        return summary

    def difference(self, model, other=None, task=None):
        """Return the mean paired difference of ``model`` over ``other``.

        Parameters
        ----------
        model : str
            The model.
        other : str, default=None
            The model it is compared with; None: the baseline.
        task : object, default=None
            A task name, or None for the per-fold mean over tasks.

        Returns
        -------
        difference : namedtuple
            ``(mean, standard_error, n_folds, p_value)``, see
            :func:`skmtl.metrics.paired_difference` (corrected with
            ``test_train_ratio`` when known).
        """
        other = self.baseline if other is None else other
        return paired_difference(
            self._fold_scores(model, task),
            self._fold_scores(other, task),
            test_train_ratio=self.test_train_ratio,
        )

    def differences(self, task=None):
        """Return every model's paired difference with the baseline.

        Parameters
        ----------
        task : object, default=None
            A task name, or None for the per-fold mean over tasks.

        Returns
        -------
        differences : dict
            Model name -> ``(mean, standard_error, n_folds, p_value)``, see
            :func:`skmtl.metrics.paired_difference`; in the metric's units.
        """
        return {model: self.difference(model, task=task) for model in self.models}

    def baseline_per_task(self):
        """Return the baseline model on each task (the best one, with several).

        Returns
        -------
        baselines : dict
            Task name -> model name.
        """
        return best_per_task(self.scores, self.baselines)

    def _baseline_means(self):
        """Return the reference's mean score on each task."""
        return {
            task: _mean(self._fold_scores(self.baseline, task)) for task in self.tasks
        }

    def error_reductions(self):
        """Return each model's error reduction over the baseline, in percent.

        The mean over tasks of the symmetric relative change of the error
        ``1 - score`` between the mean scores (see
        :func:`skmtl.metrics.error_reduction`); bounded in [-100, 100], and
        meaningful when scores are near 0 or negative.

        Returns
        -------
        reductions : dict
            Model name -> percent (0 for the baseline, NaN when no task can
            be compared).
        """
        means, reference = self.mean_scores(), self._baseline_means()
        return {
            model: error_reduction(means[model], reference) for model in self.models
        }

    def relative_gains(self):
        """Return each model's classic relative gain Δm% over the baseline.

        The mean over tasks of the relative difference of the mean scores (see
        :func:`skmtl.metrics.relative_gain`). It divides by the baseline score,
        so it explodes when one is near 0 and flips sign when one is negative:
        the table and the summary use :meth:`error_reductions` and
        :meth:`differences` instead.

        Returns
        -------
        gains : dict
            Model name -> Δm in percent (0 for the baseline itself, NaN when
            it cannot be computed).
        """
        means, reference = self.mean_scores(), self._baseline_means()
        gains = {}
        for model in self.models:
            try:
                gains[model] = relative_gain(means[model], reference)
            except ValueError:
                gains[model] = float("nan")
        return gains

    def _winner(self, task=None):
        """Return the best model on a task (or overall) beyond fold noise, or None."""
        means = {model: _mean(self._fold_scores(model, task)) for model in self.models}
        ranked = sorted(
            (model for model in self.models if math.isfinite(means[model])),
            key=means.get,
            reverse=True,
        )
        if not ranked:
            return None
        if len(ranked) == 1:
            return ranked[0]
        if beyond_noise(self.difference(ranked[0], ranked[1], task)):
            return ranked[0]
        return None

    def winners(self):
        """Return the best model on each task, when it wins beyond fold noise.

        The model with the best mean score is the winner when its paired fold
        differences with the runner-up pass the corrected resampled t-test at
        the 5% level (:data:`NOISE_RULE`).

        Returns
        -------
        winners : dict
            Task name -> model name, or None when the best two are within fold
            noise (or no model scored the task).
        """
        return {task: self._winner(task) for task in self.tasks}

    def overall_winner(self):
        """Return the model with the best mean over tasks, beyond fold noise.

        Returns
        -------
        winner : str or None
            As :meth:`winners`, on the per-fold mean over tasks.
        """
        return self._winner()

    def summary(self):
        """Return one honest sentence on whether a model beat the baseline.

        Returns
        -------
        summary : str
            The model with the largest mean paired difference over the
            baseline, that difference with its standard error and the error
            reduction, and whether it is beyond fold noise.
        """
        differences = {
            model: value
            for model, value in self.differences().items()
            if model not in self.baselines and math.isfinite(value[0])
        }
        if not differences:
            return f"No model could be compared with {self.baseline}."
        best = max(differences, key=lambda model: differences[model].mean)
        mean, standard_error = differences[best][:2]
        reduction = self.error_reductions()[best]
        detail = (
            f"{mean:+.3f} ± {standard_error:.3f} in mean {self.metric_label} over "
            f"tasks (± one standard error over {self.n_splits} paired folds), error "
            f"reduction {reduction:+.1f}%, p = {differences[best].p_value:.2g}"
        )
        if not math.isfinite(standard_error):
            return (
                f"{best} differs from {self.baseline} by {mean:+.3f} in mean "
                f"{self.metric_label} over tasks, on too few folds to measure the "
                "fold noise: no winner is named."
            )
        if not beyond_noise(differences[best]):
            return (
                f"No model beats {self.baseline} beyond fold noise: the best, {best}, "
                f"differs by {detail}; treat them as tied."
            )
        if mean > 0:
            return f"{best} beats {self.baseline}: {detail}."
        return (
            f"No model beats {self.baseline}: the best, {best}, is worse by "
            f"{detail}. Sharing did not help on this data."
        )

    def table(self):
        """Return the per-task table (markdown), its summary rows and a legend.

        Rows are tasks, columns are models (mean ± std over folds), with the
        winner of each task (beyond fold noise), an overall row, the paired
        difference with the baseline (± its standard error), the error
        reduction over the baseline, and on how many tasks each model is better
        or worse than the baseline beyond fold noise.

        Returns
        -------
        table : str
            A title saying the metric, the table and the lines explaining it.
        """
        return format_table(self)

    def to_dict(self):
        """Return the result as plain, JSON-serializable Python objects.

        Task names become strings; NaN becomes None.

        Returns
        -------
        result : dict
            Keys ``metric``, ``task_metrics`` (task -> ``"r2"`` or
            ``"accuracy"``), ``task_types`` (targets of mixed types: task ->
            ``"regression"`` or ``"classification"``; else None), ``layout``,
            ``baseline``, ``baselines``,
            ``baseline_per_task`` (task -> the baseline model on it),
            ``n_splits``, ``models``,
            ``tasks``, ``scores`` (model -> task -> per-fold scores), ``mean``,
            ``std``, ``overall`` (model -> ``{"mean", "std"}``),
            ``difference`` (model -> ``{"mean", "standard_error", "p_value"}``
            of the paired difference with the baseline, mean over tasks),
            ``difference_per_task`` (model -> task -> the same),
            ``error_reduction`` (model -> percent), ``relative_gain`` (the
            classic Δm%, for reference), ``winners`` (task -> model or None),
            ``overall_winner``, ``noise_rule``, ``test_sizes`` (task ->
            per-fold test labels), ``chosen_params`` (model -> per-fold
            hyperparameters chosen by an inner search, or None),
            ``fit_times`` and ``notices``.
        """
        return result_to_dict(self)

    def __repr__(self):
        return (
            f"ComparisonResult({len(self.models)} models, {len(self.tasks)} tasks, "
            f"{self.n_splits} folds, metric={self.metric!r})"
        )
