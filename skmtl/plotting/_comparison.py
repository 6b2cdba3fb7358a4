"""Grouped bar chart of per-task scores, one bar per model and task."""

import warnings
from collections.abc import Mapping
from numbers import Real

import numpy as np

from skmtl.plotting._matplotlib import axes_or_new, pyplot, slant_crowded_labels

_DELTAS = ("difference", "relative")


def plot_comparison(
    results,
    *,
    ax=None,
    baseline=None,
    delta="difference",
    ylabel="score",
    legend_title="model",
    title=None,
):
    """Compare models task by task in a grouped bar chart.

    Each task gets a group of bars, one per model. When a score is given as a
    sequence of fold scores, the bar is their mean and its error bar their
    standard deviation (``ddof=0``; NaN folds are ignored). With a
    ``baseline``, every other model's bars are annotated with their difference
    to the baseline's bar of the same task, and the baseline's bars are hatched.

    Parameters
    ----------
    results : mapping or DataFrame
        Either a mapping ``{model_name: {task_name: score}}``, where ``score``
        is a float or a sequence of per-fold scores and every model has the
        same tasks (the first model's order is kept); or a pandas DataFrame
        with one row per task and one column per model (cells are floats or
        sequences of fold scores). The per-task dict returned by
        :meth:`~skmtl.MultiTaskRegressor.score_per_task` is a valid inner
        mapping.
    ax : matplotlib Axes, default=None
        Axes to draw on; None creates a new figure.
    baseline : str or None, default=None
        Name of the reference model (a key of ``results``), e.g. the
        single-task baseline.
    delta : {"difference", "relative"}, default="difference"
        How the bars are annotated against ``baseline``: ``model - baseline``,
        or ``100 * (model - baseline) / |baseline|`` in percent (the per-task
        terms of :func:`skmtl.metrics.relative_gain` for a higher-is-better
        score; left blank where the baseline is 0).
    ylabel : str, default="score"
        Label of the score axis.
    legend_title : str or None, default="model"
        Title of the legend of the models.
    title : str or None, default=None
        Title of the Axes.

    Returns
    -------
    ax : matplotlib Axes
        The Axes with ``n_models * n_tasks`` bars (one
        :class:`~matplotlib.container.BarContainer` per model in
        ``ax.containers``) and the task names as x tick labels.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    TypeError
        If ``results`` or a score has the wrong type.
    ValueError
        If ``results`` is empty, the models do not have the same tasks, a fold
        sequence is empty, or ``baseline`` or ``delta`` is unknown.

    See Also
    --------
    skmtl.metrics.relative_gain : The mean relative gain over a baseline.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmtl.plotting import plot_comparison
    >>> results = {
    ...     "shared": {"a": [0.8, 0.7, 0.75], "b": [0.6, 0.65, 0.7]},
    ...     "single": {"a": [0.7, 0.72, 0.68], "b": [0.5, 0.55, 0.6]},
    ... }
    >>> ax = plot_comparison(results, baseline="single")
    >>> len(ax.patches)
    4
    """
    pyplot()
    models, tasks, means, stds = _check_results(results)
    if delta not in _DELTAS:
        raise ValueError(f"delta must be one of {_DELTAS}, got {delta!r}.")
    if baseline is not None and baseline not in models:
        raise ValueError(
            f"baseline={baseline!r} is not one of the models in results: {models}."
        )

    ax = axes_or_new(ax)
    x = np.arange(len(tasks))
    width = 0.8 / len(models)
    for m, model in enumerate(models):
        is_baseline = baseline is not None and model == baseline
        yerr = None if np.isnan(stds[m]).all() else np.nan_to_num(stds[m])
        bars = ax.bar(
            x + (m - (len(models) - 1) / 2) * width,
            means[m],
            width,
            yerr=yerr,
            capsize=3 if yerr is not None else 0,
            label=f"{model} (baseline)" if is_baseline else str(model),
            hatch="//" if is_baseline else None,
            edgecolor="white" if is_baseline else None,
        )
        if baseline is not None and not is_baseline:
            reference = means[models.index(baseline)]
            _annotate(ax, bars, means[m], stds[m], reference, delta)
    if np.nanmin(means, initial=0.0) < 0:
        ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(x, [str(task) for task in tasks])
    slant_crowded_labels(ax)
    ax.set_xlabel("task")
    ax.set_ylabel(ylabel)
    ax.legend(title=legend_title, fontsize="small")
    if title is not None:
        ax.set_title(title)
    return ax


