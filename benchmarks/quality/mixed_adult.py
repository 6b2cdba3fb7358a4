"""Tasks of mixed types in one network on UCI Adult, against one model per task.

Three tasks on the same people (``load_adult_multitask(tasks="mixed")``):
``income_over_50k`` (binary), ``marital_status`` (7 classes) and
``hours_per_week`` (regression). ``marital-status``, ``relationship`` (which
gives it away) and ``hours-per-week`` are not features. Data:
``<data>/adult.csv.gz`` (``SKMTL_DATA`` or ``../shared/data``).

Protocol: the official split, train on the 32,561 ``train`` rows, score on the
16,281 ``test`` rows; nothing is tuned (every model at its defaults). Inputs of
the networks: numeric columns standardized, categorical ones one-hot encoded,
fitted on the training rows inside each model's pipeline; the boosting models
read the raw columns (categories natively, ``categorical_features="from_dtype"``).

Models:

* single-task HistGB: per task ``HistGradientBoostingClassifier`` or
  ``HistGradientBoostingRegressor`` at its defaults (early stopping on, as
  scikit-learn does from 10,000 rows), the strongest single-task model a user
  would pick;
* single-task net: :class:`skmtl.MultiTaskMixedEstimator` at its defaults fitted
  on each task alone (the same network, nothing shared);
* mixed MTL net: one :class:`skmtl.MultiTaskMixedEstimator` at its defaults on
  the three tasks (task types inferred: ``task_types_``).

Scores per task on the test rows: ROC AUC (income), accuracy (marital status),
R² (hours per week). ± over ``--seeds`` seeds (default 2). Δm% and wins compare
each task's score with the best single-task model on that task (chosen on the
test rows, which favours the baseline).

Time (2 shared cores): about 10 minutes; ``--quick`` uses 3,000 training rows
and 5 epochs. ``--rst PATH`` also writes the table as reStructuredText.
"""

import argparse
import pathlib
import sys
import time

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from skmtl import MultiTaskMixedEstimator

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

INCOME, MARITAL, HOURS = "income_over_50k", "marital_status", "hours_per_week"
METRIC = {INCOME: "AUC", MARITAL: "accuracy", HOURS: "R²"}
BASELINES = ["single-task HistGB", "single-task net"]


class OnePerTask:
    """One model per task, each fitted on its task's column alone.

    Parameters
    ----------
    make : callable
        ``make(task)`` returns the unfitted model of ``task``.
    frame : bool
        Fit on a one-column DataFrame (a multi-task estimator) rather than on a
        Series (a scikit-learn single-output model).
    """

    def __init__(self, make, frame=False):
        self.make = make
        self.frame = frame

    def fit(self, X, Y):
        self.models_ = {}
        for task in Y.columns:
            y = Y[[task]] if self.frame else Y[task]
            self.models_[task] = self.make(task).fit(X, y)
        return self

    def outputs(self, X):
        """Return task -> prediction, and the positive-class income probability."""
        predictions = {
            task: column(model.predict(X), task) for task, model in self.models_.items()
        }
        return predictions, income_probability(self.models_[INCOME].predict_proba(X))


class Joint:
    """One multi-task model for every task."""

    def __init__(self, model):
        self.model = model

    def fit(self, X, Y):
        self.model.fit(X, Y)
        return self

    def outputs(self, X):
        """Return task -> prediction, and the positive-class income probability."""
        predicted = self.model.predict(X)
        predictions = {task: column(predicted, task) for task in METRIC}
        return predictions, income_probability(self.model.predict_proba(X))


def column(predicted, task):
    """Return one task's predictions from a DataFrame or a 1-D array."""
    if hasattr(predicted, "columns"):
        return np.asarray(predicted[task])
    return np.asarray(predicted).ravel()


def income_probability(proba):
    """Return P(income over 50K) from a dict of task probabilities or an array."""
    if isinstance(proba, dict):
        proba = proba[INCOME]
    return np.asarray(proba, dtype=float)[:, 1]


