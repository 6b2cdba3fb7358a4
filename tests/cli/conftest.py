"""Small CSV files for the ``skmtl compare`` tests, and a command runner."""

import subprocess
import sys

import numpy as np
import pytest

pd = pytest.importorskip("pandas", reason="skmtl compare reads CSV with pandas")

# Few epochs and one sharing: the tests check the command, not model quality.
FAST = ["--max-epochs", "5", "--sharing", "hard", "--cv", "3"]


def run_cli(*args):
    """Run ``python -m skmtl compare ARGS`` and return the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "skmtl", "compare", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _features(rng, n):
    X = rng.normal(size=(n, 3))
    frame = pd.DataFrame(X, columns=["x1", "x2", "x3"])
    frame["city"] = rng.choice(["paris", "lyon", "nice"], size=n)
    return frame, X


@pytest.fixture
def wide_csv(tmp_path):
    """Two related regression targets; ``y2`` has missing labels (empty cells)."""
    rng = np.random.default_rng(0)
    frame, X = _features(rng, 45)
    frame.loc[2, "x2"] = np.nan
    weights = np.array([1.0, -2.0, 0.5])
    frame["y1"] = X @ weights + rng.normal(scale=0.3, size=45)
    frame["y2"] = 100 + 10 * X @ weights + rng.normal(scale=3.0, size=45)
    frame.loc[[0, 5, 9, 17, 30], "y2"] = np.nan
    frame["label"] = np.where(X[:, 0] > 0, "up", "down")
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def long_csv(tmp_path):
    """One row per student, the school is the task; a categorical feature."""
    rng = np.random.default_rng(1)
    frame, X = _features(rng, 48)
    frame["school"] = np.repeat(["north", "south", "east"], 16)
    offset = frame["school"].map({"north": 0.0, "south": 2.0, "east": -1.0})
    frame["score"] = X @ [1.0, 0.5, 0.0] + offset + rng.normal(scale=0.2, size=48)
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def classification_csv(tmp_path):
    """A binary task with string labels and a 3-class task with numeric labels."""
    rng = np.random.default_rng(2)
    frame, X = _features(rng, 45)
    frame["spam"] = np.where(X[:, 0] + 0.2 * X[:, 1] > 0, "yes", "no")
    frame["grade"] = np.digitize(X[:, 1], [-0.4, 0.4])
    frame.loc[4, "spam"] = np.nan
    path = tmp_path / "classification.csv"
    frame.to_csv(path, index=False)
    return path
