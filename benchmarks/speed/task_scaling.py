"""How fit time grows with the number of tasks and of rows, wide and long.

``MultiTaskRegressor`` with a shared 64-unit trunk and one 32-unit hidden layer
per task head (``head_layers=(32,)``), 20 features, 2 epochs, batch 256, one
thread, on ``n`` rows and ``T`` tasks. The issue's target is
fit(T=100) <= 3 x fit(T=1) at the same ``n``, in both layouts:

* ``wide``: one column per task, every label observed, so every row runs every
  task's head. With 32-unit heads on a 64-unit trunk the arithmetic of T=100 is
  61 times that of T=1 (column "work"), so the time cannot stay within 3 times
  unless fixed per-batch costs dominate. A hand-written PyTorch loop training the
  same network (trunk, all heads' hidden layers as one ``Linear``, one output
  per task, fused Adam) shows what the hardware gives for that work: its own
  T=100 / T=1 ratio is in the last column.
* ``long``: one task per row (``task_column``), the layout of School-like data.
  Each row needs only its own task's head, so the arithmetic does not grow with
  ``T`` and neither should the time.

Timings are paired: each repeat fits every ``T`` of one ``n`` once, in a
shuffled order, and the ratios to T=1 are taken within the repeat (median over
repeats). Wide cells with n x T above 2,000,000 run only with ``--full``
(n = 100,000 with T = 1000 is a 400 MB label matrix).

Run: ``python benchmarks/speed/task_scaling.py`` (about 4 minutes on 2
cores); ``--quick`` runs a small grid in seconds; ``--rst PATH`` writes the
tables as reST.
"""

import argparse
import platform
import random
import time

import numpy as np
import torch

from skmtl import MultiTaskRegressor

ROWS = (1_000, 10_000, 100_000)
TASKS = (1, 10, 100, 1000)
N_FEATURES, TRUNK, HEAD, BATCH = 20, 64, 32, 256


def make_data(n_samples, n_tasks, layout):
    """Return float32 ``X`` and targets: ``(n, T)`` wide, or long with a task column."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, N_FEATURES), dtype=np.float32)
    coef = rng.standard_normal((4, n_tasks), dtype=np.float32)
    if layout == "wide":
        return X, X[:, :4] @ coef
    task = rng.integers(0, n_tasks, n_samples)
    y = np.einsum("ij,ji->i", X[:, :4], coef[:, task])
    return np.column_stack([X, task.astype(np.float32)]), y


def fit_skmtl(X, Y, layout, epochs):
    """Fit the estimator once."""
    MultiTaskRegressor(
        shared_layers=(TRUNK,),
        head_layers=(HEAD,),
        max_epochs=epochs,
        batch_size=BATCH,
        n_threads=1,
        random_state=0,
        task_column=-1 if layout == "long" else None,
    ).fit(X, Y)


class RawNetwork(torch.nn.Module):
    """The same network, written plainly: trunk, all heads' hidden layers, outputs."""

    def __init__(self, n_tasks):
        super().__init__()
        self.trunk = torch.nn.Sequential(
            torch.nn.Linear(N_FEATURES, TRUNK), torch.nn.ReLU()
        )
        self.hidden = torch.nn.Linear(TRUNK, n_tasks * HEAD)
        self.out_weight = torch.nn.Parameter(torch.randn(n_tasks, HEAD) / HEAD**0.5)
        self.out_bias = torch.nn.Parameter(torch.zeros(n_tasks))
        self.n_tasks = n_tasks

    def forward(self, X):
        hidden = torch.relu(self.hidden(self.trunk(X))).view(len(X), self.n_tasks, HEAD)
        return (hidden * self.out_weight).sum(-1) + self.out_bias


def fit_raw_loop(X, Y, layout, epochs):
    """Train ``RawNetwork`` with a hand-written loop (wide layout only)."""
    torch.manual_seed(0)
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    module = RawNetwork(Y.shape[1])
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3, fused=True)
    for _ in range(epochs):
        order = torch.randperm(len(X_t))
        X_e, Y_e = X_t[order], Y_t[order]
        for start in range(0, len(X_t), BATCH):
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(
                module(X_e[start : start + BATCH]), Y_e[start : start + BATCH]
            )
            loss.backward()
            optimizer.step()


