"""make_grouped_regression: tasks correlated within their planted group only."""

import numpy as np
import pytest

from skmtl.datasets import make_grouped_regression


def test_tasks_correlate_within_their_group_only():
    X, Y, groups = make_grouped_regression(
        n_samples=2000, group_sizes=(2, 3), noise=0.1, random_state=0
    )
    assert X.shape == (2000, 20) and Y.shape == (2000, 5)
    assert groups.tolist() == [0, 0, 1, 1, 1]
    correlation = np.abs(np.corrcoef(Y.T))
    same = groups[:, None] == groups[None, :]
    off_diagonal = ~np.eye(5, dtype=bool)
    assert correlation[same & off_diagonal].min() > 0.8
    assert correlation[~same].max() < 0.3


def test_reproducible_and_missing_labels():
    first = make_grouped_regression(missing_rate=0.5, random_state=3)
    second = make_grouped_regression(missing_rate=0.5, random_state=3)
    np.testing.assert_array_equal(first[1], second[1])
    missing = np.isnan(first[1]).mean()
    assert 0.4 < missing < 0.6
    assert (np.isfinite(first[1]).sum(axis=0) >= 2).all()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"group_sizes": ()}, "group_sizes"),
        ({"group_sizes": (2, 0)}, "group_sizes"),
        ({"missing_rate": 1.0}, "missing_rate"),
        ({"noise": -1.0}, "noise"),
        ({"n_samples": 1}, "n_samples"),
    ],
)
def test_invalid_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        make_grouped_regression(**params)
