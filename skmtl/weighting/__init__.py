"""Loss weightings: how the per-task losses are combined into one training loss.

Each weighting is one small file; :data:`WEIGHTINGS` maps the names accepted by the
estimators' ``loss_weighting`` parameter to the classes.
"""

from skmtl.utils._registry import Registry
from skmtl.weighting._base import LossWeighting
from skmtl.weighting._equal import EqualWeighting
from skmtl.weighting._fixed import FixedWeighting

WEIGHTINGS = Registry("loss weighting", LossWeighting, "loss_weighting")
for _cls in (EqualWeighting, FixedWeighting):
    WEIGHTINGS.register(_cls)

__all__ = ["WEIGHTINGS", "EqualWeighting", "FixedWeighting", "LossWeighting"]
