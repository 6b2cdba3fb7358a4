"""Single-target vs stacking, chains, pooling and multi-task models on Mulan MTR data.

The multi-target regression datasets collected by Spyromitros-Xioufis et al.
(Machine Learning 104(1), 2016), in ``<data>/mtr/*.npz``; ``<data>`` is the
environment variable ``SKMTL_DATA`` or ``../shared/data`` next to the repository.

Every model starts with mean imputation (some datasets have missing inputs) and
standardized inputs. Two groups, each compared with its own single-target model:

Ridge group (Ridge's ``alpha`` chosen per target by ``RidgeCV``'s leave-one-out
over 13 values in 1e-3..1e3):

* ST: single-target, :class:`sklearn.multioutput.MultiOutputRegressor`;
* SST: :class:`skmtl.ensemble.StackedTasksRegressor` with its defaults
  (out-of-fold stage-1 estimates from a shuffled inner 5-fold split) and
  ``random_state=0``;
* ERC: :class:`skmtl.ensemble.ChainEnsembleRegressor` (10 chains, its default
  inner split, ``random_state=0``);
* pooled: :class:`skmtl.PooledRegressor` (one ``RidgeCV`` over all targets with
  a one-hot target indicator) on standardized targets;
* linear MTL (CV): :class:`skmtl.RegularizedMultiTaskRegressor` on standardized
  targets, penalty in {l21, trace, mean, clustered} x alpha in {0.001, 0.01,
  0.1, 1} chosen by inner 3-fold CV (mean per-target R²) on the training fold;
* MTL net: :class:`skmtl.MultiTaskRegressor` with its default parameters
  (``random_state=0``, ``n_threads=1``);
* MTL net (CV): the same with ``sharing`` in {hard, mmoe, soft} x
  ``loss_weighting`` in {equal, uncertainty} chosen by the same inner CV. It
  costs 19 network fits per outer fold, so by default it runs on the datasets
  with at most 2,000 rows (not ``rf1`` and ``scm20d``; ``--full`` runs them).

RF group (a 100-tree RandomForest base): ST, SST and ERC as above; by default on
the 8 small datasets (``--full``: all, which takes many hours since ERC refits
10 chains x 6 forests per target per fold).

Score: aRRMSE, the mean over targets of the RMSE on the test fold divided by the
RMSE of predicting the training mean, averaged over an outer 5-fold split
(KFold, shuffle, random_state=0); lower is better. Whatever is tuned is tuned on
the training fold only. Per group, each dataset on which every model of the
group ran ranks the models; Δm% is the mean relative aRRMSE reduction vs the
group's ST (positive = better than ST) and "wins" counts the datasets where a
model beat ST; the same against the best ST of any group on each dataset ("vs
best ST", chosen on the test folds, which favours the baseline). ``sf1``/``sf2``
nominal inputs are used as their integer codes.

HistGB group (``HistGradientBoostingRegressor`` at its defaults, missing inputs
handled natively, early stopping as scikit-learn does it, ``random_state=0``):
ST, and pooled (one model on all targets, standardized, the target one
categorical feature), on every dataset.

Time (2 cores, ``--n-jobs 2``): 35 to 50 minutes by default; ``--quick`` runs
the Ridge group with 5-epoch networks and trimmed grids on 2 small datasets with
2 outer folds in seconds. ``--rst PATH`` also writes the table as
reStructuredText; ``--cache PATH`` keeps each finished model of each dataset in
a JSON file and resumes from it; ``--models SST ERC`` runs only those models
(of both groups), e.g. to re-run what a change affects into an existing cache
(``--rerun`` drops their cached results first).
"""

import argparse
import json
import pathlib
import sys
import time
from collections import Counter

import numpy as np
from joblib import Parallel, delayed
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmtl import MultiTaskRegressor, PooledRegressor, RegularizedMultiTaskRegressor
from skmtl.ensemble import ChainEnsembleRegressor, StackedTasksRegressor

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data
from _mulan import GROUPS, comparisons, label, sentences, table_rows

