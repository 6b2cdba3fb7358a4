"""Peak memory of fitting and predicting on a memory-mapped X larger than a chunk.

Writes a float32 ``X`` of ``--gb`` GB (``--features`` columns) and its
``Y`` (``--tasks`` columns, a linear signal plus noise, 10% of the labels
missing) as ``.npy`` files in a temporary folder, then, for each
``working_memory`` setting of scikit-learn (``--working-memory``, MiB; it sets
the chunk size), runs in a fresh process: ``np.load(mmap_mode="r")`` of both,
a tiny warm-up fit (torch's own allocations), then ``MultiTaskRegressor.fit``
for ``--epochs`` epochs and ``predict`` on the whole memmap. The peak resident
set size during each is read from the kernel (``VmHWM``, reset through
``/proc/self/clear_refs``; elsewhere ``resource.getrusage``, which cannot be
reset) and reported as the growth over the resident size before the call, and
as a ratio to the file size. Mapped pages that a process has read count in its
resident size: the growth includes them.

Run: ``python benchmarks/speed/out_of_core.py --gb 4`` (the docs' numbers;
needs twice the file size free in the temporary folder's file system, checked
first); ``--quick`` is ``--gb 0.05`` with one setting (seconds); ``--dir`` picks
the folder; ``--rst PATH`` writes the table as reST.
"""

import argparse
import pathlib
import platform
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

CHILD = r"""
import json, resource, sys, time
import numpy as np
from sklearn import config_context
from skmtl import MultiTaskRegressor

config = json.loads(sys.argv[1])
X = np.load(config["X"], mmap_mode="r")
Y = np.load(config["Y"], mmap_mode="r")


def make(epochs):
    return MultiTaskRegressor(
        shared_layers=(64,), max_epochs=epochs, batch_size=config["batch_size"],
        n_threads=1, random_state=0,
    )


make(1).fit(np.array(X[:1000]), np.array(Y[:1000]))


def rss_bytes(field):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def peak_growth(call):
    before = rss_bytes("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass
    start = time.perf_counter()
    result = call()
    return result, rss_bytes("VmHWM") - before, time.perf_counter() - start


with config_context(working_memory=config["working_memory"]):
    model, fit_growth, fit_seconds = peak_growth(
        lambda: make(config["epochs"]).fit(X, Y)
    )
    prediction, predict_growth, predict_seconds = peak_growth(
        lambda: model.predict(X)
    )
observed = ~np.isnan(Y[:100_000])
error = (prediction[:100_000] - Y[:100_000])[observed]
print(json.dumps({
    "fit_growth": fit_growth, "fit_seconds": fit_seconds,
    "predict_growth": predict_growth, "predict_seconds": predict_seconds,
    "rmse": float(np.sqrt(np.mean(error ** 2))),
}))
"""


def write_data(folder, gb, n_features, n_tasks, seed=0):
    """Write ``X.npy`` (float32, about ``gb`` GB) and ``Y.npy``; return their paths.

    Written one block of rows at a time, so the writer's memory stays small.
    """
    n_rows = max(int(gb * 1e9 / (4 * n_features)), 1000)
    rng = np.random.default_rng(seed)
    weights = rng.standard_normal((n_features, n_tasks)).astype(np.float32)
    weights[16:] = 0  # the signal lives in the first 16 features
    X = np.lib.format.open_memmap(
        folder / "X.npy", mode="w+", dtype=np.float32, shape=(n_rows, n_features)
    )
    Y = np.lib.format.open_memmap(
        folder / "Y.npy", mode="w+", dtype=np.float32, shape=(n_rows, n_tasks)
    )
    block = 2**16
    for start in range(0, n_rows, block):
        stop = min(start + block, n_rows)
        features = rng.standard_normal((stop - start, n_features), dtype=np.float32)
        targets = features @ weights
        targets += 0.1 * rng.standard_normal(targets.shape, dtype=np.float32)
        targets[rng.random(targets.shape) < 0.1] = np.nan
        X[start:stop], Y[start:stop] = features, targets
    X.flush()
    Y.flush()
    del X, Y
    return folder / "X.npy", folder / "Y.npy", n_rows


def main(argv=None):
    """Write the data, measure every setting and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=4.0, help="size of X in GB")
    parser.add_argument("--features", type=int, default=256)
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument(
        "--working-memory",
        type=float,
        nargs="+",
        default=[1024.0, 256.0],
        help="scikit-learn working_memory settings (MiB) to measure",
    )
    parser.add_argument("--dir", help="folder for the temporary files")
    parser.add_argument("--quick", action="store_true", help="--gb 0.05, seconds")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)
    if args.quick:
        args.gb, args.working_memory = 0.05, [16.0]
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        folder = pathlib.Path(folder)
        free = shutil.disk_usage(folder).free
        if free < 2.2 * args.gb * 1e9:
            print(
                f"SKIPPED: {args.gb} GB of X needs about {2.2 * args.gb:.1f} GB "
                f"free in {folder}, which has {free / 1e9:.1f} GB (use --dir)."
            )
            return
        x_path, y_path, n_rows = write_data(folder, args.gb, args.features, args.tasks)
        file_bytes = x_path.stat().st_size + y_path.stat().st_size
        rows = []
        for working_memory in args.working_memory:
            result = _data.run_fresh(
                CHILD,
                {
                    "X": str(x_path),
                    "Y": str(y_path),
                    "working_memory": working_memory,
                    "epochs": args.epochs,
                    "batch_size": args.batch_size,
                },
            )
            rows.append(_row(working_memory, result, file_bytes))
    header = (
        "working_memory (MiB)",
        "fit: peak growth (MiB)",
        "/ file size",
        "fit (s)",
        "predict: peak growth (MiB)",
        "/ file size",
        "predict (s)",
        "RMSE",
    )
    title = (
        f"Memory-mapped X: {n_rows:,} x {args.features} float32 + Y {args.tasks} "
        f"tasks ({file_bytes / 2**20:,.0f} MiB of files), trunk (64,), "
        f"{args.epochs} epoch(s), batch {args.batch_size}; {platform.machine()}"
    )
    print(title + "\n")
    print(_data.markdown(header, rows))
    if args.rst:
        _data.write(args.rst, _data.rst(title, header, rows))


def _row(working_memory, result, file_bytes):
    """Return one table row of formatted cells."""
    return (
        f"{working_memory:g}",
        f"{result['fit_growth'] / 2**20:,.0f}",
        f"{result['fit_growth'] / file_bytes:.3f}",
        f"{result['fit_seconds']:.1f}",
        f"{result['predict_growth'] / 2**20:,.0f}",
        f"{result['predict_growth'] / file_bytes:.3f}",
        f"{result['predict_seconds']:.1f}",
        f"{result['rmse']:.3f}",
    )


if __name__ == "__main__":
    main()
