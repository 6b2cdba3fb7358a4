"""Speed of penalty="l21" against scikit-learn's MultiTaskLasso on shared X.

Both estimators solve the same problem, ``(1/2n) ||Y - XW^T - b||_F^2 + alpha
||W||_21``, at the same ``alpha`` (5% of the smallest alpha giving all-zero
coefficients) on synthetic data with correlated features and 10% of the features
relevant to every task. skmtl uses its accelerated proximal gradient solver,
scikit-learn its coordinate descent.

Both get the same ``tol`` and read it the same way: both stop when the duality
gap falls below ``tol`` times the targets' sum of squares (in each solver's
scaling of the objective). The table also gives the objective each reached, as
its relative excess over the best objective found for that problem
(scikit-learn at tol=1e-12, untimed, or any timed fit that went lower).

Times are wall-clock seconds over ``--repeats`` fits (median, min, max); the
ratio is skmtl's median over MultiTaskLasso's. Both run with one BLAS thread
(skmtl's solver limits itself to one; MultiTaskLasso is run under the same limit)
so the comparison does not depend on how busy the other cores are.

Run: ``python benchmarks/speed/linear_l21_vs_sklearn.py`` (about a minute on 2
cores); ``--quick`` runs tiny problems in seconds; ``--rst PATH`` also writes the
table as reStructuredText for the docs.
"""

import argparse
import platform
import time
import warnings
from functools import partial

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import MultiTaskLasso
from threadpoolctl import threadpool_limits

from skmtl.linear_model import RegularizedMultiTaskRegressor

# (n_samples, n_features, n_tasks)
CASES = [(5000, 200, 10), (2000, 500, 20), (500, 2000, 10)]
QUICK_CASES = [(200, 30, 4), (60, 150, 3)]
TOLERANCES = (1e-4, 1e-8)
TARGET_RATIO = 2.0


def make_problem(n_samples, n_features, n_tasks, seed=0):
    """Return ``X``, ``Y`` and ``alpha`` for one benchmark case."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    X[:, 1:] += 0.5 * X[:, :-1]  # neighbouring features correlated
    relevant = rng.random(n_features) < 0.1
    W = rng.standard_normal((n_tasks, n_features)) * relevant
    Y = X @ W.T + rng.standard_normal((n_samples, n_tasks))
    centered = (X - X.mean(axis=0)).T @ (Y - Y.mean(axis=0))
    alpha_max = np.sqrt((centered**2).sum(axis=1)).max() / n_samples
    return X, Y, 0.05 * alpha_max


def objective(X, Y, coef, intercept, alpha):
    """Return MultiTaskLasso's objective at ``coef``, ``intercept``."""
    residual = Y - X @ coef.T - intercept
    penalty = np.sqrt((coef**2).sum(axis=0)).sum()
    return (residual**2).sum() / (2 * len(X)) + alpha * penalty


def time_fits(make_estimator, X, Y, repeats):
    """Return the fit times and the last fitted estimator."""
    times = []
    for _ in range(repeats):
        estimator = make_estimator()
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            estimator.fit(X, Y)
        times.append(time.perf_counter() - start)
    return np.array(times), estimator


def run(cases, tolerances, repeats, max_iter=10_000):
    """Return one row per (case, tol) with times, iterations and objectives."""
    rows = []
    for n_samples, n_features, n_tasks in cases:
        X, Y, alpha = make_problem(n_samples, n_features, n_tasks)
        with threadpool_limits(limits=1, user_api="blas"):
            reference = MultiTaskLasso(alpha=alpha, tol=1e-12, max_iter=100_000)
            reference.fit(X, Y)
            best = objective(X, Y, reference.coef_, reference.intercept_, alpha)
            fitted = []
            for tol in tolerances:
                sk_times, sk = time_fits(
                    partial(MultiTaskLasso, alpha=alpha, tol=tol, max_iter=max_iter),
                    X,
                    Y,
                    repeats,
                )
                ours_times, ours = time_fits(
                    partial(
                        RegularizedMultiTaskRegressor,
                        penalty="l21",
                        alpha=alpha,
                        tol=tol,
                        max_iter=max_iter,
                    ),
                    X,
                    Y,
                    repeats,
                )
                values = [
                    objective(X, Y, model.coef_, model.intercept_, alpha)
                    for model in (sk, ours)
                ]
                best = min(best, *values)
                fitted.append((tol, sk_times, sk, ours_times, ours, values))
        for tol, sk_times, sk, ours_times, ours, values in fitted:
            rows.append(
                {
                    "shape": (n_samples, n_features, n_tasks),
                    "tol": tol,
                    "sklearn": sk_times,
                    "skmtl": ours_times,
                    "sklearn_iter": int(np.max(sk.n_iter_)),
                    "skmtl_iter": ours.n_iter_,
                    "sklearn_excess": (values[0] - best) / best,
                    "skmtl_excess": (values[1] - best) / best,
                    "ratio": np.median(ours_times) / np.median(sk_times),
                }
            )
    return rows