def featurized(estimator, numerical, categorical):
    """Return a pipeline: scale numeric, one-hot categorical, then ``estimator``."""
    columns = ColumnTransformer(
        [
            ("numeric", StandardScaler(), numerical),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )
    return make_pipeline(columns, estimator)


def models(bunch, seed, quick):
    """Return name -> unfitted model for one seed."""
    epochs = {"max_epochs": 5} if quick else {}

    def net():
        return featurized(
            MultiTaskMixedEstimator(random_state=seed, n_threads=1, **epochs),
            bunch.numerical_features,
            bunch.categorical_features,
        )

    def boosting(task):
        kind = HistGradientBoostingRegressor
        if task != HOURS:
            kind = HistGradientBoostingClassifier
        return kind(categorical_features="from_dtype", random_state=seed)

    return {
        BASELINES[0]: OnePerTask(boosting),
        BASELINES[1]: OnePerTask(lambda task: net(), frame=True),
        "mixed MTL net": Joint(net()),
    }


def scores(predictions, income_proba, Y_test):
    """Return task -> test score (AUC, accuracy, R²)."""
    return {
        INCOME: float(roc_auc_score(Y_test[INCOME], income_proba)),
        MARITAL: float(accuracy_score(Y_test[MARITAL], predictions[MARITAL])),
        HOURS: float(r2_score(Y_test[HOURS], predictions[HOURS].astype(float))),
    }


def run(bunch, seeds, quick):
    """Return ``{model: [split results]}`` and the train/test sizes."""
    X, Y = bunch.data, bunch.target
    train = np.asarray(bunch.split) == "train"
    X_train, Y_train, X_test, Y_test = X[train], Y[train], X[~train], Y[~train]
    if quick:
        X_train, Y_train = X_train.iloc[:3000], Y_train.iloc[:3000]
    results = {}
    for seed in seeds:
        for name, model in models(bunch, seed, quick).items():
            start = time.perf_counter()
            model.fit(X_train, Y_train)
            per_task = scores(*model.outputs(X_test), Y_test)
            seconds = time.perf_counter() - start
            metrics = {"mean": float(np.mean(list(per_task.values())))}
            split = {"metrics": metrics, "per_task": per_task, "seconds": seconds}
            results.setdefault(name, []).append(split)
            print(f"{name}: {per_task} ({seconds:.0f} s)", file=sys.stderr, flush=True)
    return results, (len(X_train), len(X_test))


def table(results):
    """Return the header and rows: per-task scores, Δm%, wins, seconds."""
    rows, _ = _data.summary_rows(results, BASELINES, ["mean"], fmt="{:.4f}")
    header = [
        "model",
        *(f"{task} ({METRIC[task]})" for task in METRIC),
        "Δm% vs best ST",
        "tasks won vs best ST",
        "s/fit",
    ]
    for row, splits in zip(rows, results.values()):
        row[1:2] = [
            _data.mean_std([s["per_task"][task] for s in splits], "{:.4f}")
            for task in METRIC
        ]
    return header, rows


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 rows, 5 epochs")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)
    absent = _data.missing("adult.csv.gz")
    if absent:
        _data.skip("adult (mixed tasks)", absent)
        return
    from skmtl.datasets import load_adult_multitask

    bunch = load_adult_multitask(
        data_home=_data.data_dir(), tasks="mixed", as_frame=True
    )
    seeds = [0] if args.quick else list(range(args.seeds))
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        results, (n_train, n_test) = run(bunch, seeds, args.quick)
    header, rows = table(results)
    note = _data.best_baseline_note(results, BASELINES)
    caption = (
        f"Adult, three tasks of mixed types, official split ({n_train} train / "
        f"{n_test} test rows): test score per task (± over seeds); Δm% and wins "
        "vs the best single-task model of each task"
    )
    print(caption + ".")
    print(_data.markdown(header, rows))
    print(note)
    print(f"\n(in {time.perf_counter() - start:.0f} s)")
    if args.rst:
        _data.write(args.rst, _data.rst(caption, header, rows, [note]))


if __name__ == "__main__":
    sys.exit(main())
