"""Sharing architectures: how the task networks share parameters.

Each architecture is one small file; :data:`ARCHITECTURES` maps the names accepted by
the estimators' ``sharing`` parameter to the classes.
"""

from skmtl.architectures._base import Architecture
from skmtl.architectures._cross_stitch import CrossStitch
from skmtl.architectures._hard import HardSharing
from skmtl.architectures._independent import IndependentNetworks
from skmtl.architectures._mmoe import MultiGateMixtureOfExperts
from skmtl.architectures._ple import ProgressiveLayeredExtraction
from skmtl.architectures._soft import SoftSharing
from skmtl.utils._registry import Registry

ARCHITECTURES = Registry("sharing architecture", Architecture, "sharing")
for _cls in (
    HardSharing,
    SoftSharing,
    MultiGateMixtureOfExperts,
    ProgressiveLayeredExtraction,
    CrossStitch,
    IndependentNetworks,
):
    ARCHITECTURES.register(_cls)

__all__ = [
    "ARCHITECTURES",
    "Architecture",
    "CrossStitch",
    "HardSharing",
    "IndependentNetworks",
    "MultiGateMixtureOfExperts",
    "ProgressiveLayeredExtraction",
    "SoftSharing",
]
