"""Single-task vs pooled vs multi-task models on SARCOS inverse dynamics.

Seven joint torques of a SARCOS robot arm (7 regression tasks, wide layout)
from 21 inputs (joint positions, velocities, accelerations). Data:
``<data>/sarcos_test.npz`` and, when present, the published training file
``sarcos_inv.mat`` (``SKMTL_DATA`` or ``../shared/data``).

Protocol: with ``sarcos_inv.mat`` present, the published split (train on the
44,484 training rows, score on the 4,449 test rows; one split). Otherwise --
the shared data holds only the test file -- a shuffled 5-fold CV on those
4,449 rows, labelled as such in the output: these numbers are NOT comparable
with published SARCOS results (10x less training data). Whatever is tuned is
tuned by an inner 3-fold split of the training part; the test part is only
scored. Inputs are standardized.

Models:

* single-task ridge: one ``RidgeCV`` per joint (:class:`skmtl.PerTaskRegressor`);
* single-task HistGB: one ``HistGradientBoostingRegressor`` per joint at its
  defaults (scikit-learn's early stopping, on from 10,000 rows);
* pooled ridge: one ``RidgeCV`` on the rows of all joints with a one-hot joint
  indicator (:class:`skmtl.PooledRegressor`; shares the slopes, a poor fit for
  torques of different joints, shown for completeness);
* pooled HistGB: one ``HistGradientBoostingRegressor`` on the rows of all
  joints, the joint one categorical feature (``task_encoding="auto"``);
* linear MTL: :class:`skmtl.RegularizedMultiTaskRegressor`, penalty in
  {l21, trace, mean, clustered} x alpha in {0.001, 0.01, 0.1}, by inner CV;
* single-task net: :class:`skmtl.MultiTaskRegressor` with
  ``sharing="independent"`` (one network per joint, same machinery), defaults
  otherwise;
* MTL net default: :class:`skmtl.MultiTaskRegressor` with default parameters;
* MTL net CV: ``sharing`` in {hard, mmoe, soft} x ``loss_weighting`` in
  {equal, uncertainty} by inner CV, on every fold by default
  (``--grid-folds N`` runs it on the first N only; then marked ``*`` and
  compared with single-task on those folds).

Every network: ``random_state=fold``, ``n_threads=1``.

Metric: per-joint nMSE = test MSE / test variance of the joint (lower is
better), averaged over joints; mean ± std over folds. Δm% and wins compare the
per-joint nMSE (averaged over folds) with the best single-task model of each
joint (ridge or HistGB, chosen on the test folds, which favours the baseline).

Time (2 cores): about 10 minutes for the 5-fold protocol (the grid is most
of it); ``--quick``
runs 2 folds, 5 epochs and small grids in seconds. ``--rst PATH`` also writes
the table as reStructuredText.
"""

import argparse
import pathlib
import sys
import time

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmtl import (
    MultiTaskRegressor,
    PerTaskRegressor,
    PooledRegressor,
    RegularizedMultiTaskRegressor,
)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

ALPHAS = np.logspace(-3, 3, 13)
BASELINE = "single-task ridge"
BASELINES = [BASELINE, "single-task HistGB"]
METRICS = ("mean nMSE",)


def neg_mean_nmse(estimator, X, Y):
    """Scorer for the inner CV: minus the mean per-joint nMSE."""
    return -float(np.mean(nmse(Y, estimator.predict(X))))


def nmse(Y, pred):
    """Return the per-joint MSE / variance."""
    return np.mean((Y - pred) ** 2, axis=0) / np.var(Y, axis=0)


def models(seed, quick, n_jobs, grid):
    """Return name -> unfitted model."""
    epochs = {"max_epochs": 5} if quick else {}
    net = MultiTaskRegressor(random_state=seed, n_threads=1, **epochs)
    linear = RegularizedMultiTaskRegressor(max_iter=2000)
    inner = KFold(2 if quick else 3, shuffle=True, random_state=seed)
    trees = HistGradientBoostingRegressor(random_state=seed)
    out = {
        BASELINE: make_pipeline(StandardScaler(), PerTaskRegressor(RidgeCV(ALPHAS))),
        BASELINES[1]: PerTaskRegressor(trees),
        "pooled ridge": make_pipeline(
            StandardScaler(), PooledRegressor(RidgeCV(ALPHAS))
        ),
        "pooled HistGB": PooledRegressor(trees),
        "linear MTL (CV)": GridSearchCV(
            make_pipeline(StandardScaler(), linear),
            _data.penalty_grid(
                "regularizedmultitaskregressor__", [0.001, 0.01, 0.1], quick
            ),
            cv=inner,
            scoring=neg_mean_nmse,
        ),
        "single-task net": make_pipeline(
            StandardScaler(), clone(net).set_params(sharing="independent")
        ),
        "MTL net default": make_pipeline(StandardScaler(), net),
    }
    if grid:
        out["MTL net (CV)"] = GridSearchCV(
            make_pipeline(StandardScaler(), clone(net)),
            _data.net_grid("multitaskregressor__", quick),
            cv=inner,
            scoring=neg_mean_nmse,
            n_jobs=1 if quick else n_jobs,
        )
    return out


