"""skmtl: multi-task learning for the scikit-learn ecosystem."""

from skmtl._version import __version__
from skmtl.neural import MultiTaskClassifier, MultiTaskRegressor

__all__ = ["MultiTaskClassifier", "MultiTaskRegressor", "__version__"]
