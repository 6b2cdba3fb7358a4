"""Shared fixtures: fixed seeds, small datasets, fast estimator settings."""

import numpy as np
import pytest
import torch

from skmtl.datasets import make_multitask_classification, make_multitask_regression

# Small networks and few epochs: the tests check behaviour, not model quality.
FAST = {"shared_layers": (16,), "max_epochs": 5, "batch_size": 32, "random_state": 0}


@pytest.fixture(autouse=True)
def _fixed_seeds():
    np.random.seed(0)  # noqa: NPY002 -- for code under test that reads the global RNG
    torch.manual_seed(0)


@pytest.fixture
def wide_regression():
    return make_multitask_regression(
        n_samples=120, n_features=6, n_tasks=3, missing_rate=0.2, random_state=0
    )


@pytest.fixture
def long_regression():
    return make_multitask_regression(
        n_samples=120, n_features=6, n_tasks=4, layout="long", random_state=0
    )


@pytest.fixture
def wide_classification():
    return make_multitask_classification(
        n_samples=120, n_features=6, n_tasks=3, n_classes=[2, 3, 2], random_state=0
    )
