"""Fit time of MultiTaskRegressor on a CUDA GPU against hand-written loops, paired.

Same network (a 512-512 ReLU trunk, one linear output per task), same data
(200,000 x 100 float32, 10 regression tasks, every label observed), same epochs
(3), optimizer (Adam, lr 1e-3, fused, no weight decay) and batch sizes (1024 and
256) for every contender:

* ``eager loop``: a hand-written PyTorch loop, data on the GPU, a permutation
  on the GPU each epoch, one slice, forward, backward and fused Adam step per
  batch (what a careful user writes);
* ``captured loop``: the same step recorded once in a CUDA graph and replayed
  (batch indices gathered on the device into static buffers, the last batch
  padded with zero-weight rows): the speed of the hardware for this step;
* ``skmtl eager``: ``MultiTaskRegressor(device="cuda", cuda_graphs=False)``
  (skorch's loop);
* ``skmtl``: ``MultiTaskRegressor(device="cuda")``, the default
  ``cuda_graphs="auto"`` (the captured step), and the same with
  ``precision="tf32"`` and ``"bf16"``.

Every contender starts from the numpy arrays, so the copy of the data to the
GPU is inside every timing (skmtl also validates the input and standardizes
the targets). Each repeat runs every contender once, in a shuffled order, after
one untimed warm-up round; ratios are taken within a repeat (paired) and
summarised by their median. A last section fits skmtl once per precision and
reports the relative difference of its predictions from the float32 eager fit.

Run: ``python benchmarks/speed/gpu.py`` (about a minute on an H200);
``--quick`` shrinks the data; ``--repeats N``; ``--json PATH`` writes every
number, ``--rst PATH`` the ratio tables, ``--profile PATH`` where one captured
fit spends its host time. Without a CUDA GPU it prints a skip message and
exits with status 0.
"""

import argparse
import cProfile
import json
import math
import platform
import pstats
import random
import sys
import time
import traceback
import warnings

import numpy as np
import torch
from torch.nn import functional as F

from skmtl import MultiTaskRegressor

LR = 1e-3


