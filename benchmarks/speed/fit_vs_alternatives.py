"""Fit and predict time of MultiTaskRegressor against the alternatives, paired.

Same network (a 128-128 ReLU trunk with one linear output per task), same data
(20,000 x 50 float32, 10 tasks), same epochs (5), batch size (256), optimizer
(Adam, lr 1e-3) and thread count for every contender:

* ``raw loop``: a hand-written PyTorch training loop (index permutation, tensor
  slices) with ``torch.optim.Adam`` at its defaults, as users write it;
* ``raw loop, fused Adam``: the same loop with ``Adam(fused=True)``, the
  optimizer implementation skmtl uses for ``optimizer="adam"``: the ratio to
  this loop is skmtl's own overhead, the floor;
* ``skorch``: plain ``skorch.NeuralNetRegressor`` with its default Dataset and
  DataLoader (per-sample indexing and collation);
* ``sklearn MLP``: ``MLPRegressor`` with the same hidden sizes (linear heads are
  exactly its multi-output last layer);
* ``skmtl``: ``MultiTaskRegressor(shared_layers=(128, 128), head_layers=())``.

Three layouts, each against its own hand-written loop: ``wide`` (every label
observed), ``missing`` (half of the labels NaN; the loop masks them and averages
each task over its observed labels, as skmtl does) and ``long`` (one task per
row, ``task_column``; the loop gathers each row's output). scikit-learn's MLP and
plain skorch handle only the wide layout.

Each repeat runs every contender once, in a shuffled order; ratios are taken
within a repeat (paired) and summarised by median, min and max. Predict latency
on one row is the median of many calls.

Run: ``python benchmarks/speed/fit_vs_alternatives.py`` (about 5 minutes on
2 cores); ``--quick`` shrinks everything to seconds; ``--threads N`` sets torch
and BLAS threads (default 1, the setting inside a grid-search worker);
``--rst PATH`` also writes the ratio table as reStructuredText.
"""

import argparse
import platform
import random
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from threadpoolctl import threadpool_limits

from skmtl import MultiTaskRegressor

LAYOUTS = ("wide", "missing", "long")


def make_data(n_samples, n_features, n_tasks, layout, seed=0):
    """Return float32 ``X`` and targets for one layout.

    ``wide``: ``Y`` of shape (n, T). ``missing``: the same with half of the
    labels NaN. ``long``: ``X`` with the task id as its last column and a 1-D
    ``y`` (each row's label for its own task).
    """
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)).astype(np.float32)
    W = rng.normal(size=(n_features, n_tasks)).astype(np.float32)
    Y = (X @ W + rng.normal(size=(n_samples, n_tasks))).astype(np.float32)
    if layout == "missing":
        Y[rng.random_sample(Y.shape) < 0.5] = np.nan
    if layout == "long":
        task = rng.randint(n_tasks, size=n_samples)
        X = np.hstack([X, task[:, None].astype(np.float32)])
        Y = Y[np.arange(n_samples), task]
    return X, Y


def trunk_and_head(n_features, n_tasks, hidden):
    """Return the plain torch network every torch contender trains."""
    layers, width = [], n_features
    for size in hidden:
        layers += [torch.nn.Linear(width, size), torch.nn.ReLU()]
        width = size
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, n_tasks))


def _batch_loss(module, X_b, Y_b, layout, task_b=None):
    """Return the loss a hand-written loop would compute for one batch."""
    output = module(X_b)
    if layout == "wide":
        return torch.nn.functional.mse_loss(output, Y_b)
    if layout == "long":
        own = output.gather(1, task_b.unsqueeze(1)).squeeze(1)
        return torch.nn.functional.mse_loss(own, Y_b)
    observed = ~torch.isnan(Y_b)
    squared = (output - torch.nan_to_num(Y_b)).square() * observed
    per_task = squared.sum(0) / observed.sum(0).clamp_min(1)
    return per_task[observed.any(0)].mean()


