"""Peak memory of MultiTaskRegressor.fit against the size of the data.

Each case runs in a fresh process: it imports everything, builds the data,
warms torch up with a tiny fit, resets the kernel's peak-RSS counter
(``/proc/self/clear_refs``, Linux), fits, and reads the peak resident set size
(``VmHWM``). The table gives the growth of the peak during the fit divided by
the size of ``X`` and ``Y`` as float32 (the issue's target: at most 3).

Cases: wide float32 input, wide float64 input (the estimator converts it to
float32 once), half of the labels missing, and the long layout; all with
early stopping off and on (the validation split is a second, smaller copy).

Run: ``python benchmarks/speed/peak_memory.py`` (about a minute);
``--quick`` uses small data (seconds, where the fixed cost of torch dominates
and the ratio means little); ``--rst PATH`` writes the table as reST.
"""

import argparse
import pathlib
import platform
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

CASES = [
    ("wide float32", {"dtype": "float32"}),
    ("wide float64", {"dtype": "float64"}),
    ("missing labels (50%)", {"dtype": "float32", "missing": True}),
    ("long layout", {"dtype": "float32", "long": True}),
    ("wide float32, early stopping", {"dtype": "float32", "early_stopping": True}),
]

CHILD = r"""
import json, sys
import numpy as np
import torch
from skmtl import MultiTaskRegressor

config = json.loads(sys.argv[1])
n, d, T = config["n"], config["d"], config["T"]
rng = np.random.default_rng(0)
X = rng.standard_normal((n, d), dtype=np.float32).astype(config["dtype"])
Y = rng.standard_normal((n, T), dtype=np.float32)
task_column = None
if config.get("missing"):
    Y[rng.random(Y.shape) < 0.5] = np.nan
if config.get("long"):
    task = rng.integers(T, size=n)
    X = np.hstack([X, task[:, None].astype(X.dtype)])
    Y = Y[np.arange(n), task]
    task_column = -1
data_bytes = 4 * (X.size + Y.size)


def make():
    return MultiTaskRegressor(
        shared_layers=(64,), max_epochs=2, batch_size=512, n_threads=1,
        random_state=0, task_column=task_column,
        early_stopping=bool(config.get("early_stopping")),
        n_iter_no_change=100,
    )


make().fit(X[:1000], Y[:1000])  # torch's own allocations happen here


def rss_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])


before = rss_kib("VmRSS")
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")
make().fit(X, Y)
peak = rss_kib("VmHWM")
print(json.dumps({"data_bytes": data_bytes, "growth_bytes": (peak - before) * 1024}))
"""


def main(argv=None):
    """Measure every case and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, seconds")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        print("SKIPPED: peak memory is read from /proc (Linux only).")
        return
    size = (
        {"n": 20_000, "d": 50, "T": 10}
        if args.quick
        else {"n": 400_000, "d": 100, "T": 10}
    )
    rows = []
    for name, case in CASES[:1] if args.quick else CASES:
        result = _data.run_fresh(CHILD, {**size, **case})
        ratio = result["growth_bytes"] / result["data_bytes"]
        rows.append(
            (
                name,
                f"{result['data_bytes'] / 2**20:.0f}",
                f"{result['growth_bytes'] / 2**20:.0f}",
                f"{ratio:.2f}",
                "yes" if ratio <= 3 else "**no**",
            )
        )
    header = (
        "case",
        "X and Y as float32 (MiB)",
        "peak growth in fit (MiB)",
        "ratio",
        "<= 3",
    )
    print(
        f"Peak memory of fit: {size['n']} x {size['d']}, {size['T']} tasks, trunk "
        f"(64,), 2 epochs, batch 512; {platform.machine()}\n"
    )
    print("| " + " | ".join(header) + " |")
    print("| --- " * len(header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.rst:
        lines = [
            ".. list-table:: Peak memory growth during fit, relative to X and Y "
            f"as float32 ({size['n']} x {size['d']}, {size['T']} tasks)",
            "   :header-rows: 1",
            "",
        ]
        for cells in [header, *rows]:
            lines.append(f"   * - {cells[0]}")
            lines += [f"     - {cell}" for cell in cells[1:]]
        with open(args.rst, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
