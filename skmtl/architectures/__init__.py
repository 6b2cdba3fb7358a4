"""Sharing architectures: how the task networks share parameters.

Each architecture is one small file holding the module and its configuration,
registered there with :data:`ARCHITECTURES`, which maps the names accepted by the
estimators' ``sharing`` parameter to the configurations.
"""

from skmtl.architectures._base import ARCHITECTURES, Architecture, ArchitectureConfig
from skmtl.architectures._cross_stitch import CrossStitch, CrossStitchConfig
from skmtl.architectures._hard import HardSharing, HardSharingConfig
from skmtl.architectures._independent import (
    IndependentNetworks,
    IndependentNetworksConfig,
)
from skmtl.architectures._mmoe import (
    MultiGateMixtureOfExperts,
    MultiGateMixtureOfExpertsConfig,
)
from skmtl.architectures._ple import (
    ProgressiveLayeredExtraction,
    ProgressiveLayeredExtractionConfig,
)
from skmtl.architectures._soft import SoftSharing, SoftSharingConfig

__all__ = [
    "ARCHITECTURES",
    "Architecture",
    "ArchitectureConfig",
    "CrossStitch",
    "CrossStitchConfig",
    "HardSharing",
    "HardSharingConfig",
    "IndependentNetworks",
    "IndependentNetworksConfig",
    "MultiGateMixtureOfExperts",
    "MultiGateMixtureOfExpertsConfig",
    "ProgressiveLayeredExtraction",
    "ProgressiveLayeredExtractionConfig",
    "SoftSharing",
    "SoftSharingConfig",
]
