"""GridSearchCV on a Dask and a Ray cluster of two workers against the serial search.

The search of ``grid_search_parallel.py`` (sharing x loss weighting, 4 candidates
x 3 folds of ``MultiTaskRegressor`` on 6,000 x 30, 5 tasks, trunk (64, 64), 20
epochs, no refit) runs serially with one torch thread, with joblib's own
``n_jobs=2`` (loky), on a local Dask cluster (``LocalCluster`` with 2 worker
processes of one thread) through ``joblib.parallel_backend("dask")``, and on a
local Ray instance with 2 CPUs through ``ray.util.joblib``. The runs are paired
and alternated; each speed-up is the serial time over the engine's time in the
same repeat, and every engine's ``cv_results_`` scores are checked to equal the
serial ones. The clusters are started once, before the timing (their start-up is
printed separately): on a real cluster they run already.

Run: ``python benchmarks/speed/distributed_search.py`` (about 5 minutes on 2 idle
cores; the speed-ups need cores that are otherwise free); ``--quick`` runs a tiny
search in seconds (joblib's own backend only, unless ``--engines`` names
more); ``--rst PATH`` writes the table as reST. Needs the optional
extras ``skmtl[dask,ray]``; an engine that is not installed is reported as
skipped.
"""

import argparse
import contextlib
import importlib.util
import os
import pathlib
import sys
import time

import joblib
import numpy as np
from sklearn.model_selection import GridSearchCV

from skmtl import MultiTaskRegressor

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

GRID = {"sharing": ["hard", "mmoe"], "loss_weighting": ["equal", "uncertainty"]}


def search(X, Y, epochs, n_jobs=None):
    """Run the grid search (under the active joblib backend) and time it."""
    estimator = MultiTaskRegressor(
        shared_layers=(64, 64),
        max_epochs=epochs,
        batch_size=128,
        random_state=0,
        n_threads=1 if n_jobs is None else None,
    )
    grid = GridSearchCV(estimator, GRID, cv=3, n_jobs=n_jobs, refit=False)
    start = time.perf_counter()
    grid.fit(X, Y)
    return time.perf_counter() - start, grid.cv_results_["mean_test_score"]


@contextlib.contextmanager
def dask_backend():
    """Start a local Dask cluster of 2 single-threaded worker processes."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        yield "dask"


@contextlib.contextmanager
def ray_backend():
    """Start a local Ray instance with 2 CPUs and register its joblib backend."""
    import ray
    from ray.util.joblib import register_ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    register_ray()
    try:
        yield "ray"
    finally:
        ray.shutdown()


ENGINES = {
    "loky, n_jobs=2": (None, lambda: contextlib.nullcontext("loky")),
    "Dask LocalCluster, 2 workers": ("distributed", dask_backend),
    "Ray, num_cpus=2": ("ray", ray_backend),
}


def time_engine(name, X, Y, epochs, repeats, serial_scores):
    """Time the search on one engine, each repeat paired with a serial one."""
    module, starter = ENGINES[name]
    if module is not None and importlib.util.find_spec(module) is None:
        return None
    start = time.perf_counter()
    with starter() as backend, joblib.parallel_config(backend=backend, n_jobs=2):
        startup = time.perf_counter() - start
        search(X[:300], Y[:300], 1, n_jobs=2)  # warm up the workers
        ratios, seconds = [], []
        for _ in range(repeats):
            with joblib.parallel_config(backend="sequential"):
                serial_seconds, _ = search(X, Y, epochs)
            engine_seconds, scores = search(X, Y, epochs, n_jobs=2)
            np.testing.assert_array_equal(scores, serial_scores)
            seconds.append(engine_seconds)
            ratios.append(serial_seconds / engine_seconds)
    return startup, np.asarray(seconds), np.asarray(ratios)


def main(argv=None):
    """Time the searches and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny search, seconds")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rst", help="also write the table as reST to this path")
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=["loky", "dask", "ray"],
        help="engines to time (default: all; with --quick only loky, since a "
        "cluster's start-up alone takes longer than the quick search)",
    )
    args = parser.parse_args(argv)
    engines = args.engines or (["loky"] if args.quick else ["loky", "dask", "ray"])
    n_samples, epochs = (6000, 20) if not args.quick else (300, 1)
    repeats = 1 if args.quick else args.repeats
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, 30), dtype=np.float32)
    Y = np.tanh(X[:, :5]) @ rng.standard_normal((5, 5), dtype=np.float32)

    search(X[:300], Y[:300], 1)  # torch's lazy initialisation
    serial_seconds, serial_scores = search(X, Y, epochs)
    header = ["engine (4 candidates x 3 folds)", "start-up s", "median s", "speed-up"]
    rows = [["serial, n_threads=1", "", f"{serial_seconds:.1f}", "1.00"]]
    for name in ENGINES:
        if name.split()[0].lower().rstrip(",") not in engines:
            continue
        timed = time_engine(name, X, Y, epochs, repeats, serial_scores)
        if timed is None:
            rows.append([name, "", "skipped: not installed", ""])
            continue
        startup, seconds, ratios = timed
        rows.append(
            [
                name,
                f"{startup:.1f}",
                f"{np.median(seconds):.1f}",
                f"{np.median(ratios):.2f} (min {ratios.min():.2f}, max "
                f"{ratios.max():.2f}; target >= 1.7: "
                f"{'yes' if np.median(ratios) >= 1.7 else '**no**'})",
            ]
        )
    print(
        f"GridSearchCV, {n_samples} x 30, 5 tasks, trunk (64, 64), {epochs} epochs, "
        f"{repeats} paired repeats; {os.cpu_count()} CPUs; cv_results_ scores "
        "equal to the serial search's on every engine\n"
    )
    print(_data.markdown(header, rows))
    if args.rst:
        caption = (
            "GridSearchCV wall time on two workers of each engine against the "
            f"serial search ({os.cpu_count()} CPUs)"
        )
        _data.write(args.rst, _data.rst(caption, header, rows))


if __name__ == "__main__":
    main()
