"""Neural multi-task estimators: a skorch net with a sharing architecture per task."""

from skmtl.neural._affinity import TaskAffinity
from skmtl.neural._classifier import MultiTaskClassifier
from skmtl.neural._regressor import MultiTaskRegressor

__all__ = ["MultiTaskClassifier", "MultiTaskRegressor", "TaskAffinity"]