ALPHAS = np.logspace(-3, 3, 13)
# RandomForest runs on these by default; the others need --full (hours).
RF_DEFAULT = ("andro", "edm", "enb", "jura", "scpf", "sf1", "sf2", "slump")
# The network grid runs by default on datasets with at most this many rows.
NET_CV_MAX_ROWS = 2000
QUICK = ("edm", "slump")


def load(folder, name):
    """Return ``X``, ``Y`` of one dataset."""
    with np.load(folder / "mtr" / f"{name}.npz") as data:
        return data["X"].astype(np.float64), data["Y"].astype(np.float64)


def prepared(estimator):
    """Return ``estimator`` after mean imputation and standardization."""
    return make_pipeline(SimpleImputer(), StandardScaler(), estimator)


def standardized_targets(estimator):
    """Return ``estimator`` fitted on standardized targets (scale-free penalties)."""
    return TransformedTargetRegressor(estimator, transformer=StandardScaler())


def model(method, base, quick=False):
    """Return the unfitted model ``method`` of group ``base``."""
    tune = {"cv": KFold(2 if quick else 3, shuffle=True, random_state=0)}
    tune["scoring"] = "r2"
    if base == "HistGB":
        estimator = HistGradientBoostingRegressor(random_state=0)
    elif base == "RF":
        estimator = make_pipeline(
            SimpleImputer(),
            RandomForestRegressor(n_estimators=100, n_jobs=1, random_state=0),
        )
    else:
        estimator = prepared(RidgeCV(alphas=ALPHAS))
    net = MultiTaskRegressor(
        random_state=0, n_threads=1, **({"max_epochs": 5} if quick else {})
    )
    if method == "ST":
        return MultiOutputRegressor(estimator)
    if method == "SST":
        return StackedTasksRegressor(estimator, random_state=0)
    if method == "ERC":
        return ChainEnsembleRegressor(estimator, n_chains=10, random_state=0)
    if method == "pooled" and base == "HistGB":
        return standardized_targets(PooledRegressor(estimator))
    if method == "pooled":
        return standardized_targets(prepared(PooledRegressor(RidgeCV(alphas=ALPHAS))))
    if method == "linear MTL":
        linear = RegularizedMultiTaskRegressor(max_iter=2000)
        prefix = "regressor__regularizedmultitaskregressor__"
        grid = _data.penalty_grid(prefix, [0.001, 0.01, 0.1, 1.0], quick)
        return GridSearchCV(standardized_targets(prepared(linear)), grid, **tune)
    if method == "net":
        return prepared(net)
    grid = _data.net_grid("multitaskregressor__", quick)
    return GridSearchCV(prepared(net), grid, **tune)


def rrmse(Y_true, Y_pred, Y_train):
    """Return each target's RMSE / RMSE of the training mean (aRRMSE: their mean)."""
    error = np.sqrt(np.mean((Y_true - Y_pred) ** 2, axis=0))
    baseline = np.sqrt(np.mean((Y_true - Y_train.mean(axis=0)) ** 2, axis=0))
    return error / baseline


def choice(fitted):
    """Return the settings a grid search chose, as short text (None otherwise)."""
    if not isinstance(fitted, GridSearchCV):
        return None
    return "/".join(str(v) for _, v in sorted(fitted.best_params_.items()))


def score_fold(folder, name, method, base, train, test, quick):
    """Return the per-target RRMSE of one model on one outer fold and its choice."""
    X, Y = load(folder, name)
    fitted = model(method, base, quick).fit(X[train], Y[train])
    return rrmse(Y[test], fitted.predict(X[test]), Y[train]), choice(fitted)


def planned(name, n_rows, full, quick, methods=None):
    """Return the ``(base, method)`` pairs that run on dataset ``name``.

    ``methods``, when given, keeps only those methods (of every group).
    """
    keys = []
    for base, group in GROUPS.items():
        if base == "RF" and (quick or not (full or name in RF_DEFAULT)):
            continue
        for method in group:
            if method == "net CV" and n_rows > NET_CV_MAX_ROWS and not full:
                continue
            if methods is None or method in methods:
                keys.append((base, method))
    return keys


