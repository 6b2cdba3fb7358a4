"""Penalties of the regularized linear multi-task estimators.

Each penalty is one small file citing its source, holding the penalty and its
configuration, registered there with :data:`PENALTIES`, which maps the names
accepted by the estimators' ``penalty`` parameter to the configurations.
"""

from skmtl.linear_model.penalties._base import PENALTIES, Penalty, PenaltyConfig
from skmtl.linear_model.penalties._clustered import (
    ClusteredPenalty,
    ClusteredPenaltyConfig,
)
from skmtl.linear_model.penalties._graph import GraphPenalty, GraphPenaltyConfig
from skmtl.linear_model.penalties._l21 import L21Penalty, L21PenaltyConfig
from skmtl.linear_model.penalties._lasso import LassoPenalty, LassoPenaltyConfig
from skmtl.linear_model.penalties._mean import MeanPenalty, MeanPenaltyConfig
from skmtl.linear_model.penalties._ridge import RidgePenalty, RidgePenaltyConfig
from skmtl.linear_model.penalties._trace import TracePenalty, TracePenaltyConfig

__all__ = [
    "PENALTIES",
    "ClusteredPenalty",
    "ClusteredPenaltyConfig",
    "GraphPenalty",
    "GraphPenaltyConfig",
    "L21Penalty",
    "L21PenaltyConfig",
    "LassoPenalty",
    "LassoPenaltyConfig",
    "MeanPenalty",
    "MeanPenaltyConfig",
    "Penalty",
    "PenaltyConfig",
    "RidgePenalty",
    "RidgePenaltyConfig",
    "TracePenalty",
    "TracePenaltyConfig",
]
