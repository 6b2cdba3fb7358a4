"""Sparse X at the default settings: tiny TF-IDF-like values still train.

TF-IDF rows are L2-normalised over thousands of columns, so each stored value is
about 0.1 and each word is present in few rows; with the default learning rate
and weight decay the first layer learnt nothing (Reviews, fold 0: domain
accuracy 0.51 against 0.93 for a logistic regression). The columns of a sparse
X are now scaled by their largest absolute value (skmtl.neural._sparse_scale).
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import MaxAbsScaler

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.neural._sparse_scale import max_abs_scale
from tests.conftest import FAST

# The defaults that matter here (lr, weight decay, layer sizes) are kept.
DEFAULTS = {"max_epochs": 20, "batch_size": 32, "random_state": 0}
CLOSE = {"rtol": 1e-4, "atol": 1e-6}


def _documents(n=600, n_words=2000, per_row=60, per_class=80, seed=0):
    """Return TF-IDF-like rows (L2-normalised, ~0.12 per value) and two tasks.

    Task 0 has 3 classes, task 1 has 2; each class owns ``per_class`` rare
    words, and a row holds 5 words of each of its classes among random filler.
    """
    rng = np.random.default_rng(seed)
    Y = np.column_stack([rng.integers(3, size=n), rng.integers(2, size=n)])
    columns = []
    for topic, tone in Y:
        columns += [
            rng.choice(np.arange(5 * per_class, n_words), per_row - 10, replace=False),
            per_class * topic + rng.choice(per_class, 5, replace=False),
            per_class * (3 + tone) + rng.choice(per_class, 5, replace=False),
        ]
    X = sp.csr_matrix(
        (
            rng.uniform(0.5, 1.5, n * per_row),
            np.concatenate(columns),
            np.arange(0, n * per_row + 1, per_row),
        ),
        shape=(n, n_words),
    )
    return sp.csr_matrix(X.multiply(1 / np.sqrt(X.multiply(X).sum(axis=1)))), Y


def test_classifier_learns_tiny_sparse_values():
    X, Y = _documents()
    assert X.data.mean() < 0.15  # as small as TF-IDF values
    model = MultiTaskClassifier(**DEFAULTS).fit(X[:300], Y[:300])
    # Unscaled: 0.74 (a logistic regression per task: 0.84).
    assert model.score(X[300:], Y[300:]) > 0.9


def test_regressor_learns_tiny_sparse_values():
    X, Y = _documents()
    Y = Y.astype(float)
    model = MultiTaskRegressor(**DEFAULTS).fit(X[:300], Y[:300])
    assert model.score(X[300:], Y[300:]) > 0.55  # unscaled: 0.45


def test_long_layout_scales_the_features_not_the_task_column():
    X, Y = _documents()
    task = np.arange(len(Y)) % 2
    X_long = sp.hstack([sp.csr_matrix(task[:, None] * 7.0), X], format="csr")
    y = Y[np.arange(len(Y)), task]
    model = MultiTaskClassifier(**DEFAULTS, task_column=0).fit(X_long[:300], y[:300])
    assert model.task_names_ == [0, 7]
    np.testing.assert_allclose(
        model._feature_scale, max_abs_scale(X[:300].astype(np.float32))
    )
    assert model.score(X_long[300:], y[300:]) > 0.8  # unscaled: 0.70


def test_sparse_fit_is_the_dense_fit_of_the_max_abs_scaled_matrix():
    X, Y = _documents(n=120)
    scaled = MaxAbsScaler().fit_transform(X).toarray()
    sparse_model = MultiTaskClassifier(**FAST).fit(X, Y)
    dense_model = MultiTaskClassifier(**FAST).fit(scaled, Y)
    for got, expected in zip(
        sparse_model.predict_proba(X), dense_model.predict_proba(scaled)
    ):
        np.testing.assert_allclose(got, expected, **CLOSE)
    # The fitted scale applies to a dense X too: one network, one unit per column.
    for got, expected in zip(
        sparse_model.predict_proba(X.toarray()), sparse_model.predict_proba(X)
    ):
        np.testing.assert_allclose(got, expected, **CLOSE)
    assert dense_model._feature_scale is None


def test_scale_takes_duplicates_summed_and_empty_columns_as_one():
    twice = sp.csr_matrix(
        (np.array([1.0, 1.0, -4.0], np.float32), [0, 0, 1], [0, 2, 3]), shape=(2, 3)
    )
    np.testing.assert_array_equal(max_abs_scale(twice), [0.5, 0.25, 1.0])


def test_warm_start_and_partial_fit_keep_the_first_scale():
    X, Y = _documents(n=80)
    model = MultiTaskRegressor(**FAST, warm_start=True).fit(X, Y.astype(float))
    first = model._feature_scale.copy()
    model.fit(X * 3.0, Y.astype(float))
    np.testing.assert_array_equal(model._feature_scale, first)
    streamed = MultiTaskRegressor(**FAST).partial_fit(X[:40], Y[:40].astype(float))
    scale = streamed._feature_scale.copy()
    streamed.partial_fit(X[40:] * 3.0, Y[40:].astype(float))
    np.testing.assert_array_equal(streamed._feature_scale, scale)


def test_memory_mapped_predict_after_a_sparse_fit(tmp_path):
    X, Y = _documents(n=80)
    model = MultiTaskRegressor(**FAST).fit(X, Y.astype(float))
    path = tmp_path / "X.npy"
    np.save(path, X.toarray())
    mapped = np.load(path, mmap_mode="r")
    np.testing.assert_allclose(model.predict(mapped), model.predict(X), **CLOSE)


def test_saved_model_keeps_the_scale(tmp_path):
    from skmtl.persistence import load, save

    X, Y = _documents(n=80)
    model = MultiTaskClassifier(**FAST).fit(X, Y)
    save(model, tmp_path / "model.skmtl")
    loaded = load(tmp_path / "model.skmtl")
    np.testing.assert_array_equal(loaded._feature_scale, model._feature_scale)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_onnx_graph_scales_the_raw_features(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    from skmtl.export import to_onnx

    X, Y = _documents(n=80)
    model = MultiTaskRegressor(**FAST).fit(X, Y.astype(float))
    to_onnx(model, tmp_path / "model.onnx")
    session = ort.InferenceSession(str(tmp_path / "model.onnx"))
    outputs = session.run(None, {"X": X.toarray().astype(np.float32)})
    np.testing.assert_allclose(
        np.column_stack(outputs), model.predict(X), rtol=1e-4, atol=1e-5
    )


def test_the_callers_sparse_matrix_is_left_alone():
    X = sp.random(60, 30, density=0.2, format="csr", dtype=np.float32, random_state=0)
    X.data *= 7.0
    before = (X.data.copy(), X.indices.copy(), X.indptr.copy())
    y = np.asarray(X.sum(axis=1)).ravel()
    model = MultiTaskRegressor(**FAST).fit(X, y)
    model.predict(X)
    for kept, now in zip(before, (X.data, X.indices, X.indptr)):
        np.testing.assert_array_equal(now, kept)