def fit_raw_loop(X, Y, config, fused=False):
    """Train with a hand-written loop: the lower bound on framework overhead."""
    torch.manual_seed(0)
    layout, task = config["layout"], None
    if layout == "long":
        task = torch.from_numpy(X[:, -1].astype(np.int64))
        X = X[:, :-1]
    module = trunk_and_head(X.shape[1], config["T"], config["hidden"])
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3, fused=fused or None)
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    generator = torch.Generator().manual_seed(0)
    for _ in range(config["epochs"]):
        order = torch.randperm(len(X_t), generator=generator)
        for start in range(0, len(X_t), config["batch_size"]):
            rows = order[start : start + config["batch_size"]]
            optimizer.zero_grad()
            task_b = None if task is None else task[rows]
            loss = _batch_loss(module, X_t[rows], Y_t[rows], layout, task_b)
            loss.backward()
            optimizer.step()
    return module


def fit_raw_loop_fused(X, Y, config):
    """The hand-written loop with the fused Adam implementation."""
    return fit_raw_loop(X, Y, config, fused=True)


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
        weight_decay=0.0,  # the plain Adam of the other contenders
        task_column=-1 if config["layout"] == "long" else None,
        random_state=0,
        n_threads=config["threads"],
    ).fit(X, Y)


RAW_LOOPS = {"raw loop": fit_raw_loop, "raw loop, fused Adam": fit_raw_loop_fused}
CONTENDERS = {
    "wide": {
        **RAW_LOOPS,
        "skorch": fit_skorch,
        "sklearn MLP": fit_sklearn_mlp,
        "skmtl": fit_skmtl,
    },
    "missing": {**RAW_LOOPS, "skmtl": fit_skmtl},
    "long": {**RAW_LOOPS, "skmtl": fit_skmtl},
}


def time_fits(data, config, repeats):
    """Return {(layout, name): [seconds per repeat]}, shuffled within a repeat."""
    jobs = [(layout, name) for layout in LAYOUTS for name in CONTENDERS[layout]]
    for layout, name in jobs:  # warm-up: torch's lazy imports and allocators
        X, Y = data[layout]
        CONTENDERS[layout][name](
            X[:512], Y[:512], {**config, "layout": layout, "epochs": 1}
        )
    times = {job: [] for job in jobs}
    shuffler = random.Random(0)
    for _ in range(repeats):
        shuffler.shuffle(jobs)
        for layout, name in jobs:
            X, Y = data[layout]
            start = time.perf_counter()
            CONTENDERS[layout][name](X, Y, {**config, "layout": layout})
            times[layout, name].append(time.perf_counter() - start)
    return times


def one_row_latency(model, row, calls):
    """Return the median seconds of ``model.predict`` on one row."""
    timings = []
    for _ in range(calls):
        start = time.perf_counter()
        model.predict(row)
        timings.append(time.perf_counter() - start)
    return float(np.median(timings))


def ratio_rows(times, latency):
    """Return ``(label, target, ratios)`` for every comparison of the issue."""
    rows = []
    for layout in LAYOUTS:
        for loop in RAW_LOOPS:
            ratios = np.divide(times[layout, "skmtl"], times[layout, loop])
            rows.append((f"fit {layout}: skmtl / {loop}", 1.15, ratios))
    rows.append(
        (
            "fit wide: skmtl / sklearn MLP",
            1.0,
            np.divide(times["wide", "skmtl"], times["wide", "sklearn MLP"]),
        )
    )
    rows.append(
        (
            "fit wide: skorch / raw loop (reference)",
            None,
            np.divide(times["wide", "skorch"], times["wide", "raw loop"]),
        )
    )
    for layout in ("wide", "long"):
        rows.append(
            (
                f"predict one row ({layout}): skmtl / sklearn MLP",
                2.0,
                np.array([latency[layout] / latency["sklearn MLP"]]),
            )
        )
    return rows


