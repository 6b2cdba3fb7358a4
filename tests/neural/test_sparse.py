"""SciPy sparse X in the neural estimators: fits, predictions, pipelines, memory."""

import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.architectures import ARCHITECTURES
from skmtl.datasets import make_multitask_regression
from skmtl.neural._sparse_data import SparseRows, SparseTaskDataset
from tests.conftest import FAST

FORMATS = ["csr", "csc", "coo"]
# Sparse batches go through sparse matrix products: the same sums, another order.
CLOSE = {"rtol": 1e-4, "atol": 1e-6}
# Enough training for the text pipelines to learn their words.
TEXT = {**FAST, "max_epochs": 30, "lr": 0.01}


def sparsify(X, density=0.3, seed=0):
    """Return a copy of ``X`` with most entries zeroed, dense and as CSR.

    Each column's largest absolute value is 1: the scale that a fit on a sparse
    X applies (skmtl.neural._sparse_scale) is then 1, so the sparse and the
    dense fits see the same numbers (tests/neural/test_sparse_scaling.py tests
    the scaling).
    """
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random(X.shape) < density, X, 0.0)
    largest = np.abs(dense).max(axis=0)
    dense = dense / np.where(largest > 0, largest, 1.0)
    return dense, sp.csr_matrix(dense)


# --- equality with the dense fit -------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_regressor_sparse_fit_predicts_like_the_dense_fit(fmt, wide_regression):
    X, Y = wide_regression
    dense, X_sparse = sparsify(X)
    sparse_model = MultiTaskRegressor(**FAST).fit(X_sparse.asformat(fmt), Y)
    dense_model = MultiTaskRegressor(**FAST).fit(dense, Y)
    np.testing.assert_allclose(
        sparse_model.predict(X_sparse), dense_model.predict(dense), **CLOSE
    )
    np.testing.assert_allclose(
        sparse_model.transform(X_sparse.asformat(fmt)),
        dense_model.transform(dense),
        **CLOSE,
    )
    assert sparse_model.score(X_sparse, Y) == pytest.approx(
        dense_model.score(dense, Y), rel=1e-4
    )


def test_classifier_sparse_fit_predicts_like_the_dense_fit(wide_classification):
    X, Y = wide_classification
    dense, X_sparse = sparsify(X)
    sparse_model = MultiTaskClassifier(**FAST).fit(X_sparse, Y)
    dense_model = MultiTaskClassifier(**FAST).fit(dense, Y)
    for sparse_proba, dense_proba in zip(
        sparse_model.predict_proba(X_sparse), dense_model.predict_proba(dense)
    ):
        np.testing.assert_allclose(sparse_proba, dense_proba, **CLOSE)
    np.testing.assert_array_equal(
        sparse_model.predict(X_sparse), dense_model.predict(dense)
    )
    assert sparse_model.score(X_sparse, Y) == dense_model.score(dense, Y)


@pytest.mark.parametrize("position", [0, 3, -1])
def test_long_layout_task_column_split_off_the_sparse_matrix(position, long_regression):
    X, y = long_regression
    task = X[:, 0]
    dense, _ = sparsify(X[:, 1:])
    dense = np.insert(dense, position % (dense.shape[1] + 1), task, axis=1)
    X_sparse = sp.csr_matrix(dense)
    params = {**FAST, "task_column": position}
    sparse_model = MultiTaskRegressor(**params).fit(X_sparse, y)
    dense_model = MultiTaskRegressor(**params).fit(dense, y)
    assert sparse_model.task_names_ == dense_model.task_names_
    assert sparse_model.n_features_in_ == dense.shape[1]
    np.testing.assert_allclose(
        sparse_model.predict(X_sparse), dense_model.predict(dense), **CLOSE
    )


def test_long_layout_task_ids_keep_their_precision(long_regression):
    # Ids above 2**24 are not float32 numbers: the task column is read before
    # the features are converted.
    X, y = long_regression
    X = X.copy()
    X[:, 0] += 2**25 + 1
    model = MultiTaskRegressor(**FAST, task_column=0).fit(sp.csr_matrix(X), y)
    assert model.task_names_ == sorted({int(v) for v in X[:, 0]})
    assert model.predict(sp.csr_matrix(X)).shape == y.shape


