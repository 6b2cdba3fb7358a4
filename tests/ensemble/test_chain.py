"""ChainEnsembleRegressor and ChainEnsembleClassifier: ensembles of task chains."""

import math

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, cross_val_predict

from skmtl.ensemble import ChainEnsembleClassifier, ChainEnsembleRegressor
from skmtl.ensemble._chain import chain_orders


class _RefusingSplitter(KFold):
    """A splitter that fails the test if the ensemble asks it for folds."""

    def split(self, X, y=None, groups=None):
        raise AssertionError("no out-of-fold estimate should be needed")


@pytest.mark.parametrize("n_tasks, n_chains", [(1, 10), (2, 10), (3, 10), (3, 6)])
def test_few_tasks_use_every_order_once(n_tasks, n_chains):
    orders = chain_orders(n_tasks, n_chains, random_state=0)
    assert len(orders) == math.factorial(n_tasks)
    assert len({tuple(o) for o in orders}) == len(orders)


def test_orders_are_distinct_random_and_reproducible():
    orders = chain_orders(6, 10, random_state=0)
    assert orders.shape == (10, 6)
    assert len({tuple(o) for o in orders}) == 10
    assert all(sorted(o) == list(range(6)) for o in orders)
    np.testing.assert_array_equal(orders, chain_orders(6, 10, random_state=0))
    assert not np.array_equal(orders, chain_orders(6, 10, random_state=1))


def test_one_chain_matches_a_chain_built_by_hand(wide_regression):
    X, Y = wide_regression
    model = ChainEnsembleRegressor(Ridge(), n_chains=1, cv=KFold(3), random_state=0)
    model.fit(X, Y)
    order = model.orders_[0]
    X_chain = X
    for position, t in enumerate(order):
        observed = ~np.isnan(Y[:, t])
        expected = Ridge().fit(X_chain[observed], Y[observed, t])
        fitted = model.estimators_[0][position]
        np.testing.assert_allclose(fitted.coef_, expected.coef_)
        # Missing labels: the full model's estimate; observed: out-of-fold.
        estimate = expected.predict(X_chain)
        estimate[observed] = cross_val_predict(
            Ridge(), X_chain[observed], Y[observed, t], cv=KFold(3)
        )
        X_chain = np.column_stack([X_chain, estimate])


def test_prediction_is_the_mean_over_chains(wide_regression):
    X, Y = wide_regression
    model = ChainEnsembleRegressor(Ridge(), n_chains=4, cv=3, random_state=0)
    model.fit(X, Y)
    per_chain = []
    for order, models in zip(model.orders_, model.estimators_):
        prediction = np.empty(Y.shape)
        X_chain = X
        for t, estimator in zip(order, models):
            prediction[:, t] = estimator.predict(X_chain)
            X_chain = np.column_stack([X_chain, prediction[:, t]])
        per_chain.append(prediction)
    np.testing.assert_allclose(model.predict(X), np.mean(per_chain, axis=0))


def test_classifier_averages_probabilities(wide_classification):
    X, Y = wide_classification  # classes per task: 2, 3, 2
    model = ChainEnsembleClassifier(
        LogisticRegression(), n_chains=2, cv=3, random_state=0
    )
    model.fit(X, Y)
    totals = [0.0, 0.0, 0.0]
    for order, models in zip(model.orders_, model.estimators_):
        X_chain = X
        for t, estimator in zip(order, models):
            proba = estimator.predict_proba(X_chain)
            totals[t] = totals[t] + proba
            X_chain = np.column_stack([X_chain, proba[:, 1:] if t != 1 else proba])
    for t, proba in enumerate(model.predict_proba(X)):
        np.testing.assert_allclose(proba, totals[t] / 2)
        np.testing.assert_array_equal(
            model.predict(X)[:, t], model.classes_[t][proba.argmax(axis=1)]
        )


def test_long_layout_needs_no_out_of_fold_estimates(long_regression):
    # Tasks share no rows: a task's estimates only reach rows it never saw.
    X, y = long_regression
    model = ChainEnsembleRegressor(
        Ridge(), n_chains=3, cv=_RefusingSplitter(3), random_state=0, task_column=0
    ).fit(X, y)
    assert model.predict(X).shape == y.shape


def test_last_task_of_a_chain_needs_no_out_of_fold_estimates(wide_regression):
    X, Y = wide_regression
    model = ChainEnsembleRegressor(Ridge(), cv=_RefusingSplitter(3), n_chains=1)
    with pytest.raises(AssertionError, match="no out-of-fold"):
        model.fit(X, Y)
    ChainEnsembleRegressor(Ridge(), cv=_RefusingSplitter(3)).fit(X, Y[:, 0])


def test_parallel_chains_give_the_same_ensemble(wide_classification):
    X, Y = wide_classification
    params = {"n_chains": 2, "cv": 3, "random_state": 0}
    serial = ChainEnsembleClassifier(LogisticRegression(), **params)
    parallel = ChainEnsembleClassifier(LogisticRegression(), n_jobs=2, **params)
    serial.fit(X, Y)
    with parallel_backend("threading"):
        parallel.fit(X, Y)
    for a, b in zip(serial.predict_proba(X), parallel.predict_proba(X)):
        np.testing.assert_allclose(a, b)
