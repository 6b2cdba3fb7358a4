"""Single-target vs stacked single-target vs chain ensembles on the Mulan MTR data.

The multi-target regression datasets collected by Spyromitros-Xioufis et al.
(Machine Learning 104(1), 2016), in ``<data>/mtr/*.npz``; ``<data>`` is the
environment variable ``SKMTL_DATA`` or ``../shared/data`` next to the repository.

Methods, each with a Ridge and a RandomForest base (a Pipeline with a
SimpleImputer, since some datasets have missing inputs; Ridge also scales):

* ST: single-target, :class:`sklearn.multioutput.MultiOutputRegressor`;
* SST: :class:`skmtl.ensemble.StackedTasksRegressor` (out-of-fold stage-1
  estimates from an inner shuffled 5-fold split);
* ERC: :class:`skmtl.ensemble.ChainEnsembleRegressor` (10 chains, the same
  inner split).

Score: aRRMSE, the mean over targets of the RMSE on the test fold divided by the
RMSE of predicting the training mean, averaged over an outer 5-fold split
(KFold, shuffle, random_state=0); lower is better. Per base, each dataset ranks
the three methods, and Δm% is the mean relative aRRMSE reduction vs ST (positive
= better than ST). Nothing is tuned. ``sf1``/``sf2`` nominal inputs are used as
their integer codes.

Time (2 shared cores): the default run (Ridge on all 16 datasets, RandomForest
with 100 trees on the 8 small ones) takes about 15 minutes; ``--full`` also
runs RandomForest on the 8 larger datasets (``rf1``, ``scm20d``, ``oes10``, ...)
and takes many hours (ERC refits 10 chains x 6 forests per target per fold);
``--quick`` runs Ridge on 2 small datasets with 2 outer folds in seconds.
``--rst PATH`` also writes the table as reStructuredText.
"""

import argparse
import pathlib
import sys
import time

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmtl.ensemble import ChainEnsembleRegressor, StackedTasksRegressor
from skmtl.metrics import relative_gain

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from _data import data_dir

METHODS = ("ST", "SST", "ERC")
BASES = ("Ridge", "RF")
# RandomForest runs on these by default; the others need --full (hours).
RF_DEFAULT = ("andro", "edm", "enb", "jura", "scpf", "sf1", "sf2", "slump")
QUICK = ("edm", "slump")


def load(folder, name):
    """Return ``X``, ``Y`` of one dataset."""
    with np.load(folder / "mtr" / f"{name}.npz") as data:
        return data["X"].astype(np.float64), data["Y"].astype(np.float64)


def base_estimator(base):
    """Return the base pipeline: imputation, then Ridge (scaled) or a forest."""
    if base == "Ridge":
        return make_pipeline(SimpleImputer(), StandardScaler(), Ridge())
    forest = RandomForestRegressor(n_estimators=100, n_jobs=1, random_state=0)
    return make_pipeline(SimpleImputer(), forest)


def model(method, base):
    """Return the multi-target model ``method`` over the base ``base``."""
    estimator = base_estimator(base)
    inner = KFold(5, shuffle=True, random_state=0)
    if method == "ST":
        return MultiOutputRegressor(estimator)
    if method == "SST":
        return StackedTasksRegressor(estimator, cv=inner)
    return ChainEnsembleRegressor(estimator, n_chains=10, cv=inner, random_state=0)


def arrmse(Y_true, Y_pred, Y_train):
    """Return the mean over targets of RMSE / RMSE of the training mean."""
    error = np.sqrt(np.mean((Y_true - Y_pred) ** 2, axis=0))
    baseline = np.sqrt(np.mean((Y_true - Y_train.mean(axis=0)) ** 2, axis=0))
    return float(np.mean(error / baseline))


def score_fold(folder, name, method, base, train, test):
    """Return the aRRMSE of one model on one outer fold."""
    X, Y = load(folder, name)
    fitted = clone(model(method, base)).fit(X[train], Y[train])
    return arrmse(Y[test], fitted.predict(X[test]), Y[train])


def run(folder, names, bases, n_folds, n_jobs=1):
    """Return ``{(name, base, method): mean aRRMSE}`` and the dataset shapes.

    Progress goes to stderr, one line per dataset.
    """
    results, shapes = {}, {}
    for name in names:
        start = time.perf_counter()
        X, Y = load(folder, name)
        shapes[name] = (X.shape[0], X.shape[1], Y.shape[1])
        folds = list(KFold(n_folds, shuffle=True, random_state=0).split(X))
        keys = [
            (base, method)
            for base in bases
            if name in bases[base]
            for method in METHODS
        ]
        scores = Parallel(n_jobs=n_jobs)(
            delayed(score_fold)(folder, name, method, base, train, test)
            for base, method in keys
            for train, test in folds
        )
        for k, (base, method) in enumerate(keys):
            fold_scores = scores[k * n_folds : (k + 1) * n_folds]
            results[(name, base, method)] = float(np.mean(fold_scores))
        bases_run = ", ".join(dict.fromkeys(base for base, _ in keys))
        seconds = time.perf_counter() - start
        print(f"{name}: {bases_run} in {seconds:.0f} s", file=sys.stderr, flush=True)
    return results, shapes


def columns(bases):
    """Return the table's result columns as (base, method) pairs."""
    return [(base, method) for base in bases for method in METHODS]


