"""Loss weightings: how the per-task losses are combined into one training loss.

Each weighting is one small file holding the weighting and its configuration,
registered there with :data:`WEIGHTINGS`, which maps the names accepted by the
estimators' ``loss_weighting`` parameter to the configurations.
"""

from skmtl.weighting._base import WEIGHTINGS, LossWeighting, LossWeightingConfig
from skmtl.weighting._cagrad import CAGrad, CAGradConfig
from skmtl.weighting._dwa import DynamicWeightAverage, DynamicWeightAverageConfig
from skmtl.weighting._equal import EqualWeighting, EqualWeightingConfig
from skmtl.weighting._famo import FAMO, FAMOConfig
from skmtl.weighting._fixed import FixedWeighting, FixedWeightingConfig
from skmtl.weighting._gradients import GradientAggregation
from skmtl.weighting._gradnorm import GradNorm, GradNormConfig
from skmtl.weighting._mgda import MGDA, MGDAConfig
from skmtl.weighting._pcgrad import PCGrad, PCGradConfig
from skmtl.weighting._rlw import RandomLossWeighting, RandomLossWeightingConfig
from skmtl.weighting._uncertainty import (
    UncertaintyWeighting,
    UncertaintyWeightingConfig,
)
from skmtl.weighting._upgrad import UPGrad, UPGradConfig

__all__ = [
    "FAMO",
    "MGDA",
    "WEIGHTINGS",
    "CAGrad",
    "CAGradConfig",
    "DynamicWeightAverage",
    "DynamicWeightAverageConfig",
    "EqualWeighting",
    "EqualWeightingConfig",
    "FAMOConfig",
    "FixedWeighting",
    "FixedWeightingConfig",
    "GradNorm",
    "GradNormConfig",
    "GradientAggregation",
    "LossWeighting",
    "LossWeightingConfig",
    "MGDAConfig",
    "PCGrad",
    "PCGradConfig",
    "RandomLossWeighting",
    "RandomLossWeightingConfig",
    "UPGrad",
    "UPGradConfig",
    "UncertaintyWeighting",
    "UncertaintyWeightingConfig",
]
