"""skmtl: multi-task learning for the scikit-learn ecosystem.

The neural estimators are imported on first use (PEP 562), so that
``import skmtl``, the linear models, the ensembles, the metrics, the datasets
and ``skmtl --help`` start without importing torch.
"""

from importlib import import_module

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
from skmtl.grouping import TaskGroupingClassifier, TaskGroupingRegressor
from skmtl.linear_model import (
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskClassifierCV,
    RegularizedMultiTaskRegressor,
    RegularizedMultiTaskRegressorCV,
)

# Public names whose modules import torch: resolved by ``__getattr__`` on first use.
_LAZY_NAMES = {
    "MultiTaskClassifier": "skmtl.neural",
    "MultiTaskMixedEstimator": "skmtl.neural",
    "MultiTaskRegressor": "skmtl.neural",
}

__all__ = [
    "ChainEnsembleClassifier",
    "ChainEnsembleRegressor",
    "MultiTaskClassifier",
    "MultiTaskMixedEstimator",
    "MultiTaskRegressor",
    "PerTaskClassifier",
    "PerTaskRegressor",
    "PooledClassifier",
    "PooledRegressor",
    "RegularizedMultiTaskClassifier",
    "RegularizedMultiTaskClassifierCV",
    "RegularizedMultiTaskRegressor",
    "RegularizedMultiTaskRegressorCV",
    "StackedTasksClassifier",
    "StackedTasksRegressor",
    "TaskGroupingClassifier",
    "TaskGroupingRegressor",
    "__version__",
]


def __getattr__(name):
    """Import a torch-backed public name when it is first asked for (PEP 562)."""
    if name in _LAZY_NAMES:
        value = getattr(import_module(_LAZY_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skmtl' has no attribute {name!r}")


def __dir__():
    """List the public names, the lazily imported ones included."""
    return sorted(set(globals()) | set(__all__))
