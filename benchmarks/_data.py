"""Shared helpers of the real-data benchmarks: the data folder and result tables.

The data folder is the environment variable ``SKMTL_DATA`` or ``../shared/data``
next to the repository. A script whose files are absent prints ``SKIPPED: ...``
and a one-row markdown table that says so, and writes no reST table.

Results are collected as ``{model: [split, ...]}`` where each split is a dict
with ``"metrics"`` (name -> value over all tasks), ``"per_task"`` (task -> score)
and ``"seconds"`` (fit + predict time). :func:`summary_rows` turns them into
table rows: mean ± std over splits per metric, Δm% and per-task wins against the
single-task baseline (both on the per-task scores averaged over splits). With
several single-task baselines (a linear model and gradient boosting), each task
is compared with the best of them on that task: chosen on the test splits, which
favours the baseline (:func:`best_baseline_note` says which won where).

Run on its own (``python benchmarks/_data.py``), it prints which data files are
present.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys

import numpy as np

from skmtl.metrics import relative_gain

FILES = {
    "school": "school.npz",
    "landmine": "landmine.npz",
    "sarcos": "sarcos_test.npz",
    "adult": "adult.csv.gz",
    "reviews": "text_multitask.csv.gz",
    "mtr": "mtr",
}


# The grids every real-data benchmark searches by inner CV (``--quick`` trims them).
SHARINGS = ("hard", "mmoe", "soft")
WEIGHTINGS = ("equal", "uncertainty")
PENALTIES = ("l21", "trace", "mean", "clustered")


def net_grid(prefix, quick=False):
    """Return the network grid, ``sharing`` x ``loss_weighting``.

    ``prefix`` is put before each parameter name (``"multitaskregressor__"``
    when the network is a pipeline step); ``quick`` keeps ``sharing="hard"``.
    """
    return {
        f"{prefix}sharing": ["hard"] if quick else list(SHARINGS),
        f"{prefix}loss_weighting": list(WEIGHTINGS),
    }


def penalty_grid(prefix, alphas, quick=False):
    """Return the linear MTL grid, ``penalty`` x ``alpha``.

    ``quick`` keeps the penalties ``mean`` and ``l21`` and the middle alpha.
    """
    return {
        f"{prefix}penalty": ["mean", "l21"] if quick else list(PENALTIES),
        f"{prefix}alpha": [alphas[len(alphas) // 2]] if quick else list(alphas),
    }


def data_dir():
    """Return the data folder: ``$SKMTL_DATA`` or ``<repo>/../shared/data``."""
    if os.environ.get("SKMTL_DATA"):
        return pathlib.Path(os.environ["SKMTL_DATA"])
    return pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "data"


def missing(*names):
    """Return the first absent file among ``names`` (in the data folder), or None."""
    folder = data_dir()
    for name in names:
        if not (folder / name).exists():
            return folder / name
    return None


def skip(dataset, path):
    """Print that ``dataset`` is skipped because ``path`` is absent."""
    print(
        f"SKIPPED: {path} not found; set SKMTL_DATA to the folder holding the "
        f"{dataset} data."
    )
    print(f"| dataset | status |\n| --- | --- |\n| {dataset} | skipped (no data) |")


def argument_parser(doc, quick_help, seeds=None):
    """Return a benchmark's parser: ``--quick``, ``--rst`` and optionally ``--seeds``.

    ``doc`` is the script's docstring (its first line describes it) and
    ``seeds`` the default number of seeds (None: no ``--seeds``).
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    if seeds is not None:
        parser.add_argument("--seeds", type=int, default=seeds, help="number of seeds")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    return parser


def landmine_arrays():
    """Return Landmine's features, labels and field of each row, or None.

    None after printing why (the data file is absent): the script then stops.
    """
    absent = missing("landmine.npz")
    if absent:
        skip("landmine", absent)
        return None
    from skmtl.datasets import load_landmine

    bunch = load_landmine(data_home=data_dir())
    # The task id is the last column of ``data`` (long layout).
    return bunch.data[:, :-1], bunch.target.astype(int), bunch.task.astype(int)


def report(title, caption, header, rows, rst_path=None):
    """Print ``title`` and the markdown table; write it as reST to ``rst_path``."""
    print(title + "\n")
    print(markdown(header, rows))
    if rst_path:
        write(rst_path, rst(caption, header, rows))


def record(results, chosen, name, model, split):
    """Add one split's result of ``model`` (named ``name``) to ``results``.

    ``split`` is ``{"metrics": ..., "per_task": ..., "seconds": ...}``; when
    ``model`` is a grid search, what it chose goes to ``chosen[name]`` (the
    parameter names without their pipeline prefixes).
    """
    results.setdefault(name, []).append(split)
    if hasattr(model, "best_params_"):
        params = {p.split("__")[-1]: v for p, v in model.best_params_.items()}
        chosen.setdefault(name, []).append(params)


