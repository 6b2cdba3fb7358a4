"""skmtl: multi-task learning for the scikit-learn ecosystem."""

from skmtl._version import __version__
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
from skmtl.linear_model import (
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
)
from skmtl.neural import MultiTaskClassifier, MultiTaskRegressor

__all__ = [
    "ChainEnsembleClassifier",
    "ChainEnsembleRegressor",
    "MultiTaskClassifier",
    "MultiTaskRegressor",
    "PerTaskClassifier",
    "PerTaskRegressor",
    "PooledClassifier",
    "PooledRegressor",
    "RegularizedMultiTaskClassifier",
    "RegularizedMultiTaskRegressor",
    "StackedTasksClassifier",
    "StackedTasksRegressor",
    "__version__",
]
