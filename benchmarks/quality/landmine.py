"""Single-task vs pooled vs multi-task classifiers on the Landmine data.

29 minefields are 29 binary classification tasks (landmine or clutter; 6% of
the 14,820 rows are mines), 9 features, long layout (the task id is the last
column, ``task_column=-1``). Data: ``<data>/landmine.npz`` (``SKMTL_DATA`` or
``../shared/data``).

Protocol (as in Xue et al., JMLR 2007): for each seed, 20% of each task's rows,
stratified by label, train; the other 80% test. Whatever is tuned is tuned by
an inner 3-fold split of the training part, stratified by task and label, with
the mean per-task ROC AUC as the score. The test part is only scored. Features
are standardized (the task id passes through).

Models:

* single-task: one ``LogisticRegression`` per task
  (:class:`skmtl.PerTaskClassifier`), ``C`` in {0.001, 0.01, 0.1, 1} by inner CV;
* single-task HistGB: one ``HistGradientBoostingClassifier`` per task at its
  defaults (early stopping off: fewer than 10,000 rows);
* pooled: one ``LogisticRegression`` on all tasks with a one-hot task indicator
  (:class:`skmtl.PooledClassifier`), ``C`` by inner CV;
* pooled HistGB: one ``HistGradientBoostingClassifier`` on all tasks, the task
  one categorical feature (``task_encoding="auto"``), its defaults;
* linear MTL: :class:`skmtl.RegularizedMultiTaskClassifier`, penalty in
  {l21, trace, mean, clustered} x alpha in {0.001, 0.01, 0.1, 1}, by
  inner CV;
* with ``--tabular``, MTL net tabular: the default network with the tabular
  preset (:data:`TABULAR`, see the user guide's tabular page);
* MTL net default: :class:`skmtl.MultiTaskClassifier` with default parameters
  (``random_state=seed``, ``n_threads=1``);
* MTL net CV: ``sharing`` in {hard, mmoe, soft} x ``loss_weighting`` in
  {equal, uncertainty} by inner CV, on every seed by default
  (``--grid-seeds N`` runs it on the first N only; then marked ``*`` and
  compared with single-task on those seeds).

Metric: ROC AUC per task on the test part, averaged over the 29 tasks; mean ±
std over seeds. Δm% and wins compare per-task AUC (averaged over seeds) with
the best single-task model of each task (logistic or HistGB, chosen on the test
parts, which favours the baseline).

Time (2 cores): about 15 minutes for 10 seeds (the grid is most of it);
``--quick`` runs 1 seed with 5 epochs and small grids in seconds. ``--rst PATH``
also writes the table as reStructuredText.
"""

import argparse
import pathlib
import sys
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmtl import (
    MultiTaskClassifier,
    PerTaskClassifier,
    PooledClassifier,
    RegularizedMultiTaskClassifier,
)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

# The tabular preset of the user guide (docs/user_guide/tabular.rst).
TABULAR = {
    "ensemble_size": 32,
    "num_embeddings": "piecewise",
    "optimizer": "adamw",
    "weight_decay": 3e-4,
    "lr": 2e-3,
    "early_stopping": True,
}

BASELINE = "single-task logistic"
BASELINES = [BASELINE, "single-task HistGB"]
METRICS = ("mean AUC",)
CS = [0.001, 0.01, 0.1, 1.0]


def within_task_split(task, y, train_size, seed):
    """Return a boolean train mask: ``train_size`` of each task, stratified by y."""
    rng = np.random.RandomState(seed)
    train = np.zeros(len(task), dtype=bool)
    for t in np.unique(task):
        for label in np.unique(y[task == t]):
            rows = np.flatnonzero((task == t) & (y == label))
            rng.shuffle(rows)
            train[rows[: max(1, round(train_size * len(rows)))]] = True
    return train


def positive_scores(model, X):
    """Return P(mine) per row: each task's array is NaN on other tasks' rows."""
    proba = model.predict_proba(X)
    return np.nanmax(np.column_stack([p[:, -1] for p in proba]), axis=1)


def task_aucs(y, score, task):
    """Return task -> ROC AUC (tasks with a single class in ``y`` are left out)."""
    return {
        int(t): roc_auc_score(y[task == t], score[task == t])
        for t in np.unique(task)
        if len(np.unique(y[task == t])) == 2
    }


def mean_task_auc(estimator, X, y):
    """Scorer for the inner CV: the mean per-task ROC AUC."""
    aucs = task_aucs(y, positive_scores(estimator, X), X[:, -1])
    return float(np.mean(list(aucs.values())))


def scaled(estimator):
    """Return a pipeline standardizing every column but the last (the task id)."""
    scaler = ColumnTransformer(
        [("scale", StandardScaler(), slice(0, -1))], remainder="passthrough"
    )
    return make_pipeline(scaler, estimator)


