"""Single-task vs pooled vs multi-task classifiers on UCI Adult, two tasks.

Two binary tasks on the same people (wide layout): ``income_over_50k`` and
``never_married``. The loader leaves out ``marital-status`` and
``relationship`` (they give the second task away). Data:
``<data>/adult.csv.gz`` (``SKMTL_DATA`` or ``../shared/data``).

Protocol: the official split, train on the 32,561 ``train`` rows, score on the
16,281 ``test`` rows. Inputs: numeric columns standardized, categorical ones
one-hot encoded (dense, since the networks need dense inputs), fitted on the
training rows inside each model's pipeline. Whatever is tuned is tuned on the
training rows only: an inner 3-fold split for the linear models, one 75/25
validation split for the network grid (each network fit takes about a minute
here). The test rows are only scored.

Models:

* single-task: one ``LogisticRegression`` per task
  (:class:`skmtl.PerTaskClassifier`), ``C`` in {0.01, 0.1, 1} by inner CV;
* single-task HistGB: one ``HistGradientBoostingClassifier`` per task at its
  defaults, on the raw columns (categories natively, ``from_dtype``; early
  stopping on, as scikit-learn does from 10,000 rows), ``random_state`` in
  ``range(--seeds)``;
* pooled: one ``LogisticRegression`` on both tasks' rows with a task indicator
  (:class:`skmtl.PooledClassifier`), ``C`` by inner CV;
* pooled HistGB: one ``HistGradientBoostingClassifier`` on both tasks' rows,
  the task one more categorical feature (``task_encoding="auto"``);
* linear MTL: :class:`skmtl.RegularizedMultiTaskClassifier`, penalty in
  {l21, trace, mean, clustered} x alpha in {0.0001, 0.001, 0.01}, by inner CV;
* MTL net default: :class:`skmtl.MultiTaskClassifier` with default parameters,
  ``random_state`` in ``range(--seeds)`` (default 2), ``n_threads=1``;
* MTL net CV: ``sharing`` in {hard, mmoe, soft} x ``loss_weighting`` in
  {equal, uncertainty}, chosen on the validation split, ``random_state=0``;
* with ``--tabular``, MTL net tabular: :class:`skmtl.MultiTaskClassifier` with
  the tabular preset (:data:`TABULAR`; see the user guide's tabular page) on the
  raw categorical columns (learned category embeddings, no one-hot encoding),
  numeric columns standardized.

Metric: ROC AUC per task on the test rows. One split, so the ± is over the
networks' and boosting models' seeds only (the linear models are
deterministic). Δm% and wins compare per-task AUC with the best single-task
model of each task (logistic or HistGB, chosen on the test rows, which favours
the baseline).

Time (2 shared cores): about 8 minutes (``--no-grid`` leaves out the network
grid, most of it); ``--quick`` uses 3,000 training rows,
5 epochs and small grids. ``--rst PATH`` also writes the table as
reStructuredText.
"""

import argparse
import pathlib
import sys
import time

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, KFold, ShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from skmtl import (
    MultiTaskClassifier,
    PerTaskClassifier,
    PooledClassifier,
    RegularizedMultiTaskClassifier,
)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

BASELINE = "single-task logistic"
# The tabular preset of the user guide (docs/user_guide/tabular.rst), chosen on
# the validation split of the training rows.
TABULAR = {
    "ensemble_size": 32,
    "num_embeddings": "piecewise",
    "optimizer": "adamw",
    "weight_decay": 3e-4,
    "lr": 2e-3,
    "early_stopping": True,
}
BASELINES = [BASELINE, "single-task HistGB"]
METRICS = ("mean AUC",)


def task_aucs(model, X, Y):
    """Return task -> test ROC AUC."""
    proba = model.predict_proba(X)
    Y = np.asarray(Y)
    return {
        name: float(roc_auc_score(Y[:, t], proba[t][:, 1]))
        for t, name in enumerate(("income_over_50k", "never_married"))
    }


