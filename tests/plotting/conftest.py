"""Agg backend, figures closed after each test, and small fitted estimators."""

import sys

import pytest

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from tests.conftest import FAST as _FAST

FAST = {**_FAST, "max_epochs": 4, "n_threads": 1}

try:
    import matplotlib
except ImportError:  # every test module skips itself with importorskip
    pass
else:
    matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture(scope="package")
def data():
    return make_multitask_regression(
        n_samples=80, n_features=5, n_tasks=3, missing_rate=0.2, random_state=0
    )


@pytest.fixture(scope="package")
def fitted(data):
    """Fitted without a validation split."""
    X, Y = data
    return MultiTaskRegressor(loss_weighting="dwa", **FAST).fit(X, Y)


@pytest.fixture(scope="package")
def fitted_valid(data):
    """Fitted with a validation split (early stopping that never triggers)."""
    X, Y = data
    return MultiTaskRegressor(early_stopping=True, n_iter_no_change=50, **FAST).fit(
        X, Y
    )
