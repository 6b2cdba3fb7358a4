"""The negative-transfer guard on real multi-target data (small Mulan sets).

For each data set, 5-fold cross-validation (shuffled, seed 0) of three models
built from the same network: one per task (single task), one for all tasks
(all shared) and the guarded grouping (``TaskGroupingRegressor(guard=True)``,
number of groups by inner CV). Per fold, the mean over targets of the test R²;
the table gives mean ± std over folds, Δm% against single task, and the paired
difference guarded - single task with its corrected resampled t-test p-value
(:func:`skmtl.metrics.paired_difference`). Features are mean-imputed (scpf,
osales and rf1 have missing values) and standardized on each training fold.

Run: ``nice -n 10 python benchmarks/quality/grouping_real.py [--datasets edm
slump]`` (minutes per small data set on 2 cores); ``--quick`` runs slump with 2
folds and few epochs; ``--rst PATH`` also writes the table for the docs.
"""

import argparse
import pathlib
import sys

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskRegressor, TaskGroupingRegressor
from skmtl.datasets import load_mtr
from skmtl.metrics import paired_difference, per_task_scores, relative_gain

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

NET = {"shared_layers": (64,), "max_epochs": 60, "batch_size": 32, "lr": 3e-3}
DATASETS = ("slump", "edm", "jura", "sf1", "enb", "andro", "sf2")


def models(n_tasks, net_params, seed):
    """Return the three models compared."""
    net = MultiTaskRegressor(**net_params, random_state=seed)
    return {
        "single task": TaskGroupingRegressor(net, n_groups=n_tasks, random_state=seed),
        "all shared": TaskGroupingRegressor(net, n_groups=1, random_state=seed),
        "guarded": TaskGroupingRegressor(net, guard=True, random_state=seed),
    }


def evaluate(name, n_folds, net_params):
    """Return ``{model: [per-task score dict per fold]}`` and the guard choices."""
    X, Y = load_mtr(name, return_X_y=True, data_home=_data.data_dir())
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    folds = KFold(n_folds, shuffle=True, random_state=0).split(X)
    results, choices = {}, []
    for train, test in folds:
        # Mean imputation for the sets with missing features (scpf, osales, rf1).
        scaler = make_pipeline(SimpleImputer(), StandardScaler()).fit(X[train])
        for model_name, model in models(Y.shape[1], net_params, 0).items():
            model.fit(scaler.transform(X[train]), Y[train])
            scores = per_task_scores(Y[test], model.predict(scaler.transform(X[test])))
            results.setdefault(model_name, []).append(scores)
            if model_name == "guarded":
                choices.append(model.guard_choice_)
    return results, choices


def rows_for(name, results, test_train_ratio, *, means=None, higher_is_better=True):
    """Return the table rows of one data set.

    ``results`` is ``{model: [task -> score, one dict per split]}``: Δm% compares
    the per-task scores averaged over splits (``higher_is_better`` says their
    direction). ``means`` is ``{model: [score per split]}``, the score shown and
    paired (default: each split's mean over tasks); ``test_train_ratio``, the
    splits' ``n_test / n_train``, corrects the paired t-test.
    """
    if means is None:
        means = {
            m: [np.mean(list(s.values())) for s in folds]
            for m, folds in results.items()
        }
    task_means = {
        m: {t: np.mean([s[t] for s in folds]) for t in folds[0]}
        for m, folds in results.items()
    }
    difference = paired_difference(
        means["guarded"], means["single task"], test_train_ratio=test_train_ratio
    )
    rows = []
    for model, values in means.items():
        gain = relative_gain(
            task_means[model],
            task_means["single task"],
            higher_is_better=higher_is_better,
        )
        extra = ""
        if model == "guarded":
            extra = f"{difference.mean:+.3f} (p={difference.p_value:.2f})"
        rows.append([name, model, _data.mean_std(values), f"{gain:+.1f}", extra])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rst", default=None)
    args = parser.parse_args(argv)
    names = ["slump"] if args.quick else args.datasets
    absent = _data.missing(*[f"mtr/{name}.npz" for name in names])
    if absent:
        _data.skip("grouping_real", absent)
        return
    n_folds = 2 if args.quick else 5
    net_params = {**NET, "max_epochs": 5} if args.quick else NET
    header = ["data", "model", "mean R² (folds)", "Δm% vs single", "guarded - single"]
    rows, notes = [], []
    for name in names:
        results, choices = evaluate(name, n_folds, net_params)
        rows += rows_for(name, results, 1 / (n_folds - 1))
        kept = [kind for fold in choices for kind in fold.values()]
        counts = {kind: kept.count(kind) for kind in ("single", "group", "shared")}
        notes.append(f"{name}: guard kept {counts} (task x fold decisions).")
        print(_data.markdown(header, rows[-3:]), flush=True)
    print(_data.markdown(header, rows))
    print("\n".join(notes))
    if args.rst:
        _data.write(args.rst, _data.rst("Guard on Mulan data", header, rows, notes))


if __name__ == "__main__":
    main()