def mean_auc(estimator, X, Y):
    """Scorer for the inner CV: the mean per-task ROC AUC."""
    return float(np.mean(list(task_aucs(estimator, X, Y).values())))


def featurized(estimator, numerical, categorical):
    """Return a pipeline: scale numeric, one-hot (dense) categorical, then fit."""
    columns = ColumnTransformer(
        [
            ("numeric", StandardScaler(), numerical),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                categorical,
            ),
        ]
    )
    return make_pipeline(columns, estimator)


def native(estimator, numerical):
    """Return a pipeline: scale numeric, pass the categorical columns as they are."""
    columns = ColumnTransformer(
        [("numeric", StandardScaler(), numerical)],
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    return make_pipeline(columns, estimator)


def models(numerical, categorical, seeds, quick, n_jobs, grid=True, tabular=False):
    """Return name -> list of unfitted models (one per seed for the networks)."""
    epochs = {"max_epochs": 5} if quick else {}
    inner = KFold(2 if quick else 3, shuffle=True, random_state=0)
    validation = ShuffleSplit(1, test_size=0.25, random_state=0)
    cs = [1.0] if quick else [0.01, 0.1, 1.0]
    logistic = LogisticRegression(max_iter=1000)

    def prep(estimator):
        return featurized(estimator, numerical, categorical)

    net = MultiTaskClassifier(random_state=0, n_threads=1, **epochs)
    extra = {}
    if tabular:
        extra["MTL net tabular"] = [
            native(clone(net).set_params(random_state=seed, **TABULAR), numerical)
            for seed in seeds
        ]

    def trees(kind, seed):
        # The raw DataFrame: its category columns are split on natively.
        return kind(HistGradientBoostingClassifier(random_state=seed))

    return {
        BASELINE: [
            GridSearchCV(
                prep(PerTaskClassifier(logistic)),
                {"pertaskclassifier__estimator__C": cs},
                cv=inner,
                scoring=mean_auc,
            )
        ],
        BASELINES[1]: [trees(PerTaskClassifier, seed) for seed in seeds],
        "pooled logistic": [
            GridSearchCV(
                prep(PooledClassifier(logistic)),
                {"pooledclassifier__estimator__C": cs},
                cv=inner,
                scoring=mean_auc,
            )
        ],
        "pooled HistGB": [trees(PooledClassifier, seed) for seed in seeds],
        "linear MTL (CV)": [
            GridSearchCV(
                prep(RegularizedMultiTaskClassifier(max_iter=2000)),
                _data.penalty_grid(
                    "regularizedmultitaskclassifier__", [0.0001, 0.001, 0.01], quick
                ),
                cv=inner,
                scoring=mean_auc,
            )
        ],
        "MTL net default": [
            prep(clone(net).set_params(random_state=seed)) for seed in seeds
        ],
        "MTL net (CV)": [
            GridSearchCV(
                prep(clone(net)),
                _data.net_grid("multitaskclassifier__", quick),
                cv=validation,
                scoring=mean_auc,
                n_jobs=1 if quick else n_jobs,
            )
        ]
        * grid,
        **extra,
    }


def run(bunch, seeds, quick, n_jobs, grid=True, tabular=False):
    """Return ``{model: [results]}`` and the tuned choices."""
    X, Y = bunch.data, bunch.target
    train = np.asarray(bunch.split) == "train"
    X_train, Y_train = X[train], Y[train]
    if quick:
        X_train, Y_train = X_train.iloc[:3000], Y_train.iloc[:3000]
    X_test, Y_test = X[~train], Y[~train]
    candidates = models(
        bunch.numerical_features,
        bunch.categorical_features,
        seeds,
        quick,
        n_jobs,
        grid,
        tabular,
    )
    results, chosen = {}, {}
    for name, variants in candidates.items():
        if not variants:
            continue
        for model in variants:
            start = time.perf_counter()
            model.fit(X_train, Y_train)
            per_task = task_aucs(model, X_test, Y_test)
            seconds = time.perf_counter() - start
            metrics = {METRICS[0]: float(np.mean(list(per_task.values())))}
            split = {"metrics": metrics, "per_task": per_task, "seconds": seconds}
            _data.record(results, chosen, name, model, split)
            print(
                f"{name}: AUC {per_task} ({seconds:.0f} s)", file=sys.stderr, flush=True
            )
    return results, chosen, (len(X_train), len(X_test))


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 rows, 5 epochs")
    parser.add_argument("--seeds", type=int, default=2, help="default-net seeds")
    parser.add_argument("--n-jobs", type=int, default=2, help="for the net grid")
    parser.add_argument(
        "--no-grid", action="store_true", help="leave out the network grid"
    )
    parser.add_argument("--rst", help="also write the table as reST to this path")
    parser.add_argument(
        "--tabular", action="store_true", help="also the tabular preset network"
    )
    args = parser.parse_args(argv)

    absent = _data.missing("adult.csv.gz")
    if absent:
        _data.skip("adult", absent)
        return
    from skmtl.datasets import load_adult_multitask

    bunch = load_adult_multitask(data_home=_data.data_dir(), as_frame=True)
    seeds = [0] if args.quick else list(range(args.seeds))

    start = time.perf_counter()
    with threadpool_limits(limits=1):
        results, chosen, (n_train, n_test) = run(
            bunch, seeds, args.quick, args.n_jobs, not args.no_grid, args.tabular
        )
    total = time.perf_counter() - start
    rows, _ = _data.summary_rows(results, BASELINES, METRICS, fmt="{:.4f}")
    note = _data.best_baseline_note(results, BASELINES)
    tasks = list(results[BASELINE][0]["per_task"])
    header = [
        "model",
        *tasks,
        *METRICS,
        "Δm% vs best ST (task AUC)",
        "tasks won vs best ST",
        "s/fit",
    ]
    for row, splits in zip(rows, results.values()):
        means = _data.per_task_means(splits)
        row[1:1] = [
            _data.mean_std([s["per_task"][t] for s in splits], "{:.4f}")
            if len(splits) > 1
            else f"{means[t]:.4f}"
            for t in tasks
        ]
    print(
        f"Adult, official split ({n_train} train / {n_test} test rows): test ROC "
        "AUC per task; ± over seeds only; Δm% and wins vs the best single-task "
        "model of each task."
    )
    print(_data.markdown(header, rows))
    print(note)
    print()
    for name, picks in chosen.items():
        print(f"{name} chose: {picks}")
    print(sentences(results))
    print(f"\n(in {total:.0f} s)")
    if args.rst:
        caption = (
            f"Adult, official split ({n_train} train / {n_test} test rows): test "
            "ROC AUC per task (± over seeds); Δm% and wins vs the best "
            "single-task model of each task; s/fit includes inner CV"
        )
        _data.write(args.rst, _data.rst(caption, header, rows, [note]))


def sentences(results):
    """Return an honest conclusion from the measured numbers."""
    auc = {
        name: float(np.mean([s["metrics"][METRICS[0]] for s in splits]))
        for name, splits in results.items()
    }
    best = max(auc, key=auc.get)
    listing = ", ".join(f"{name} {value:.4f}" for name, value in auc.items())
    mtl = {k: v for k, v in auc.items() if "MTL" in k}
    single = max(BASELINES, key=auc.get)
    verdict = (
        f"no multi-task model beats {single} (the best single-task model)"
        if max(mtl.values()) <= auc[single]
        else f"a multi-task model beats {single} (the best single-task model)"
    )
    return f"Mean AUC: {listing}. Best: {best}; {verdict}."


if __name__ == "__main__":
    sys.exit(main())