def mean_std(values, fmt="{:.3f}"):
    """Return ``"mean ± std"`` of ``values`` (std over splits, ddof=0)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(values.mean())} ± {fmt.format(values.std())}"


def per_task_means(splits):
    """Return task -> score averaged over the splits."""
    tasks = splits[0]["per_task"]
    return {t: float(np.nanmean([s["per_task"][t] for s in splits])) for t in tasks}


def summary_rows(
    results, baseline, metrics, *, higher_is_better=True, fmt="{:.3f}", seeds=None
):
    """Return table rows and a dict of model -> (Δm%, wins, n_tasks).

    Parameters
    ----------
    results : dict
        model -> list of split results (see the module docstring).
    baseline : str or list of str
        The single-task model that Δm% and wins are measured against, or
        several: then, on each task, the best of them (see
        :func:`best_per_task`).
    metrics : list of str
        The metric names to show, in order.
    higher_is_better : bool
        Direction of the per-task score.
    fmt : str or dict
        Number format, for all metrics or per metric name.
    seeds : dict, default=None
        model -> number of splits, shown when a model ran on fewer splits than
        the others (its Δm% and wins compare it with the baseline on those
        splits only).
    """
    baselines = [baseline] if isinstance(baseline, str) else list(baseline)
    rows, gains = [], {}
    for model, splits in results.items():
        n = len(splits)
        base = best_per_task(results, baselines, higher_is_better, n)[1]
        mine = per_task_means(splits)
        gain = relative_gain(mine, base, higher_is_better=higher_is_better)
        sign = 1.0 if higher_is_better else -1.0
        wins = sum(sign * (mine[t] - base[t]) > 0 for t in mine if t in base)
        gains[model] = (gain, wins, len(mine))
        cells = [model if seeds is None or n == max(seeds.values()) else f"{model} *"]
        for metric in metrics:
            f = fmt[metric] if isinstance(fmt, dict) else fmt
            cells.append(mean_std([s["metrics"][metric] for s in splits], f))
        delta = "—" if model in baselines else f"{gain:+.1f}"
        won = "—" if model in baselines else f"{wins}/{len(mine)}"
        seconds = np.mean([s["seconds"] for s in splits])
        cells += [delta, won, f"{seconds:.1f}"]
        rows.append(cells)
    return rows, gains


def best_per_task(results, baselines, higher_is_better=True, n=None):
    """Return the best baseline on each task and its per-task score.

    Parameters
    ----------
    results : dict
        model -> list of split results.
    baselines : list of str
        The candidate single-task models.
    higher_is_better : bool
        Direction of the per-task score.
    n : int, default=None
        Use the first ``n`` splits only (a model run on fewer splits is compared
        on those).

    Returns
    -------
    best : dict
        task -> model name.
    scores : dict
        task -> that model's per-task score averaged over the splits.
    """
    means = {name: per_task_means(results[name][:n]) for name in baselines}
    sign = 1.0 if higher_is_better else -1.0
    best, scores = {}, {}
    for task in means[baselines[0]]:
        candidates = [m for m in baselines if np.isfinite(means[m].get(task, np.nan))]
        name = max(candidates or baselines[:1], key=lambda m: sign * means[m][task])
        best[task], scores[task] = name, means[name][task]
    return best, scores


def best_baseline_note(results, baselines, higher_is_better=True, what="tasks"):
    """Return the sentence saying which baseline was the best on how many tasks."""
    best = best_per_task(results, baselines, higher_is_better)[0]
    counts = ", ".join(
        f"{name} on {sum(m == name for m in best.values())}" for name in baselines
    )
    return (
        f"Best single-task model per task (the reference of Δm% and wins): {counts} "
        f"of {len(best)} {what}; chosen on the test splits, which favours the "
        "baseline."
    )


def markdown(header, rows):
    """Return a markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def rst(caption, header, rows, notes=()):
    """Return a reStructuredText list-table, followed by ``notes`` paragraphs."""
    lines = [f".. list-table:: {caption}", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    for note in notes:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def run_fresh(code, config):
    """Run ``code`` in a fresh Python process with ``config`` as JSON argument.

    The memory benchmarks measure each case in its own process; the last line
    the process prints is its result, as JSON.
    """
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(config)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def write(path, text):
    """Write ``text`` to ``path`` (UTF-8)."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main(argv=None):
    """Print which data files are present in the data folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="(no effect)")
    parser.add_argument("--rst", help="(no effect: nothing to write)")
    parser.parse_args(argv)
    folder = data_dir()
    print(f"Data folder: {folder}")
    rows = [
        (name, file, "yes" if (folder / file).exists() else "no")
        for name, file in FILES.items()
    ]
    print(markdown(["benchmark", "file", "present"], rows))


if __name__ == "__main__":
    main()
