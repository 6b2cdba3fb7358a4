"""The eight ensembles with fast settings, for parametrized tests."""

from skmtl.ensemble import (
    ChainEnsembleClassifier,
    ChainEnsembleRegressor,
    PerTaskClassifier,
    PerTaskRegressor,
    PooledClassifier,
    PooledRegressor,
    StackedTasksClassifier,
    StackedTasksRegressor,
)

REGRESSORS = [
    PerTaskRegressor,
    PooledRegressor,
    StackedTasksRegressor,
    ChainEnsembleRegressor,
]
CLASSIFIERS = [
    PerTaskClassifier,
    PooledClassifier,
    StackedTasksClassifier,
    ChainEnsembleClassifier,
]
ALL = REGRESSORS + CLASSIFIERS

# Few folds and chains: the tests check behaviour, not model quality.
FAST = {
    StackedTasksRegressor: {"cv": 3, "random_state": 0},
    StackedTasksClassifier: {"cv": 3, "random_state": 0},
    ChainEnsembleRegressor: {"cv": 3, "n_chains": 3, "random_state": 0},
    ChainEnsembleClassifier: {"cv": 3, "n_chains": 3, "random_state": 0},
}


def make(cls, estimator, **params):
    """Return ``cls(estimator)`` with the fast settings and ``params``."""
    return cls(estimator, **{**FAST.get(cls, {}), **params})


def name(cls):
    return cls.__name__