def work_per_row(n_tasks, layout="wide"):
    """Return the multiply-adds per row of the forward pass (trunk plus heads run)."""
    heads_run = n_tasks if layout == "wide" else 1
    return N_FEATURES * TRUNK + heads_run * (TRUNK * HEAD + HEAD)


def time_cells(n_samples, tasks, layout, repeats, epochs, fit):
    """Return ``{T: [seconds per repeat]}``, ``T`` in a new random order each repeat."""
    data = {t: make_data(n_samples, t, layout) for t in tasks}
    seconds = {t: [] for t in tasks}
    for _ in range(repeats):
        for t in random.sample(list(tasks), len(tasks)):
            start = time.perf_counter()
            fit(*data[t], layout, epochs)
            seconds[t].append(time.perf_counter() - start)
    return seconds


def paired_ratio(seconds, n_tasks):
    """Return the median over repeats of time(T=n_tasks) / time(T=1)."""
    return float(np.median(np.divide(seconds[n_tasks], seconds[1])))


def scaling_table(layout, rows, tasks, repeats, epochs, full):
    """Return the header and rows of one layout's table."""
    header = [
        "rows",
        *[
            f"T={t} (work x{work_per_row(t, layout) / work_per_row(1):.0f})"
            for t in tasks
        ],
        "T=100 / T=1 (target <= 3)",
    ]
    if layout == "wide":
        header.append("raw loop T=100 / T=1")
    table = []
    for n_samples in rows:
        kept = [
            t for t in tasks if layout == "long" or n_samples * t <= 2 * 10**6 or full
        ]
        seconds = time_cells(n_samples, kept, layout, repeats, epochs, fit_skmtl)
        cells = [f"{n_samples:,}"]
        for n_tasks in tasks:
            if n_tasks not in seconds:
                cells.append("— (--full)")
                continue
            cells.append(
                f"{np.median(seconds[n_tasks]):.2f} s "
                f"({paired_ratio(seconds, n_tasks):.2f}x)"
            )
        if 100 in seconds and 1 in seconds:
            growth = paired_ratio(seconds, 100)
            cells.append(f"{growth:.2f} {'yes' if growth <= 3 else '**no**'}")
        else:
            cells.append("— (--full)")
        if layout == "wide":
            if 100 in seconds and 1 in seconds:
                raw = time_cells(
                    n_samples, (1, 100), layout, repeats, epochs, fit_raw_loop
                )
                cells.append(f"{paired_ratio(raw, 100):.2f}")
            else:
                cells.append("— (--full)")
        table.append(cells)
    return header, table


def main(argv=None):
    """Time every cell of the grid and print the scaling tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid, seconds")
    parser.add_argument("--full", action="store_true", help="also n=1e5 with T=1000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--layout", choices=("wide", "long", "both"), default="both")
    parser.add_argument("--rst", help="also write the tables as reST to this path")
    args = parser.parse_args(argv)
    rows, tasks, epochs = ROWS, TASKS, 2
    if args.quick:
        rows, tasks, epochs, args.repeats = (500, 2000), (1, 10, 100), 1, 1
    random.seed(0)
    torch.set_num_threads(1)
    fit_skmtl(*make_data(500, 2, "wide"), "wide", 1)  # warm-up: lazy initialisation
    layouts = ("wide", "long") if args.layout == "both" else (args.layout,)
    lines = []
    for layout in layouts:
        header, table = scaling_table(
            layout, rows, tasks, args.repeats, epochs, args.full
        )
        caption = (
            f"Fit seconds (median of {args.repeats}) and paired ratio to T=1, {layout} "
            f"layout: {N_FEATURES} features, trunk ({TRUNK},), heads ({HEAD},), "
            f"{epochs} epochs, batch {BATCH}, one thread"
        )
        print(f"{caption}; torch {torch.__version__}, {platform.machine()}\n")
        print("| " + " | ".join(header) + " |")
        print("| --- " * len(header) + "|")
        for cells in table:
            print("| " + " | ".join(cells) + " |")
        print()
        lines += [f".. list-table:: {caption}", "   :header-rows: 1", ""]
        for cells in [header, *table]:
            lines.append(f"   * - {cells[0]}")
            lines += [f"     - {cell}" for cell in cells[1:]]
        lines.append("")
    if args.rst:
        with open(args.rst, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
