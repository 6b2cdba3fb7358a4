"""Multi-task data sets: synthetic tasks with a known structure and real ones.

The real data sets are read from files the user provides, in the folder given
as ``data_home`` or named by the ``SKMTL_DATA`` environment variable; nothing
is ever downloaded.
"""

from skmtl.datasets._adult import load_adult_multitask
from skmtl.datasets._digits import load_digits_multitask
from skmtl.datasets._grouped import make_grouped_regression
from skmtl.datasets._home import get_data_home
from skmtl.datasets._landmine import load_landmine
from skmtl.datasets._mtr import load_mtr
from skmtl.datasets._reviews import load_reviews_multitask
from skmtl.datasets._sarcos import load_sarcos
from skmtl.datasets._school import load_school
from skmtl.datasets._synthetic import (
    make_multitask_classification,
    make_multitask_regression,
)

__all__ = [
    "get_data_home",
    "load_adult_multitask",
    "load_digits_multitask",
    "load_landmine",
    "load_mtr",
    "load_reviews_multitask",
    "load_sarcos",
    "load_school",
    "make_grouped_regression",
    "make_multitask_classification",
    "make_multitask_regression",
]
