import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.utils import Bunch

from skmtl.datasets import load_digits_multitask

TARGET_NAMES = ["digit", "parity", "greater_than_4"]


def test_bunch_shapes_and_dtypes():
    digits = load_digits_multitask()
    assert isinstance(digits, Bunch)
    assert digits.data.shape == (1797, 64)
    assert digits.data.dtype == np.float64
    assert digits.target.shape == (1797, 3)
    assert digits.target.dtype == object
    assert digits.images.shape == (1797, 8, 8)
    assert digits.frame is None
    assert digits.target_names == TARGET_NAMES
    assert len(digits.feature_names) == 64
    assert digits.feature_names[0] == "pixel_0_0"


def test_data_is_sklearns_digits():
    original = load_digits()
    digits = load_digits_multitask()
    np.testing.assert_array_equal(digits.data, original.data)
    np.testing.assert_array_equal(digits.target[:, 0].astype(int), original.target)


def test_task_labels():
    target = load_digits_multitask().target
    digit, parity, greater_than_4 = target.T
    assert {type(label) for label in digit} == {int}
    assert {type(label) for label in parity} == {str}
    assert set(digit) == set(range(10))
    assert set(parity) == {"even", "odd"}
    assert set(greater_than_4) == {0, 1}
    digit = digit.astype(int)
    np.testing.assert_array_equal(parity, np.where(digit % 2 == 0, "even", "odd"))
    np.testing.assert_array_equal(greater_than_4.astype(int), digit > 4)


def test_return_X_y():
    X, Y = load_digits_multitask(return_X_y=True)
    digits = load_digits_multitask()
    np.testing.assert_array_equal(X, digits.data)
    np.testing.assert_array_equal(Y, digits.target)


def test_descr_describes_the_tasks_and_cites_the_data():
    descr = load_digits_multitask().DESCR
    for name in TARGET_NAMES:
        assert name in descr
    assert "UCI" in descr
    assert "Alpaydin" in descr


def test_as_frame():
    pd = pytest.importorskip("pandas")
    digits = load_digits_multitask(as_frame=True)
    assert isinstance(digits.data, pd.DataFrame)
    assert isinstance(digits.target, pd.DataFrame)
    assert isinstance(digits.frame, pd.DataFrame)
    assert digits.data.shape == (1797, 64)
    assert list(digits.data.columns) == load_digits().feature_names
    assert list(digits.target.columns) == TARGET_NAMES
    assert list(digits.frame.columns) == digits.feature_names + TARGET_NAMES
    assert (digits.data.dtypes == np.float64).all()
    assert digits.target["digit"].dtype == np.int64
    assert digits.target["greater_than_4"].dtype == np.int64
    expected_parity = np.where(digits.target["digit"] % 2 == 0, "even", "odd")
    np.testing.assert_array_equal(digits.target["parity"], expected_parity)
    np.testing.assert_array_equal(
        digits.target.to_numpy(dtype=object), load_digits_multitask().target
    )


def test_as_frame_return_X_y():
    pd = pytest.importorskip("pandas")
    X, Y = load_digits_multitask(as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame)
    assert isinstance(Y, pd.DataFrame)
    assert X.shape == (1797, 64)
    assert Y.shape == (1797, 3)
