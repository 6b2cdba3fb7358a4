"""Multi-task meta-estimators over any scikit-learn estimator.

Baselines and ensembles that take a single-task estimator and handle both data
layouts and missing labels: one model per task (:class:`PerTaskRegressor`), one
model on all tasks' rows with a task indicator (:class:`PooledRegressor`),
stacked single-target (:class:`StackedTasksRegressor`) and ensembles of chains
(:class:`ChainEnsembleRegressor`), each with its classifier counterpart.
"""

from skmtl.ensemble._chain import ChainEnsembleClassifier, ChainEnsembleRegressor
from skmtl.ensemble._per_task import PerTaskClassifier, PerTaskRegressor
from skmtl.ensemble._pooled import PooledClassifier, PooledRegressor
from skmtl.ensemble._stacked import StackedTasksClassifier, StackedTasksRegressor

__all__ = [
    "ChainEnsembleClassifier",
    "ChainEnsembleRegressor",
    "PerTaskClassifier",
    "PerTaskRegressor",
    "PooledClassifier",
    "PooledRegressor",
    "StackedTasksClassifier",
    "StackedTasksRegressor",
]
