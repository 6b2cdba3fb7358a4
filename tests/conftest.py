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


def make_mixed(n_samples=160, *, missing=True, random_state=0):
    """Return ``(X, Y)``: a regression, a binary (strings), a 3-class and a count task.

    ``Y`` is a DataFrame; with ``missing``, a share of each task's labels is
    missing (NaN or None).
    """
    import pandas as pd

    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n_samples, 5)).astype(np.float32)
    Y = pd.DataFrame(
        {
            "amount": 10.0 + 3.0 * X[:, 0] + 0.3 * rng.normal(size=n_samples),
            "churn": np.where(X[:, 1] + 0.2 * X[:, 0] > 0, "yes", "no"),
            "grade": np.digitize(X[:, 2], [-0.5, 0.5]),
            "visits": rng.poisson(np.exp(0.3 + 0.6 * X[:, 3])),
        }
    )
    if missing:
        Y = Y.astype({"churn": object, "grade": float})
        Y.loc[::5, "amount"] = np.nan
        Y.loc[1::6, "churn"] = None
        Y.loc[2::7, "grade"] = np.nan
    return X, Y


@pytest.fixture
def wide_mixed():
    return make_mixed()


@pytest.fixture
def long_mixed():
    return make_long_mixed()


def make_long_mixed():
    """Return the mixed tasks in the long layout: each row's task in column 0 of X."""
    X, Y = make_mixed(missing=False)
    rows, tasks, labels = [], [], []
    for name in Y.columns:
        keep = np.arange(len(X)) % 2 == (0 if name in ("amount", "grade") else 1)
        rows.append(X[keep])
        tasks.extend([name] * int(keep.sum()))
        labels.extend(Y.loc[keep, name].tolist())
    features = np.vstack(rows)
    X_long = np.empty((len(features), features.shape[1] + 1), dtype=object)
    X_long[:, 0] = tasks
    X_long[:, 1:] = features
    return X_long, np.asarray(labels, dtype=object)


def assert_same_predictions(actual, expected):
    """Assert that two predictions agree: labels exactly, numbers to float32 rounding.

    A grown network's heads run as one fused product whose width grows with the
    tasks; some CPU kernels then sum in another order, so an unchanged task's
    output may differ in its last float32 bit (seen: 6e-8 on AVX-512). Equal
    weights are checked separately, bit for bit.
    """
    import pandas as pd

    if isinstance(expected, pd.DataFrame):
        assert list(actual.columns) == list(expected.columns)
        for column in expected.columns:
            assert_same_predictions(
                actual[column].to_numpy(), expected[column].to_numpy()
            )
        return
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    if expected.dtype == object:  # the long layout's mixed labels and numbers
        numbers = np.array(
            [isinstance(v, float) for v in expected.ravel()], dtype=bool
        ).reshape(expected.shape)
        np.testing.assert_allclose(
            actual[numbers].astype(float),
            expected[numbers].astype(float),
            rtol=1e-5,
            atol=1e-6,
        )
        np.testing.assert_array_equal(actual[~numbers], expected[~numbers])
    elif np.issubdtype(expected.dtype, np.floating):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(actual, expected)


def assert_previous_weights_kept(before, module):
    """Assert that every tensor of ``before`` is the leading corner of its successor.

    ``before`` is a network's ``state_dict`` (cloned) taken before tasks were
    added; a frozen growth keeps each tensor's previous part bit for bit.
    """
    after = module.state_dict()
    for name, value in before.items():
        corner = after[name][tuple(slice(0, n) for n in value.shape)]
        assert torch.equal(corner, value), name