def comparisons(results, names, bases):
    """Return per base: mean ranks, Δm% vs ST and wins over ST per method."""
    summary = {}
    for base in bases:
        ran = [n for n in names if (n, base, "ST") in results]
        if not ran:
            continue
        table = np.array([[results[(n, base, m)] for m in METHODS] for n in ran])
        ranks = np.mean([rankdata(row) for row in table], axis=0)
        single = {n: results[(n, base, "ST")] for n in ran}
        per_method = {}
        for j, method in enumerate(METHODS):
            scores = {n: results[(n, base, method)] for n in ran}
            per_method[method] = {
                "rank": float(ranks[j]),
                "gain": relative_gain(scores, single, higher_is_better=False),
                "wins": sum(scores[n] < single[n] for n in ran),
                "n": len(ran),
            }
        summary[base] = per_method
    return summary


def cell(results, name, base, method):
    value = results.get((name, base, method))
    return "—" if value is None else f"{value:.3f}"


def markdown(results, shapes, summary, bases):
    """Return the table as markdown: one row per dataset, then ranks and Δm%."""
    cols = columns(bases)
    header = "| dataset | n | d | targets | " + " | ".join(f"{m} {b}" for b, m in cols)
    lines = [header + " |", "|" + " --- |" * (4 + len(cols))]
    for name, (n, d, k) in shapes.items():
        cells = " | ".join(cell(results, name, b, m) for b, m in cols)
        lines.append(f"| {name} | {n} | {d} | {k} | {cells} |")
    for label, key, fmt in (
        ("mean rank", "rank", "{:.2f}"),
        ("Δm%", "gain", "{:+.1f}"),
    ):
        cells = " | ".join(
            fmt.format(summary[b][m][key]) if b in summary else "—" for b, m in cols
        )
        lines.append(f"| {label} | | | | {cells} |")
    return "\n".join(lines)


def rst(results, shapes, summary, bases, n_folds):
    """Return the table as a reStructuredText list-table."""
    cols = columns(bases)
    lines = [
        f".. list-table:: aRRMSE on the Mulan datasets ({n_folds}-fold CV, lower is "
        "better); mean rank among ST/SST/ERC per base; Δm% = mean aRRMSE "
        "reduction vs ST",
        "   :header-rows: 1",
        "",
        "   * - dataset",
        "     - n",
        "     - d",
        "     - targets",
    ]
    lines += [f"     - {m} {b}" for b, m in cols]
    for name, (n, d, k) in shapes.items():
        lines += [f"   * - {name}", f"     - {n}", f"     - {d}", f"     - {k}"]
        lines += [f"     - {cell(results, name, b, m)}" for b, m in cols]
    for label, key, fmt in (
        ("mean rank", "rank", "{:.2f}"),
        ("Δm%", "gain", "{:+.1f}"),
    ):
        lines += [f"   * - {label}", "     -", "     -", "     -"]
        lines += [
            f"     - {fmt.format(summary[b][m][key]) if b in summary else '—'}"
            for b, m in cols
        ]
    return "\n".join(lines) + "\n"


def sentences(summary):
    """Return honest sentences: did stacking and chains beat single-target?"""
    lines = []
    for base, per_method in summary.items():
        sst, erc = per_method["SST"], per_method["ERC"]
        lines.append(
            f"{base}: StackedTasks beat single-target on {sst['wins']} of "
            f"{sst['n']} datasets (Δm% {sst['gain']:+.1f}), ChainEnsemble on "
            f"{erc['wins']} of {erc['n']} (Δm% {erc['gain']:+.1f}); mean ranks "
            f"ST {per_method['ST']['rank']:.2f}, SST {sst['rank']:.2f}, "
            f"ERC {erc['rank']:.2f}."
        )
    return "\n".join(lines)


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="Ridge on 2 small datasets, 2 folds"
    )
    parser.add_argument(
        "--full", action="store_true", help="RandomForest on every dataset (hours)"
    )
    parser.add_argument("--datasets", nargs="+", help="dataset names (default: all)")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    parser.add_argument(
        "--n-jobs", type=int, default=1, help="outer folds run in parallel"
    )
    args = parser.parse_args(argv)

    folder = data_dir()
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
    rf_names = names if args.full else [n for n in names if n in RF_DEFAULT]
    bases = {"Ridge": names}
    if not args.quick and rf_names:
        bases["RF"] = rf_names

    start = time.perf_counter()
    # One BLAS/OpenMP thread per process: with many small fits, idle BLAS
    # threads spinning on a busy machine made Ridge fits 50x slower here.
    with threadpool_limits(limits=1):
        results, shapes = run(folder, names, bases, n_folds, args.n_jobs)
    summary = comparisons(results, names, list(bases))
    skipped = [n for n in names if "RF" in bases and n not in bases["RF"]]
    note = f"; — = not run (RandomForest on {skipped} needs --full)" if skipped else ""
    print(f"aRRMSE (lower is better), mean of {n_folds} outer folds{note}.")
    print(markdown(results, shapes, summary, list(bases)))
    print()
    print(sentences(summary))
    print(f"\n({len(names)} datasets in {time.perf_counter() - start:.0f} s)")
    if args.rst:
        with open(args.rst, "w", encoding="utf-8") as handle:
            handle.write(rst(results, shapes, summary, list(bases), n_folds))


if __name__ == "__main__":
    sys.exit(main())
