"""The per-task comparison table, as aligned markdown."""

import math


def _score(mean, std):
    if not math.isfinite(mean):
        return "n/a"
    if std is None or not math.isfinite(std):
        return f"{mean:.3f}"
    return f"{mean:.3f} ± {std:.3f}"


def _gain(value):
    return f"{value:+.1f}%" if math.isfinite(value) else "n/a"


def _best(values, models):
    """Return the model with the largest finite value, or an empty string."""
    finite = [(v, m) for v, m in zip(values, models) if math.isfinite(v)]
    return max(finite, key=lambda pair: pair[0])[1] if finite else ""


def _markdown(rows):
    """Return ``rows`` (the first is the header) as a markdown table, aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    separator = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(rows[0]), separator, *map(line, rows[1:])])


def format_table(result):
    """Return the table of a :class:`ComparisonResult`, with a title line.

    Parameters
    ----------
    result : ComparisonResult
        The scores to show.

    Returns
    -------
    table : str
        A title saying the metric, then a markdown table: one row per task
        (mean ± std over folds of each model, and the best model), an overall
        row, the relative gain Δm% over the baseline and the number of tasks
        on which each model beats the baseline.
    """
    models, baseline = result.models, result.baseline
    means, stds = result.mean_scores(), result.std_scores()
    spread = result.n_splits > 1

    def cell(mean, std):
        return _score(mean, std if spread else None)

    rows = [["task", *models, "best"]]
    for task in result.tasks:
        values = [means[m][task] for m in models]
        cells = [cell(means[m][task], stds[m][task]) for m in models]
        rows.append([str(task), *cells, _best(values, models)])
    overall = result.overall()
    rows.append(
        [
            "overall (mean over tasks)",
            *(cell(*overall[m]) for m in models),
            _best([overall[m][0] for m in models], models),
        ]
    )
    gains = result.relative_gains()
    rows.append(
        [
            f"Δm% vs {baseline}",
            *(_gain(gains[m]) for m in models),
            _best([gains[m] for m in models], models),
        ]
    )
    wins = []
    for m in models:
        better = sum(
            means[m][t] > means[baseline][t]
            for t in result.tasks
            if math.isfinite(means[m][t]) and math.isfinite(means[baseline][t])
        )
        wins.append(f"{better}/{len(result.tasks)}")
    rows.append([f"tasks better than {baseline}", *wins, ""])
    folds = f"mean ± std over {result.n_splits} folds" if spread else "one split"
    title = (
        f"Per-task {result.metric_label} on held-out rows ({folds}; higher is better)"
    )
    return title + "\n\n" + _markdown(rows)
