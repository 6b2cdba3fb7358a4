import numpy as np
import pytest
import scipy.io

from skmtl.datasets._matlab import cells, read_mat, task_cells
from tests.datasets._files import cell_array, write_sarcos_mat


def write_v73(path, variables):
    """Write a MATLAB v7.3 (HDF5) file as MATLAB does: axes reversed, cells as refs."""
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w", userblock_size=512) as file:
        refs = file.create_group("#refs#")
        for name, value in variables.items():
            if isinstance(value, list):
                dataset = file.create_dataset(
                    name, shape=(len(value), 1), dtype=h5py.ref_dtype
                )
                for position, matrix in enumerate(value):
                    cell = refs.create_dataset(f"{name}{position}", data=matrix.T)
                    dataset[position, 0] = cell.ref
            else:
                file.create_dataset(name, data=value.T)
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: test HDF5 schema"
    with open(path, "r+b") as file:
        file.write(header.ljust(116) + b"\0" * 8 + b"\x00\x02" + b"IM")


def test_v5_cells_and_matrix(tmp_path):
    path = tmp_path / "a.mat"
    first, second = np.ones((2, 3)), np.arange(6.0).reshape(3, 2)
    scipy.io.savemat(path, {"c": cell_array([first, second]), "m": np.eye(2)})
    values = read_mat(path, ["c", "m"])
    np.testing.assert_array_equal(values["c"][0], first)
    np.testing.assert_array_equal(values["c"][1], second)
    np.testing.assert_array_equal(values["m"], np.eye(2))
    assert cells(path, "c", values["c"]) is values["c"]
    with pytest.raises(ValueError, match=r"'m' of .*a.mat' should be a cell array"):
        cells(path, "m", values["m"])


def test_task_cells_long_layout_and_errors(tmp_path):
    path = tmp_path / "a.mat"
    features = [np.ones((2, 3)), np.zeros((1, 3))]
    scipy.io.savemat(
        path,
        {
            "X": cell_array(features),
            "Y": cell_array([np.array([[1.0], [2.0]]), np.array([[3.0]])]),
            "short": cell_array([np.array([[1.0]])]),
            "wide": cell_array([np.ones((2, 4)), np.ones((1, 4))]),
        },
    )
    X, y, task = task_cells(path, "X", "Y", n_columns=3, task_word="group")
    np.testing.assert_array_equal(X, np.vstack(features))
    np.testing.assert_array_equal(y, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(task, [0, 0, 1])
    with pytest.raises(ValueError, match=r"X has 2 cells but short has 1; .* group"):
        task_cells(path, "X", "short", n_columns=3, task_word="group")
    with pytest.raises(ValueError, match=r"cell wide\{1\} has shape \(2, 4\)"):
        task_cells(path, "wide", "Y", n_columns=3, task_word="group")
    with pytest.raises(ValueError, match=r"X\{1\} has 6 labels for 2 rows in Y\{1\}"):
        task_cells(path, "Y", "X", n_columns=1, task_word="group")


def test_missing_variable_lists_the_present_ones(tmp_path):
    path = tmp_path / "a.mat"
    write_sarcos_mat(path, "other", 3)
    with pytest.raises(ValueError, match=r"no variable 'wanted'.*found \['other'\]"):
        read_mat(path, ["wanted"])


def test_v73_read_with_h5py(tmp_path):
    path = tmp_path / "v73.mat"
    first, second = np.arange(6.0).reshape(2, 3), np.arange(8.0).reshape(4, 2)
    write_v73(path, {"c": [first, second], "m": np.arange(6.0).reshape(3, 2)})
    values = read_mat(path, ["c", "m"])
    np.testing.assert_array_equal(values["c"][0], first)
    np.testing.assert_array_equal(values["c"][1], second)
    np.testing.assert_array_equal(values["m"], np.arange(6.0).reshape(3, 2))


def test_v73_without_h5py_says_what_to_do(tmp_path, monkeypatch):
    import sys

    path = tmp_path / "v73.mat"
    write_v73(path, {"m": np.eye(2)})
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"v7.3 .*Install h5py"):
        read_mat(path, ["m"])
