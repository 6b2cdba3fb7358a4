import numpy as np
import pytest

from skmtl.datasets import load_sarcos
from tests.datasets._files import require, shared_data_home, write_sarcos_mat


def test_shared_test_split():
    home = shared_data_home()
    require(home, "sarcos_test.npz")
    sarcos = load_sarcos(subset="test", data_home=home)
    assert sarcos.data.shape == (4449, 21)
    assert sarcos.target.shape == (4449, 7)
    assert sarcos.data.dtype == sarcos.target.dtype == np.float64
    assert set(sarcos.split) == {"test"}
    assert sarcos.subset == "test"
    assert sarcos.feature_names[:2] == ["q1", "q2"]
    assert sarcos.feature_names[-1] == "ddq7"
    assert sarcos.target_names == [f"tau{i}" for i in range(1, 8)]
    assert "Vijayakumar" in sarcos.DESCR and "Rasmussen" in sarcos.DESCR


def test_shared_copy_has_no_training_split():
    home = shared_data_home()
    require(home, "sarcos_test.npz")
    if (home / "sarcos_inv.mat").is_file():
        pytest.skip("the shared folder holds the training split too")
    for subset in ("train", "all"):
        with pytest.raises(FileNotFoundError) as info:
            load_sarcos(subset=subset, data_home=home)
        message = str(info.value)
        assert "Only the SARCOS test split is available" in message
        assert "sarcos_inv.mat" in message and "subset='test'" in message


def test_published_mat_files(tmp_path):
    train = write_sarcos_mat(tmp_path / "sarcos_inv.mat", "sarcos_inv", 5, seed=1)
    test = write_sarcos_mat(
        tmp_path / "sarcos_inv_test.mat", "sarcos_inv_test", 3, seed=2
    )
    sarcos = load_sarcos(data_home=tmp_path)
    np.testing.assert_array_equal(sarcos.data, np.vstack([train, test])[:, :21])
    np.testing.assert_array_equal(sarcos.target, np.vstack([train, test])[:, 21:])
    assert sarcos.split.tolist() == ["train"] * 5 + ["test"] * 3
    assert sarcos.subset == "all"
    assert len(sarcos.filenames) == 2
    X, Y = load_sarcos(subset="train", data_home=tmp_path, return_X_y=True)
    assert X.shape == (5, 21) and Y.shape == (5, 7)
    X, Y = load_sarcos(
        subset="test", data_home=tmp_path, as_frame=True, return_X_y=True
    )
    assert list(Y.columns) == [f"tau{i}" for i in range(1, 8)]
    assert X.shape == (3, 21)


def test_published_test_split_through_environment(tmp_path, monkeypatch):
    write_sarcos_mat(tmp_path / "sarcos_inv_test.mat", "sarcos_inv_test", 4)
    monkeypatch.setenv("SKMTL_DATA", str(tmp_path))
    assert load_sarcos(subset="test").data.shape == (4, 21)
    with pytest.raises(FileNotFoundError, match="Only the SARCOS test split"):
        load_sarcos()


def test_wrong_shape(tmp_path):
    import scipy.io

    scipy.io.savemat(tmp_path / "sarcos_inv_test.mat", {"sarcos_inv_test": np.ones(3)})
    with pytest.raises(ValueError, match="28 columns"):
        load_sarcos(subset="test", data_home=tmp_path)


def test_bad_subset_and_missing_files(tmp_path):
    with pytest.raises(ValueError, match="subset='valid' is not one of"):
        load_sarcos(subset="valid", data_home=tmp_path)
    with pytest.raises(FileNotFoundError) as info:
        load_sarcos(subset="test", data_home=tmp_path)
    message = str(info.value)
    assert "'sarcos_inv_test.mat'" in message and "'sarcos_test.npz'" in message
    assert "gaussianprocess.org" in message
