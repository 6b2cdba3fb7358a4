"""Tiny data files in each published format, and the shared data folder."""

import os
from pathlib import Path

import numpy as np
import pytest
import scipy.io

# The repository's sibling folder shared/data, unless SKMTL_DATA says otherwise.
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def shared_data_home():
    """Return the shared data folder, or skip the test when it is absent."""
    home = Path(os.environ.get("SKMTL_DATA") or SHARED)
    if not home.is_dir():
        pytest.skip(
            f"shared data folder {home} not found: set SKMTL_DATA to the folder "
            "holding school.npz, landmine.npz, ... to run this test"
        )
    return home


def require(home, name):
    """Skip unless ``home / name`` exists; return the path."""
    path = home / name
    if not path.is_file():
        pytest.skip(f"{path} not found in the shared data folder")
    return path


def cell_array(matrices):
    """A 1 x n MATLAB cell array (an object array) holding the matrices."""
    cells = np.empty((1, len(matrices)), dtype=object)
    for position, matrix in enumerate(matrices):
        cells[0, position] = matrix
    return cells


def write_school_mat(path, sizes=(3, 5, 2), seed=0):
    """Write a MALSAR-style school.mat; return the X and Y cells."""
    rng = np.random.default_rng(seed)
    X = [np.column_stack([rng.normal(size=(n, 27)), np.ones(n)]) for n in sizes]
    Y = [rng.integers(1, 71, size=(n, 1)).astype(float) for n in sizes]
    scipy.io.savemat(path, {"X": cell_array(X), "Y": cell_array(Y)})
    return X, Y


def write_landmine_mat(path, sizes=(4, 3), seed=0):
    """Write a LandmineData.mat; return the feature and label cells."""
    rng = np.random.default_rng(seed)
    features = [rng.normal(size=(n, 9)) for n in sizes]
    labels = [(np.arange(n) % 2).reshape(-1, 1).astype(float) for n in sizes]
    scipy.io.savemat(
        path, {"feature": cell_array(features), "label": cell_array(labels)}
    )
    return features, labels


def write_sarcos_mat(path, variable, n_samples, seed=0):
    """Write a GPML-style SARCOS file; return its n_samples x 28 matrix."""
    matrix = np.random.default_rng(seed).normal(size=(n_samples, 28))
    scipy.io.savemat(path, {variable: matrix})
    return matrix


ARFF = """\
% A tiny multi-target file: quoted names, a nominal input, missing values.
@relation 'tiny relation'

@attribute 'first input' numeric
@attribute colour {red,'dark blue',green}
@attribute x3 REAL
@attribute "target one" numeric
@attribute target_2 integer

@data
1.5,red,?,10,1
% a comment between rows
-2,'dark blue',3e-1,20,2
?,green,4,30,3
{0 7, 1 green, 3 40}
"""


def write_arff(path, text=ARFF):
    """Write an ARFF file (by default the tiny multi-target one)."""
    Path(path).write_text(text, encoding="utf-8")


ADULT_DATA = """\
39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, \
White, Male, 2174, 0, 40, United-States, <=50K
50, Self-emp-not-inc, 83311, Bachelors, 13, Married-civ-spouse, Exec-managerial, \
Husband, White, Male, 0, 0, 13, United-States, >50K
38, ?, 215646, HS-grad, 9, Divorced, ?, Not-in-family, White, Female, 0, 0, 40, \
?, <=50K

"""

ADULT_TEST = """\
|1x3 Cross validator
25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, \
Male, 0, 0, 40, United-States, <=50K.
44, Private, 160323, Some-college, 10, Married-civ-spouse, Machine-op-inspct, \
Husband, Black, Male, 7688, 0, 40, United-States, >50K.
"""


def write_adult_uci(folder, *, data=True, test=True):
    """Write UCI-format adult.data and/or adult.test into ``folder``."""
    if data:
        (Path(folder) / "adult.data").write_text(ADULT_DATA, encoding="utf-8")
    if test:
        (Path(folder) / "adult.test").write_text(ADULT_TEST, encoding="utf-8")
