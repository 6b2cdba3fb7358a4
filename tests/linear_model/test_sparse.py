"""SciPy sparse X: the same fits as on the dense array, without densifying X."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skmtl.linear_model import (
    PENALTIES,
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
)
from tests.linear_model._helpers import long_from_wide, penalty_config

TIGHT = {"tol": 1e-12, "max_iter": 20000}


def sparse_data(n=80, d=12, n_tasks=3, density=0.3, seed=0):
    """Return a sparse-valued ``X`` (ndarray, most entries 0) and ``Y``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * (rng.random((n, d)) < density) + 0.0
    X[:, 0] = rng.random(n) < 0.5  # an indicator, as from OneHotEncoder
    W = rng.standard_normal((n_tasks, d)) * (rng.random(d) < 0.7)
    Y = X @ W.T + 0.2 * rng.standard_normal((n, n_tasks)) + 1.0
    return X, Y


def assert_same_fit(fitted_sparse, fitted_dense, atol=1e-6):
    assert_allclose(fitted_sparse.coef_, fitted_dense.coef_, atol=atol)
    assert_allclose(fitted_sparse.intercept_, fitted_dense.intercept_, atol=atol)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("name", PENALTIES.names())
def test_regressor_wide_sparse_equals_dense(name, fmt):
    X, Y = sparse_data()
    params = {
        "penalty": penalty_config(name),
        "alpha": 0.02,
    }
    dense = RegularizedMultiTaskRegressor(**params, **TIGHT).fit(X, Y)
    X_sparse = sparse.csr_matrix(X).asformat(fmt)
    fitted = RegularizedMultiTaskRegressor(**params, **TIGHT).fit(X_sparse, Y)
    assert_same_fit(fitted, dense)
    assert_allclose(fitted.predict(X_sparse), dense.predict(X), atol=1e-6)


@pytest.mark.parametrize("shape", [(80, 12), (30, 60)])  # Gram form, row form
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_regressor_missing_labels_and_weights_sparse(shape, fit_intercept):
    X, Y = sparse_data(*shape, seed=1)
    rng = np.random.default_rng(1)
    Y[rng.random(Y.shape) < 0.2] = np.nan
    weight = rng.uniform(0.5, 2.0, len(X))
    params = {"alpha": 0.02, "fit_intercept": fit_intercept, **TIGHT}
    dense = RegularizedMultiTaskRegressor(**params).fit(X, Y, sample_weight=weight)
    fitted = RegularizedMultiTaskRegressor(**params)
    fitted.fit(sparse.csr_array(X), Y, sample_weight=weight)
    assert_same_fit(fitted, dense)


@pytest.mark.parametrize("shape", [(80, 12), (30, 60)])
def test_shared_rows_sparse_gram_and_rows_agree(shape):
    X, Y = sparse_data(*shape, seed=2)
    dense = RegularizedMultiTaskRegressor(penalty="trace", alpha=0.02, **TIGHT)
    fitted = RegularizedMultiTaskRegressor(penalty="trace", alpha=0.02, **TIGHT)
    assert_same_fit(fitted.fit(sparse.csr_matrix(X), Y), dense.fit(X, Y))


@pytest.mark.parametrize("name", ["l21", "trace", "ridge"])
def test_classifier_wide_sparse_equals_dense(name):
    X, Y = sparse_data(seed=3)
    Y = (Y > np.median(Y, axis=0)).astype(int)
    Y = Y.astype(float)
    Y[np.random.default_rng(3).random(Y.shape) < 0.2] = np.nan
    params = {"penalty": name, "alpha": 0.02, **TIGHT}
    dense = RegularizedMultiTaskClassifier(**params).fit(X, Y)
    fitted = RegularizedMultiTaskClassifier(**params).fit(sparse.csc_matrix(X), Y)
    assert_same_fit(fitted, dense, atol=1e-5)
    assert_allclose(
        fitted.predict_proba(sparse.csr_matrix(X))[1],
        dense.predict_proba(X)[1],
        atol=1e-6,
    )


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("estimator", ["regressor", "classifier"])
@pytest.mark.parametrize("shape", [(90, 6), (30, 40)])  # Gram form, row form
def test_long_layout_sparse_equals_dense(estimator, fmt, shape):
    X, Y = sparse_data(*shape, seed=4)
    Y[np.random.default_rng(4).random(Y.shape) < 0.25] = np.nan
    cls = RegularizedMultiTaskRegressor
    if estimator == "classifier":
        cls = RegularizedMultiTaskClassifier
        Y = np.where(np.isnan(Y), np.nan, Y > np.nanmedian(Y, axis=0))
    X_long, y_long = long_from_wide(X, Y)
    X_long[:, 0] += 1  # task ids 1..3: task id 0 would be an implicit zero too
    params = {"penalty": "l21", "alpha": 0.02, "task_column": 0, **TIGHT}
    dense = cls(**params).fit(X_long, y_long)
    X_sparse = sparse.csr_matrix(X_long).asformat(fmt)
    fitted = cls(**params).fit(X_sparse, y_long)
    assert fitted.task_names_ == dense.task_names_ == [1, 2, 3]
    assert_same_fit(fitted, dense, atol=1e-5)
    assert_allclose(
        np.asarray(fitted.predict(X_sparse), dtype=float),
        np.asarray(dense.predict(X_long), dtype=float),
        atol=1e-6,
    )


