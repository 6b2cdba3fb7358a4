"""Neural multi-task estimators: a skorch net with a sharing architecture per task."""

from skmtl.neural._affinity import TaskAffinity
from skmtl.neural._classifier import MultiTaskClassifier
from skmtl.neural._mixed import MultiTaskMixedEstimator
from skmtl.neural._regressor import MultiTaskRegressor

__all__ = [
    "MultiTaskClassifier",
    "MultiTaskMixedEstimator",
    "MultiTaskRegressor",
    "TaskAffinity",
]
