import numpy as np
import pytest
from sklearn.utils import Bunch

from skmtl.datasets import load_school
from tests.datasets._files import require, shared_data_home, write_school_mat


@pytest.fixture(scope="module")
def school():
    home = shared_data_home()
    require(home, "school.npz")
    return load_school(data_home=home)


def test_shared_copy(school):
    assert isinstance(school, Bunch)
    assert school.data.shape == (15362, 28)
    assert school.data.dtype == np.float64
    assert school.target.shape == (15362,)
    assert school.target.dtype == np.float64
    assert school.task.dtype == np.int64
    assert school.n_tasks == 139
    np.testing.assert_array_equal(school.data[:, -1], school.task)
    sizes = np.bincount(school.task)
    assert (sizes.min(), sizes.max()) == (22, 251)
    assert school.feature_names[0] == "year_a"
    assert school.feature_names[-2:] == ["school_denom_c", "task"]
    assert "bias" not in school.feature_names
    assert school.target_names == ["exam_score"]
    assert school.frame is None
    assert "Goldstein" in school.DESCR and "MALSAR" in school.DESCR
    assert school.filenames[0].endswith("school.npz")


def test_shared_copy_with_bias_as_frame():
    home = shared_data_home()
    require(home, "school.npz")
    school = load_school(data_home=home, include_bias=True, as_frame=True)
    assert school.data.shape == (15362, 29)
    assert list(school.data.columns[-2:]) == ["bias", "task"]
    assert (school.data["bias"] == 1).all()
    assert school.data["task"].dtype == np.int64
    assert school.target.name == "exam_score"
    assert school.frame.shape == (15362, 30)


def test_published_mat_file(tmp_path):
    X, Y = write_school_mat(tmp_path / "school.mat", sizes=(3, 5, 2))
    school = load_school(data_home=tmp_path)
    np.testing.assert_array_equal(school.data[:, :27], np.concatenate(X)[:, :27])
    np.testing.assert_array_equal(school.target, np.concatenate(Y).ravel())
    np.testing.assert_array_equal(school.task, [0] * 3 + [1] * 5 + [2] * 2)
    np.testing.assert_array_equal(school.data[:, -1], school.task)
    assert school.n_tasks == 3
    assert school.filenames[0].endswith("school.mat")


def test_environment_variable_and_return_X_y(tmp_path, monkeypatch):
    write_school_mat(tmp_path / "school.mat", sizes=(2, 2))
    monkeypatch.setenv("SKMTL_DATA", str(tmp_path))
    X, y = load_school(return_X_y=True, include_bias=True)
    assert X.shape == (4, 29)
    assert y.shape == (4,)
    X, y = load_school(return_X_y=True, as_frame=True)
    assert list(X.columns[-1:]) == ["task"]
    assert X["task"].tolist() == [0, 0, 1, 1]


def test_long_layout_with_an_estimator(tmp_path):
    from sklearn.linear_model import Ridge

    from skmtl.ensemble import PerTaskRegressor

    write_school_mat(tmp_path / "school.mat", sizes=(6, 7))
    X, y = load_school(data_home=tmp_path, return_X_y=True)
    model = PerTaskRegressor(Ridge(), task_column=-1).fit(X, y)
    assert model.predict(X).shape == (13,)
    X, y = load_school(data_home=tmp_path, return_X_y=True, as_frame=True)
    model = PerTaskRegressor(Ridge(), task_column="task").fit(X, y)
    assert model.predict(X).shape == (13,)


def test_wrong_number_of_columns(tmp_path):
    import scipy.io

    from tests.datasets._files import cell_array

    scipy.io.savemat(
        tmp_path / "school.mat",
        {"X": cell_array([np.ones((2, 5))]), "Y": cell_array([np.ones((2, 1))])},
    )
    with pytest.raises(ValueError, match=r"school.mat'.*X\{1\} has shape \(2, 5\)"):
        load_school(data_home=tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_school(data_home=tmp_path)
    message = str(info.value)
    assert "'school.mat'" in message and "'school.npz'" in message
    assert str(tmp_path) in message and "jiayuzhou/MALSAR" in message