def test_large_sparse_x_is_never_densified():
    # 10,000 x 100,000: 8 GB as a dense float64 array, 1 MB as CSR.
    rng = np.random.default_rng(5)
    n, d = 10_000, 100_000
    rows, columns = rng.integers(0, n, 100_000), rng.integers(0, d, 100_000)
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(n, d))
    X.data[:] = 1.0
    Y = np.column_stack([X[:, :50].sum(axis=1).A1, X[:, 50:100].sum(axis=1).A1])
    Y += 0.1 * rng.standard_normal(Y.shape)
    model = RegularizedMultiTaskRegressor(alpha=1e-4, max_iter=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, Y)
    assert model.coef_.shape == (2, d)
    assert model.objective_path_[-1] < model.objective_path_[0]
    assert np.isfinite(model.predict(X[:5])).all()


def _frame(n=120, seed=6):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "city": rng.choice(["Paris", "Lyon", "Nice", "Lille"], n),
            "kind": rng.choice(["flat", "house"], n),
            "area": rng.uniform(20, 200, n),
            "rooms": rng.integers(1, 7, n).astype(float),
        }
    )
    price = 30 * frame["area"] + 500 * (frame["city"] == "Paris")
    rent = 0.2 * frame["area"] + 40 * frame["rooms"] + 50 * (frame["kind"] == "house")
    Y = np.column_stack([price, rent]) + rng.standard_normal((n, 2))
    return frame, (Y - Y.mean(axis=0)) / Y.std(axis=0)


def _encoder(task=False):
    columns = [
        ("categories", OneHotEncoder(), ["city", "kind"]),
        ("numbers", StandardScaler(), ["area", "rooms"]),
    ]
    if task:
        columns.append(("task", "passthrough", ["task"]))
    # sparse_threshold=1: keep the encoded matrix sparse whatever its density.
    return ColumnTransformer(columns, sparse_threshold=1.0)


def test_onehot_pipeline_wide_sparse_equals_dense():
    frame, Y = _frame()
    encoded = _encoder().fit_transform(frame)
    assert sparse.issparse(encoded)
    model = RegularizedMultiTaskRegressor(alpha=0.01, **TIGHT)
    pipeline = make_pipeline(_encoder(), model).fit(frame, Y)
    dense = RegularizedMultiTaskRegressor(alpha=0.01, **TIGHT)
    dense.fit(encoded.toarray(), Y)
    assert_same_fit(pipeline[-1], dense)
    assert pipeline.score(frame, Y) == pytest.approx(dense.score(encoded.toarray(), Y))


def test_onehot_pipeline_long_sparse_equals_dense():
    frame, Y = _frame(seed=7)
    long = pd.concat(
        [frame.assign(task=1, y=Y[:, 0]), frame.assign(task=2, y=Y[:, 1])],
        ignore_index=True,
    )
    X, y = long.drop(columns="y"), long["y"].to_numpy()
    encoded = _encoder(task=True).fit_transform(X)
    assert sparse.issparse(encoded)
    model = RegularizedMultiTaskRegressor(alpha=0.01, task_column=-1, **TIGHT)
    pipeline = make_pipeline(_encoder(task=True), model).fit(X, y)
    dense = RegularizedMultiTaskRegressor(alpha=0.01, task_column=-1, **TIGHT)
    dense.fit(encoded.toarray(), y)
    assert pipeline[-1].task_names_ == [1, 2]
    assert_same_fit(pipeline[-1], dense)
    assert_allclose(pipeline.predict(X), dense.predict(encoded.toarray()), atol=1e-6)


def _texts(n=150, seed=8):
    rng = np.random.default_rng(seed)
    topics = {
        "sport": "match goal team coach season win",
        "money": "bank price market stock rate loan",
        "food": "bread cheese wine dinner cook taste",
    }
    labels = rng.integers(0, 3, n)
    tones = rng.integers(0, 2, n)
    words = list(topics.values())
    texts = [
        " ".join(
            rng.choice(words[label].split(), 4).tolist()
            + rng.choice(["good great", "bad awful"][tone].split(), 2).tolist()
        )
        for label, tone in zip(labels, tones)
    ]
    return texts, np.column_stack([labels == 0, tones == 1]).astype(int)


def test_tfidf_pipeline_wide_sparse_equals_dense():
    texts, Y = _texts()
    encoded = TfidfVectorizer().fit_transform(texts)
    model = RegularizedMultiTaskClassifier(alpha=0.005, **TIGHT)
    pipeline = make_pipeline(TfidfVectorizer(), model).fit(texts, Y)
    dense = RegularizedMultiTaskClassifier(alpha=0.005, **TIGHT)
    dense.fit(encoded.toarray(), Y)
    assert_same_fit(pipeline[-1], dense, atol=1e-5)
    assert pipeline.score(texts, Y) > 0.9


def test_tfidf_pipeline_long_sparse_equals_dense():
    texts, Y = _texts(seed=9)
    frame = pd.DataFrame(
        {"text": texts * 2, "task": [0] * len(texts) + [1] * len(texts)}
    )
    y = np.concatenate([Y[:, 0], Y[:, 1]])
    encoder = ColumnTransformer(
        [("text", TfidfVectorizer(), "text"), ("task", "passthrough", ["task"])]
    )
    encoded = encoder.fit_transform(frame)
    assert sparse.issparse(encoded)
    model = RegularizedMultiTaskClassifier(alpha=0.005, task_column=-1, **TIGHT)
    pipeline = make_pipeline(encoder, model).fit(frame, y)
    dense = RegularizedMultiTaskClassifier(alpha=0.005, task_column=-1, **TIGHT)
    dense.fit(encoded.toarray(), y)
    assert pipeline[-1].task_names_ == [0, 1]
    assert_same_fit(pipeline[-1], dense, atol=1e-5)
    assert pipeline.score(frame, y) > 0.9