def make_data(n_samples, n_features, n_tasks, seed=0):
    """Return float32 ``X`` (n, d) and ``Y`` (n, T), a noisy linear map of ``X``."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)).astype(np.float32)
    W = rng.normal(size=(n_features, n_tasks)).astype(np.float32) / n_features**0.5
    Y = (X @ W + 0.1 * rng.normal(size=(n_samples, n_tasks))).astype(np.float32)
    return X, Y


def network(n_features, n_tasks, hidden):
    """Return the trunk-and-heads network of the hand-written loops."""
    layers, width = [], n_features
    for size in hidden:
        layers += [torch.nn.Linear(width, size), torch.nn.ReLU()]
        width = size
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, n_tasks))


def eager_loop(X, Y, *, hidden, batch_size, epochs, seed):
    """Train with a plain PyTorch loop on the GPU; return the model."""
    torch.manual_seed(seed)
    device = torch.device("cuda")
    X_d, Y_d = torch.from_numpy(X).to(device), torch.from_numpy(Y).to(device)
    model = network(X.shape[1], Y.shape[1], hidden).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, fused=True)
    n_rows = len(X_d)
    for _ in range(epochs):
        order = torch.randperm(n_rows, device=device)
        for start in range(0, n_rows, batch_size):
            rows = order[start : start + batch_size]
            loss = F.mse_loss(model(X_d[rows]), Y_d[rows])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    torch.cuda.synchronize()
    return model


def captured_loop(X, Y, *, hidden, batch_size, epochs, seed):
    """Train with the same step captured once in a CUDA graph; return the model."""
    torch.manual_seed(seed)
    device = torch.device("cuda")
    X_d, Y_d = torch.from_numpy(X).to(device), torch.from_numpy(Y).to(device)
    model = network(X.shape[1], Y.shape[1], hidden).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, fused=True, capturable=True)
    n_rows, n_tasks = X_d.shape[0], Y_d.shape[1]
    n_batches = math.ceil(n_rows / batch_size)
    order = torch.zeros(n_batches, batch_size, dtype=torch.long, device=device)
    row_weight = torch.zeros(n_batches * batch_size, device=device)
    row_weight[:n_rows] = 1.0
    row_weight = row_weight.view(n_batches, batch_size)
    batch = torch.zeros(1, dtype=torch.long, device=device)

    def step():
        rows = order.index_select(0, batch).view(-1)
        weight = row_weight.index_select(0, batch).view(-1, 1)
        error = (model(X_d.index_select(0, rows)) - Y_d.index_select(0, rows)) ** 2
        loss = (error * weight).sum() / (weight.sum() * n_tasks)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        batch.add_(1)

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*capturable=True.*")
        for _ in range(3):
            batch.zero_()
            step()
    torch.cuda.current_stream().wait_stream(side)
    optimizer.zero_grad(set_to_none=True)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step()
    for _ in range(epochs):
        order.view(-1)[:n_rows].copy_(torch.randperm(n_rows, device=device))
        batch.zero_()
        for _ in range(n_batches):
            graph.replay()
    torch.cuda.synchronize()
    return model


def skmtl_fit(X, Y, *, hidden, batch_size, epochs, seed, **params):
    """Fit MultiTaskRegressor on the GPU; return the estimator."""
    model = MultiTaskRegressor(
        shared_layers=hidden,
        head_layers=(),
        batch_size=batch_size,
        max_epochs=epochs,
        lr=LR,
        weight_decay=0.0,
        device="cuda",
        random_state=seed,
        **params,
    ).fit(X, Y)
    torch.cuda.synchronize()
    return model


CONTENDERS = {
    "eager loop": eager_loop,
    "captured loop": captured_loop,
    "skmtl eager": lambda *a, **k: skmtl_fit(*a, **k, cuda_graphs=False),
    "skmtl": lambda *a, **k: skmtl_fit(*a, **k),
    "skmtl tf32": lambda *a, **k: skmtl_fit(*a, **k, precision="tf32"),
    "skmtl bf16": lambda *a, **k: skmtl_fit(*a, **k, precision="bf16"),
}


def time_contenders(X, Y, *, hidden, batch_size, epochs, repeats, seed=0):
    """Return ``{name: [seconds per repeat]}``; one untimed warm-up round first."""
    times = {name: [] for name in CONTENDERS}
    failed = {}
    order = list(CONTENDERS)
    shuffler = random.Random(seed)
    for repeat in range(repeats + 1):
        shuffler.shuffle(order)
        for name in order:
            start = time.perf_counter()
            try:
                CONTENDERS[name](
                    X, Y, hidden=hidden, batch_size=batch_size, epochs=epochs, seed=seed
                )
            except Exception:  # report it, time the others
                if not failed.get(name):
                    traceback.print_exc()
                failed[name] = True
            elapsed = math.nan if failed.get(name) else time.perf_counter() - start
            if repeat:
                times[name].append(elapsed)
    return times


def precision_differences(X, Y, *, hidden, batch_size, epochs):
    """Return each skmtl mode's relative prediction difference from fp32 eager."""
    rows = X[:20000]
    reference = skmtl_fit(
        X,
        Y,
        hidden=hidden,
        batch_size=batch_size,
        epochs=epochs,
        seed=0,
        cuda_graphs=False,
    ).predict(rows)
    norm = np.linalg.norm(reference)
    result = {}
    for label, params in {
        "captured, 32": {},
        "captured, tf32": {"precision": "tf32"},
        "captured, bf16": {"precision": "bf16"},
        "eager, bf16": {"precision": "bf16", "cuda_graphs": False},
    }.items():
        model = skmtl_fit(
            X,
            Y,
            hidden=hidden,
            batch_size=batch_size,
            epochs=epochs,
            seed=0,
            **params,
        )
        result[label] = {
            "relative_difference": float(
                np.linalg.norm(model.predict(rows) - reference) / norm
            ),
            "train_loss": float(model.history_[-1, "train_loss"]),
        }
    return result


