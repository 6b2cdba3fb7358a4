"""Utilities shared across skmtl: registries, random seeds and torch threads.

``torch_threads`` imports torch and is resolved on first use (PEP 562), so that
the registry can be imported by the torch-free parts of the package.
"""

from importlib import import_module

from skmtl.utils._registry import Registry

__all__ = ["Registry", "torch_threads"]


def __getattr__(name):
    """Import ``torch_threads`` (and torch) when it is first asked for."""
    if name == "torch_threads":
        value = import_module("skmtl.utils._threads").torch_threads
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skmtl.utils' has no attribute {name!r}")
