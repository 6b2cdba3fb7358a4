"""Cost of measuring task affinity while training (``task_affinity``).

Fit time of :class:`~skmtl.MultiTaskRegressor` without measurement and with
each measure, on synthetic data (median of ``--repeats`` fits, one torch
thread). Prints a markdown table: seconds and the ratio to the plain fit.

Run: ``nice -n 10 python benchmarks/speed/task_affinity.py``; ``--quick`` runs
a small case; ``--rst PATH`` also writes the table for the docs.
"""

import argparse
import pathlib
import sys
import time

import numpy as np

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from _data import markdown, rst, write

KINDS = (None, "gradient", "lookahead", "both")


def fit_seconds(X, Y, kind, epochs, repeats):
    """Return the median fit time in seconds."""
    times = []
    for _ in range(repeats):
        model = MultiTaskRegressor(
            max_epochs=epochs, random_state=0, n_threads=1, task_affinity=kind
        )
        start = time.perf_counter()
        model.fit(X, Y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rst", default=None)
    args = parser.parse_args(argv)
    cases = [(2000, 10, 10)] if not args.quick else [(200, 3, 2)]
    if not args.quick:
        cases.append((2000, 3, 10))
    repeats = 1 if args.quick else args.repeats
    header = ["rows x tasks", "task_affinity", "fit seconds", "x plain fit"]
    rows = []
    for n_samples, n_tasks, epochs in cases:
        X, Y = make_multitask_regression(
            n_samples=n_samples, n_tasks=n_tasks, random_state=0
        )
        plain = None
        for kind in KINDS:
            seconds = fit_seconds(X, Y, kind, epochs, repeats)
            plain = seconds if plain is None else plain
            rows.append(
                [
                    f"{n_samples} x {n_tasks}",
                    str(kind),
                    f"{seconds:.2f}",
                    f"{seconds / plain:.1f}",
                ]
            )
    note = (
        "MultiTaskRegressor defaults (100-unit trunk, batch 200), "
        f"{cases[0][2]} epochs, one torch thread; median of {repeats} fits."
    )
    print(markdown(header, rows))
    print(note)
    if args.rst:
        write(args.rst, rst("Cost of task_affinity", header, rows, notes=[note]))


if __name__ == "__main__":
    main()
