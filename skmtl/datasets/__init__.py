"""Multi-task data sets: synthetic tasks with a known structure and real ones."""

from skmtl.datasets._digits import load_digits_multitask
from skmtl.datasets._synthetic import (
    make_multitask_classification,
    make_multitask_regression,
)

__all__ = [
    "load_digits_multitask",
    "make_multitask_classification",
    "make_multitask_regression",
]
