"""GridSearchCV over sharing x loss weighting: n_jobs=2 against n_jobs=1.

The same search (4 candidates x 3 folds of ``MultiTaskRegressor`` on 6,000 x 30,
5 tasks, trunk (64, 64), 20 epochs, no refit) runs with ``n_jobs=1`` and
``n_jobs=2``, paired and alternated; the speed-up is the ratio of the wall times.
The target (at least 1.7 on 2 cores) is taken against a serial search with one
torch thread per fit, so that it measures the parallelism alone; the serial
search with torch's default threads and a parallel one forced to two threads
per worker (oversubscription) are shown too. With the default
``n_threads=None`` each fit inside a joblib worker uses one torch thread; the
script checks this by recording ``torch.get_num_threads()`` at the start of
every fit of the parallel search. A last row gives the speed-up that two ideal
workers (no process, data or contention costs) would reach with the serial
search's fit lengths, handed out in GridSearchCV's order: the part of the gap
to 2 that comes from fits of unequal length alone; another search, over four
weightings with hard sharing (fits of about equal length), shows the
parallel efficiency without that imbalance.

Run: ``python benchmarks/speed/grid_search_parallel.py`` (about 3 minutes on
2 idle cores: the speed-up needs cores that are otherwise free); ``--quick``
runs a tiny search in seconds; ``--rst PATH`` writes the table as reST.
"""

import argparse
import os
import time

import numpy as np
import torch
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Callback

from skmtl import MultiTaskRegressor

GRID = {"sharing": ["hard", "mmoe"], "loss_weighting": ["equal", "uncertainty"]}
# Fits of about equal length: the parallel efficiency without load imbalance.
EVEN_GRID = {
    "sharing": ["hard"],
    "loss_weighting": ["equal", "uncertainty", "dwa", "rlw"],
}


class ThreadProbe(Callback):
    """Append the torch thread count at the start of training to a file."""

    def __init__(self, path):
        self.path = path

    def on_train_begin(self, net, **kwargs):
        """Record the current number of torch threads."""
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(f"{torch.get_num_threads()}\n")


def search_seconds(X, Y, n_jobs, epochs, n_threads=None, probe=None, grid=GRID):
    """Return the wall time of one grid search and the fitted search."""
    estimator = MultiTaskRegressor(
        shared_layers=(64, 64),
        max_epochs=epochs,
        batch_size=128,
        random_state=0,
        n_threads=n_threads,
        callbacks=None if probe is None else [ThreadProbe(probe)],
    )
    search = GridSearchCV(estimator, grid, cv=3, n_jobs=n_jobs, refit=False)
    start = time.perf_counter()
    search.fit(X, Y)
    return time.perf_counter() - start, search


def balanced_speedup(search, n_workers=2):
    """Return the speed-up the fits' lengths allow on ``n_workers`` ideal workers.

    The serial search's fit and score times, taken per candidate (mean over its
    folds), are handed out in GridSearchCV's order (candidate by candidate, fold
    by fold) to whichever worker is free first, with no other cost: what is
    lost to fits of unequal length alone.
    """
    results = search.cv_results_
    n_folds = search.n_splits_
    durations = [
        fit + score
        for fit, score in zip(results["mean_fit_time"], results["mean_score_time"])
        for _ in range(n_folds)
    ]
    free_at = [0.0] * n_workers
    for duration in durations:
        first = free_at.index(min(free_at))
        free_at[first] += duration
    return sum(durations) / max(free_at)


def main(argv=None):
    """Time the searches and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny search, seconds")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)
    n_samples, epochs = (6000, 20) if not args.quick else (600, 2)
    repeats = 1 if args.quick else args.repeats
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, 30), dtype=np.float32)
    Y = np.tanh(X[:, :5]) @ rng.standard_normal((5, 5), dtype=np.float32)

    probe = f"/tmp/skmtl_thread_probe_{os.getpid()}.txt"
    # Warm up the worker pool and this process (torch's lazy initialisation
    # would otherwise land in the first serial search).
    search_seconds(X[:300], Y[:300], 2, 1)
    search_seconds(X[:300], Y[:300], 1, 1)
    keys = ("serial", "default", "parallel", "forced", "even serial", "even parallel")
    times = {key: [] for key in keys}
    balanced = []
    for _ in range(repeats):
        seconds, serial_search = search_seconds(X, Y, 1, epochs, n_threads=1)
        times["serial"].append(seconds)
        balanced.append(balanced_speedup(serial_search))
        times["parallel"].append(search_seconds(X, Y, 2, epochs, probe=probe)[0])
        if not args.quick:
            times["default"].append(search_seconds(X, Y, 1, epochs)[0])
            times["forced"].append(search_seconds(X, Y, 2, epochs, n_threads=2)[0])
        for key, n_jobs in (("even serial", 1), ("even parallel", 2)):
            seconds, _ = search_seconds(
                X, Y, n_jobs, epochs, n_threads=1, grid=EVEN_GRID
            )
            times[key].append(seconds)
    with open(probe, encoding="utf-8") as handle:
        threads = sorted({int(line) for line in handle})
    os.remove(probe)

    serial = np.asarray(times["serial"])
    speedup = serial / times["parallel"]
    header = ["search (4 candidates x 3 folds)", "median s", "speed-up"]
    rows = [
        ["n_jobs=1, n_threads=1", f"{np.median(serial):.1f}", "1.00"],
        [
            "n_jobs=2 (default: one torch thread per worker)",
            f"{np.median(times['parallel']):.1f}",
            f"{np.median(speedup):.2f} (min {speedup.min():.2f}, max "
            f"{speedup.max():.2f}; target >= 1.7: "
            f"{'yes' if np.median(speedup) >= 1.7 else '**no**'})",
        ],
    ]
    rows.append(
        [
            "n_jobs=2 on ideal workers (bound set by the fits' unequal lengths)",
            "",
            f"{np.median(balanced):.2f}",
        ]
    )
    if times["even parallel"]:
        even = np.divide(times["even serial"], times["even parallel"])
        rows.append(
            [
                "n_jobs=2, fits of equal length (hard sharing x 4 weightings)",
                f"{np.median(times['even parallel']):.1f}",
                f"{np.median(even):.2f} (against its own n_jobs=1: "
                f"{np.median(times['even serial']):.1f} s)",
            ]
        )
    for key, label in (
        ("default", "n_jobs=1, torch's default threads"),
        ("forced", "n_jobs=2, n_threads=2 (oversubscribed)"),
    ):
        if times[key]:
            ratio = serial / times[key]
            rows.append(
                [label, f"{np.median(times[key]):.1f}", f"{np.median(ratio):.2f}"]
            )
    print(
        f"GridSearchCV, {n_samples} x 30, 5 tasks, trunk (64, 64), {epochs} epochs, "
        f"{repeats} paired repeats; {os.cpu_count()} CPUs. Torch threads seen in "
        f"the workers' fits with the default n_threads: {threads}\n"
    )
    print("| " + " | ".join(header) + " |")
    print("| --- " * len(header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.rst:
        lines = [
            ".. list-table:: GridSearchCV wall time, n_jobs=2 against n_jobs=1 "
            f"({os.cpu_count()} CPUs; torch threads per worker fit: {threads})",
            "   :header-rows: 1",
            "",
        ]
        for cells in [header, *rows]:
            lines.append(f"   * - {cells[0]}")
            lines += [f"     - {cell}" for cell in cells[1:]]
        with open(args.rst, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
