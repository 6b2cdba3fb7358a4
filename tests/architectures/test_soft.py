"""Soft parameter sharing: the penalty, its effect on training, the summary."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.architectures import SoftSharing, SoftSharingConfig
from skmtl.datasets import make_multitask_regression


def test_penalty_equals_the_formula_on_a_tiny_tower():
    architecture = SoftSharing(3, 2, 1, shared_layers=(2,), penalty_strength=0.5)
    layer = architecture.towers.hidden[0]
    with torch.no_grad():
        layer.weight[0] = 0.0
        layer.weight[1] = 1.0
        layer.bias.copy_(torch.tensor([[1.0, 2.0], [3.0, 2.0]]))
    # Weights: 2 tasks x 6 entries, each 0.5 from the mean -> 12 * 0.25 = 3.
    # Biases: mean (2, 2); deviations (-1, 0) and (1, 0) -> 2. Total 0.5 * 5.
    torch.testing.assert_close(architecture.penalty(), torch.tensor(2.5))


def test_penalty_covers_every_tower_layer_and_no_head():
    torch.manual_seed(0)
    architecture = SoftSharing(
        4, 3, 2, shared_layers=(5, 3), head_layers=(2,), penalty_strength=0.1
    )
    expected = 0.0
    for layer in architecture.towers.hidden:
        for values in (layer.weight, layer.bias):
            for t in range(3):
                expected += ((values[t] - values.mean(0)) ** 2).sum()
    torch.testing.assert_close(architecture.penalty(), 0.1 * expected)
    before = architecture.penalty().detach()
    with torch.no_grad():
        for parameter in architecture.heads.parameters():
            parameter.mul_(3.0)
    torch.testing.assert_close(architecture.penalty().detach(), before)
    architecture.penalty().backward()
    assert architecture.towers.hidden[0].weight.grad.abs().sum() > 0


def test_zero_strength_adds_no_penalty():
    assert (
        SoftSharing(3, 2, 1, shared_layers=(2,), penalty_strength=0).penalty() is None
    )


def test_a_strong_penalty_pulls_the_trained_towers_together():
    X, Y = make_multitask_regression(
        n_samples=100, n_features=5, n_tasks=3, random_state=0
    )

    def tower_distances(strength):
        model = MultiTaskRegressor(
            sharing=SoftSharingConfig(penalty_strength=strength),
            shared_layers=(8,),
            max_epochs=30,
            lr=0.01,
            random_state=0,
        ).fit(X, Y)
        return model.sharing_summary()["tower_distance"][np.triu_indices(3, 1)]

    free, pulled = tower_distances(0.0), tower_distances(10.0)
    assert np.all(pulled < 0.3 * free)


def test_sharing_summary_reports_distances_and_similarities(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        sharing="soft", shared_layers=(8,), max_epochs=3, random_state=0
    ).fit(X, Y)
    summary = model.sharing_summary()
    assert set(summary) == {"tower_distance", "task_similarity"}
    distance, similarity = summary["tower_distance"], summary["task_similarity"]
    for matrix in (distance, similarity):
        assert isinstance(matrix, np.ndarray)
        assert matrix.shape == (3, 3)
        np.testing.assert_allclose(matrix, matrix.T, atol=1e-6)
    np.testing.assert_array_equal(np.diag(distance), 0.0)
    np.testing.assert_allclose(np.diag(similarity), 1.0, atol=1e-6)
    assert np.all(distance[~np.eye(3, dtype=bool)] > 0)
    assert np.all(np.abs(similarity) <= 1 + 1e-6)
    # Known answer: the distances are those between the flattened towers.
    vectors = model.net_.module_.architecture.tower_vectors().detach().numpy()
    np.testing.assert_allclose(
        distance[0, 1], np.linalg.norm(vectors[0] - vectors[1]), rtol=1e-5
    )


def test_nothing_is_literally_shared():
    assert SoftSharing(3, 2, 1, shared_layers=(2,)).shared_parameters() == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"penalty_strength": -1.0}, "The 'penalty_strength' parameter"),
        ({"penalty_strength": "big"}, "The 'penalty_strength' parameter"),
    ],
)
def test_invalid_hyperparameters_fail_at_fit(params, message, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(sharing=SoftSharingConfig(**params), max_epochs=1)
    with pytest.raises(ValueError, match=message):
        model.fit(X, Y)


def test_empty_towers_are_rejected(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(sharing="soft", shared_layers=(), max_epochs=1)
    with pytest.raises(ValueError, match=r"shared_layers=\(\)"):
        model.fit(X, Y)
