"""Loss weightings: how the per-task losses are combined into one training loss.

Each weighting is one small file; :data:`WEIGHTINGS` maps the names accepted by the
estimators' ``loss_weighting`` parameter to the classes.
"""

from skmtl.utils._registry import Registry
from skmtl.weighting._base import LossWeighting
from skmtl.weighting._cagrad import CAGrad
from skmtl.weighting._dwa import DynamicWeightAverage
from skmtl.weighting._equal import EqualWeighting
from skmtl.weighting._famo import FAMO
from skmtl.weighting._fixed import FixedWeighting
from skmtl.weighting._gradients import GradientAggregation
from skmtl.weighting._gradnorm import GradNorm
from skmtl.weighting._mgda import MGDA
from skmtl.weighting._pcgrad import PCGrad
from skmtl.weighting._rlw import RandomLossWeighting
from skmtl.weighting._uncertainty import UncertaintyWeighting
from skmtl.weighting._upgrad import UPGrad

WEIGHTINGS = Registry("loss weighting", LossWeighting, "loss_weighting")
for _cls in (
    EqualWeighting,
    FixedWeighting,
    UncertaintyWeighting,
    DynamicWeightAverage,
    GradNorm,
    RandomLossWeighting,
    FAMO,
    PCGrad,
    MGDA,
    CAGrad,
    UPGrad,
):
    WEIGHTINGS.register(_cls)

__all__ = [
    "FAMO",
    "MGDA",
    "WEIGHTINGS",
    "CAGrad",
    "DynamicWeightAverage",
    "EqualWeighting",
    "FixedWeighting",
    "GradNorm",
    "GradientAggregation",
    "LossWeighting",
    "PCGrad",
    "RandomLossWeighting",
    "UPGrad",
    "UncertaintyWeighting",
]
