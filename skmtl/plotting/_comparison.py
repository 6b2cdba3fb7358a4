"""Grouped bar chart of per-task scores, one bar per model and task."""

import textwrap
import warnings
from collections.abc import Mapping
from numbers import Real

import numpy as np

from skmtl.plotting._colors import model_color
from skmtl.plotting._matplotlib import pyplot, slant_crowded_labels

_DELTAS = ("difference", "relative")

#: Widest figure (inches) that plot_comparison creates for many bars.
MAX_WIDTH = 16.0


def plot_comparison(
    results,
    *,
    ax=None,
    baseline=None,
    delta="difference",
    ylabel=None,
    legend_title="model",
    title=None,
    colors=None,
    labels="auto",
):
    """Compare models task by task in a grouped bar chart.

    Each task gets a group of bars, one per model, each model in the same
    colour in every plot (:func:`model_color`, whichever models are present).
    When a score is given as a sequence of fold scores, the bar is their mean
    and its error bar their standard deviation (``ddof=0``; NaN folds are
    ignored). The score axis spans the bars, not the error bars: on tiny data
    an error bar can be much longer than the differences between models, so
    it is cut at the axis (the legend says so). With a ``baseline`` its bars
    are hatched and every other bar is labelled with its difference to the
    baseline's bar of the same task, when the labels fit: horizontal, else
    rotated, else left out (the legend says which). The legend sits outside
    the axes, on the right, and says what the labels are.

    Parameters
    ----------
    results : mapping, DataFrame or ComparisonResult
        Either a mapping ``{model_name: {task_name: score}}``, where ``score``
        is a float or a sequence of per-fold scores and every model has the
        same tasks (the first model's order is kept); or a pandas DataFrame
        with one row per task and one column per model (cells are floats or
        sequences of fold scores); or the
        :class:`~skmtl.compare.ComparisonResult` of
        :func:`~skmtl.compare.compare_models`, whose baseline and metric are
        then the defaults of ``baseline`` and ``ylabel`` (with several
        baselines, each task's bars are labelled against its best one). The
        per-task dict returned by :meth:`~skmtl.MultiTaskRegressor.score_per_task`
        is a valid inner mapping.
    ax : matplotlib Axes, default=None
        Axes to draw on; None creates a new figure, wide enough for the bars.
    baseline : str or None, default=None
        Name of the reference model (a key of ``results``), e.g. the
        single-task baseline.
    delta : {"difference", "relative"}, default="difference"
        How the bars are labelled against ``baseline``: ``model - baseline``,
        or ``100 * (model - baseline) / |baseline|`` in percent (the per-task
        terms of :func:`skmtl.metrics.relative_gain` for a higher-is-better
        score; left blank where the baseline is 0).
    ylabel : str or None, default=None
        Label of the score axis; None: ``"score"`` (or the metric of a
        ComparisonResult).
    legend_title : str or None, default="model"
        Title of the legend of the models.
    title : str or None, default=None
        Title of the Axes, e.g. the data set and the metric.
    colors : dict, default=None
        Model name -> matplotlib colour, overriding :func:`model_color`.
    labels : {"auto", True, False}, default="auto"
        The difference labels: drawn where they fit (``"auto"``), always
        (``True``, rotated when crowded), or never.

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
        sequence is empty, or ``baseline``, ``delta`` or ``labels`` is unknown.

    See Also
    --------
    skmtl.compare.compare_models : Cross-validated per-task scores to plot.
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
    plt = pyplot()
    best = None  # task -> baseline model, for the best of several per task
    if _is_comparison_result(results):
        if baseline is None and len(getattr(results, "baselines", [])) > 1:
            best = results.baseline_per_task()
        baseline = results.baseline if baseline is None else baseline
        if ylabel is None:
            ylabel = f"{results.metric_label} (held-out folds)"
        results = results.scores
    models, tasks, means, stds = _check_results(results)
    _check_options(delta, labels, None if best else baseline, models)
    baselines = set(best.values()) if best else {baseline} - {None}

    if ax is None:
        n_bars = len(models) * len(tasks)
        width = min(MAX_WIDTH, max(6.4, 4.5 + 0.3 * n_bars))
        _, ax = plt.subplots(figsize=(width, 4.8), layout="constrained")
    x = np.arange(len(tasks))
    groups = _bars(ax, x, models, means, stds, baselines, colors)
    lower, upper, clipped = _score_limits(means, stds)
    ax.set_ylim(lower, upper)
    if lower < 0 < upper:
        ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlim(-0.5, len(tasks) - 0.5)
    ax.set_xticks(x, [_abbreviate(task) for task in tasks])
    slant_crowded_labels(ax)
    ax.set_xlabel("task")
    ax.set_ylabel("score" if ylabel is None else ylabel)
    ax.grid(axis="y", linewidth=0.5, alpha=0.5)
    ax.set_axisbelow(True)
    if title is not None:
        ax.set_title(title)
    texts, what = [], None
    if baseline is not None and labels is not False and len(models) > 1:
        reference = _reference(means, models, tasks, baseline, best)
        for m, bars in enumerate(groups):
            if models[m] not in baselines:
                texts.extend(_annotate(ax, bars, means[m], reference, delta))
        what = (
            f"each bar minus {baseline}"
            if delta == "difference"
            else f"% change of each bar from {baseline}"
        )
    errors = None
    if any(np.isfinite(stds).ravel()):
        errors = "error bars: ± std over folds" + (
            ", cut at the axis" if clipped else ""
        )
    legend = ax.legend(
        title=_caption(legend_title, what and f"numbers: {what}", errors),
        fontsize="small",
        title_fontsize="small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        alignment="left",
    )
    if texts and not _place_labels(ax, texts, groups[0][0], labels):
        legend.set_title(
            _caption(legend_title, f"{what}: too many bars to label", errors),
            prop={"size": "small"},
        )
    return ax


def _check_options(delta, labels, baseline, models):
    """Raise a ValueError for an unknown ``delta``, ``labels`` or ``baseline``."""
    if delta not in _DELTAS:
        raise ValueError(f"delta must be one of {_DELTAS}, got {delta!r}.")
    if labels not in ("auto", True, False):
        raise ValueError(f"labels must be 'auto', True or False, got {labels!r}.")
    if baseline is not None and baseline not in models:
        raise ValueError(
            f"baseline={baseline!r} is not one of the models in results: {models}."
        )


def _reference(means, models, tasks, baseline, best):
    """Return the baseline's mean score per task: its own, or each task's best."""
    if best is None:
        return means[models.index(baseline)]
    return np.array(
        [means[models.index(best[task])][t] for t, task in enumerate(tasks)]
    )


def _bars(ax, x, models, means, stds, baselines, colors):
    """Draw one group of bars per model (the baselines hatched); return the groups."""
    width = 0.8 / len(models)
    groups = []
    for m, model in enumerate(models):
        is_baseline = model in baselines
        yerr = None if np.isnan(stds[m]).all() else np.nan_to_num(stds[m])
        groups.append(
            ax.bar(
                x + (m - (len(models) - 1) / 2) * width,
                means[m],
                width,
                yerr=yerr,
                capsize=2 if yerr is not None else 0,
                error_kw={"elinewidth": 0.8, "ecolor": "0.25"},
                color=model_color(model, colors),
                label=f"{model} (baseline)" if is_baseline else str(model),
                hatch="//" if is_baseline else None,
                edgecolor="white" if is_baseline else None,
                linewidth=0,
            )
        )
    return groups


def _caption(*parts):
    """Return the legend title: the non-empty ``parts``, wrapped, one per line."""
    lines = [textwrap.fill(part, 30) for part in parts if part]
    return "\n".join(lines) or None


def _is_comparison_result(results):
    """Return True for a ComparisonResult (duck-typed: no import of skmtl.compare)."""
    return all(
        hasattr(results, name) for name in ("scores", "baseline", "metric_label")
    )


def _abbreviate(task, limit=14):
    """Return the task name, cut to ``limit`` characters with an ellipsis."""
    text = str(task)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _score_limits(means, stds):
    """Return ``(lower, upper, clipped)``: score axis limits around the bars.

    The limits leave a quarter of the spread of the bar ends past the lowest
    and the highest bar end, so every bar shows; error bars widen them by at
    most three quarters of that spread, so that the huge error bars of tiny
    data do not squash the bars (``clipped`` says whether one is cut). A limit
    within one spread of 0 moves to 0, where the bars start; otherwise (an
    accuracy axis with every bar near 0.9, say) the axis zooms on the bar ends.
    """
    finite = means[np.isfinite(means)]
    if finite.size == 0:
        return 0.0, 1.0, False
    low, high = float(finite.min()), float(finite.max())
    spread = max(high - low, 0.05 * max(abs(low), abs(high)), 1e-3)
    errors = np.where(np.isfinite(means), np.nan_to_num(stds), 0.0)
    ends = np.where(np.isfinite(means), means, low)
    reach_low, reach_high = float((ends - errors).min()), float((ends + errors).max())
    lower = min(low - 0.25 * spread, max(reach_low, low - 0.75 * spread))
    upper = max(high + 0.25 * spread, min(reach_high, high + 0.75 * spread))
    clipped = reach_low < lower - 1e-12 or reach_high > upper + 1e-12
    pad = 0.03 * (upper - lower)  # error-bar caps clear of the frame
    lower = 0.0 if 0 < lower < spread else lower - pad
    upper = 0.0 if -spread < upper < 0 else upper + pad
    return lower, upper, clipped


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


def _annotate(ax, bars, values, reference, delta):
    """Write each bar's change over the baseline just past the bar's end."""
    lower, upper = ax.get_ylim()
    texts = []
    for bar, value, base in zip(bars, values, reference):
        if delta == "relative":
            change = 100.0 * (value - base) / abs(base) if base != 0 else np.nan
            text = f"{change:+.1f}%"
        else:
            change = value - base
            text = f"{change:+.3f}"
        if not np.isfinite(change):
            continue
        texts.append(
            ax.annotate(
                text,
                (
                    bar.get_x() + bar.get_width() / 2,
                    float(np.clip(value, lower, upper)),
                ),
                xytext=(0, 2 if value >= 0 else -2),
                textcoords="offset points",
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize="x-small",
                annotation_clip=False,
                # Readable over the error bar that starts at the same point.
                bbox={
                    "boxstyle": "square,pad=0.1",
                    "facecolor": "white",
                    "alpha": 0.8,
                    "linewidth": 0,
                },
            )
        )
    return texts


def _place_labels(ax, texts, bar, labels):
    """Keep the labels horizontal if they fit, else rotate them, else remove them.

    A label fits when it is no wider (horizontal) or no taller (rotated) than
    a bar, so that neighbouring labels cannot collide. The score axis is then
    raised until every label is inside the figure's axes area. Returns True
    when the labels stay on the plot.
    """
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    pitch = bar.get_window_extent(renderer).width * 1.05
    boxes = [text.get_window_extent(renderer) for text in texts]
    if max(box.width for box in boxes) > pitch:
        if labels == "auto" and max(box.height for box in boxes) > pitch:
            for text in texts:
                text.remove()
            return False
        for text in texts:
            text.set_rotation(90)
    _make_room(ax, texts, renderer)
    return True


def _make_room(ax, texts, renderer):
    """Raise (and lower) the score limits so that the labels fit inside the axes."""
    for _ in range(3):
        frame = ax.get_window_extent(renderer)
        boxes = [text.get_window_extent(renderer) for text in texts]
        above = max(box.y1 for box in boxes) - frame.y1
        below = frame.y0 - min(box.y0 for box in boxes)
        if above <= 0 and below <= 0:
            return
        lower, upper = ax.get_ylim()
        per_pixel = (upper - lower) / frame.height
        ax.set_ylim(
            lower - max(below, 0) * per_pixel * 1.2,
            upper + max(above, 0) * per_pixel * 1.2,
        )
        for text in texts:
            x, y = text.xy
            text.xy = (x, float(np.clip(y, *ax.get_ylim())))
        ax.figure.canvas.draw()
