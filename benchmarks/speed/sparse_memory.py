"""Peak memory of a neural fit on sparse X against the sparse and the dense size.

A TF-IDF-like CSR matrix (``k`` stored values per row, float64 values and int32
indices, as ``TfidfVectorizer`` returns) is fitted by ``MultiTaskRegressor``.
Each case runs in a fresh process: it builds the data, warms torch up with a
tiny fit, resets the kernel's peak-RSS counter (``/proc/self/clear_refs``,
Linux), fits (then predicts), and reads the peak resident set size
(``VmHWM``). The table sets the growth of the peak against the size of the
sparse matrix and against the float32 dense matrix that densifying would
need; the network's own memory (its first layer is ``n_features x 64``
weights, with their gradient and two Adam moments) is listed beside them.
Each size is fitted twice, with the batches as sparse tensors (hard sharing's
first layer a sparse matrix product, the default) and densified one batch at a
time (what architectures without ``sparse_input`` get).

A second table times one training step of the first layer (forward,
backward, Adam) for a batch densified into a reused buffer against torch's
sparse matrix product on the CSR and on the COO batch (the estimators use COO).

Run: ``python benchmarks/speed/sparse_memory.py`` (20,000 x 50,000, about a
minute); ``--large`` adds the 100,000 x 200,000 case (one epoch, several
minutes); ``--quick`` uses small data, sparse batches only (seconds); ``--rst
PATH`` writes the memory table as reST.
"""

import argparse
import pathlib
import platform
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

CASES = {
    "quick": {"n": 2_000, "d": 5_000, "k": 20, "epochs": 1},
    "medium": {"n": 20_000, "d": 50_000, "k": 50, "epochs": 2},
    "large": {"n": 100_000, "d": 200_000, "k": 100, "epochs": 1},
}

CHILD = r"""
import json, sys, time
import numpy as np
import scipy.sparse as sp
from skmtl import MultiTaskRegressor
from skmtl.architectures import ARCHITECTURES

config = json.loads(sys.argv[1])
# The same network either way: its first layer a sparse product, or a product
# with each batch densified (what architectures without sparse_input get).
ARCHITECTURES.resolve("hard").sparse_input = config["batches"] == "sparse"
n, d, k = config["n"], config["d"], config["k"]
rng = np.random.default_rng(0)
indptr = np.arange(0, n * k + 1, k, dtype=np.int32)
indices = rng.integers(d, size=n * k, dtype=np.int32)
X = sp.csr_matrix((rng.random(n * k), indices, indptr), shape=(n, d))
Y = rng.standard_normal((n, 3))
sparse_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes


def make(epochs):
    return MultiTaskRegressor(
        shared_layers=(64,), max_epochs=epochs, batch_size=200, n_threads=1,
        random_state=0,
    )


make(1).fit(X[:500], Y[:500])  # torch's own allocations happen here


def rss_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])


before = rss_kib("VmRSS")
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")
start = time.perf_counter()
model = make(config["epochs"]).fit(X, Y)
fit_seconds = time.perf_counter() - start
fit_peak = rss_kib("VmHWM")
start = time.perf_counter()
model.predict(X)
predict_seconds = time.perf_counter() - start
peak = rss_kib("VmHWM")
n_parameters = sum(p.numel() for p in model.net_.module_.parameters())
print(json.dumps({
    "sparse_bytes": sparse_bytes,
    "dense_bytes": 4 * n * d,
    "network_bytes": 4 * 4 * n_parameters,
    "fit_growth_bytes": (fit_peak - before) * 1024,
    "growth_bytes": (peak - before) * 1024,
    "fit_seconds": fit_seconds,
    "predict_seconds": predict_seconds,
}))
"""


