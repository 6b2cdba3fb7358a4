"""Data-parallel fit with torch.distributed (gloo, CPU) against one process.

``MultiTaskRegressor`` (trunk (128, 128), 10 tasks, batch 256, 5 epochs) on
20,000 x 50 rows, fitted by one process and by 2 processes of a gloo group
(each on its half of every batch, gradients summed: the same fit), one torch
thread per process. Prints the wall times of the fits (medians of paired
repeats, after a warm-up fit) and the largest difference of the predictions.

Run: ``python benchmarks/speed/data_parallel.py`` (about a minute on 2 cores);
``--quick`` runs a tiny fit; ``--rst PATH`` writes the table as reST.
"""

import argparse
import os
import pathlib
import sys
import tempfile
import time

import numpy as np
import torch.distributed as dist
import torch.multiprocessing as mp

from skmtl import MultiTaskRegressor

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data


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
    finally:
        dist.destroy_process_group()


def main(argv=None):
    """Time the fits and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny fit, seconds")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)
    n_samples, epochs = (1000, 1) if args.quick else (20000, 5)
    repeats = 1 if args.quick else args.repeats
    X, Y = make_data(n_samples)
    fit_seconds(X[:512], Y[:512], 1)
    single = []
    for _ in range(repeats):
        seconds, reference = fit_seconds(X, Y, epochs)
        single.append(seconds)
    with tempfile.TemporaryDirectory() as folder:
        init_file = os.path.join(folder, "init")
        mp.spawn(
            worker,
            args=(2, init_file, folder, n_samples, epochs, repeats),
            nprocs=2,
            join=True,
        )
        parallel = np.load(pathlib.Path(folder) / "times.npy")
        predictions = np.load(pathlib.Path(folder) / "predictions.npy")
    difference = float(np.max(np.abs(predictions - reference)))
    header = ["fit", "median s", "speed-up"]
    rows = [
        ["1 process", f"{np.median(single):.2f}", "1.00"],
        [
            "2 processes (gloo)",
            f"{np.median(parallel):.2f}",
            f"{np.median(single) / np.median(parallel):.2f}",
        ],
    ]
    print(
        f"MultiTaskRegressor, {n_samples} x 50, 10 tasks, trunk (128, 128), batch "
        f"256, {epochs} epochs, {repeats} repeats, {os.cpu_count()} CPUs; largest "
        f"difference of the predictions: {difference:.1e}\n"
    )
    print(_data.markdown(header, rows))
    if args.rst:
        caption = (
            "Data-parallel fit (2 gloo processes) against one process "
            f"(largest prediction difference {difference:.1e})"
        )
        _data.write(args.rst, _data.rst(caption, header, rows))


if __name__ == "__main__":
    main()