def run_dataset(
    folder, name, n_folds, *, full=False, quick=False, n_jobs=1, methods=None, done=()
):
    """Return one dataset's record: shape and, per model, aRRMSE and grid picks.

    Per model: ``scores`` (mean aRRMSE over the outer folds), ``stds`` (their
    standard deviation), ``per_target`` (each target's RRMSE averaged over the
    folds) and ``picks`` (what a grid search chose on each fold). ``methods``
    restricts the models (see :func:`planned`); the ``"base|method"`` keys in
    ``done`` are skipped (already in the cache).
    """
    X, Y = load(folder, name)
    folds = list(KFold(n_folds, shuffle=True, random_state=0).split(X))
    keys = [
        (base, method)
        for base, method in planned(name, X.shape[0], full, quick, methods)
        if f"{base}|{method}" not in done
    ]
    outcomes = Parallel(n_jobs=n_jobs)(
        delayed(score_fold)(folder, name, method, base, train, test, quick)
        for base, method in keys
        for train, test in folds
    )
    record = {"shape": [X.shape[0], X.shape[1], Y.shape[1]]}
    record |= {"scores": {}, "stds": {}, "per_target": {}, "picks": {}}
    for k, (base, method) in enumerate(keys):
        fold_outcomes = outcomes[k * n_folds : (k + 1) * n_folds]
        per_fold = np.array([s for s, _ in fold_outcomes])  # (folds, targets)
        key = f"{base}|{method}"
        record["scores"][key] = float(per_fold.mean(axis=1).mean())
        record["stds"][key] = float(per_fold.mean(axis=1).std())
        record["per_target"][key] = per_fold.mean(axis=0).tolist()
        record["picks"][key] = [c for _, c in fold_outcomes if c is not None]
    return record


def merge(record, new):
    """Add the models of record ``new`` to ``record`` (in place) and return it."""
    record["shape"] = new["shape"]
    for field in ("scores", "stds", "per_target", "picks"):
        record.setdefault(field, {}).update(new[field])
    return record


def drop(record, methods):
    """Remove the models ``methods`` (of every group) from ``record`` (in place)."""
    for field in ("scores", "stds", "per_target", "picks"):
        for key in [k for k in record.get(field, {}) if k.split("|")[1] in methods]:
            del record[field][key]


def run(
    folder,
    names,
    n_folds,
    *,
    full=False,
    quick=False,
    n_jobs=1,
    cache=None,
    methods=None,
    rerun=False,
):
    """Return the records of every dataset, by name (see :func:`run_dataset`).

    With ``cache`` (a JSON path), each dataset's finished models are saved there
    and the models already saved (with the same fold count and mode) are read
    back instead of re-run, so an interrupted run resumes. ``methods`` restricts
    the models run (the cached others stay in the record); ``rerun`` re-runs
    ``methods`` even when cached. Progress goes to stderr.
    """
    saved = {}
    if cache and pathlib.Path(cache).exists():
        saved = json.loads(pathlib.Path(cache).read_text(encoding="utf-8"))
    records = {}
    for name in names:
        start = time.perf_counter()
        mode = "full" if full else "quick" if quick else "default"
        tag = f"v2|{name}|{n_folds}|{mode}"
        record = saved.setdefault(tag, {})
        if rerun and methods:
            drop(record, methods)
        new = run_dataset(
            folder,
            name,
            n_folds,
            full=full,
            quick=quick,
            n_jobs=n_jobs,
            methods=methods,
            done=set(record.get("scores", {})),
        )
        merge(record, new)
        if cache:
            pathlib.Path(cache).write_text(json.dumps(saved), encoding="utf-8")
        records[name] = record
        seconds = time.perf_counter() - start
        print(
            f"{name}: {len(records[name]['scores'])} models in {seconds:.0f} s",
            file=sys.stderr,
        )
    return records