def first_layer_step_ms(n_columns, k, batch=200, units=64, repeats=5):
    """Return ms per training step of ``Linear(n_columns, units)`` per batch kind."""
    import warnings

    import numpy as np
    import scipy.sparse as sp
    import torch

    warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    indptr = np.arange(0, batch * k + 1, k)
    indices = rng.integers(n_columns, size=batch * k)
    matrix = sp.csr_matrix(
        (rng.random(batch * k, dtype=np.float32), indices, indptr),
        shape=(batch, n_columns),
    )
    crow, col = torch.from_numpy(matrix.indptr), torch.from_numpy(matrix.indices)
    values = torch.from_numpy(matrix.data)
    rows = torch.repeat_interleave(torch.arange(batch), crow.diff())
    buffer = torch.zeros(batch, n_columns)
    layer = torch.nn.Linear(n_columns, units)
    optimizer = torch.optim.Adam(layer.parameters(), weight_decay=1e-2, fused=True)

    def densified():
        buffer[rows, col] = 0
        buffer.index_put_((rows, col), values, accumulate=True)
        return buffer

    def csr():
        return torch.sparse_csr_tensor(
            crow, col, values, (batch, n_columns), check_invariants=False
        )

    def coo():
        return torch.sparse_coo_tensor(
            torch.stack([rows, col]),
            values,
            (batch, n_columns),
            check_invariants=False,
        )

    times = {}
    for name, make_batch in (("densified", densified), ("csr", csr), ("coo", coo)):
        samples = []
        for _ in range(repeats + 1):
            start = time.perf_counter()
            optimizer.zero_grad()
            layer(make_batch()).square().mean().backward()
            optimizer.step()
            samples.append(time.perf_counter() - start)
        times[name] = 1e3 * float(np.median(samples[1:]))
    return times


def main(argv=None):
    """Measure every case and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, seconds")
    parser.add_argument("--large", action="store_true", help="add 100,000 x 200,000")
    parser.add_argument("--rst", help="also write the memory table as reST here")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        print("SKIPPED: peak memory is read from /proc (Linux only).")
        return
    names = ["quick"] if args.quick else ["medium", *(["large"] if args.large else [])]
    header = (
        "n x d (stored per row)",
        "batches",
        "sparse X (MiB)",
        "dense float32 X (MiB)",
        "network + Adam (MiB)",
        "peak growth, fit + predict (MiB)",
        "growth / sparse X",
        "growth / dense X",
        "fit (s)",
        "predict (s)",
    )
    rows = []
    for name in names:
        for batches in ("sparse",) if args.quick else ("sparse", "densified"):
            case = CASES[name]
            result = _data.run_fresh(CHILD, {**case, "batches": batches})
            mib = 2**20
            rows.append(
                (
                    f"{case['n']:,} x {case['d']:,} ({case['k']})",
                    batches,
                    f"{result['sparse_bytes'] / mib:.0f}",
                    f"{result['dense_bytes'] / mib:,.0f}",
                    f"{result['network_bytes'] / mib:.0f}",
                    f"{result['growth_bytes'] / mib:.0f}",
                    f"{result['growth_bytes'] / result['sparse_bytes']:.1f}",
                    f"{result['growth_bytes'] / result['dense_bytes']:.3f}",
                    f"{result['fit_seconds']:.1f}",
                    f"{result['predict_seconds']:.1f}",
                )
            )
    print(
        "Peak memory of MultiTaskRegressor.fit + predict on sparse X: 3 tasks, "
        f"trunk (64,), batch 200, one thread; {platform.machine()}\n"
    )
    print(_data.markdown(header, rows))
    print("\nOne training step of Linear(d, 64) on a batch of 200 rows (ms, median)\n")
    steps = []
    for name in names:
        case = CASES[name]
        step = first_layer_step_ms(case["d"], case["k"])
        steps.append(
            (f"{case['d']:,} ({case['k']})", *(f"{step[k]:.1f}" for k in step))
        )
    print(
        _data.markdown(
            ("d (stored per row)", "densified batch", "torch CSR mm", "torch COO mm"),
            steps,
        )
    )
    if args.rst:
        caption = "Peak memory growth of fit + predict on sparse X"
        _data.write(args.rst, _data.rst(caption, header, rows))


if __name__ == "__main__":
    main()
