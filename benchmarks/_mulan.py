"""The Mulan benchmark's model groups and its summary table.

Per group (the base model: Ridge, RandomForest, HistGradientBoosting), each
dataset on which every model of the group ran ranks the models; Δm% and wins
compare a model with the group's single-target model (ST) and with the best ST
model of any group on each dataset (chosen on the test folds, which favours the
baseline).
"""

import numpy as np
from scipy.stats import rankdata

from skmtl.metrics import relative_gain

GROUPS = {
    "Ridge": ("ST", "SST", "ERC", "pooled", "linear MTL", "net", "net CV"),
    "RF": ("ST", "SST", "ERC"),
    "HistGB": ("ST", "pooled"),
}
LABELS = {
    "linear MTL": "linear MTL (CV)",
    "net": "MTL net",
    "net CV": "MTL net (CV)",
}


def label(base, method):
    """Return a column label: ``"ST Ridge"``, ``"MTL net (CV)"``, ..."""
    return LABELS.get(method, f"{method} {base}")


def best_single(results, names):
    """Return dataset -> the lowest aRRMSE of any group's ST model that ran on it."""
    best = {}
    for name in names:
        scores = [
            results[(name, b, "ST")] for b in GROUPS if (name, b, "ST") in results
        ]
        if scores:
            best[name] = min(scores)
    return best


def comparisons(results, names):
    """Return per group and model: mean rank, Δm%, wins over ST, datasets run.

    Ranks are over the datasets where every model of the group ran (``"ranked"``
    gives their number); Δm% and wins are over the datasets where the model ran,
    against the group's ST (``"gain"``, ``"wins"``) and against the best ST of
    any group on each dataset (``"gain_best"``, ``"wins_best"``). Models run on
    no dataset (left out by ``--models``) are left out.
    """
    best = best_single(results, names)
    summary = {}
    for base, group in GROUPS.items():
        ran = [n for n in names if (n, base, "ST") in results]
        methods = [m for m in group if any((n, base, m) in results for n in ran)]
        if not ran:
            continue
        complete = [n for n in ran if all((n, base, m) in results for m in methods)]
        ranks = np.full(len(methods), np.nan)
        if complete:
            table = [[results[(n, base, m)] for m in methods] for n in complete]
            ranks = np.mean([rankdata(row) for row in table], axis=0)
        per_method = {}
        for j, method in enumerate(methods):
            scores = {
                n: results[(n, base, method)]
                for n in ran
                if (n, base, method) in results
            }
            single = {n: results[(n, base, "ST")] for n in scores}
            reference = {n: best[n] for n in scores}
            per_method[method] = {
                "rank": float(ranks[j]),
                "gain": relative_gain(scores, single, higher_is_better=False),
                "wins": sum(scores[n] < single[n] for n in scores),
                "gain_best": relative_gain(scores, reference, higher_is_better=False),
                "wins_best": sum(scores[n] < reference[n] for n in scores),
                "n": len(scores),
                "ranked": len(complete),
            }
        summary[base] = per_method
    return summary


def columns(summary):
    """Return the table's result columns as (base, method) pairs."""
    return [(base, method) for base in summary for method in summary[base]]


def cell(results, name, base, method, spreads=None):
    value = results.get((name, base, method))
    if value is None:
        return "—"
    if spreads is None:
        return f"{value:.3f}"
    return f"{value:.3f} ± {spreads[(name, base, method)]:.3f}"


def table_rows(results, shapes, summary, spreads=None):
    """Return the header and rows: one per dataset, then rank, Δm% and wins."""
    cols = columns(summary)
    header = ["dataset", "n", "d", "targets"] + [label(b, m) for b, m in cols]
    rows = [
        [name, n, d, k] + [cell(results, name, b, m, spreads) for b, m in cols]
        for name, (n, d, k) in shapes.items()
    ]
    summaries = (
        ("mean rank", lambda s: "—" if np.isnan(s["rank"]) else f"{s['rank']:.2f}"),
        ("Δm% vs ST", lambda s: f"{s['gain']:+.1f}"),
        ("wins vs ST", lambda s: f"{s['wins']}/{s['n']}"),
        ("Δm% vs best ST", lambda s: f"{s['gain_best']:+.1f}"),
        ("wins vs best ST", lambda s: f"{s['wins_best']}/{s['n']}"),
    )
    for title, show in summaries:
        rows.append([title, "", "", ""] + [show(summary[b][m]) for b, m in cols])
    return header, rows


def sentences(summary, chosen):
    """Return honest sentences: which models beat single-target, and by how much."""
    lines = []
    for base, per_method in summary.items():
        single = per_method["ST"]
        parts = [
            f"{label(base, m)} beat ST on {s['wins']} of {s['n']} datasets "
            f"(Δm% {s['gain']:+.1f}) and the best ST on {s['wins_best']} "
            f"(Δm% {s['gain_best']:+.1f})"
            for m, s in per_method.items()
            if m != "ST"
        ]
        best = min(per_method, key=lambda m: per_method[m]["rank"])
        lines.append(
            f"{base} group vs ST {base}: " + "; ".join(parts) + ". Best mean rank "
            f"over the {single['ranked']} datasets where all ran: {label(base, best)}"
            f" ({per_method[best]['rank']:.2f}; ST {single['rank']:.2f})."
        )
    for (base, method), counts in chosen.items():
        picks = ", ".join(f"{c} x{k}" for c, k in counts.most_common())
        lines.append(f"{label(base, method)} chose (per outer fold): {picks}.")
    return "\n".join(lines)