def write_profile(path, X, Y, *, hidden, epochs):
    """Write where one captured skmtl fit (batch 1024) spends its host time."""
    profiler = cProfile.Profile()
    profiler.enable()
    skmtl_fit(X, Y, hidden=hidden, batch_size=1024, epochs=epochs, seed=0)
    profiler.disable()
    with open(path, "w") as handle:
        stats = pstats.Stats(profiler, stream=handle)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)


def summarise(times):
    """Return per-contender medians and paired ratios to the two loops."""
    rows = {}
    for name, seconds in times.items():
        seconds = np.asarray(seconds)
        rows[name] = {
            "median_s": float(np.median(seconds)),
            "vs_eager_loop": float(
                np.median(seconds / np.asarray(times["eager loop"]))
            ),
            "vs_captured_loop": float(
                np.median(seconds / np.asarray(times["captured loop"]))
            ),
        }
    return rows


def print_table(title, rows):
    """Print one ratio table as markdown."""
    print(f"\n{title}\n")
    print("| contender | median s | / eager loop | / captured loop |")
    print("| --- | --- | --- | --- |")
    for name, row in rows.items():
        print(
            f"| {name} | {row['median_s']:.3f} | {row['vs_eager_loop']:.2f} | "
            f"{row['vs_captured_loop']:.2f} |"
        )


def write_rst(path, results):
    """Write the ratio tables as one reStructuredText list-table."""
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - batch",
        "     - contender",
        "     - median s",
        "     - / eager loop",
        "     - / captured loop",
    ]
    for batch, result in results.items():
        for name, row in result["summary"].items():
            lines += [
                f"   * - {batch.split()[-1]}",
                f"     - {name}",
                f"     - {row['median_s']:.3f}",
                f"     - {row['vs_eager_loop']:.2f}",
                f"     - {row['vs_captured_loop']:.2f}",
            ]
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def main(argv=None):
    """Run the benchmark and print the ratio tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, 1 repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", help="write every number to this file")
    parser.add_argument("--rst", help="write the ratio tables as reStructuredText")
    parser.add_argument(
        "--profile", help="write a cProfile summary of one skmtl fit to this file"
    )
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print(
            "SKIPPED: benchmarks/speed/gpu.py needs a CUDA GPU; this machine has none."
        )
        return 0
    n_samples, repeats = (20000, 1) if args.quick else (200000, args.repeats)
    hidden, epochs = (512, 512), 3
    X, Y = make_data(n_samples, 100, 10)
    report = {
        "gpu": torch.cuda.get_device_name(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "python": platform.python_version(),
        "shape": [n_samples, 100, 10],
        "hidden": list(hidden),
        "epochs": epochs,
        "repeats": repeats,
        "results": {},
    }
    print(
        f"{report['gpu']}, torch {report['torch']} (CUDA {report['cuda']}); "
        f"{n_samples} x 100, 10 tasks, trunk 512-512, {epochs} epochs, Adam; "
        f"medians of {repeats} paired repeats"
    )
    for batch_size in (1024, 256):
        times = time_contenders(
            X, Y, hidden=hidden, batch_size=batch_size, epochs=epochs, repeats=repeats
        )
        rows = summarise(times)
        report["results"][f"batch {batch_size}"] = {"times": times, "summary": rows}
        print_table(f"batch {batch_size}", rows)
    try:
        differences = precision_differences(
            X, Y, hidden=hidden, batch_size=1024, epochs=epochs
        )
    except Exception:  # the timings above stand on their own
        traceback.print_exc()
        differences = {}
    report["precision"] = differences
    print("\nskmtl predictions vs the float32 eager fit (||p - p32|| / ||p32||)")
    for label, row in differences.items():
        print(
            f"{label:<16}{row['relative_difference']:>10.2e}  "
            f"train_loss {row['train_loss']:.5f}"
        )
    if args.profile:
        write_profile(args.profile, X, Y, hidden=hidden, epochs=epochs)
    if args.rst:
        write_rst(args.rst, report["results"])
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