def test_early_stopping_and_sample_weight_on_sparse_input(wide_classification):
    X, Y = wide_classification
    dense, X_sparse = sparsify(X)
    weight = np.random.default_rng(0).uniform(0.5, 2.0, len(X))
    params = {**FAST, "early_stopping": True, "validation_fraction": 0.25}
    sparse_model = MultiTaskClassifier(**params).fit(X_sparse, Y, sample_weight=weight)
    dense_model = MultiTaskClassifier(**params).fit(dense, Y, sample_weight=weight)
    np.testing.assert_allclose(
        sparse_model.history_[:, "valid_loss"],
        dense_model.history_[:, "valid_loss"],
        **CLOSE,
    )
    np.testing.assert_array_equal(
        sparse_model.predict(X_sparse), dense_model.predict(dense)
    )


@pytest.mark.parametrize("sharing", list(ARCHITECTURES))
@pytest.mark.parametrize("layout", ["wide", "long"])
def test_every_architecture_fits_sparse_input_like_dense(sharing, layout):
    # 20 tasks: the long layout's per-row task layers are used from 16 tasks.
    X, y = make_multitask_regression(
        n_samples=200, n_features=5, n_tasks=20, layout=layout, random_state=0
    )
    start = 1 if layout == "long" else 0
    dense, _ = sparsify(X[:, start:])
    dense = np.hstack([X[:, :start], dense])
    params = {
        **FAST,
        "max_epochs": 2,
        "sharing": sharing,
        "shared_layers": (8,),
        "head_layers": (4,),
        "task_column": 0 if layout == "long" else None,
    }
    sparse_model = MultiTaskRegressor(**params).fit(sp.csr_matrix(dense), y)
    dense_model = MultiTaskRegressor(**params).fit(dense, y)
    np.testing.assert_allclose(
        sparse_model.predict(sp.csr_matrix(dense)), dense_model.predict(dense), **CLOSE
    )
    np.testing.assert_allclose(
        sparse_model.transform(sp.csr_matrix(dense)),
        dense_model.transform(dense),
        **CLOSE,
    )


@pytest.mark.parametrize("sharing", ["hard", "ple"])
def test_duplicate_entries_add_up_as_in_scipy(sharing, wide_regression):
    X, Y = wide_regression
    dense, X_sparse = sparsify(X)
    # Each stored value split in two halves, stored twice (not canonical).
    twice = sp.csr_matrix(
        (
            np.repeat(X_sparse.data / 2, 2),
            np.repeat(X_sparse.indices, 2),
            X_sparse.indptr * 2,
        ),
        shape=X.shape,
    )
    assert not twice.has_canonical_format
    params = {**FAST, "sharing": sharing}
    sparse_model = MultiTaskRegressor(**params).fit(twice, Y)
    dense_model = MultiTaskRegressor(**params).fit(dense, Y)
    np.testing.assert_allclose(
        sparse_model.predict(twice), dense_model.predict(dense), **CLOSE
    )


def test_missing_labels_long_and_warm_start_on_sparse_input(wide_regression):
    X, Y = wide_regression
    assert np.isnan(Y).any()
    dense, X_sparse = sparsify(X)
    params = {**FAST, "warm_start": True, "max_epochs": 2}
    sparse_model = MultiTaskRegressor(**params).fit(X_sparse, Y).fit(X_sparse, Y)
    dense_model = MultiTaskRegressor(**params).fit(dense, Y).fit(dense, Y)
    assert sparse_model.n_iter_ == 4
    np.testing.assert_allclose(
        sparse_model.predict(X_sparse), dense_model.predict(dense), **CLOSE
    )


def test_sparse_input_is_not_modified(wide_regression):
    X, Y = wide_regression
    _, X_sparse = sparsify(X)
    X_sparse = X_sparse.astype(np.float32)
    before = X_sparse.copy()
    MultiTaskRegressor(**FAST, early_stopping=True).fit(X_sparse, Y).predict(X_sparse)
    assert (X_sparse != before).nnz == 0
    np.testing.assert_array_equal(X_sparse.indptr, before.indptr)


@pytest.mark.parametrize("sharing", ["mmoe", "ple"])
def test_sharing_summary_on_sparse_input(sharing, wide_regression):
    X, Y = wide_regression
    dense, X_sparse = sparsify(X)
    model = MultiTaskRegressor(**FAST, sharing=sharing).fit(X_sparse, Y)
    from_sparse, from_dense = (
        model.sharing_summary(X_sparse),
        model.sharing_summary(dense),
    )
    assert from_sparse.keys() == from_dense.keys()
    for key, value in from_sparse.items():
        np.testing.assert_allclose(value, from_dense[key], **CLOSE)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("sharing", ["hard", "ple"])
