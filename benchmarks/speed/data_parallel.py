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

import numpy as np
import torch.multiprocessing as mp

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
# The processes import their work from a module (run_path's functions do not
# pickle for torch.multiprocessing.spawn).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _data
from _data_parallel_worker import fit_seconds, make_data, worker


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
