"""Every sharing architecture x loss weighting on tasks that conflict.

Seven regression tasks built on one 4-dim nonlinear latent ``z`` of the inputs:

* ``related_0..2``: similar functions of ``z`` (sharing should help);
* ``conflict_a`` / ``conflict_b``: ``+f(z) + u(x)`` and ``-f(z) + u(x)``, a shared
  part pushed in opposite directions plus a common part;
* ``large_scale`` / ``small_scale``: functions of ``z`` scaled by 50 and 0.02.

By default the targets are NOT standardized (``standardize_targets=False``), so
the loss scales differ by about 10^6 and the weightings have something to
balance; ``--standardize`` runs the estimators' default (each task scaled to unit
variance for training) for comparison.

For each combination, held-out R² per task (mean over seeds) and Δm% against
independent single-task networks trained by the same machinery
(``sharing="independent", loss_weighting="equal"``). Nothing is tuned: every
model uses the same fixed settings, and the test rows are only used to score.

Run: ``python benchmarks/quality/synthetic_conflict.py`` (about 5 minutes on 2
cores); ``--quick`` runs a small subset; ``--rst PATH`` also writes the table as
reStructuredText for the docs.
"""

import argparse
import time

import numpy as np

from skmtl import MultiTaskRegressor
from skmtl.architectures import ARCHITECTURES
from skmtl.metrics import relative_gain
from skmtl.weighting import WEIGHTINGS

TASKS = [
    "related_0",
    "related_1",
    "related_2",
    "conflict_a",
    "conflict_b",
    "large_scale",
    "small_scale",
]
BASELINE = ("independent", "equal")