def test_sparse_fit_on_cuda_predicts_like_the_dense_fit(sharing, wide_regression):
    # Sparse batches (hard) and densified ones (ple) built on the GPU.
    X, Y = wide_regression
    dense, X_sparse = sparsify(X)
    params = {**FAST, "sharing": sharing}
    gpu = MultiTaskRegressor(**params, device="cuda").fit(X_sparse, Y)
    cpu = MultiTaskRegressor(**params).fit(dense, Y)
    np.testing.assert_allclose(
        gpu.predict(X_sparse), cpu.predict(dense), rtol=1e-3, atol=1e-4
    )


# --- errors ----------------------------------------------------------------------


def test_non_finite_sparse_value_is_named_by_column(wide_regression):
    X, Y = wide_regression
    _, X_sparse = sparsify(X)
    X_sparse = X_sparse.tolil()
    X_sparse[5, 4] = np.nan
    with pytest.raises(ValueError, match=r"NaN in column 4"):
        MultiTaskRegressor(**FAST).fit(X_sparse.tocsr(), Y)


def test_sparse_predict_checks_the_width(wide_regression):
    X, Y = wide_regression
    _, X_sparse = sparsify(X)
    model = MultiTaskRegressor(**FAST).fit(X_sparse, Y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X_sparse[:, :-1])


def test_task_column_by_name_needs_a_dataframe_not_a_sparse_matrix(long_regression):
    X, y = long_regression
    model = MultiTaskRegressor(**FAST, task_column="school")
    with pytest.raises(ValueError, match="integer position"):
        model.fit(sp.csr_matrix(X), y)


# --- the batches -----------------------------------------------------------------


def test_sparse_rows_densify_slices_and_take_rows():
    rng = np.random.default_rng(0)
    dense = np.where(rng.random((7, 5)) < 0.4, rng.standard_normal((7, 5)), 0.0)
    rows = SparseRows.from_scipy(sp.csr_matrix(dense.astype(np.float32)), "cpu")
    assert len(rows) == 7 and rows.shape == (7, 5)
    np.testing.assert_allclose(rows[2:5].numpy(), dense[2:5], rtol=1e-6)
    # The batch buffer is reused: the next slice clears the previous entries.
    np.testing.assert_allclose(rows[5:7].numpy(), dense[5:7], rtol=1e-6)
    order = torch.tensor([6, 0, 3, 3, 1])
    taken = rows.take(order)
    np.testing.assert_allclose(taken[0:5].numpy(), dense[order.numpy()], rtol=1e-6)
    # Writing the same rows into reused tensors gives the same rows.
    again = rows.take(order.flip(0), out=taken)
    assert again.values is taken.values
    np.testing.assert_allclose(
        again[0:5].numpy(), dense[order.flip(0).numpy()], rtol=1e-6
    )


def test_sparse_dataset_shuffles_and_splits_rows_aligned():
    dense = np.diag(np.arange(1.0, 7.0, dtype=np.float32))
    dataset = SparseTaskDataset(
        {"X": SparseRows.from_scipy(sp.csr_matrix(dense), "cpu")},
        {"y": torch.arange(1.0, 7.0)},
    )
    order = torch.tensor([3, 1, 5, 0, 2, 4])
    inputs, targets = dataset.shuffled(order).batch(slice(0, 6))
    # Row i of the diagonal matrix holds i + 1 in column i: X and y stay aligned.
    np.testing.assert_array_equal(inputs["X"].sum(1).numpy(), targets["y"].numpy())
    subset = dataset.subset(torch.tensor([4, 2]))
    assert isinstance(subset, SparseTaskDataset)
    inputs, targets = subset.batch(slice(0, 2))
    np.testing.assert_array_equal(inputs["X"].sum(1).numpy(), targets["y"].numpy())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_fit_never_densifies_the_whole_matrix():
    # 2,000 x 50,000 as float32 is 381 MiB dense, 0.1 MiB sparse; a batch of 128
    # rows densified is 24 MiB.
    rng = np.random.default_rng(0)
    cells = rng.integers(2000, size=10_000), rng.integers(50_000, size=10_000)
    X = sp.csr_matrix((rng.random(10_000), cells), shape=(2000, 50_000))
    y = np.asarray(X.sum(axis=1)).ravel()

    def kib(field):
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line[:6] == field)

    def make():
        return MultiTaskRegressor(shared_layers=(4,), max_epochs=1, batch_size=128)

    make().fit(X[:10], y[:10])  # torch's own first allocations
    before = kib("VmRSS:")
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    make().fit(X, y).predict(X)
    growth_mib = (kib("VmHWM:") - before) / 1024
    assert growth_mib < 80, f"peak grew by {growth_mib:.0f} MiB"


