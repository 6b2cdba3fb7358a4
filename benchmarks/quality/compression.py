"""Pruning and dynamic int8 quantization of a network fitted on the School data.

One :class:`skmtl.MultiTaskRegressor` (hard sharing, a 256-256 trunk, 139 school
heads, long layout) is fitted on a 75/25 split within each school (features
standardized); then :func:`skmtl.export.prune` (trunk weights, 50% and 80%),
:func:`skmtl.export.quantize_dynamic` (int8 trunk) and both together make
smaller copies. For each variant: the size of the network's ``state_dict``
(``torch.save`` bytes, and gzip-compressed bytes, which show what zeroed weights
save), the median ``predict`` time over repeats on the 3,840 test rows and on
one row (variants interleaved within each repeat, one thread), the overall
explained variance %, and the change of each school's test R² against the
original (mean, smallest and largest over the 139 schools), and the largest
change of a test prediction (exam scores range from 1 to 70).

Needs ``<data>/school.npz`` (``SKMTL_DATA`` or ``../shared/data``). About 2
minutes on 2 shared cores; ``--quick`` fits 3 epochs and times 3 repeats.
``--rst PATH`` also writes the table as reStructuredText.
"""

import argparse
import gzip
import io
import pathlib
import statistics
import sys
import time

import numpy as np
import torch
from sklearn.metrics import r2_score
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskRegressor
from skmtl.export import prune, quantize_dynamic

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data
from quality.school import within_task_split

SETTINGS = {
    "shared_layers": (256, 256),
    "max_epochs": 100,
    "batch_size": 256,
    "lr": 1e-3,
    "task_column": -1,
    "random_state": 0,
    "n_threads": 1,
}


def sizes(model):
    """Return the ``torch.save`` size of the network's state, raw and gzipped."""
    buffer = io.BytesIO()
    torch.save(model.net_.module_.state_dict(), buffer)
    raw = buffer.getvalue()
    return len(raw), len(gzip.compress(raw))


def per_school_r2(model, X, y, task):
    """Return each school's test R², in the order of ``np.unique(task)``."""
    prediction = model.predict(X)
    return np.array(
        [r2_score(y[task == t], prediction[task == t]) for t in np.unique(task)]
    )


def latencies(variants, X, repeats):
    """Return the median predict seconds of each variant on ``X`` and on one row."""
    times = {name: ([], []) for name in variants}
    one_row = X[:1]
    for model in variants.values():  # first calls allocate and pack weights
        model.predict(X)
        model.predict(one_row)
    for _ in range(repeats):
        for name, model in variants.items():
            for rows, record in zip((X, one_row), times[name], strict=True):
                start = time.perf_counter()
                model.predict(rows)
                record.append(time.perf_counter() - start)
    return {name: tuple(map(statistics.median, t)) for name, t in times.items()}


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 epochs, 3 repeats")
    parser.add_argument("--repeats", type=int, default=30, help="timing repeats")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)

    absent = _data.missing("school.npz")
    if absent:
        _data.skip("school", absent)
        return
    from skmtl.datasets import load_school

    bunch = load_school(data_home=_data.data_dir())
    test = within_task_split(bunch.task, 0.25, seed=0)
    scaler = StandardScaler().fit(bunch.data[~test, :-1])
    X = np.column_stack([scaler.transform(bunch.data[:, :-1]), bunch.task])
    y, task = bunch.target, bunch.task
    settings = {**SETTINGS, "max_epochs": 3 if args.quick else SETTINGS["max_epochs"]}
    repeats = 3 if args.quick else args.repeats

    torch.set_num_threads(1)
    original = MultiTaskRegressor(**settings).fit(X[~test], y[~test])
    variants = {
        "original (float32)": original,
        "pruned 50% (trunk)": prune(original, 0.5),
        "pruned 80% (trunk)": prune(original, 0.8),
        "int8 dynamic (trunk)": quantize_dynamic(original),
        "pruned 50% + int8": quantize_dynamic(prune(original, 0.5)),
    }
    timing = latencies(variants, X[test].astype(np.float32), repeats)
    reference = per_school_r2(original, X[test], y[test], task[test])
    reference_prediction = original.predict(X[test])
    header = [
        "variant",
        "state bytes",
        "gzip bytes",
        "predict 3,840 rows (ms)",
        "predict 1 row (ms)",
        "EV %",
        "max abs Δ prediction",
        "ΔR² per school: mean",
        "min",
        "max",
    ]
    rows = []
    for name, model in variants.items():
        raw, packed = sizes(model)
        change = per_school_r2(model, X[test], y[test], task[test]) - reference
        prediction = model.predict(X[test])
        residual = y[test] - prediction
        shift = np.abs(prediction - reference_prediction).max()
        explained = 100 * (1 - residual.var() / y[test].var())
        batch, single = timing[name]
        rows.append(
            [
                name,
                f"{raw:,}",
                f"{packed:,}",
                f"{1000 * batch:.2f}",
                f"{1000 * single:.3f}",
                f"{explained:.2f}",
                f"{shift:.2g}",
                f"{change.mean():+.4f}",
                f"{change.min():+.4f}",
                f"{change.max():+.4f}",
            ]
        )
    caption = (
        f"School, long layout, 139 tasks: MultiTaskRegressor(hard, trunk "
        f"{settings['shared_layers']}, {settings['max_epochs']} epochs); medians "
        f"of {repeats} interleaved predict timings, 1 torch thread; ΔR² against "
        "the original, per school."
    )
    print(caption)
    print(_data.markdown(header, rows))
    if args.rst:
        _data.write(args.rst, _data.rst(caption, header, rows))


if __name__ == "__main__":
    main()
