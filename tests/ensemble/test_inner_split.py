"""The default inner split of stacking and chains is shuffled and seeded (issue 21).

Data sets are often stored sorted (Mulan's enb by its design parameters, andro
by time). Consecutive folds then leave each out-of-fold model without the rows
it has to predict, and the second stage learns from estimates much worse than
the ones it gets at predict time.
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neighbors import KNeighborsRegressor

from skmtl.ensemble import (
    ChainEnsembleClassifier,
    ChainEnsembleRegressor,
    StackedTasksClassifier,
    StackedTasksRegressor,
)

OUT_OF_FOLD = {
    StackedTasksRegressor: {},
    ChainEnsembleRegressor: {"n_chains": 3},
    StackedTasksClassifier: {},
    ChainEnsembleClassifier: {"n_chains": 2},
}
REGRESSORS = [StackedTasksRegressor, ChainEnsembleRegressor]
CLASSIFIERS = [StackedTasksClassifier, ChainEnsembleClassifier]


def sorted_tasks(seed, n_samples, missing_rate=0.0):
    """Return ``X`` sorted by its first column and three tasks that follow it."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(size=(n_samples, 3))
    X = X[np.argsort(X[:, 0])]
    wave = np.sin(6 * X[:, 0])
    Y = np.column_stack([wave + 0.3 * X[:, 1], wave - 0.3 * X[:, 2], 2 * wave])
    Y += 0.1 * rng.normal(size=Y.shape)
    Y[rng.uniform(size=Y.shape) < missing_rate] = np.nan
    return X, Y


def long_layout(X, Y):
    """Return the long layout of wide data: task id in column 0, one row per label."""
    task, row = np.nonzero(~np.isnan(Y).T)
    return np.column_stack([task, X[row]]), Y[row, task]


def layout_data(layout, X, Y):
    """Return ``X``, ``y`` and the layout parameters for ``layout``."""
    if layout == "long":
        X_long, y_long = long_layout(X, Y)
        return X_long, y_long, {"task_column": 0}
    return X, Y, {}


def binary(Y):
    """Return the signs of ``Y`` as 0/1 labels, NaN kept."""
    return np.where(np.isnan(Y), np.nan, (Y > 0).astype(float))


@pytest.mark.parametrize("layout", ["wide", "long"])
@pytest.mark.parametrize("cls", REGRESSORS, ids=lambda c: c.__name__)
def test_default_is_not_degraded_by_sorted_rows(cls, layout):
    X, Y = sorted_tasks(0, 150, missing_rate=0.2)
    X, y, params = layout_data(layout, X, Y)
    X_test, y_test, _ = layout_data(layout, *sorted_tasks(10, 300))
    params |= OUT_OF_FOLD[cls] | {"random_state": 0}
    base = KNeighborsRegressor(5)

    def score(**cv):
        return cls(base, **params, **cv).fit(X, y).score(X_test, y_test)

    default = score()
    shuffled = score(cv=KFold(5, shuffle=True, random_state=1))
    blocks = score(cv=KFold(5))
    assert default >= shuffled - 0.02
    # In the long layout tasks share no rows: chains need no out-of-fold inputs.
    if not (cls is ChainEnsembleRegressor and layout == "long"):
        assert blocks < default - 0.02


@pytest.mark.parametrize("layout", ["wide", "long"])
@pytest.mark.parametrize("cls", REGRESSORS + CLASSIFIERS, ids=lambda c: c.__name__)
def test_int_cv_is_a_seeded_shuffled_split(cls, layout):
    X, Y = sorted_tasks(0, 90, missing_rate=0.2)
    classifier = cls in CLASSIFIERS
    X, y, params = layout_data(layout, X, binary(Y) if classifier else Y)
    base = LogisticRegression() if classifier else Ridge()
    splitter = StratifiedKFold if classifier else KFold
    params |= OUT_OF_FOLD[cls]

    def fit(**more):
        return cls(base, **params, **more).fit(X, y)

    for n_splits, given in [(5, {}), (3, {"cv": 3})]:
        explicit = splitter(n_splits, shuffle=True, random_state=0)
        by_default = fit(random_state=0, **given)
        as_given = fit(random_state=0, cv=explicit)
        np.testing.assert_array_equal(by_default.predict(X), as_given.predict(X))
        if classifier:
            for ours, theirs in zip(
                by_default.predict_proba(X), as_given.predict_proba(X)
            ):
                np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("cls", REGRESSORS, ids=lambda c: c.__name__)
def test_random_state_makes_the_inner_split_reproducible(cls):
    X, Y = sorted_tasks(0, 90, missing_rate=0.2)
    params = OUT_OF_FOLD[cls]
    base = KNeighborsRegressor(5)

    def predict(random_state):
        return cls(base, random_state=random_state, **params).fit(X, Y).predict(X)

    np.testing.assert_array_equal(predict(3), predict(3))
    np.testing.assert_array_equal(
        predict(np.random.RandomState(3)), predict(np.random.RandomState(3))
    )
    assert not np.array_equal(predict(3), predict(4))
    # The explicit unshuffled split is still available, and differs.
    blocks = cls(base, cv=KFold(5), random_state=3, **params).fit(X, Y).predict(X)
    assert not np.array_equal(predict(3), blocks)