# --- realistic pipelines ---------------------------------------------------------


def _tabular(n=160, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "city": rng.choice([f"city_{i}" for i in range(40)], n),
            "job": rng.choice([f"job_{i}" for i in range(30)], n),
            "age": rng.normal(40, 10, n),
            "hours": rng.normal(38, 5, n),
            "store": rng.integers(3, size=n),
        }
    )
    signal = frame["age"].to_numpy() / 10 + (frame["job"].str[-1] < "5")
    Y = pd.DataFrame(
        {
            "high_income": np.where(signal > 4.5, "yes", "no"),
            "long_hours": (frame["hours"] > 38).astype(int),
        }
    )
    return frame, Y


def _one_hot_and_scaled(extra=()):
    return ColumnTransformer(
        [
            *extra,
            ("categories", OneHotEncoder(handle_unknown="ignore"), ["city", "job"]),
            ("numbers", StandardScaler(), ["age", "hours"]),
        ]
    )


def test_column_transformer_one_hot_pipeline_wide():
    frame, Y = _tabular()
    encoder = _one_hot_and_scaled()
    assert sp.issparse(encoder.fit_transform(frame))  # under 30 % dense
    train, test, Y_train, Y_test = train_test_split(frame, Y, random_state=0)
    pipeline = make_pipeline(encoder, MultiTaskClassifier(**FAST))
    pipeline.fit(train, Y_train)
    assert pipeline.predict(test).shape == Y_test.shape
    assert [list(c) for c in pipeline[-1].classes_] == [["no", "yes"], [0, 1]]
    assert len(pipeline.predict_proba(test)) == 2
    assert 0 <= pipeline.score(test, Y_test) <= 1
    assert pipeline[:-1].transform(test).shape[0] == len(test)


def test_column_transformer_one_hot_pipeline_long():
    frame, Y = _tabular()
    # The task column passes through first: column 0 of the sparse output.
    encoder = _one_hot_and_scaled(extra=[("task", "passthrough", ["store"])])
    assert sp.issparse(encoder.fit_transform(frame))
    y = Y["long_hours"].to_numpy()
    pipeline = make_pipeline(encoder, MultiTaskClassifier(**FAST, task_column=0))
    pipeline.fit(frame, y)
    assert pipeline[-1].task_names_ == [0, 1, 2]
    assert pipeline.predict(frame).shape == y.shape
    assert 0 <= pipeline.score(frame, y) <= 1


def _texts(n=120, seed=0):
    rng = np.random.default_rng(seed)
    good, bad = ["great", "love", "fine", "superb"], ["awful", "hate", "poor", "bad"]
    neutral = [f"word{i}" for i in range(200)]
    label = rng.integers(2, size=n)
    topic = rng.integers(3, size=n)
    texts = [
        " ".join(
            [*rng.choice(good if s else bad, 2), *rng.choice(neutral, 8), f"topic{t}"]
        )
        for s, t in zip(label, topic)
    ]
    return pd.DataFrame({"text": texts, "topic": topic}), label, topic


def test_tfidf_pipeline_wide():
    frame, label, topic = _texts()
    Y = np.column_stack([label, topic])
    pipeline = make_pipeline(TfidfVectorizer(), MultiTaskClassifier(**TEXT))
    pipeline.fit(frame["text"], Y)
    assert sp.issparse(pipeline[0].transform(frame["text"]))
    assert pipeline.score(frame["text"], Y) > 0.8


def test_tfidf_pipeline_long():
    frame, label, _ = _texts()
    encoder = ColumnTransformer(
        [("task", "passthrough", ["topic"]), ("text", TfidfVectorizer(), "text")]
    )
    pipeline = make_pipeline(encoder, MultiTaskClassifier(**TEXT, task_column=0))
    pipeline.fit(frame, label)
    assert sp.issparse(encoder.transform(frame))
    assert pipeline[-1].task_names_ == [0, 1, 2]
    assert pipeline.score(frame, label) > 0.8
