import numpy as np
import pytest

from skmtl.datasets import load_mtr
from skmtl.datasets._mtr import MTR_DATASETS
from tests.datasets._files import require, shared_data_home, write_arff

# (n, d, k) of the shared copies, from shared/data/README.md.
SHARED_SHAPES = {
    "andro": (49, 30, 6),
    "atp1d": (337, 411, 6),
    "atp7d": (296, 411, 6),
    "edm": (154, 16, 2),
    "enb": (768, 8, 2),
    "jura": (359, 15, 3),
    "oes10": (403, 298, 16),
    "oes97": (334, 263, 16),
    "osales": (639, 401, 12),
    "rf1": (9125, 64, 8),
    "scm20d": (8966, 61, 16),
    "scpf": (1137, 23, 3),
    "sf1": (323, 10, 3),
    "sf2": (1066, 10, 3),
    "slump": (103, 7, 3),
    "wq": (1060, 16, 14),
}
MISSING_IN_X = {"osales": 10012, "rf1": 3264, "scpf": 9255}


@pytest.mark.parametrize("name", sorted(SHARED_SHAPES))
def test_shared_copy(name):
    home = shared_data_home()
    require(home, f"mtr/{name}.npz")
    mtr = load_mtr(name, data_home=home)
    n, d, k = SHARED_SHAPES[name]
    assert mtr.data.shape == (n, d)
    assert mtr.target.shape == (n, k) and k == MTR_DATASETS[name][0]
    assert mtr.data.dtype == mtr.target.dtype == np.float64
    assert len(mtr.feature_names) == d and len(mtr.target_names) == k
    assert np.isnan(mtr.data).sum() == MISSING_IN_X.get(name, 0)
    assert not np.isnan(mtr.target).any()
    assert "Spyromitros-Xioufis" in mtr.DESCR


def test_shared_nominal_inputs_and_frame():
    home = shared_data_home()
    require(home, "mtr/sf1.npz")
    sf1 = load_mtr("sf1", data_home=home, as_frame=True)
    assert len(sf1.feature_categories) == 10
    assert sf1.feature_categories["mod_zurich_class"] == list("ABCDEFH")
    assert sf1.frame.shape == (323, 13)
    assert list(sf1.target.columns) == sf1.target_names
    codes = sf1.data["mod_zurich_class"]
    assert codes.min() >= 0 and codes.max() < 7


def test_arff_file(tmp_path):
    write_arff(tmp_path / "slump.arff")  # 5 attributes; slump has 3 targets
    slump = load_mtr("slump", data_home=tmp_path)
    assert slump.feature_names == ["first input", "colour"]
    assert slump.target_names == ["x3", "target one", "target_2"]
    np.testing.assert_array_equal(slump.data, [[1.5, 0], [-2, 1], [np.nan, 2], [7, 2]])
    np.testing.assert_array_equal(slump.target[:, 1], [10, 20, 30, 40])
    assert slump.feature_categories == {"colour": ["red", "dark blue", "green"]}
    assert slump.filenames[0].endswith("slump.arff")


def test_arff_in_mtr_subfolder_through_environment(tmp_path, monkeypatch):
    (tmp_path / "mtr").mkdir()
    write_arff(tmp_path / "mtr" / "edm.arff")  # edm has 2 targets
    monkeypatch.setenv("SKMTL_DATA", str(tmp_path))
    X, Y = load_mtr("edm", return_X_y=True, as_frame=True)
    assert list(X.columns) == ["first input", "colour", "x3"]
    assert list(Y.columns) == ["target one", "target_2"]


def test_arff_with_too_few_attributes_or_nominal_target(tmp_path):
    write_arff(tmp_path / "wq.arff")  # wq has 14 targets
    with pytest.raises(ValueError, match=r"5 attributes; expected .* 14 targets"):
        load_mtr("wq", data_home=tmp_path)
    write_arff(
        tmp_path / "enb.arff",
        "@relation r\n@attribute a numeric\n@attribute b {x,y}\n"
        "@attribute c numeric\n@data\n1,x,2\n",
    )
    with pytest.raises(ValueError, match="target attribute 'b' is nominal"):
        load_mtr("enb", data_home=tmp_path)


def test_unknown_name_lists_valid_names(tmp_path):
    with pytest.raises(ValueError, match=r"'nope'.*'andro'.*'wq'"):
        load_mtr("nope", data_home=tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mtr("scm1d", data_home=tmp_path)
    message = str(info.value)
    assert "'scm1d.arff'" in message and "'mtr/scm1d.npz'" in message
    assert "tsoumakas/mulan" in message