def flatten(records):
    """Return ``{(name, base, method): value}`` of means and stds, shapes, choices."""
    results, spreads, shapes, chosen = {}, {}, {}, {}
    for name, record in records.items():
        shapes[name] = tuple(record["shape"])
        for key, score in record["scores"].items():
            base, method = key.split("|")
            results[(name, base, method)] = score
            spreads[(name, base, method)] = record["stds"][key]
            if record["picks"][key]:
                chosen.setdefault((base, method), Counter()).update(
                    record["picks"][key]
                )
    return results, spreads, shapes, chosen


def per_target_csv(records, folder):
    """Return each target's RRMSE per model as CSV text."""
    lines = ["dataset,target,model,rrmse"]
    for name, record in records.items():
        with np.load(folder / "mtr" / f"{name}.npz") as data:
            targets = [str(t) for t in data["target_names"]]
        for key, values in record["per_target"].items():
            base, method = key.split("|")
            for target, value in zip(targets, values):
                lines.append(f"{name},{target},{label(base, method)},{value:.4f}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="Ridge group, 2 small datasets, 2 folds"
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="RandomForest and the network grid on every dataset (hours)",
    )
    parser.add_argument("--datasets", nargs="+", help="dataset names (default: all)")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    parser.add_argument(
        "--n-jobs", type=int, default=1, help="model x fold fits run in parallel"
    )
    parser.add_argument(
        "--cache", help="JSON file keeping finished datasets (resume after a stop)"
    )
    parser.add_argument(
        "--per-target", help="also write each target's RRMSE per model to this CSV"
    )
    parser.add_argument(
        "--models",
        nargs="+",
        choices=sorted({m for group in GROUPS.values() for m in group}),
        help="run only these models (of every group); cached others are kept",
    )
    parser.add_argument(
        "--rerun",
        action="store_true",
        help="with --models: re-run them even when the cache has them",
    )
    args = parser.parse_args(argv)

    folder = _data.data_dir()
    available = sorted(p.stem for p in (folder / "mtr").glob("*.npz"))
    if not available:
        print(
            f"SKIPPED: no Mulan datasets in {folder / 'mtr'}; set SKMTL_DATA to the "
            "folder holding mtr/*.npz."
        )
        return
    names = list(QUICK) if args.quick else available
    if args.datasets:
        unknown = sorted(set(args.datasets) - set(available))
        if unknown:
            parser.error(f"unknown datasets {unknown}; available: {available}")
        names = args.datasets
    n_folds = 2 if args.quick else 5

    start = time.perf_counter()
    # One BLAS/OpenMP thread per process: with many small fits, idle BLAS
    # threads spinning on a busy machine made Ridge fits 50x slower here.
    with threadpool_limits(limits=1):
        records = run(
            folder,
            names,
            n_folds,
            full=args.full,
            quick=args.quick,
            n_jobs=args.n_jobs,
            cache=args.cache,
            methods=args.models,
            rerun=args.rerun,
        )
    results, spreads, shapes, chosen = flatten(records)
    summary = comparisons(results, names)
    header, rows = table_rows(results, shapes, summary, spreads)
    note = (
        f"aRRMSE (lower is better), mean ± std over {n_folds} outer folds; "
        "— = not run by default (--full runs every model on every dataset)"
    )
    print(note + ".")
    print(_data.markdown(header, rows))
    print()
    print(sentences(summary, chosen))
    print(f"\n({len(names)} datasets in {time.perf_counter() - start:.0f} s)")
    if args.rst:
        caption = (
            f"aRRMSE on the Mulan datasets ({n_folds}-fold CV, lower is better, "
            "mean ± std over the folds); "
            "mean rank over the datasets where every model of the group ran; "
            "Δm% = mean aRRMSE reduction vs the group's ST, and vs the best ST "
            "of any group on each dataset; — = not run"
        )
        _data.write(args.rst, _data.rst(caption, header, rows))
    if args.per_target:
        _data.write(args.per_target, per_target_csv(records, folder))


if __name__ == "__main__":
    sys.exit(main())
