"""Fit and predict time of MultiTaskRegressor against the alternatives, paired.

Same network (a 128-128 ReLU trunk with one linear output per task), same data
(20,000 x 50 float32, 10 tasks), same epochs (5), batch size (256), optimizer
(Adam, lr 1e-3) and thread count for every contender:

* ``raw loop``: a hand-written PyTorch training loop (index permutation, tensor
  slices), the floor;
* ``skorch``: plain ``skorch.NeuralNetRegressor`` with its default Dataset and
  DataLoader (per-sample indexing and collation);
* ``sklearn MLP``: ``MLPRegressor`` with the same hidden sizes (linear heads are
  exactly its multi-output last layer);
* ``skmtl``: ``MultiTaskRegressor(shared_layers=(128, 128), head_layers=())``.

Each repeat runs every contender once, in a shuffled order; ratios are taken
within a repeat (paired) and summarised by median, min and max. Predict latency
on one row is the median of many calls.

Run: ``python benchmarks/speed/fit_vs_alternatives.py`` (about 2 minutes on
2 cores); ``--quick`` shrinks everything to seconds; ``--threads N`` sets torch
and BLAS threads (default 1, the setting inside a grid-search worker).
"""

import argparse
import random
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from threadpoolctl import threadpool_limits

from skmtl import MultiTaskRegressor


def make_data(n_samples, n_features, n_tasks, seed=0):
    """Return float32 ``X`` and ``Y`` with a linear signal plus noise."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)).astype(np.float32)
    W = rng.normal(size=(n_features, n_tasks)).astype(np.float32)
    return X, (X @ W + rng.normal(size=(n_samples, n_tasks))).astype(np.float32)


def trunk_and_head(n_features, n_tasks, hidden):
    """Return the plain torch network every torch contender trains."""
    layers, width = [], n_features
    for size in hidden:
        layers += [torch.nn.Linear(width, size), torch.nn.ReLU()]
        width = size
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, n_tasks))


def fit_raw_loop(X, Y, config):
    """Train with a hand-written loop: the lower bound on framework overhead."""
    torch.manual_seed(0)
    module = trunk_and_head(X.shape[1], Y.shape[1], config["hidden"])
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    generator = torch.Generator().manual_seed(0)
    for _ in range(config["epochs"]):
        order = torch.randperm(len(X_t), generator=generator)
        for start in range(0, len(X_t), config["batch_size"]):
            rows = order[start : start + config["batch_size"]]
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(module(X_t[rows]), Y_t[rows])
            loss.backward()
            optimizer.step()
    return module


def fit_skorch(X, Y, config):
    """Train with plain skorch defaults (no validation split, no printing)."""
    from skorch import NeuralNetRegressor

    torch.manual_seed(0)
    net = NeuralNetRegressor(
        trunk_and_head(X.shape[1], Y.shape[1], config["hidden"]),
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_epochs=config["epochs"],
        batch_size=config["batch_size"],
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )
    return net.fit(X, Y)


def fit_sklearn_mlp(X, Y, config):
    """Train scikit-learn's MLPRegressor with the same sizes and epochs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPRegressor(
            hidden_layer_sizes=config["hidden"],
            batch_size=config["batch_size"],
            max_iter=config["epochs"],
            learning_rate_init=1e-3,
            random_state=0,
        ).fit(X, Y)


def fit_skmtl(X, Y, config):
    """Train MultiTaskRegressor with linear heads (the same network)."""
    return MultiTaskRegressor(
        shared_layers=config["hidden"],
        head_layers=(),
        max_epochs=config["epochs"],
        batch_size=config["batch_size"],
        standardize_targets=False,
        random_state=0,
        n_threads=config["threads"],
    ).fit(X, Y)


CONTENDERS = {
    "raw loop": fit_raw_loop,
    "skorch": fit_skorch,
    "sklearn MLP": fit_sklearn_mlp,
    "skmtl": fit_skmtl,
}