def models(seed, inner, quick, n_jobs, grid, tabular=False):
    """Return name -> unfitted model; ``inner`` is the inner CV split list."""
    epochs = {"max_epochs": 5} if quick else {}
    net = MultiTaskClassifier(task_column=-1, random_state=seed, n_threads=1, **epochs)
    linear = RegularizedMultiTaskClassifier(task_column=-1, max_iter=2000)
    cs = [1.0] if quick else CS
    logistic = LogisticRegression(max_iter=1000)
    trees = HistGradientBoostingClassifier(random_state=seed)
    tune = {"cv": inner, "scoring": mean_task_auc}
    out = {
        BASELINE: GridSearchCV(
            scaled(PerTaskClassifier(logistic, task_column=-1)),
            {"pertaskclassifier__estimator__C": cs},
            **tune,
        ),
        BASELINES[1]: scaled(PerTaskClassifier(trees, task_column=-1)),
        "pooled logistic": GridSearchCV(
            scaled(PooledClassifier(logistic, task_column=-1)),
            {"pooledclassifier__estimator__C": cs},
            **tune,
        ),
        "pooled HistGB": scaled(PooledClassifier(trees, task_column=-1)),
        "linear MTL (CV)": GridSearchCV(
            scaled(linear),
            _data.penalty_grid(
                "regularizedmultitaskclassifier__", [0.001, 0.01, 0.1, 1.0], quick
            ),
            **tune,
        ),
        "MTL net default": scaled(net),
        **(
            {"MTL net tabular": scaled(clone(net).set_params(**TABULAR))}
            if tabular
            else {}
        ),
    }
    if grid:
        out["MTL net (CV)"] = GridSearchCV(
            scaled(clone(net)),
            _data.net_grid("multitaskclassifier__", quick),
            n_jobs=1 if quick else n_jobs,
            **tune,
        )
    return out


def run(X, y, task, seeds, grid_seeds, quick, n_jobs, tabular=False):
    """Return ``{model: [split results]}`` and the tuned choices per seed."""
    results, chosen = {}, {}
    for k, seed in enumerate(seeds):
        train = within_task_split(task, y, 0.2, seed)
        test = ~train
        strata = 2 * task[train] + y[train]
        inner = list(
            StratifiedKFold(3, shuffle=True, random_state=seed).split(X[train], strata)
        )
        for name, model in models(
            seed, inner, quick, n_jobs, k < grid_seeds, tabular
        ).items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                # Few positives per inner fold: single-class folds are expected.
                warnings.simplefilter("ignore", UserWarning)
                model.fit(X[train], y[train])
            score = positive_scores(model, X[test])
            seconds = time.perf_counter() - start
            per_task = task_aucs(y[test], score, task[test])
            metrics = {METRICS[0]: float(np.mean(list(per_task.values())))}
            split = {"metrics": metrics, "per_task": per_task, "seconds": seconds}
            _data.record(results, chosen, name, model, split)
            print(
                f"seed {seed} {name}: AUC {metrics[METRICS[0]]:.3f} ({seconds:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    return results, chosen


def sentences(results, gains):
    """Return an honest conclusion from the measured numbers."""
    auc = {
        name: float(np.mean([s["metrics"][METRICS[0]] for s in splits]))
        for name, splits in results.items()
    }
    best = max(auc, key=auc.get)
    verdict = (
        "single-task is the best model here"
        if best in BASELINES
        else f"{best} beats the best single-task model on mean AUC "
        f"(Δm% {gains[best][0]:+.1f}, {gains[best][1]} of {gains[best][2]} tasks)"
    )
    others = ", ".join(f"{name} {value:.3f}" for name, value in auc.items())
    return f"Mean AUC: {others}. With 20% training data, {verdict}."


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, 5 epochs")
    parser.add_argument("--seeds", type=int, default=10, help="number of splits")
    parser.add_argument(
        "--grid-seeds", type=int, default=10, help="splits that run the net grid"
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="for the net grid")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    parser.add_argument(
        "--tabular", action="store_true", help="also the tabular preset network"
    )
    args = parser.parse_args(argv)

    absent = _data.missing("landmine.npz")
    if absent:
        _data.skip("landmine", absent)
        return
    from skmtl.datasets import load_landmine

    bunch = load_landmine(data_home=_data.data_dir())
    X, y, task = bunch.data, bunch.target, bunch.task
    seeds = [0] if args.quick else list(range(args.seeds))
    grid_seeds = 1 if args.quick else min(args.grid_seeds, len(seeds))

    start = time.perf_counter()
    with threadpool_limits(limits=1):
        results, chosen = run(
            X, y, task, seeds, grid_seeds, args.quick, args.n_jobs, args.tabular
        )
    total = time.perf_counter() - start
    counts = {name: len(splits) for name, splits in results.items()}
    partial = 0 < grid_seeds < len(seeds)
    rows, gains = _data.summary_rows(results, BASELINES, METRICS, seeds=counts)
    note = _data.best_baseline_note(results, BASELINES)
    header = [
        "model",
        *METRICS,
        "Δm% vs best ST (task AUC)",
        "tasks won vs best ST",
        "s/fit",
    ]
    print(
        f"Landmine: {len(seeds)} splits, 20% of each task (stratified) trains; "
        "mean ± std over splits of the mean per-task test ROC AUC; Δm% and wins "
        "vs the best single-task model of each task"
        + (f" (* = first {grid_seeds} split(s) only)." if partial else ".")
    )
    print(_data.markdown(header, rows))
    print(note)
    print()
    for name, picks in chosen.items():
        print(f"{name} chose: {picks}")
    print(sentences(results, gains))
    print(f"\n({len(seeds)} splits in {total:.0f} s)")
    if args.rst:
        caption = (
            f"Landmine, {len(seeds)} splits with 20% of each task training "
            "(mean ± std of the mean per-task ROC AUC); Δm% and wins vs the "
            "best single-task model of each task; s/fit includes inner CV"
        )
        notes = [note]
        if partial:
            notes.append(
                f"``*`` run on the first {grid_seeds} split(s) only, compared "
                "with the best single-task model on the same splits."
            )
        _data.write(args.rst, _data.rst(caption, header, rows, notes))


if __name__ == "__main__":
    sys.exit(main())
