"""Sparse ``X`` (OneHotEncoder, ColumnTransformer, TF-IDF) in every ensemble.

The base estimator must receive a sparse matrix, in both layouts: the long
layout splits the task column off the sparse matrix, stacking and chains append
their estimate columns to it, and the pooled task indicator stays sparse.
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from skmtl.ensemble import PooledClassifier, PooledRegressor

from ._estimators import CLASSIFIERS, REGRESSORS, make, name

CATEGORIES = [f"c{i}" for i in range(8)]
WORDS = {
    "pos": "good great fine superb lovely".split(),
    "neg": "bad awful poor dull broken".split(),
    "any": "book film phone song game plot price the a it".split(),
}


def require_sparse(X):
    """Return ``X``; fail when the base estimator is handed a dense array."""
    assert sp.issparse(X), f"the base estimator got {type(X).__name__}, not sparse"
    return X


def sparse_only(estimator):
    """Return ``estimator`` behind a step that accepts sparse input only."""
    return make_pipeline(
        FunctionTransformer(require_sparse, accept_sparse=True), estimator
    )


def base(cls):
    if cls in CLASSIFIERS:
        return sparse_only(LogisticRegression())
    return sparse_only(Ridge())


def table(n_samples=60, seed=0):
    """Return a DataFrame with two categorical and one numeric column, and targets."""
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(
        {
            "colour": rng.choice(CATEGORIES, n_samples),
            "shape": rng.choice(CATEGORIES, n_samples),
            "size": rng.normal(size=n_samples),
        }
    )
    signal = frame["size"].to_numpy() + np.isin(frame["colour"], CATEGORIES[:4])
    Y = np.column_stack([signal, signal + rng.normal(size=n_samples)])
    Y[rng.uniform(size=Y.shape) < 0.1] = np.nan
    return frame, Y


def texts(n_samples=60, seed=0):
    """Return short reviews, their task (domain) and a sentiment per row."""
    rng = np.random.RandomState(seed)
    sentiment = rng.randint(2, size=n_samples)
    docs = [
        " ".join(
            rng.choice(WORDS["pos" if s else "neg"], 2).tolist()
            + rng.choice(WORDS["any"], 4).tolist()
        )
        for s in sentiment
    ]
    domain = rng.choice(["books", "films", "phones"], n_samples)
    return pd.DataFrame({"domain": domain, "text": docs}), sentiment


def as_labels(cls, Y):
    if cls in CLASSIFIERS:
        return np.where(np.isnan(Y), np.nan, (Y > np.nanmedian(Y)).astype(float))
    return Y


def long_layout(frame, Y):
    """Return ``frame`` with a numeric ``task`` column, one row per label, and y."""
    task, row = np.nonzero(~np.isnan(Y).T)
    long = frame.iloc[row].reset_index(drop=True).assign(task=task)
    return long, Y[row, task]


def encoder(task_column=None):
    """Return the ColumnTransformer of the table; the task passes through first."""
    steps = [
        ("categories", OneHotEncoder(), ["colour", "shape"]),
        ("numbers", StandardScaler(), ["size"]),
    ]
    if task_column is not None:
        steps.insert(0, ("task", "passthrough", [task_column]))
    return ColumnTransformer(steps, sparse_threshold=0.5)


@pytest.mark.parametrize("layout", ["wide", "long"])
@pytest.mark.parametrize("cls", REGRESSORS + CLASSIFIERS, ids=name)
def test_one_hot_pipeline_hands_sparse_input_to_the_base(cls, layout):
    frame, Y = table()
    Y = as_labels(cls, Y)
    if layout == "long":
        frame, y = long_layout(frame, Y)
        model = make_pipeline(encoder("task"), make(cls, base(cls), task_column=0)).fit(
            frame, y
        )
        assert model.predict(frame).shape == (len(frame),)
    else:
        model = make_pipeline(encoder(), make(cls, base(cls))).fit(frame, Y)
        assert model.predict(frame).shape == Y.shape
    assert sp.issparse(model[0].transform(frame))
    assert np.isfinite(model.score(frame, Y if layout == "wide" else y))


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=name)
def test_text_tfidf_to_ensemble_in_both_layouts(cls):
    docs, sentiment = texts()
    held_out, truth = texts(seed=1)
    # Wide: one task per domain, the other domains' rows missing.
    Y = np.full((len(docs), 3), np.nan)
    domains = ["books", "films", "phones"]
    for t, domain in enumerate(domains):
        Y[docs["domain"] == domain, t] = sentiment[docs["domain"] == domain]
    wide = make_pipeline(TfidfVectorizer(), make(cls, base(cls)))
    wide.fit(docs["text"], Y)
    assert wide.predict(held_out["text"]).shape == (len(held_out), 3)
    # Long: the domain is the task column, in front of the TF-IDF columns.
    long = make_pipeline(
        ColumnTransformer(
            [
                ("task", OneHotEncoder(drop=None), ["domain"]),
                ("words", TfidfVectorizer(), "text"),
            ]
        ),
        FunctionTransformer(task_codes_first, accept_sparse=True),
        make(cls, base(cls), task_column=0),
    ).fit(docs, sentiment)
    accuracy = np.mean(long.predict(held_out) == truth)
    assert accuracy > 0.8


def task_codes_first(X):
    """Return sparse ``X`` whose 3 one-hot task columns become one task code."""
    X = sp.csr_matrix(X)
    codes = np.asarray(X[:, :3].argmax(axis=1)).ravel()
    return sp.hstack([sp.csr_matrix(codes[:, None].astype(float)), X[:, 3:]]).tocsr()


@pytest.mark.parametrize("layout", ["wide", "long"])
@pytest.mark.parametrize("kind", ["csr", "csc"])
@pytest.mark.parametrize("cls", REGRESSORS + CLASSIFIERS, ids=name)
def test_csr_and_csc_matrices_and_arrays_are_accepted(cls, kind, layout):
    rng = np.random.RandomState(0)
    dense = rng.binomial(1, 0.2, size=(40, 12)) * rng.normal(size=(40, 12))
    Y = as_labels(cls, dense[:, :2] @ rng.normal(size=(2, 2)) + dense[:, 2:4])
    params = {}
    if layout == "long":
        tasks = np.arange(40) % 2
        dense = np.column_stack([tasks, dense])
        Y = Y[np.arange(40), tasks]
        params = {"task_column": 0}
    for container in (sp.csr_matrix, sp.csc_array):
        X = container(dense).asformat(kind)
        before = X.copy()
        model = make(cls, base(cls), **params).fit(X, Y)
        np.testing.assert_array_equal(
            model.predict(X), make(cls, base(cls), **params).fit(X, Y).predict(X)
        )
        assert (X != before).nnz == 0, "X was modified"
    # The same models as on the dense array, up to the solvers' tolerance.
    dense_model = make(cls, sparse_only_off(cls), **params).fit(dense, Y)
    if cls in CLASSIFIERS:
        assert np.mean(model.predict(X) == dense_model.predict(dense)) > 0.95
    else:
        np.testing.assert_allclose(
            model.predict(X), dense_model.predict(dense), atol=1e-3
        )


def sparse_only_off(cls):
    """Return the plain base estimator (for the dense reference fit)."""
    return LogisticRegression() if cls in CLASSIFIERS else Ridge()


@pytest.mark.parametrize("cls", [PooledRegressor, PooledClassifier], ids=name)
def test_pooled_task_indicator_stays_sparse(cls):
    rng = np.random.RandomState(0)
    X = sp.random(30, 50, density=0.05, format="csr", random_state=0)
    Y = as_labels(cls, rng.normal(size=(30, 4)))
    model = cls(
        sparse_only(LogisticRegression() if cls is PooledClassifier else Ridge())
    )
    model.fit(X, Y)
    pooled = model._with_task(X, np.arange(30) % 4)
    assert sp.issparse(pooled) and pooled.shape == (30, 54)
    # One indicator entry per row, nothing stored for the zeros.
    assert pooled[:, 50:].nnz == 30
