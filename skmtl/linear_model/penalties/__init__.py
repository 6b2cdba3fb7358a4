"""Penalties of the regularized linear multi-task estimators.

Each penalty is one small file citing its source; :data:`PENALTIES` maps the names
accepted by the estimators' ``penalty`` parameter to the classes, and a penalty's
own hyperparameters come from the estimators' ``penalty_params``.
"""

from skmtl.linear_model.penalties._base import Penalty
from skmtl.linear_model.penalties._clustered import ClusteredPenalty
from skmtl.linear_model.penalties._graph import GraphPenalty
from skmtl.linear_model.penalties._l21 import L21Penalty
from skmtl.linear_model.penalties._lasso import LassoPenalty
from skmtl.linear_model.penalties._mean import MeanPenalty
from skmtl.linear_model.penalties._ridge import RidgePenalty
from skmtl.linear_model.penalties._trace import TracePenalty
from skmtl.utils._registry import Registry

PENALTIES = Registry("penalty", Penalty, "penalty")
for _cls in (
    L21Penalty,
    TracePenalty,
    MeanPenalty,
    GraphPenalty,
    ClusteredPenalty,
    LassoPenalty,
    RidgePenalty,
):
    PENALTIES.register(_cls)

__all__ = [
    "PENALTIES",
    "ClusteredPenalty",
    "GraphPenalty",
    "L21Penalty",
    "LassoPenalty",
    "MeanPenalty",
    "Penalty",
    "RidgePenalty",
    "TracePenalty",
]
