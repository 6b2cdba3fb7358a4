"""Model selection on Dask and Ray clusters gives the serial results.

Each engine starts a local cluster of two worker processes, as a real cluster
would run them, whose torch would use two threads: skmtl must still train with
one torch thread per worker (no oversubscription) and find exactly the serial
search's scores.
"""

import numpy as np
import pytest
import skorch
import torch
from joblib import parallel_config
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skmtl import MultiTaskRegressor, PerTaskRegressor, RegularizedMultiTaskRegressor
from skmtl.datasets import make_multitask_regression

FAST = {"shared_layers": (16,), "max_epochs": 4, "batch_size": 32, "random_state": 0}
# Bit-identical results need the same torch thread count in the serial search
# (the workers' count is checked separately, without this parameter).
ONE_THREAD = {**FAST, "n_threads": 1}

SEARCHES = {
    "neural": (
        MultiTaskRegressor(**ONE_THREAD),
        {"sharing": ["hard", "mmoe"], "lr": [1e-3, 1e-2]},
    ),
    "linear": (
        RegularizedMultiTaskRegressor(),
        {"penalty": ["l21", "mean"], "alpha": [0.01, 0.1]},
    ),
    "per-task": (PerTaskRegressor(Ridge()), {"estimator__alpha": [0.1, 1.0]}),
}


class RecordThreads(skorch.callbacks.Callback):
    """Remember torch's thread count when training starts (module level: pickles)."""

    def on_train_begin(self, net, **kwargs):
        self.threads = torch.get_num_threads()


@pytest.fixture(scope="module")
def data():
    return make_multitask_regression(
        n_samples=90, n_features=5, n_tasks=3, missing_rate=0.2, random_state=0
    )


@pytest.fixture(scope="module")
def serial_results(data):
    X, Y = data
    return {
        name: GridSearchCV(model, grid, cv=KFold(3)).fit(X, Y).cv_results_
        for name, (model, grid) in SEARCHES.items()
    }


def _assert_same_search(engine_results, serial_results):
    for name, distributed in engine_results.items():
        serial = serial_results[name]
        assert distributed["params"] == serial["params"], name
        for key in serial:
            if key.endswith("test_score"):
                np.testing.assert_array_equal(distributed[key], serial[key], key)


def _run_searches_and_threads(backend, data, names=tuple(SEARCHES)):
    X, Y = data
    with parallel_config(backend=backend, n_jobs=2):
        results = {
            name: GridSearchCV(model, grid, cv=KFold(3)).fit(X, Y).cv_results_
            for name, (model, grid) in SEARCHES.items()
            if name in names
        }
        fits = cross_validate(
            MultiTaskRegressor(**FAST, callbacks=[RecordThreads()]),
            X,
            Y,
            cv=KFold(2),
            return_estimator=True,
        )
    threads = [
        dict(est.net_.callbacks_)["RecordThreads"].threads for est in fits["estimator"]
    ]
    return results, threads


@pytest.mark.slow
def test_dask_cluster_search_equals_serial(data, serial_results):
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(cluster.workers) == 2
        # Workers whose torch runs 2 threads: skmtl must lower it to one per fit.
        client.run(torch.set_num_threads, 2)
        assert set(client.run(torch.get_num_threads).values()) == {2}
        results, threads = _run_searches_and_threads("dask", data)
    _assert_same_search(results, serial_results)
    assert threads == [1, 1]


@pytest.mark.slow
def test_ray_cluster_search_equals_serial(data, serial_results):
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    # Workers whose OpenMP default is 2 threads: skmtl must lower it to one.
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"OMP_NUM_THREADS": "2"}},
    )
    try:
        register_ray()
        # Ray's joblib backend starts a new pool of workers (importing torch) for
        # every search: the neural search only, to keep the test short.
        results, threads = _run_searches_and_threads("ray", data, names=["neural"])
    finally:
        ray.shutdown()
    _assert_same_search(results, serial_results)
    assert threads == [1, 1]


def test_the_users_process_is_no_dask_worker():
    from skmtl.utils._threads import inside_dask_worker, inside_joblib_worker

    assert not inside_dask_worker()
    assert not inside_joblib_worker()
