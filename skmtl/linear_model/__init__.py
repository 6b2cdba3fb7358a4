"""Regularized linear multi-task learning: one solver, a registry of penalties.

:class:`RegularizedMultiTaskRegressor` (squared loss) and
:class:`RegularizedMultiTaskClassifier` (logistic loss) fit one linear model per
task, coupled by a penalty on the matrix of all tasks' coefficients (joint
feature selection, low rank, pull towards the mean, a task graph, learned task
clusters, or independent lasso / ridge baselines), all solved by the same
accelerated proximal gradient method. Their ``...CV`` variants choose the
penalty's strength by cross-validation along warm-started paths.
"""

from skmtl.linear_model._classifier import RegularizedMultiTaskClassifier
from skmtl.linear_model._cv import (
    RegularizedMultiTaskClassifierCV,
    RegularizedMultiTaskRegressorCV,
)
from skmtl.linear_model._regressor import RegularizedMultiTaskRegressor
from skmtl.linear_model.penalties import PENALTIES, Penalty

__all__ = [
    "PENALTIES",
    "Penalty",
    "RegularizedMultiTaskClassifier",
    "RegularizedMultiTaskClassifierCV",
    "RegularizedMultiTaskRegressor",
    "RegularizedMultiTaskRegressorCV",
]