def make_conflicting_tasks(n_samples, seed, noise=0.1):
    """Return ``X`` (n, 10) and ``Y`` (n, 7) with the task structure above."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 10))
    z = np.tanh(1.5 * X @ rng.normal(size=(10, 4)) / np.sqrt(10))
    common = np.tanh(2.0 * X @ rng.normal(size=10) / np.sqrt(10))
    base = rng.normal(size=4)
    columns = [z @ (base + 0.3 * rng.normal(size=4)) for _ in range(3)]
    opposed = z @ rng.normal(size=4)
    columns += [opposed + common, -opposed + common]
    columns += [50.0 * z @ rng.normal(size=4), 0.02 * z @ rng.normal(size=4)]
    Y = np.column_stack(columns)
    return X, Y + noise * Y.std(axis=0) * rng.normal(size=Y.shape)


def run(combinations, seeds, n_train, max_epochs, standardize=False):
    """Return {(sharing, weighting): {task: mean R²}} over ``seeds``."""
    scores = {combo: [] for combo in combinations}
    for seed in seeds:
        X, Y = make_conflicting_tasks(n_train + 2000, seed)
        train, test = slice(0, n_train), slice(n_train, None)
        for sharing, weighting in combinations:
            model = MultiTaskRegressor(
                sharing=sharing,
                loss_weighting=weighting,
                shared_layers=(64,),
                max_epochs=max_epochs,
                batch_size=64,
                lr=3e-3,
                standardize_targets=standardize,
                random_state=seed,
                n_threads=1,
            ).fit(X[train], Y[train])
            per_task = model.score_per_task(X[test], Y[test])
            scores[(sharing, weighting)].append(dict(zip(TASKS, per_task.values())))
    return {
        combo: {task: float(np.mean([r[task] for r in runs])) for task in TASKS}
        for combo, runs in scores.items()
    }


def table_rows(results):
    """Return rows (sharing, weighting, per-task R², mean R², Δm%), best Δm% first."""
    baseline = results[BASELINE]
    rows = []
    for (sharing, weighting), per_task in results.items():
        gain = relative_gain(per_task, baseline)
        mean = float(np.mean(list(per_task.values())))
        rows.append((sharing, weighting, per_task, mean, gain))
    return sorted(rows, key=lambda row: -row[4])


def markdown(rows):
    """Return the table as markdown."""
    header = "| sharing | weighting | " + " | ".join(TASKS) + " | mean R² | Δm% |"
    lines = [header, "|" + " --- |" * (len(TASKS) + 4)]
    for sharing, weighting, per_task, mean, gain in rows:
        cells = " | ".join(f"{per_task[t]:.3f}" for t in TASKS)
        lines.append(
            f"| {sharing} | {weighting} | {cells} | {mean:.3f} | {gain:+.1f} |"
        )
    return "\n".join(lines)


def rst(rows, seeds, n_train, max_epochs, standardize=False):
    """Return the table as a reStructuredText list-table."""
    targets = "standardized" if standardize else "raw-scale"
    lines = [
        ".. list-table:: Held-out R² per task (mean of seeds "
        f"{list(seeds)}, {n_train} training rows, {max_epochs} epochs, {targets} "
        "targets) and Δm% vs independent networks with equal weighting",
        "   :header-rows: 1",
        "",
        "   * - sharing",
        "     - weighting",
    ]
    lines += [f"     - {t}" for t in TASKS] + ["     - mean R²", "     - Δm%"]
    for sharing, weighting, per_task, mean, gain in rows:
        lines += [f"   * - {sharing}", f"     - {weighting}"]
        lines += [f"     - {per_task[t]:.3f}" for t in TASKS]
        lines += [f"     - {mean:.3f}", f"     - {gain:+.1f}"]
    return "\n".join(lines) + "\n"


def summary(rows):
    """Return honest sentences about what helped."""
    helped = [r for r in rows if r[4] > 0 and (r[0], r[1]) != BASELINE]
    hurt = [r for r in rows if r[4] <= 0 and (r[0], r[1]) != BASELINE]
    best = rows[0]
    lines = [
        f"{len(helped)} of {len(rows) - 1} combinations beat independent networks "
        f"on average; {len(hurt)} do not.",
        f"Best: sharing={best[0]!r}, loss_weighting={best[1]!r} (Δm% {best[4]:+.1f}).",
    ]
    worst = rows[-1]
    lines.append(
        f"Worst: sharing={worst[0]!r}, loss_weighting={worst[1]!r} "
        f"(Δm% {worst[4]:+.1f})."
    )
    for task in ("conflict_a", "conflict_b", "small_scale"):
        beaten = sum(r[2][task] > rows_by(rows)[BASELINE][task] for r in helped + hurt)
        lines.append(
            f"{task}: {beaten} of {len(rows) - 1} combinations beat independent "
            "networks on this task."
        )
    return "\n".join(lines)


def rows_by(rows):
    """Return the rows keyed by (sharing, weighting)."""
    return {(r[0], r[1]): r[2] for r in rows}


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small subset, fast")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    parser.add_argument(
        "--standardize",
        action="store_true",
        help="train on standardized targets (the estimators' default)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        sharings, weightings = ["hard", "mmoe"], ["equal", "uncertainty", "mgda"]
        seeds, n_train, max_epochs = [0], 200, 5
    else:
        sharings, weightings = ARCHITECTURES.names(), WEIGHTINGS.names()
        weightings = [w for w in weightings if w != "fixed"]
        seeds, n_train, max_epochs = [0, 1, 2], 300, 100
    combinations = [(s, w) for s in sharings for w in weightings]
    if BASELINE not in combinations:
        combinations.append(BASELINE)
    start = time.perf_counter()
    results = run(combinations, seeds, n_train, max_epochs, args.standardize)
    rows = table_rows(results)
    print(markdown(rows))
    print()
    print(summary(rows))
    print(
        f"\n({len(combinations)} models x {len(seeds)} seeds in "
        f"{time.perf_counter() - start:.0f} s)"
    )
    if args.rst:
        with open(args.rst, "w", encoding="utf-8") as handle:
            handle.write(rst(rows, seeds, n_train, max_epochs, args.standardize))


if __name__ == "__main__":
    main()