def _cells(label, target, ratios):
    verdict = ""
    if target is not None:
        verdict = "yes" if np.median(ratios) <= target else "**no**"
    return [
        label,
        "" if target is None else f"<= {target:g}",
        f"{np.median(ratios):.2f}",
        f"{ratios.min():.2f}",
        f"{ratios.max():.2f}",
        verdict,
    ]


HEADER = ["comparison (paired ratio)", "target", "median", "min", "max", "met"]


def markdown(rows):
    """Return the ratio table as markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "| --- " * len(HEADER) + "|"]
    lines += ["| " + " | ".join(_cells(*row)) + " |" for row in rows]
    return "\n".join(lines)


def rst(rows, caption):
    """Return the ratio table as a reStructuredText list-table."""
    lines = [f".. list-table:: {caption}", "   :header-rows: 1", ""]
    for cells in [HEADER] + [_cells(*row) for row in rows]:
        lines.append(f"   * - {cells[0]}")
        lines += [f"     - {cell}" for cell in cells[1:]]
    return "\n".join(lines) + "\n"


def main(argv=None):
    """Run the paired timings and print the ratio table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, seconds")
    parser.add_argument("--threads", type=int, default=1, help="torch/BLAS threads")
    parser.add_argument("--repeats", type=int, default=None, help="paired repeats")
    parser.add_argument("--rst", help="also write the ratio table as reST here")
    args = parser.parse_args(argv)
    if args.quick:
        config = {"n": 2000, "d": 20, "T": 4, "hidden": (32, 32), "epochs": 2}
        repeats, calls = 2, 20
    else:
        config = {"n": 20000, "d": 50, "T": 10, "hidden": (128, 128), "epochs": 5}
        repeats, calls = 7, 300
    repeats = args.repeats or repeats
    config.update(batch_size=256, threads=args.threads)
    data = {
        layout: make_data(config["n"], config["d"], config["T"], layout)
        for layout in LAYOUTS
    }
    previous = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        with threadpool_limits(limits=args.threads):
            times = time_fits(data, config, repeats)
            mlp = fit_sklearn_mlp(*data["wide"], config)
            latency = {"sklearn MLP": one_row_latency(mlp, data["wide"][0][:1], calls)}
            for layout in ("wide", "long"):
                ours = fit_skmtl(*data[layout], {**config, "layout": layout})
                latency[layout] = one_row_latency(ours, data[layout][0][:1], calls)
    finally:
        torch.set_num_threads(previous)

    setting = (
        f"{config['n']} x {config['d']}, {config['T']} tasks, trunk "
        f"{config['hidden']}, {config['epochs']} epochs, batch 256, Adam, "
        f"{args.threads} thread(s), {repeats} paired repeats; torch "
        f"{torch.__version__}, {platform.machine()}"
    )
    print(f"fit: {setting}\n")
    print("| layout | contender | median s | min s | max s |")
    print("| --- | --- | --- | --- | --- |")
    for (layout, name), values in times.items():
        print(
            f"| {layout} | {name} | {np.median(values):.3f} | {min(values):.3f} | "
            f"{max(values):.3f} |"
        )
    print(
        f"\npredict one row: sklearn MLP {latency['sklearn MLP'] * 1e6:.0f} us, "
        f"skmtl wide {latency['wide'] * 1e6:.0f} us, skmtl long "
        f"{latency['long'] * 1e6:.0f} us\n"
    )
    rows = ratio_rows(times, latency)
    print(markdown(rows))
    missed = [label for label, target, r in rows if target and np.median(r) > target]
    print(
        "\nAll targets met."
        if not missed
        else f"\nTargets NOT met: {'; '.join(missed)}."
    )
    if args.rst:
        with open(args.rst, "w", encoding="utf-8") as handle:
            handle.write(rst(rows, f"Paired time ratios; {setting}"))


if __name__ == "__main__":
    main()
