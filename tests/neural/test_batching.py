"""Regression guard: training batches are tensor slices, never per-sample lookups."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.neural._data import TaskTensorDataset, TensorBatchIterator
from tests.conftest import FAST


@pytest.fixture
def count_calls(monkeypatch):
    counts = {"getitem": 0, "batch": 0}
    original_getitem = TaskTensorDataset.__getitem__
    original_batch = TaskTensorDataset.batch

    def getitem(self, index):
        counts["getitem"] += 1
        return original_getitem(self, index)

    def batch(self, indices):
        counts["batch"] += 1
        return original_batch(self, indices)

    monkeypatch.setattr(TaskTensorDataset, "__getitem__", getitem)
    monkeypatch.setattr(TaskTensorDataset, "batch", batch)
    return counts


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_fit_never_indexes_one_sample_at_a_time(
    layout, count_calls, wide_regression, long_regression
):
    X, y = wide_regression if layout == "wide" else long_regression
    params = {**FAST, "early_stopping": True}
    if layout == "long":
        params["task_column"] = 0
    MultiTaskRegressor(**params).fit(X, y)
    assert count_calls["getitem"] == 0
    # One lookup per batch: ceil(108 / 32) = 4 training + 1 validation per epoch.
    n_train = len(X) - round(0.1 * len(X))
    expected = FAST["max_epochs"] * (-(-n_train // FAST["batch_size"]) + 1)
    assert count_calls["batch"] == expected


def test_classifier_batches_are_slices_too(count_calls, wide_classification):
    X, Y = wide_classification
    MultiTaskClassifier(**FAST).fit(X, Y)
    assert count_calls["getitem"] == 0
    assert count_calls["batch"] == FAST["max_epochs"] * -(-len(X) // FAST["batch_size"])


def test_iterator_covers_every_row_once_per_epoch():
    dataset = TaskTensorDataset(
        {"X": torch.arange(10.0).unsqueeze(1)}, {"y": torch.arange(10.0)}
    )
    generator = torch.Generator().manual_seed(0)
    shuffled = TensorBatchIterator(
        dataset, batch_size=4, shuffle=True, generator=generator
    )
    assert len(shuffled) == 3
    rows = torch.cat([inputs["X"][:, 0] for inputs, _ in shuffled])
    assert sorted(rows.tolist()) == list(range(10))
    assert rows.tolist() != list(range(10))
    ordered = TensorBatchIterator(dataset, batch_size=4)
    sizes = [len(targets["y"]) for _, targets in ordered]
    assert sizes == [4, 4, 2]
    np.testing.assert_array_equal(
        torch.cat([t["y"] for _, t in ordered]).numpy(), np.arange(10.0)
    )


def test_each_epoch_shuffles_into_the_same_buffers_and_keeps_rows_aligned():
    X = torch.arange(20.0).view(10, 2)
    dataset = TaskTensorDataset(
        {"X": X, "task": torch.arange(10) % 3}, {"y": torch.arange(10.0)}
    )
    generator = torch.Generator().manual_seed(0)
    pointers, orders = set(), []
    for _ in range(3):
        batches = list(
            TensorBatchIterator(
                dataset, batch_size=4, shuffle=True, generator=generator
            )
        )
        inputs, targets = batches[0]
        pointers.add(inputs["X"].data_ptr())
        rows = torch.cat([t["y"] for _, t in batches]).long()
        orders.append(rows.tolist())
        for inputs, targets in batches:  # every tensor holds the same rows
            row = targets["y"].long()
            torch.testing.assert_close(inputs["X"], X[row])
            torch.testing.assert_close(inputs["task"], row % 3)
    assert len(pointers) == 1  # no new allocation per epoch
    assert orders[0] != orders[1] and sorted(orders[2]) == list(range(10))
    # The dataset's own tensors are left as they were.
    torch.testing.assert_close(dataset.inputs["X"], X)


def test_batches_carry_label_shares_unless_weighted_or_fully_observed_wide():
    inputs = {"X": torch.zeros(6, 1), "task": torch.tensor([0, 0, 1, 1, 1, 2])}
    plain = TaskTensorDataset(inputs, {"y": torch.zeros(6)})
    # Batch 1: tasks 0, 0, 1, 1 (two tasks, two rows each); batch 2: tasks 1, 2.
    shares = [t["label_share"] for _, t in TensorBatchIterator(plain, batch_size=4)]
    torch.testing.assert_close(torch.cat(shares), torch.tensor([0.25] * 4 + [0.5] * 2))
    weighted = TaskTensorDataset(inputs, {"y": torch.zeros(6), "weight": torch.ones(6)})
    (_, targets), *_ = TensorBatchIterator(weighted, batch_size=4)
    assert "label_share" not in targets
    wide = TaskTensorDataset({"X": torch.zeros(6, 1)}, {"y": torch.zeros(6, 2)})
    (_, targets), *_ = TensorBatchIterator(wide, batch_size=4)
    assert "label_share" not in targets  # the mean over all labels needs none