def run(splits, names, grid_folds, quick, n_jobs):
    """Return ``{model: [split results]}`` and the tuned choices per split."""
    results, chosen = {}, {}
    for k, (X_train, Y_train, X_test, Y_test) in enumerate(splits):
        for name, model in models(k, quick, n_jobs, k < grid_folds).items():
            start = time.perf_counter()
            model.fit(X_train, Y_train)
            pred = model.predict(X_test)
            seconds = time.perf_counter() - start
            per_task = dict(zip(names, nmse(Y_test, pred).tolist()))
            metrics = {METRICS[0]: float(np.mean(list(per_task.values())))}
            split = {"metrics": metrics, "per_task": per_task, "seconds": seconds}
            _data.record(results, chosen, name, model, split)
            print(
                f"split {k} {name}: nMSE {metrics[METRICS[0]]:.4f} ({seconds:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    return results, chosen


def load_splits(quick):
    """Return the splits, the joint names and a label of the protocol."""
    from skmtl.datasets import load_sarcos

    home = _data.data_dir()
    try:
        bunch = load_sarcos(subset="all", data_home=home)
    except FileNotFoundError:
        bunch = load_sarcos(subset="test", data_home=home)
        X, Y = bunch.data, bunch.target
        n_folds = 2 if quick else 5
        folds = KFold(n_folds, shuffle=True, random_state=0).split(X)
        splits = [(X[tr], Y[tr], X[te], Y[te]) for tr, te in folds]
        label = (
            f"{n_folds}-fold CV on the 4,449-row published TEST split only "
            "(sarcos_inv.mat absent; not comparable with published SARCOS results)"
        )
        return splits, list(bunch.target_names), label
    train = bunch.split == "train"
    X, Y = bunch.data, bunch.target
    splits = [(X[train], Y[train], X[~train], Y[~train])]
    return splits, list(bunch.target_names), "published train/test split"


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 folds, 5 epochs")
    parser.add_argument(
        "--grid-folds", type=int, default=5, help="splits that run the net grid"
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="for the net grid")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)

    absent = _data.missing("sarcos_test.npz")
    if absent:
        _data.skip("sarcos", absent)
        return
    splits, names, label = load_splits(args.quick)
    grid_folds = 1 if args.quick else min(args.grid_folds, len(splits))

    start = time.perf_counter()
    with threadpool_limits(limits=1):
        results, chosen = run(splits, names, grid_folds, args.quick, args.n_jobs)
    total = time.perf_counter() - start
    counts = {name: len(s) for name, s in results.items()}
    partial = grid_folds < len(splits)
    rows, _ = _data.summary_rows(
        results, BASELINES, METRICS, higher_is_better=False, fmt="{:.4f}", seeds=counts
    )
    note = _data.best_baseline_note(results, BASELINES, False, "joints")
    header = [
        "model",
        *METRICS,
        "Δm% vs best ST (joint nMSE)",
        "joints won vs best ST",
        "s/fit",
    ]
    print(
        f"SARCOS, {label}; per-joint nMSE (lower is better), mean ± std over "
        "splits; Δm% and wins vs the best single-task model of each joint"
        + (f" (* = first {grid_folds} split(s) only)." if partial else ".")
    )
    print(_data.markdown(header, rows))
    print(note)
    print()
    per_joint = ["model", *names]
    joint_rows = [
        [name, *(f"{v:.4f}" for v in _data.per_task_means(s).values())]
        for name, s in results.items()
    ]
    print("Per-joint nMSE (mean over splits):")
    print(_data.markdown(per_joint, joint_rows))
    print()
    for name, picks in chosen.items():
        print(f"{name} chose: {picks}")
    print(sentences(results))
    print(f"\n({len(splits)} splits in {total:.0f} s)")
    if args.rst:
        caption = (
            f"SARCOS, {label}: mean per-joint nMSE (lower is better, mean ± std "
            "over splits); Δm% and wins vs the best single-task model of each "
            "joint; s/fit includes inner CV"
        )
        notes = [
            note,
            _data.rst("Per-joint nMSE (mean over splits)", per_joint, joint_rows),
        ]
        if partial:
            notes.insert(
                1,
                f"``*`` run on the first {grid_folds} split(s) only, compared "
                "with single-task on the same splits.",
            )
        _data.write(args.rst, _data.rst(caption, header, rows, notes))


def sentences(results):
    """Return an honest conclusion from the measured numbers."""
    score = {
        name: float(np.mean([s["metrics"][METRICS[0]] for s in splits]))
        for name, splits in results.items()
    }
    best = min(score, key=score.get)
    net, single_net = score["MTL net default"], score["single-task net"]
    return (
        f"Lowest mean nMSE: {best} ({score[best]:.4f}). Networks are far better "
        "than linear models on these torques"
        if min(net, single_net) < score[BASELINE]
        else f"Lowest mean nMSE: {best} ({score[best]:.4f})"
    ) + (
        f"; the shared network {'beats' if net < single_net else 'does not beat'} "
        f"the independent one ({net:.4f} vs {single_net:.4f})."
    )


if __name__ == "__main__":
    sys.exit(main())
