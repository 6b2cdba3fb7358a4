"""Utilities shared across skmtl: registries, random seeds and torch threads."""

from skmtl.utils._registry import Registry
from skmtl.utils._threads import torch_threads

__all__ = ["Registry", "torch_threads"]
