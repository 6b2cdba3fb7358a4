"""The negative-transfer guard on School and Landmine (many tasks, long layout).

The companion of ``grouping_real.py`` (the Mulan sets) on the two benchmarks of
many tasks, each with the protocol of its own benchmark script:

* Landmine (29 binary tasks, ``landmine.py``): per split, 20% of each task's
  rows, stratified by label, train; the other 80% test. Score: the mean
  per-task test ROC AUC; Δm% on the per-task AUC.
* School (139 regression tasks, ``school.py``): per split, a random 75/25
  split within each school. Score: ``school.py``'s main number, the explained
  variance % over all test rows; Δm% on the per-school test MSE (lower is
  better), as ``school.py`` computes it.

Three models built from the same small, fixed network (:data:`NET`, never
tuned): one per task (``n_groups=n_tasks``, single task), one for all tasks
(``n_groups=1``, all shared) and the guarded grouping (``guard=True``, number
of groups by inner CV); the task grouping estimators in the long layout
(``task_column=-1``), features standardized on the training rows. The affinity
decides nothing for single task and all shared, so their probe runs 1 epoch.
The last column is the paired difference guarded - single task over the splits
with the corrected resampled t-test (:func:`skmtl.metrics.paired_difference`,
``test_train_ratio`` the splits' n_test / n_train: 4 on Landmine, 1/3 on
School; the splits are repeated random ones, the case that correction is for).

Run: ``OMP_NUM_THREADS=1 nice -n 10 python
benchmarks/quality/grouping_school_landmine.py [--datasets landmine school]
[--seeds 10] [--epochs 60]``; ``--quick`` keeps 4 tasks of each, 2 splits and
3 epochs (seconds); ``--rst PATH`` also writes the table.
"""

import argparse
import pathlib
import sys
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from skmtl import (
    MultiTaskClassifier,
    MultiTaskRegressor,
    TaskGroupingClassifier,
    TaskGroupingRegressor,
)
from skmtl.datasets import load_landmine, load_school

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data
from quality import landmine, school
from quality.grouping_real import NET, rows_for

NET = {**NET, "batch_size": 64}
HEADER = ["data", "model", "score (splits)", "Δm% vs single", "guarded - single"]


def landmine_splits(seeds, n_tasks):
    """Yield ``(X_train, y_train, X_test, y_test)`` of each seed's split."""
    bunch = load_landmine(data_home=_data.data_dir())
    keep = bunch.task < n_tasks
    X, y, task = bunch.data[keep], bunch.target[keep], bunch.task[keep]
    for seed in seeds:
        train = landmine.within_task_split(task, y, 0.2, seed)
        yield X[train], y[train], X[~train], y[~train]


def landmine_scores(model, X, y):
    """Return the mean per-task ROC AUC and the per-task AUC."""
    per_task = landmine.task_aucs(y, landmine.positive_scores(model, X), X[:, -1])
    return float(np.mean(list(per_task.values()))), per_task


def school_splits(seeds, n_tasks):
    """Yield ``(X_train, y_train, X_test, y_test)`` of each seed's split."""
    bunch = load_school(data_home=_data.data_dir())
    keep = bunch.task < n_tasks
    X, y, task = bunch.data[keep], bunch.target[keep], bunch.task[keep]
    for seed in seeds:
        test = school.within_task_split(task, 0.25, seed)
        yield X[~test], y[~test], X[test], y[test]


def school_scores(model, X, y):
    """Return the explained variance % over all rows and the per-school MSE."""
    metrics, per_task = school.scores(y, model.predict(X), X[:, -1])
    return float(metrics[school.METRICS[0]]), per_task


