"""Fitting and predicting on a memory-mapped X, one chunk of rows at a time."""

import hashlib
import sys
import tracemalloc

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from sklearn import config_context

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from skmtl.neural._data import TaskTensorDataset, TensorBatchIterator
from skmtl.neural._mapped_data import MappedBatchIterator, MappedTaskDataset
from skmtl.utils._chunks import MappedRows, release_pages
from tests.conftest import FAST

# MiB: a few hundred rows of the small data below per chunk.
SMALL_CHUNKS = 0.02


def _saved(tmp_path, name, array):
    """Return ``array`` saved as ``name`` and loaded read-only memory-mapped."""
    path = tmp_path / f"{name}.npy"
    np.save(path, array)
    return np.load(path, mmap_mode="r")


@pytest.fixture
def wide(tmp_path):
    X, Y = make_multitask_regression(
        n_samples=600, n_features=6, n_tasks=3, missing_rate=0.2, random_state=0
    )
    return X, Y, _saved(tmp_path, "X", X), _saved(tmp_path, "Y", Y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_wide_memmap_fit_equals_in_memory_fit(wide, tmp_path, dtype):
    # Within one chunk (the default working_memory) the epoch's row order is
    # the in-memory one: the same network, prediction for prediction.
    X, Y, _, Ym = wide
    Xm = _saved(tmp_path, "X64", X.astype(dtype))
    expected = MultiTaskRegressor(**FAST).fit(X.astype(dtype), Y)
    model = MultiTaskRegressor(**FAST).fit(Xm, Ym)
    assert_array_equal(model.predict(Xm), expected.predict(X.astype(dtype)))
    assert_array_equal(model.transform(Xm), expected.transform(X.astype(dtype)))
    assert model.n_features_in_ == 6
    assert model.score(Xm, Ym) == expected.score(X.astype(dtype), Y)
    assert model.sharing_summary(Xm) == {}


def test_long_layout_memmap_fit_equals_in_memory_fit(tmp_path):
    X, y = make_multitask_regression(
        n_samples=300, n_features=5, n_tasks=4, layout="long", random_state=0
    )
    # The task column in the middle: chunks drop it by position.
    X = np.column_stack([X[:, 1:3], X[:, 0], X[:, 3:]])
    Xm, ym = _saved(tmp_path, "X", X), _saved(tmp_path, "y", y)
    params = {**FAST, "task_column": 2}
    expected = MultiTaskRegressor(**params).fit(X, y)
    model = MultiTaskRegressor(**params).fit(Xm, ym)
    assert model.task_names_ == expected.task_names_
    assert_array_equal(model.predict(Xm), expected.predict(X))


def test_classifier_memmap_fit_equals_in_memory_fit(tmp_path):
    X, Y = make_multitask_classification(
        n_samples=300, n_features=6, n_tasks=3, n_classes=[2, 3, 2], random_state=0
    )
    Y = Y.astype(float)
    Y[::7, 1] = np.nan  # missing labels
    Xm, Ym = _saved(tmp_path, "X", X), _saved(tmp_path, "Y", Y)
    expected = MultiTaskClassifier(**FAST).fit(X, Y)
    model = MultiTaskClassifier(**FAST).fit(Xm, Ym)
    for got, want in zip(model.predict_proba(Xm), expected.predict_proba(X)):
        assert_array_equal(got, want)
    assert_array_equal(model.predict(Xm), expected.predict(X))


def test_chunked_fit_trains_as_well_as_in_memory(wide):
    X, Y, Xm, Ym = wide
    params = {**FAST, "max_epochs": 30}
    expected = MultiTaskRegressor(**params).fit(X, Y)
    with config_context(working_memory=SMALL_CHUNKS):
        model = MultiTaskRegressor(**params).fit(Xm, Ym)
        early = MultiTaskRegressor(**params, early_stopping=True).fit(Xm, Ym)
        prediction = model.predict(Xm)
    assert model.net_.iterator_train is MappedBatchIterator
    final, reference = (
        model.history_[-1, "train_loss"],
        expected.history_[-1, "train_loss"],
    )
    assert final < 1.2 * reference
    assert model.score(X, Y) > expected.score(X, Y) - 0.05
    assert early.score(X, Y) > 0.5
    # Chunked predict reads the same rows as predict in memory.
    assert_array_equal(prediction, model.predict(X))


def _row_ids_dataset(tmp_path, n_rows):
    ids = np.arange(n_rows, dtype=np.float32)[:, None]
    X = _saved(tmp_path, "ids", np.hstack([ids, np.zeros((n_rows, 3), np.float32)]))
    targets = {"y": torch.from_numpy(ids.copy())}
    return MappedTaskDataset({"X": MappedRows(X)}, targets)


def test_every_epoch_visits_each_row_once_in_a_new_order(tmp_path):
    dataset = _row_ids_dataset(tmp_path, 1000)
    generator = torch.Generator().manual_seed(0)
    with config_context(working_memory=SMALL_CHUNKS):
        lengths = dataset.chunk_lengths(32)
        iterator = MappedBatchIterator(dataset, 32, shuffle=True, generator=generator)
        epochs = [[batch for batch in iterator] for _ in range(2)]
    assert len(lengths) > 3
    assert all(n % 32 == 0 for n in lengths[:-1])
    orders = []
    for batches in epochs:
        assert len(batches) == len(iterator)
        ids = torch.cat([inputs["X"][:, 0] for inputs, _ in batches]).long()
        labels = torch.cat([targets["y"][:, 0] for _, targets in batches]).long()
        assert_array_equal(ids, labels)  # targets travel with their rows
        assert_array_equal(np.sort(ids.numpy()), np.arange(1000))
        orders.append(ids.numpy())
    assert not np.array_equal(orders[0], orders[1])
    # Chunks are runs of consecutive rows: a batch's rows share one chunk.
    step = dataset.chunk_rows(32)
    for inputs, _ in epochs[0]:
        assert len(np.unique(inputs["X"][:, 0].long().numpy() // step)) == 1


def test_single_chunk_epoch_is_the_in_memory_epoch(tmp_path):
    dataset = _row_ids_dataset(tmp_path, 200)
    memory = TaskTensorDataset(
        {"X": torch.from_numpy(np.asarray(dataset.inputs["X"]))}, dataset.targets
    )
    batches = [
        list(
            iterator_cls(
                data, 32, shuffle=True, generator=torch.Generator().manual_seed(3)
            )
        )
        for iterator_cls, data in [
            (MappedBatchIterator, dataset),
            (TensorBatchIterator, memory),
        ]
    ]
    for (mapped, _), (expected, _) in zip(*batches, strict=True):
        assert torch.equal(mapped["X"], expected["X"])


def test_read_only_memmap_is_never_copied_whole(tmp_path, monkeypatch):
    X = np.random.default_rng(0).standard_normal((10_000, 200))
    Xm = _saved(tmp_path, "big", X)  # 16 MB of float64
    y = X[:, :2].sum(axis=1)
    import skmtl._mapped

    def in_memory_path(*args, **kwargs):
        raise AssertionError("the in-memory validation got a memory-mapped X")

    monkeypatch.setattr(skmtl._mapped, "validate_features", in_memory_path)
    model = MultiTaskRegressor(**{**FAST, "max_epochs": 1, "batch_size": 500})
    with config_context(working_memory=0.5):
        model.fit(Xm[:1000], y[:1000])  # imports and torch's first allocations
        tracemalloc.start()
        try:
            model.fit(Xm, y)
            model.predict(Xm)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # numpy's allocations are traced (torch's are not, but every tensor of X
    # starts as a numpy chunk); a whole float32 copy of X would be 8 MB. The
    # targets' encoding (in memory, O(n_samples)) takes most of the peak.
    assert peak < Xm.nbytes / 8


def test_mapped_pages_are_released_after_reading(tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("reads the mapping's resident size from /proc (Linux)")
    Xm = _saved(tmp_path, "pages", np.ones((4096, 512), np.float32))  # 8 MiB
    with config_context(working_memory=1):
        MappedRows(Xm)[:]
        MappedRows(Xm).take(np.arange(0, 4096, 3))[:]
    assert _resident_kib(str(tmp_path / "pages.npy")) <= 1024 + 8


def _resident_kib(path):
    """Return the resident KiB of the mappings of ``path`` in this process."""
    total, inside = 0, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5:
                inside = fields[-1] == path
            elif inside and fields[0] == "Rss:":
                total += int(fields[1])
    return total


def test_copy_on_write_memmap_keeps_its_changes(tmp_path):
    path = tmp_path / "c.npy"
    np.save(path, np.zeros((2048, 8), np.float32))
    Xc = np.load(path, mmap_mode="c")
    Xc[-1] = 5.0  # in this process only: releasing its pages would lose it
    with config_context(working_memory=0.01):
        read = MappedRows(Xc)[:]
    release_pages(Xc)
    assert read[-1, 0] == 5.0 and Xc[-1, 0] == 5.0


def test_inputs_are_not_modified(wide, tmp_path):
    _, _, _, Ym = wide
    X = np.random.default_rng(1).standard_normal((600, 6)).astype(np.float32)
    path = tmp_path / "w.npy"
    np.save(path, X)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    Xw = np.load(path, mmap_mode="r+")  # writable: nothing may write into it
    with config_context(working_memory=SMALL_CHUNKS):
        model = MultiTaskRegressor(**FAST, early_stopping=True).fit(Xw, Ym)
        model.predict(Xw)
    Xw.flush()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert_array_equal(Xw, X)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.nan, r"contains NaN in column 4"),
        (np.inf, r"contains infinity in column 4"),
        (1e39, r"value 1e\+39 in column 4, which exceeds float32's range"),
    ],
)
def test_non_finite_value_in_a_late_chunk_names_its_column(tmp_path, value, message):
    X = np.random.default_rng(0).standard_normal((2000, 6))
    X[-3, 4] = value
    Xm = _saved(tmp_path, "bad", X)
    y = np.ones(2000)
    with (
        config_context(working_memory=SMALL_CHUNKS),
        pytest.raises(ValueError, match=message),
    ):
        MultiTaskRegressor(**FAST).fit(Xm, y)
    model = MultiTaskRegressor(**FAST).fit(X[:100], y[:100])
    with pytest.raises(ValueError, match=message):
        model.predict(Xm)


def test_long_layout_error_names_the_user_column(tmp_path):
    X = np.random.default_rng(0).standard_normal((500, 5))
    X[:, 0] = np.arange(500) % 3
    X[-1, 3] = np.nan
    with pytest.raises(ValueError, match=r"NaN in column 3"):
        MultiTaskRegressor(**FAST, task_column=0).fit(_saved(tmp_path, "X", X), X[:, 1])


def test_memmap_of_wrong_shape_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Expected a 2D array"):
        MultiTaskRegressor(**FAST).fit(_saved(tmp_path, "v", np.ones(10)), np.ones(10))


def test_warm_start_switches_between_mapped_and_in_memory(wide):
    X, Y, Xm, Ym = wide
    model = MultiTaskRegressor(**FAST, warm_start=True)
    with config_context(working_memory=SMALL_CHUNKS):
        model.fit(Xm, Ym)
    model.fit(X, Y)
    assert model.net_.iterator_train is TensorBatchIterator
    assert model.n_iter_ == 2 * FAST["max_epochs"]


def test_sample_weights_with_a_memmap_equal_the_in_memory_fit(wide, tmp_path):
    X, Y, Xm, Ym = wide
    weight = np.random.default_rng(0).uniform(0.5, 2.0, len(X))
    weight_m = _saved(tmp_path, "w", weight)
    expected = MultiTaskRegressor(**FAST).fit(X, Y, sample_weight=weight)
    model = MultiTaskRegressor(**FAST).fit(Xm, Ym, sample_weight=weight_m)
    assert_array_equal(model.predict(Xm), expected.predict(X))


def test_numerical_embeddings_on_a_memmap(wide):
    # Within one chunk the bins are the in-memory fit's; across chunks they come
    # from evenly spaced rows (one chunk's worth) and the fit still trains.
    pytest.importorskip("rtdl_num_embeddings")
    X, Y, Xm, Ym = wide
    params = {**FAST, "max_epochs": 20, "num_embeddings": "piecewise"}
    expected = MultiTaskRegressor(**params).fit(X, Y)
    same = MultiTaskRegressor(**params).fit(Xm, Ym)
    for a, b in zip(same._tabular_spec["bins"], expected._tabular_spec["bins"]):
        assert_array_equal(np.asarray(a), np.asarray(b))
    with config_context(working_memory=SMALL_CHUNKS):
        chunked = MultiTaskRegressor(**params).fit(Xm, Ym)
    assert chunked.score(X, Y) > expected.score(X, Y) - 0.1