def _check_results(results):
    """Return ``(models, tasks, means, stds)``; stds is NaN for single scores."""
    if hasattr(results, "columns") and hasattr(results, "index"):
        results = {
            column: dict(zip(results.index, results[column], strict=True))
            for column in results.columns
        }
    if not isinstance(results, Mapping):
        raise TypeError(
            "results must be a mapping {model_name: {task_name: score}} or a "
            f"DataFrame (rows: tasks, columns: models), got {type(results).__name__}."
        )
    if not results:
        raise ValueError("results is empty; give the scores of at least one model.")
    models = list(results)
    per_model = {}
    for model in models:
        scores = results[model]
        if not (isinstance(scores, Mapping) or hasattr(scores, "items")):
            raise TypeError(
                f"results[{model!r}] must map task name -> score, got "
                f"{type(scores).__name__}."
            )
        per_model[model] = dict(scores.items())
    tasks = list(per_model[models[0]])
    if not tasks:
        raise ValueError(f"results[{models[0]!r}] has no task.")
    for model in models[1:]:
        missing = [task for task in tasks if task not in per_model[model]]
        extra = [task for task in per_model[model] if task not in tasks]
        if missing or extra:
            raise ValueError(
                f"Every model must be scored on the same tasks: results[{model!r}] "
                f"lacks tasks {missing} and has extra tasks {extra} compared with "
                f"results[{models[0]!r}] (tasks {tasks})."
            )
    means = np.empty((len(models), len(tasks)))
    stds = np.full((len(models), len(tasks)), np.nan)
    for m, model in enumerate(models):
        for t, task in enumerate(tasks):
            means[m, t], stds[m, t] = _score_stats(per_model[model][task], model, task)
    return models, tasks, means, stds


def _score_stats(score, model, task):
    """Return ``(mean, std)`` of one score or of a sequence of fold scores."""
    if isinstance(score, Real) and not isinstance(score, bool):
        return float(score), np.nan
    if isinstance(score, str | bytes | Mapping):
        values = None
    else:
        try:
            values = np.asarray(score, dtype=float)
        except (TypeError, ValueError):
            values = None
    if values is None or values.ndim != 1:
        raise TypeError(
            f"The score of model {model!r} on task {task!r} must be a number or a "
            f"1-D sequence of fold scores, got {score!r}."
        )
    if values.size == 0:
        raise ValueError(
            f"The fold scores of model {model!r} on task {task!r} are empty."
        )
    with warnings.catch_warnings():
        # A task without labels in every fold has only NaN: its bar is left out.
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmean(values)), float(np.nanstd(values))


def _annotate(ax, bars, values, stds, reference, delta):
    """Write each bar's change over the baseline just past its end (or error bar)."""
    for bar, value, std, base in zip(bars, values, stds, reference):
        if delta == "relative":
            change = 100.0 * (value - base) / abs(base) if base != 0 else np.nan
            text = f"{change:+.1f}%"
        else:
            change = value - base
            text = f"{change:+.3f}"
        if not np.isfinite(change):
            continue
        reach = value + np.copysign(np.nan_to_num(std), value)
        ax.annotate(
            text,
            (bar.get_x() + bar.get_width() / 2, reach),
            xytext=(0, 3 if value >= 0 else -3),
            textcoords="offset points",
            ha="center",
            va="bottom" if value >= 0 else "top",
            fontsize="x-small",
        )