def _seconds(times):
    return f"{np.median(times):.4f} ({np.min(times):.4f}-{np.max(times):.4f})"


def markdown_table(rows, repeats):
    """Return the results as markdown lines."""
    lines = [
        f"{repeats} fits each; excess = relative objective above the best.",
        "",
        "| n x d x T | tol | MultiTaskLasso s: median (min-max) | iter | excess "
        "| skmtl l21 s: median (min-max) | iter | excess | ratio |",
        "| --- " * 9 + "|",
    ]
    for row in rows:
        shape = " x ".join(str(v) for v in row["shape"])
        lines.append(
            f"| {shape} | {row['tol']:.0e} | {_seconds(row['sklearn'])} "
            f"| {row['sklearn_iter']} | {row['sklearn_excess']:.1e} "
            f"| {_seconds(row['skmtl'])} | {row['skmtl_iter']} "
            f"| {row['skmtl_excess']:.1e} | {row['ratio']:.2f} |"
        )
    return lines


def summary(rows):
    """Return one verdict line per case and tolerance."""
    lines = []
    for row in rows:
        shape = " x ".join(str(v) for v in row["shape"])
        verdict = "within" if row["ratio"] <= TARGET_RATIO else "outside"
        lines.append(
            f"{shape}, tol={row['tol']:.0e}: skmtl l21 / MultiTaskLasso median time "
            f"ratio {row['ratio']:.2f} ({verdict} the {TARGET_RATIO:g}x target); "
            f"objective excess {row['skmtl_excess']:.1e} vs "
            f"{row['sklearn_excess']:.1e}."
        )
    return lines


def rst(rows, repeats):
    """Return the table as a reStructuredText list-table."""
    lines = [
        ".. list-table:: penalty='l21' (skmtl, accelerated proximal gradient) vs "
        "MultiTaskLasso (scikit-learn, coordinate descent) on shared X, same alpha "
        f"and tol; seconds over {repeats} fits, median (min-max), one BLAS thread; "
        "excess: relative objective above the best found",
        "   :header-rows: 1",
        "",
        "   * - n x d x T",
        "     - tol",
        "     - MultiTaskLasso (s)",
        "     - iterations",
        "     - objective excess",
        "     - skmtl l21 (s)",
        "     - iterations",
        "     - objective excess",
        "     - time ratio",
    ]
    for row in rows:
        lines += [
            f"   * - {' x '.join(str(v) for v in row['shape'])}",
            f"     - {row['tol']:.0e}",
            f"     - {_seconds(row['sklearn'])}",
            f"     - {row['sklearn_iter']}",
            f"     - {row['sklearn_excess']:.1e}",
            f"     - {_seconds(row['skmtl'])}",
            f"     - {row['skmtl_iter']}",
            f"     - {row['skmtl_excess']:.1e}",
            f"     - {row['ratio']:.2f}",
        ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny problems, fast")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    parser.add_argument(
        "--repeats", type=int, default=None, help="fits per estimator (>= 5)"
    )
    args = parser.parse_args(argv)
    cases = QUICK_CASES if args.quick else CASES
    repeats = max(5, args.repeats or (5 if args.quick else 7))
    print(
        f"skmtl RegularizedMultiTaskRegressor(penalty='l21') vs scikit-learn "
        f"{sklearn.__version__} MultiTaskLasso; numpy {np.__version__}, "
        f"{platform.processor() or platform.machine()}"
    )
    start = time.perf_counter()
    rows = run(cases, TOLERANCES, repeats)
    for line in [*markdown_table(rows, repeats), "", *summary(rows)]:
        print(line)
    print(f"\n({time.perf_counter() - start:.0f} s)")
    if args.rst:
        with open(args.rst, "w", encoding="utf-8") as handle:
            handle.write(rst(rows, repeats))


if __name__ == "__main__":
    main()
