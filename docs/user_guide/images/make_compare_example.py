"""Regenerate the ``skmtl compare`` example of the user guide (output and plot).

Run from the repository root with SKMTL_DATA pointing at the data folder::

    python docs/user_guide/images/make_compare_example.py

It writes the Mulan ``wq`` data (SKMTL_DATA/mtr/wq.npz) to a temporary CSV
file, runs ``skmtl compare`` on it with ``--sharing hard`` and saves the plot
next to this script; paste the printed output into ``compare.rst``.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

data = np.load(Path(os.environ["SKMTL_DATA"]) / "mtr" / "wq.npz", allow_pickle=True)
frame = pd.DataFrame(data["X"], columns=[str(name) for name in data["feature_names"]])
targets = [f"y_{name}" for name in data["target_names"]]
for column, values in zip(targets, data["Y"].T):
    frame[column] = values
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "wq.csv"
    frame.to_csv(path, index=False)
    command = [sys.executable, "-m", "skmtl", "compare", str(path), "--sharing", "hard"]
    for target in targets:
        command += ["--target", target]
    plot = Path(__file__).with_name("compare_wq.png")
    result = subprocess.run(
        [*command, "--no-progress", "--plot", str(plot)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
print(result.stdout.replace(folder, "."))
