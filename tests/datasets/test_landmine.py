import numpy as np
import pytest

from skmtl.datasets import load_landmine
from tests.datasets._files import require, shared_data_home, write_landmine_mat


def test_shared_copy():
    home = shared_data_home()
    require(home, "landmine.npz")
    landmine = load_landmine(data_home=home)
    assert landmine.data.shape == (14820, 10)
    assert landmine.data.dtype == np.float64
    assert landmine.target.dtype == np.int64
    assert landmine.target.sum() == 904
    assert landmine.n_tasks == 29
    sizes = np.bincount(landmine.task)
    assert (sizes.min(), sizes.max()) == (445, 690)
    np.testing.assert_array_equal(landmine.data[:, -1], landmine.task)
    assert landmine.feature_names[-1] == "task"
    assert landmine.target_names == ["landmine"]
    assert "Xue" in landmine.DESCR and "Dirichlet" in landmine.DESCR


def test_shared_copy_as_frame():
    home = shared_data_home()
    require(home, "landmine.npz")
    X, y = load_landmine(data_home=home, as_frame=True, return_X_y=True)
    assert X.shape == (14820, 10)
    assert X["task"].nunique() == 29
    assert y.name == "landmine"


def test_published_mat_file(tmp_path, monkeypatch):
    features, _ = write_landmine_mat(tmp_path / "LandmineData.mat", (4, 3))
    monkeypatch.setenv("SKMTL_DATA", str(tmp_path))
    landmine = load_landmine()
    np.testing.assert_array_equal(landmine.data[:, :9], np.concatenate(features))
    np.testing.assert_array_equal(landmine.target, [0, 1, 0, 1, 0, 1, 0])
    assert landmine.target.dtype == np.int64
    np.testing.assert_array_equal(landmine.task, [0, 0, 0, 0, 1, 1, 1])
    assert landmine.filenames[0].endswith("LandmineData.mat")
    frame = load_landmine(as_frame=True).frame
    assert list(frame.columns[-2:]) == ["task", "landmine"]


def test_bad_labels(tmp_path):
    import scipy.io

    from tests.datasets._files import cell_array

    scipy.io.savemat(
        tmp_path / "LandmineData.mat",
        {
            "feature": cell_array([np.ones((2, 9))]),
            "label": cell_array([np.array([[-1.0], [1.0]])]),
        },
    )
    with pytest.raises(ValueError, match=r"labels should be 0 .* found \[-1.0, 1.0\]"):
        load_landmine(data_home=tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_landmine(data_home=tmp_path)
    message = str(info.value)
    assert "'LandmineData.mat'" in message and "'landmine.npz'" in message
    assert "Duke" in message
