"""The per-task comparison table, as aligned markdown."""

import math
import textwrap

from skmtl.compare._wording import ERRORS, METRIC_LABELS, NOISE_RULE
from skmtl.metrics import beyond_noise


def _score(mean, std):
    if not math.isfinite(mean):
        return "n/a"
    if std is None or not math.isfinite(std):
        return f"{mean:.3f}"
    return f"{mean:.3f} ± {std:.3f}"


def _gain(value):
    return f"{value:+.1f}%" if math.isfinite(value) else "n/a"


def _markdown(rows):
    """Return ``rows`` (the first is the header) as a markdown table, aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    separator = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(rows[0]), separator, *map(line, rows[1:])])


def _difference(mean, standard_error, *_):
    if not math.isfinite(mean):
        return "n/a"
    if not math.isfinite(standard_error):
        return f"{mean:+.3f}"
    return f"{mean:+.3f} ± {standard_error:.3f}"


def _better_worse(result, model):
    """Return ``"B better, W worse"``: tasks beyond fold noise against the baseline."""
    better = worse = 0
    for task in result.tasks:
        difference = result.difference(model, task=task)
        if beyond_noise(difference):
            better += difference.mean > 0
            worse += difference.mean < 0
    return f"{better} better, {worse} worse"


def _reference_lines(result):
    """Return the line that says which baseline was the reference on each task."""
    if len(result.baselines) == 1:
        return []
    best = result.baseline_per_task()
    chosen = []
    for model in result.baselines:
        tasks = [str(task) for task, name in best.items() if name == model]
        if len(tasks) == len(best):
            chosen.append(f"{model} on every task")
        elif tasks and len(best) <= 10:
            chosen.append(f"{model} on {', '.join(tasks)}")
        elif tasks:
            chosen.append(f"{model} on {len(tasks)} of {len(best)} tasks")
    chosen = "; ".join(chosen)
    return [
        f"{result.baseline}: on each task, the best mean {result.metric_label} "
        f"among {', '.join(result.baselines)} ({chosen}); chosen on the test "
        "folds it is scored on, which favours the baseline."
    ]


def _legend(result):
    """Return the lines under the table that say what its numbers mean."""
    baseline, label = result.baseline, result.metric_label
    error = ERRORS.get(result.metric, f"1 - {result.metric}")
    return "\n".join(
        textwrap.fill(text, width=100)
        for text in [
            *_reference_lines(result),
            f"difference vs {baseline}: mean over tasks of the per-fold {label} "
            f"difference with {baseline}, ± one standard error of the paired fold "
            "differences.",
            f"error reduction vs {baseline}: mean over tasks of 100 * (E_base - "
            f"E_model) / max(E_base, E_model) with E = {error}; +30% removes 30% of "
            f"{baseline}'s error, bounded in [-100%, +100%].",
            "better / worse: tasks where the difference is beyond fold noise. "
            + NOISE_RULE,
        ]
    )


def _add_metric_column(rows, result):
    """Insert, after the task names, the column saying each task's metric."""
    metrics = result.task_metrics
    rows[0].insert(1, "metric")
    for row, task in zip(rows[1:], result.tasks):
        row.insert(1, METRIC_LABELS[metrics[task]])
    for row in rows[1 + len(result.tasks) :]:
        row.insert(1, "")


def format_table(result):
    """Return the table of a :class:`ComparisonResult`, with a title and a legend.

    Parameters
    ----------
    result : ComparisonResult
        The scores to show.

    Returns
    -------
    table : str
        A title saying the metric, then a markdown table: one row per task
        (with a column naming each task's metric for targets of mixed types)
        (mean ± std over folds of each model, and the best model beyond fold
        noise), an overall row, the paired difference with the baseline (±
        its standard error), the error reduction over the baseline and the
        number of tasks on which each model is better or worse than the
        baseline beyond fold noise; then lines explaining these rows.
    """
    models, baseline = result.models, result.baseline
    means, stds = result.mean_scores(), result.std_scores()
    spread = result.n_splits > 1
    noise = "none (within noise)"

    def cell(mean, std):
        return _score(mean, std if spread else None)

    winners = result.winners()
    rows = [["task", *models, "best"]]
    for task in result.tasks:
        cells = [cell(means[m][task], stds[m][task]) for m in models]
        rows.append([str(task), *cells, winners[task] or noise])
    overall = result.overall()
    rows.append(
        [
            "overall (mean over tasks)",
            *(cell(*overall[m]) for m in models),
            result.overall_winner() or noise,
        ]
    )
    differences = result.differences()
    rows.append(
        [
            f"difference vs {baseline}",
            *(
                "baseline" if m in result.baselines else _difference(*differences[m])
                for m in models
            ),
            "",
        ]
    )
    reductions = result.error_reductions()
    rows.append(
        [
            f"error reduction vs {baseline}",
            *(
                "baseline" if m in result.baselines else _gain(reductions[m])
                for m in models
            ),
            "",
        ]
    )
    rows.append(
        [
            f"tasks vs {baseline}",
            *(
                "" if m in result.baselines else _better_worse(result, m)
                for m in models
            ),
            "",
        ]
    )
    folds = f"mean ± std over {result.n_splits} folds" if spread else "one split"
    label = result.metric_label
    if result.task_types is not None:
        _add_metric_column(rows, result)
        label += " (R² for regression tasks, accuracy for classification tasks)"
    title = f"Per-task {label} on held-out rows ({folds}; higher is better)"
    return f"{title}\n\n{_markdown(rows)}\n\n{_legend(result)}"
