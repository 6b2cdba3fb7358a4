"""How fit time grows with the number of tasks and of rows.

``MultiTaskRegressor`` with a shared 64-unit trunk and one 32-unit hidden layer
per task head (``head_layers=(32,)``), 20 features, 2 epochs, batch 256, one
thread, on ``n`` rows and ``T`` tasks (every label observed). The heads of all
tasks run as batched matrix products, so the cost per task should be small:
the issue's target is fit(T=100) <= 3 x fit(T=1) at the same ``n``.

The table gives the median seconds over ``--repeats`` fits per cell and, per
``n``, the ratio to T=1, next to the ratio of the arithmetic (multiply-adds per
row: the trunk's plus every head's). With 32-unit heads on a 64-unit trunk the
arithmetic of T=100 is 61 times that of T=1, so the target can only be met
where fixed per-batch costs dominate; the table shows how far the time grows
compared with the work. Cells with n x T above 2,000,000 run only with
``--full`` (n = 100,000 with T = 1000 is a 400 MB label matrix).

Run: ``python benchmarks/speed/task_scaling.py`` (about 3 minutes on 2
cores); ``--quick`` runs a small grid in seconds; ``--rst PATH`` writes the
table as reST.
"""

import argparse
import platform
import time

import numpy as np
import torch

from skmtl import MultiTaskRegressor

ROWS = (1_000, 10_000, 100_000)
TASKS = (1, 10, 100, 1000)


def fit_seconds(n_samples, n_tasks, repeats, epochs):
    """Return the median fit time on ``n_samples`` rows and ``n_tasks`` tasks."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, 20), dtype=np.float32)
    Y = X[:, :4] @ rng.standard_normal((4, n_tasks), dtype=np.float32)
    times = []
    for _ in range(repeats):
        model = MultiTaskRegressor(
            shared_layers=(64,),
            head_layers=(32,),
            max_epochs=epochs,
            batch_size=256,
            n_threads=1,
            random_state=0,
        )
        start = time.perf_counter()
        model.fit(X, Y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def work_per_row(n_tasks, n_features=20, trunk=64, head=32):
    """Return the multiply-adds per row of the network's forward pass."""
    return n_features * trunk + n_tasks * (trunk * head + head)


def main(argv=None):
    """Time every cell of the grid and print the scaling table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid, seconds")
    parser.add_argument("--full", action="store_true", help="also n=1e5 with T=1000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)
    rows, tasks, epochs = ROWS, TASKS, 2
    if args.quick:
        rows, tasks, epochs, args.repeats = (500, 2000), (1, 10, 100), 1, 1
    fit_seconds(500, 2, 1, 1)  # warm-up: torch's lazy initialisation
    seconds = {}
    for n_samples in rows:
        for n_tasks in tasks:
            if n_samples * n_tasks > 2 * 10**6 and not args.full:
                continue
            seconds[n_samples, n_tasks] = fit_seconds(
                n_samples, n_tasks, args.repeats, epochs
            )

    header = [
        "rows",
        *[f"T={t} (work x{work_per_row(t) / work_per_row(1):.0f})" for t in tasks],
        "T=100 / T=1 (target <= 3)",
    ]
    table = []
    for n_samples in rows:
        cells = [f"{n_samples:,}"]
        for n_tasks in tasks:
            value = seconds.get((n_samples, n_tasks))
            if value is None:
                cells.append("— (--full)")
            else:
                ratio = value / seconds[n_samples, 1]
                cells.append(f"{value:.2f} s ({ratio:.2f}x)")
        if (n_samples, 100) in seconds:
            growth = seconds[n_samples, 100] / seconds[n_samples, 1]
            cells.append(f"{growth:.2f} {'yes' if growth <= 3 else '**no**'}")
        else:
            cells.append("— (--full)")
        table.append(cells)
    print(
        f"Fit seconds (median of {args.repeats}) and ratio to T=1: 20 features, "
        f"trunk (64,), heads (32,), {epochs} epochs, batch 256, 1 thread; torch "
        f"{torch.__version__}, {platform.machine()}\n"
    )
    print("| " + " | ".join(header) + " |")
    print("| --- " * len(header) + "|")
    for cells in table:
        print("| " + " | ".join(cells) + " |")
    if args.rst:
        lines = [
            ".. list-table:: Fit seconds and ratio to one task (trunk (64,), heads "
            f"(32,), {epochs} epochs, batch 256, one thread)",
            "   :header-rows: 1",
            "",
        ]
        for cells in [header, *table]:
            lines.append(f"   * - {cells[0]}")
            lines += [f"     - {cell}" for cell in cells[1:]]
        with open(args.rst, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
