"""Task grouping on planted groups: recovery (ARI) and Δm% against baselines.

Data: :func:`skmtl.datasets.make_grouped_regression` (three groups of four
tasks, most labels missing, so a task gains from its group's labels, and a
narrow trunk that three unrelated groups must share). For each seed: the
planted groups against the chosen ones (adjusted Rand index), and the per-task
test R² of one network for all tasks (all shared), one per task (single task),
one per chosen group (``TaskGroupingRegressor`` with the planted number of
groups, ``n_groups="auto"`` and ``n_groups="eigengap"``) and the guarded
model, as Δm% against single task. Prints a markdown table.

Run: ``nice -n 10 python benchmarks/quality/task_grouping.py [--seeds 5]``
(about 8 minutes on 2 cores); ``--quick`` runs one seed on small data;
``--rst PATH`` also writes the table as reStructuredText for the docs.
"""

import argparse
import pathlib
import sys
import time

import numpy as np
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import train_test_split

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_grouped_regression
from skmtl.grouping import TaskGroupingRegressor
from skmtl.metrics import per_task_scores, relative_gain

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from _data import markdown, rst, write

NET = {"shared_layers": (8,), "max_epochs": 60, "batch_size": 32, "lr": 3e-3}
DATA = {
    "n_samples": 600,
    "group_sizes": (4, 4, 4),
    "noise": 0.3,
    "missing_rate": 0.7,
    "task_specific": 0.1,
}


QUICK_NET = {**NET, "max_epochs": 10}
QUICK_DATA = {**DATA, "n_samples": 200, "group_sizes": (2, 2)}


def run(seed, net_params=NET, data=DATA):
    """Return ``({model: per-task R²}, {model: ARI}, {model: seconds})``."""
    X, Y, planted = make_grouped_regression(**data, random_state=seed)
    X_train, X_test, Y_train, Y_test = train_test_split(
        X, Y, test_size=0.5, random_state=seed
    )
    net = MultiTaskRegressor(**net_params, random_state=seed)
    models = {
        "all shared": net,
        "single task": TaskGroupingRegressor(net, n_groups=len(planted)),
        "grouped (planted number)": TaskGroupingRegressor(
            net, n_groups=int(planted.max()) + 1, random_state=seed
        ),
        "grouped (auto)": TaskGroupingRegressor(net, random_state=seed),
        "grouped (eigengap)": TaskGroupingRegressor(
            net, n_groups="eigengap", random_state=seed
        ),
        "guarded": TaskGroupingRegressor(net, guard=True, random_state=seed),
    }
    scores, seconds, ari = {}, {}, {}
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train, Y_train)
        seconds[name] = time.perf_counter() - start
        scores[name] = per_task_scores(Y_test, model.predict(X_test))
        if name.startswith("grouped"):
            ari[name] = adjusted_rand_score(planted, model.group_labels_)
    return scores, ari, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rst", default=None)
    args = parser.parse_args(argv)
    settings = (QUICK_NET, QUICK_DATA) if args.quick else (NET, DATA)
    seeds = 1 if args.quick else args.seeds
    gains, aris, times = {}, {}, {}
    for seed in range(seeds):
        scores, ari, seconds = run(seed, *settings)
        for name, value in ari.items():
            aris.setdefault(name, []).append(value)
        for name, per_task in scores.items():
            gains.setdefault(name, []).append(
                relative_gain(per_task, scores["single task"])
            )
            times.setdefault(name, []).append(seconds[name])
    header = ["model", "Δm% vs single task", "ARI per seed", "fit seconds"]
    rows = [
        [
            name,
            f"{np.mean(values):+.1f} ± {np.std(values):.1f}",
            ", ".join(f"{value:.2f}" for value in aris.get(name, [])) or "—",
            f"{np.mean(times[name]):.1f}",
        ]
        for name, values in gains.items()
    ]
    note = (
        f"{seeds} seeds; ARI: adjusted Rand index of the chosen groups against "
        "the planted ones (1.0: recovered exactly)."
    )
    print(markdown(header, rows))
    print(note)
    if args.rst:
        write(args.rst, rst("Planted task groups", header, rows, notes=[note]))


if __name__ == "__main__":
    main()
