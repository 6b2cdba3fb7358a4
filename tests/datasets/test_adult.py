import gzip

import numpy as np
import pytest

from skmtl.datasets import load_adult_multitask
from tests.datasets._files import require, shared_data_home, write_adult_uci

FEATURES = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "occupation",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
]


@pytest.fixture(scope="module")
def adult():
    home = shared_data_home()
    require(home, "adult.csv.gz")
    return load_adult_multitask(data_home=home)


def test_shared_copy(adult):
    assert adult.data.shape == (48842, 12)
    assert adult.data.dtype == object
    assert adult.target.shape == (48842, 2)
    assert adult.target.dtype == np.int64
    assert adult.target[:, 0].sum() == 11687
    assert adult.feature_names == FEATURES
    assert "relationship" not in adult.feature_names
    assert "marital-status" not in adult.feature_names
    assert adult.target_names == ["income_over_50k", "never_married"]
    assert (adult.split == "train").sum() == 32561
    assert (adult.split == "test").sum() == 16281
    assert list(adult.split[:1]) == ["train"] and adult.split[-1] == "test"
    assert isinstance(adult.data[0, 0], int) and isinstance(adult.data[0, 1], str)
    workclass = adult.data[:, FEATURES.index("workclass")]
    assert sum(isinstance(v, float) and np.isnan(v) for v in workclass) == 2799
    assert "Kohavi" in adult.DESCR and "relationship" in adult.DESCR


def test_shared_copy_test_split_as_frame():
    home = shared_data_home()
    require(home, "adult.csv.gz")
    adult = load_adult_multitask(subset="test", data_home=home, as_frame=True)
    assert adult.data.shape == (16281, 12)
    assert set(adult.split) == {"test"}
    for name in adult.categorical_features:
        assert adult.data[name].dtype == "category"
    for name in adult.numerical_features:
        assert adult.data[name].dtype == np.int64
    assert list(adult.target.columns) == adult.target_names
    assert adult.frame.shape == (16281, 14)


def test_uci_files(tmp_path):
    write_adult_uci(tmp_path)
    adult = load_adult_multitask(data_home=tmp_path)
    assert adult.data.shape == (5, 12)
    assert adult.split.tolist() == ["train"] * 3 + ["test"] * 2
    np.testing.assert_array_equal(
        adult.target, [[0, 1], [1, 0], [0, 0], [0, 1], [1, 0]]
    )
    assert adult.data[0].tolist()[:3] == [39, "State-gov", 77516]
    third = adult.data[2]
    assert np.isnan(third[FEATURES.index("workclass")])
    assert np.isnan(third[FEATURES.index("native-country")])
    assert [name[-10:] for name in adult.filenames] == ["adult.data", "adult.test"]


def test_uci_subsets_and_environment(tmp_path, monkeypatch):
    write_adult_uci(tmp_path, data=False)
    monkeypatch.setenv("SKMTL_DATA", str(tmp_path))
    X, Y = load_adult_multitask(subset="test", return_X_y=True, as_frame=True)
    assert X.shape == (2, 12)
    assert Y["income_over_50k"].tolist() == [0, 1]
    with pytest.raises(FileNotFoundError, match=r"'adult.data' and 'adult.test'"):
        load_adult_multitask(subset="all")


def test_shared_layout_written_here(tmp_path):
    header = "age,workclass,fnlwgt,education,education-num,marital-status,"
    header += "occupation,relationship,race,sex,capital-gain,capital-loss,"
    header += "hours-per-week,native-country,income,split\n"
    rows = [
        "30,,1,HS-grad,9,Never-married,,Own-child,White,Male,0,0,40,,<=50K,train\n",
        "40,Private,2,HS-grad,9,Divorced,Sales,Unmarried,White,Female,0,0,50,"
        "Peru,>50K,test\n",
    ]
    with gzip.open(tmp_path / "adult.csv.gz", "wt", encoding="utf-8") as file:
        file.write(header + "".join(rows))
    adult = load_adult_multitask(subset="train", data_home=tmp_path)
    assert adult.target.tolist() == [[0, 1]]
    assert np.isnan(adult.data[0, FEATURES.index("occupation")])


def test_bad_uci_line(tmp_path):
    (tmp_path / "adult.data").write_text("1, 2, 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"adult.data', line 1: 3 fields"):
        load_adult_multitask(subset="train", data_home=tmp_path)


def test_bad_subset_and_missing_files(tmp_path):
    with pytest.raises(ValueError, match="subset='dev' is not one of"):
        load_adult_multitask(subset="dev", data_home=tmp_path)
    with pytest.raises(FileNotFoundError) as info:
        load_adult_multitask(data_home=tmp_path)
    message = str(info.value)
    assert "'adult.data' and 'adult.test'" in message and "'adult.csv.gz'" in message
    assert "archive.ics.uci.edu" in message


def test_mixed_tasks_from_uci_files(tmp_path):
    write_adult_uci(tmp_path)
    adult = load_adult_multitask(data_home=tmp_path, tasks="mixed")
    assert adult.target_names == ["income_over_50k", "marital_status", "hours_per_week"]
    assert "hours-per-week" not in adult.feature_names
    assert adult.data.shape == (5, 11) and adult.feature_names == [
        name for name in FEATURES if name != "hours-per-week"
    ]
    assert "hours-per-week" not in adult.numerical_features
    assert adult.target.dtype == object
    assert adult.target[:, 0].tolist() == [0, 1, 0, 0, 1]
    assert adult.target[0, 1] == "Never-married"
    assert all(isinstance(value, float) for value in adult.target[:, 2])
    assert adult.target[0, 2] == 40.0


def test_mixed_tasks_as_frame_keep_each_dtype(tmp_path):
    write_adult_uci(tmp_path)
    X, Y = load_adult_multitask(
        data_home=tmp_path, tasks="mixed", as_frame=True, return_X_y=True
    )
    assert X.shape == (5, 11)
    pd = pytest.importorskip("pandas")
    assert Y["income_over_50k"].dtype == np.int64
    assert pd.api.types.is_string_dtype(Y["marital_status"])
    assert Y["hours_per_week"].dtype == np.float64


def test_bad_task_set(tmp_path):
    with pytest.raises(ValueError, match="tasks='all' is not one of"):
        load_adult_multitask(tasks="all", data_home=tmp_path)
