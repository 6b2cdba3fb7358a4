"""The task layout: the one place that splits off the task column."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch

from skmtl._layout import (
    TaskLayout,
    read_task_column,
    split_task_column,
    task_column_position,
)
from skmtl.architectures import Architecture

X = np.array([[1.0, 10.0, 0.5], [2.0, 20.0, 1.5], [1.0, 30.0, 2.5], [3.0, 40.0, 3.5]])


@pytest.mark.parametrize("position", [0, 1, 2])
def test_split_task_column_in_every_container(position):
    expected_features = np.delete(X, position, axis=1)
    features, tasks = split_task_column(X, position)
    np.testing.assert_array_equal(features, expected_features)
    np.testing.assert_array_equal(tasks, X[:, position])
    # First or last: a view of X, no copy of the features.
    assert np.shares_memory(features, X) == (position in (0, 2))
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    features, tasks = split_task_column(frame, position)
    assert list(features.columns) == [c for i, c in enumerate("abc") if i != position]
    np.testing.assert_array_equal(tasks, X[:, position])
    for kind in (sp.csr_matrix, sp.csc_matrix, sp.csr_array):
        features, tasks = split_task_column(kind(X), position)
        assert sp.issparse(features) and features.format == kind(X).format
        assert isinstance(features, sp.sparray) == isinstance(kind(X), sp.sparray)
        np.testing.assert_array_equal(features.toarray(), expected_features)
        np.testing.assert_array_equal(tasks, X[:, position])


def test_read_task_column_and_positions():
    frame = pd.DataFrame(X, columns=["a", "task", "c"])
    np.testing.assert_array_equal(read_task_column(frame, "task"), [10, 20, 30, 40])
    assert read_task_column(X, -3).dtype == np.int64  # integral floats: ints
    assert task_column_position(frame, "task") == 1
    with pytest.raises(ValueError, match="is out of range for X with 3 columns"):
        task_column_position(X, 3)
    with pytest.raises(ValueError, match="not a column of X"):
        task_column_position(frame, "nope")


def test_decode_wide_and_long():
    layout, Y, task_index = TaskLayout.decode(None, np.ones(4), None, 4)
    assert (layout.long, layout.one_d, layout.task_names) == (False, True, ["task_0"])
    assert Y.shape == (4, 1) and task_index is None
    layout, Y, task_index = TaskLayout.decode(0, [1, 2, 3, 4], X[:, 0], 4)
    assert layout.long and layout.task_names == [1, 2, 3]
    np.testing.assert_array_equal(task_index, [0, 1, 0, 2])
    with pytest.raises(ValueError, match=r"Unknown task ids \[7\]"):
        layout.task_index(np.array([7.0]))
    with pytest.raises(ValueError, match="warm_start=True continues a fit on tasks"):
        wide = TaskLayout(None, ["a", "b"])
        TaskLayout.decode(None, np.ones((4, 3)), None, 4, previous=wide)


def test_long_outputs_go_back_to_each_rows_task():
    layout = TaskLayout(0, ["a", "b"])
    task_index = np.array([1, 0, 1])
    rows = layout.task_rows(task_index)
    prediction = layout.assemble([[5.0], [6.0, 7.0]], rows, 3, float)
    np.testing.assert_array_equal(prediction, [6.0, 5.0, 7.0])
    proba = layout.spread([np.ones((1, 2)), np.zeros((2, 3))], rows, 3, [2, 3])
    assert np.isnan(proba[0][[0, 2]]).all() and (proba[0][1] == 1).all()
    assert (proba[1][[0, 2]] == 0).all() and np.isnan(proba[1][1]).all()
    totals = layout.task_sums(np.ones(3), np.array([1.0, 2.0, 3.0]), task_index)
    np.testing.assert_array_equal(totals, [2.0, 4.0])
    with pytest.raises(ValueError, match=r"Tasks \['a'\] have no observed label"):
        layout.observed_weights(np.array([1.0, 0.0, 1.0]), np.ones(3), task_index)


def test_architecture_own_task_default():
    per_task = torch.arange(6.0).reshape(2, 3)  # (n_tasks, batch)
    assert Architecture.own_task(per_task, None) is per_task
    task = torch.tensor([1, 0, 1])
    np.testing.assert_array_equal(Architecture.own_task(per_task, task), [3, 1, 5])
