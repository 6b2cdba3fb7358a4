"""The work of each process of ``data_parallel.py`` (an importable module)."""

import pathlib
import time

import numpy as np
import torch.distributed as dist

from skmtl import MultiTaskRegressor


def make_data(n_samples):
    """Return the features and targets (10 tasks)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, 50), dtype=np.float32)
    Y = np.tanh(X[:, :10]) @ rng.standard_normal((10, 10), dtype=np.float32)
    return X, Y


def fit_seconds(X, Y, epochs):
    """Fit once and return the wall time and the predictions."""
    model = MultiTaskRegressor(
        shared_layers=(128, 128),
        max_epochs=epochs,
        batch_size=256,
        random_state=0,
        n_threads=1,
    )
    start = time.perf_counter()
    model.fit(X, Y)
    return time.perf_counter() - start, model.predict(X)


def worker(rank, world_size, init_file, out_dir, n_samples, epochs, repeats):
    """One process of the group: warm up, then time ``repeats`` fits."""
    dist.init_process_group(
        "gloo", init_method=f"file://{init_file}", rank=rank, world_size=world_size
    )
    try:
        X, Y = make_data(n_samples)
        fit_seconds(X[:512], Y[:512], 1)
        times = []
        for _ in range(repeats):
            dist.barrier()
            seconds, predictions = fit_seconds(X, Y, epochs)
            times.append(seconds)
        if rank == 0:
            np.save(pathlib.Path(out_dir) / "times.npy", np.asarray(times))
            np.save(pathlib.Path(out_dir) / "predictions.npy", predictions)
        dist.barrier()  # every collective done before the teardown
    finally:
        dist.destroy_process_group()