#: The two data sets: table label, data file, splits, scoring, grouping and
#: network classes, the splits' n_test / n_train, direction of the per-task
#: score, number of tasks.
DATASETS = {
    "landmine": {
        "label": "Landmine (AUC)",
        "file": "landmine.npz",
        "splits": landmine_splits,
        "scores": landmine_scores,
        "grouping": TaskGroupingClassifier,
        "network": MultiTaskClassifier,
        "test_train_ratio": 0.8 / 0.2,
        "higher_is_better": True,
        "n_tasks": 29,
    },
    "school": {
        "label": "School (EV %)",
        "file": "school.npz",
        "splits": school_splits,
        "scores": school_scores,
        "grouping": TaskGroupingRegressor,
        "network": MultiTaskRegressor,
        "test_train_ratio": 0.25 / 0.75,
        "higher_is_better": False,
        "n_tasks": 139,
    },
}


def models(grouping, network, n_tasks, seed):
    """Return the three models compared, each standardizing the features."""
    common = {"task_column": -1, "random_state": seed}
    return {
        "single task": landmine.scaled(
            grouping(network, n_groups=n_tasks, affinity_epochs=1, **common)
        ),
        "all shared": landmine.scaled(
            grouping(network, n_groups=1, affinity_epochs=1, **common)
        ),
        "guarded": landmine.scaled(grouping(network, guard=True, **common)),
    }


def evaluate(name, seeds, n_tasks, net_params):
    """Return the per-split scores, per-task scores and guard choices."""
    data = DATASETS[name]
    means, results, choices = {}, {}, []
    for seed, (X, y, X_test, y_test) in zip(seeds, data["splits"](seeds, n_tasks)):
        net = data["network"](**net_params, n_threads=1, random_state=seed)
        for model_name, model in models(data["grouping"], net, n_tasks, seed).items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                # Few positives per inner fold on Landmine: single-class folds.
                warnings.simplefilter("ignore", UserWarning)
                model.fit(X, y)
            score, per_task = data["scores"](model, X_test, y_test)
            means.setdefault(model_name, []).append(score)
            results.setdefault(model_name, []).append(per_task)
            if model_name == "guarded":
                choices.append(model[-1].guard_choice_)
            print(
                f"{name} seed {seed} {model_name}: {score:.3f} "
                f"({time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    return means, results, choices


def main(argv=None):
    """Run the three models on each data set and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--seeds", type=int, default=10, help="number of splits")
    parser.add_argument("--epochs", type=int, default=NET["max_epochs"])
    parser.add_argument("--quick", action="store_true", help="4 tasks, 2 splits")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)
    absent = _data.missing(*[DATASETS[name]["file"] for name in args.datasets])
    if absent:
        _data.skip("grouping_school_landmine", absent)
        return
    seeds = list(range(2 if args.quick else args.seeds))
    net_params = {**NET, "max_epochs": 3 if args.quick else args.epochs}
    rows, notes, protocols = [], [], []
    for name in args.datasets:
        data = DATASETS[name]
        n_tasks = 4 if args.quick else data["n_tasks"]
        start = time.perf_counter()
        with threadpool_limits(limits=1):
            means, results, choices = evaluate(name, seeds, n_tasks, net_params)
        rows += rows_for(
            data["label"],
            results,
            data["test_train_ratio"],
            means=means,
            higher_is_better=data["higher_is_better"],
        )
        protocols.append(
            f"{data['label']}, {len(seeds)} splits, {net_params['max_epochs']} epochs"
        )
        kept = [kind for split in choices for kind in split.values()]
        counts = {kind: kept.count(kind) for kind in ("single", "group", "shared")}
        notes.append(
            f"{data['label']}, {n_tasks} tasks: guard kept {counts} (task x split "
            f"decisions); {time.perf_counter() - start:.0f} s in all."
        )
        print(_data.markdown(HEADER, rows[-3:]), flush=True)
    print(_data.markdown(HEADER, rows))
    print("\n".join(notes))
    if args.rst:
        caption = (
            f"Guard on {'; '.join(protocols)} (mean ± std over splits; Δm% on "
            "per-task AUC or per-school MSE)"
        )
        _data.write(args.rst, _data.rst(caption, HEADER, rows, notes))


if __name__ == "__main__":
    main()