def time_fits(X, Y, config, repeats):
    """Return {name: [seconds per repeat]}, contenders shuffled within a repeat."""
    for fit in CONTENDERS.values():  # warm-up: torch's lazy imports and allocators
        fit(X[:512], Y[:512], {**config, "epochs": 1})
    times = {name: [] for name in CONTENDERS}
    order = list(CONTENDERS)
    shuffler = random.Random(0)
    for _ in range(repeats):
        shuffler.shuffle(order)
        for name in order:
            start = time.perf_counter()
            CONTENDERS[name](X, Y, config)
            times[name].append(time.perf_counter() - start)
    return times


def one_row_latency(model, row, calls):
    """Return the median seconds of ``model.predict`` on one row."""
    timings = []
    for _ in range(calls):
        start = time.perf_counter()
        model.predict(row)
        timings.append(time.perf_counter() - start)
    return float(np.median(timings))


def ratio_line(label, numerator, denominator):
    """Return 'label: median (min-max)' of the paired ratios."""
    ratios = np.asarray(numerator) / np.asarray(denominator)
    return (
        f"| {label} | {np.median(ratios):.2f} | {ratios.min():.2f} | "
        f"{ratios.max():.2f} |"
    )


def main(argv=None):
    """Run the paired timings and print the ratio table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, seconds")
    parser.add_argument("--threads", type=int, default=1, help="torch/BLAS threads")
    parser.add_argument("--rst", help="unused; accepted for the benchmark tests")
    args = parser.parse_args(argv)
    if args.quick:
        config = {"n": 2000, "d": 20, "T": 4, "hidden": (32, 32), "epochs": 2}
        repeats, calls = 2, 20
    else:
        config = {"n": 20000, "d": 50, "T": 10, "hidden": (128, 128), "epochs": 5}
        repeats, calls = 5, 300
    config.update(batch_size=256, threads=args.threads)
    X, Y = make_data(config["n"], config["d"], config["T"])
    previous = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        with threadpool_limits(limits=args.threads):
            times = time_fits(X, Y, config, repeats)
            mlp = fit_sklearn_mlp(X, Y, config)
            ours = fit_skmtl(X, Y, config)
            row = X[:1]
            latency = {
                "sklearn MLP": one_row_latency(mlp, row, calls),
                "skmtl": one_row_latency(ours, row, calls),
            }
    finally:
        torch.set_num_threads(previous)

    print(
        f"fit: {config['n']} x {config['d']}, {config['T']} tasks, trunk "
        f"{config['hidden']}, {config['epochs']} epochs, batch 256, Adam, "
        f"{args.threads} thread(s), {repeats} paired repeats\n"
    )
    print("| contender | median s | min s | max s |")
    print("| --- | --- | --- | --- |")
    for name, values in times.items():
        print(
            f"| {name} | {np.median(values):.3f} | {min(values):.3f} | "
            f"{max(values):.3f} |"
        )
    print("\n| ratio (paired) | median | min | max |")
    print("| --- | --- | --- | --- |")
    print(
        ratio_line(
            "skmtl / raw loop (target <= 1.15)", times["skmtl"], times["raw loop"]
        )
    )
    print(
        ratio_line(
            "skmtl / sklearn MLP (target <= 1.0)", times["skmtl"], times["sklearn MLP"]
        )
    )
    print(ratio_line("skorch / raw loop", times["skorch"], times["raw loop"]))
    print(ratio_line("skmtl / skorch", times["skmtl"], times["skorch"]))
    print(
        f"\npredict one row: skmtl {latency['skmtl'] * 1e6:.0f} us, sklearn MLP "
        f"{latency['sklearn MLP'] * 1e6:.0f} us, ratio "
        f"{latency['skmtl'] / latency['sklearn MLP']:.2f} (target <= 2)"
    )


if __name__ == "__main__":
    main()
