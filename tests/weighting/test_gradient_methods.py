"""Known answers and training tests for the gradient-level weightings."""

import numpy as np
import pytest
import torch
from torch import nn

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from skmtl.weighting._cagrad import CAGrad, CAGradConfig
from skmtl.weighting._mgda import MGDA, MGDAConfig, min_norm_weights
from skmtl.weighting._pcgrad import PCGrad
from skmtl.weighting._upgrad import UPGrad

METHODS = [PCGrad, MGDA, CAGrad, UPGrad]


def aggregate(weighting, grads, present=None):
    """Return (aggregated gradient, weights) for per-task gradients ``grads``.

    The task losses are linear in a leaf "representation" ``f``, so the rows of
    their Jacobian are exactly ``grads`` and ``f.grad`` is the aggregated gradient.
    """
    grads = torch.as_tensor(np.asarray(grads), dtype=torch.float64)
    features = torch.linspace(-1.0, 1.0, grads.shape[1], dtype=torch.float64)
    features.requires_grad_(True)
    losses = grads @ features + 2.0
    if present is None:
        present = torch.ones(grads.shape[0], dtype=torch.bool)
    loss, weights = weighting(losses, present, features=features)
    loss.backward()
    return features.grad.numpy(), weights.numpy()


def test_pcgrad_projects_conflicting_gradients():
    g, weights = aggregate(PCGrad(2), [[1.0, 0.0], [-1.0, 1.0]])
    # g1 - (g1.g2)/|g2|^2 g2 = [0.5, 0.5]; g2 - (g2.g1)/|g1|^2 g1 = [0, 1].
    np.testing.assert_allclose(g, [0.5, 1.5], atol=1e-12)
    np.testing.assert_allclose(weights, [2.0, 1.5], atol=1e-12)


def test_pcgrad_sums_gradients_without_conflict():
    g, weights = aggregate(PCGrad(2), [[1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(g, [2.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(weights, [1.0, 1.0])


def test_pcgrad_matches_vector_surgery_and_is_seeded():
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(5, 4))
    g, weights = aggregate(PCGrad(5, random_state=3), grads)
    # The same algorithm on the vectors, with the same random task orders.
    generator = torch.Generator().manual_seed(3)
    expected = np.zeros(4)
    for i in range(5):
        projected = grads[i].copy()
        for j in torch.randperm(5, generator=generator).tolist():
            dot = projected @ grads[j]
            if j != i and dot < 0:
                projected -= dot / (grads[j] @ grads[j]) * grads[j]
        expected += projected
    np.testing.assert_allclose(g, expected, atol=1e-12)
    np.testing.assert_allclose(weights @ grads, expected, atol=1e-12)
    again = aggregate(PCGrad(5, random_state=3), grads)[1]
    np.testing.assert_array_equal(weights, again)


@pytest.mark.parametrize(
    ("g1", "g2", "alpha"),
    [
        ([1.0, 0.0], [0.0, 1.0], 0.5),
        ([1.0, 0.0], [-1.0, 1.0], 0.6),
        ([2.0, 0.0], [1.0, 0.1], 0.0),  # g2 alone is the min-norm point
        ([1.0, 0.1], [2.0, 0.0], 1.0),  # g1 alone
        ([3.0, -1.0], [-2.0, 2.5], None),
    ],
)
def test_mgda_two_tasks_closed_form(g1, g2, alpha):
    g1, g2 = np.array(g1), np.array(g2)
    closed = np.clip((g2 - g1) @ g2 / ((g1 - g2) @ (g1 - g2)), 0.0, 1.0)
    if alpha is not None:
        assert closed == pytest.approx(alpha)
    g, weights = aggregate(MGDA(2), [g1, g2])
    np.testing.assert_allclose(weights, [closed, 1.0 - closed], atol=1e-12)
    np.testing.assert_allclose(g, closed * g1 + (1.0 - closed) * g2, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_mgda_min_norm_point_is_optimal(seed):
    rng = np.random.default_rng(seed)
    k, n = [(3, 2), (3, 5), (6, 3), (8, 20), (10, 4)][seed]
    grads = rng.normal(size=(k, n)) + rng.normal(size=(1, n))
    grads /= np.abs(grads).max()
    g, weights = aggregate(MGDA(k), grads)
    assert (weights >= 0).all() and weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(g, weights @ grads, atol=1e-12)
    # Optimality of the min-norm point of the hull: g . g_t >= |g|^2 for all t.
    assert (grads @ g >= g @ g - 1e-6).all()


def test_min_norm_weights_degenerate_gramians():
    np.testing.assert_allclose(min_norm_weights(np.zeros((3, 3))), np.full(3, 1 / 3))
    grads = np.array([[1.0, 2.0], [1.0, 2.0], [-1.0, -2.0]])
    weights = min_norm_weights(grads @ grads.T)
    np.testing.assert_allclose(weights @ grads, [0.0, 0.0], atol=1e-12)


def test_mgda_normalizations_scale_the_gradients_before_solving():
    grads = np.array([[1.0, 0.0], [-10.0, 10.0]])
    unit = grads / np.linalg.norm(grads, axis=1, keepdims=True)
    weights = aggregate(MGDA(2, normalization="l2"), grads)[1]
    np.testing.assert_allclose(weights, min_norm_weights(unit @ unit.T), atol=1e-12)
    losses = grads @ np.linspace(-1.0, 1.0, 2) + 2.0
    by_loss = grads / losses[:, None]
    weights = aggregate(MGDA(2, normalization="loss"), grads)[1]
    np.testing.assert_allclose(weights, min_norm_weights(by_loss @ by_loss.T))
    with pytest.raises(ValueError, match="The 'normalization' parameter"):
        MGDAConfig(normalization="L2").build(2)


def test_cagrad_without_radius_is_the_average_gradient():
    grads = np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0], [0.5, -3.0, 1.0]])
    g, weights = aggregate(CAGrad(3, c=0.0), grads)
    np.testing.assert_allclose(weights, np.full(3, 1 / 3))
    np.testing.assert_allclose(g, grads.mean(0), atol=1e-12)


@pytest.mark.parametrize("c", [0.4, 0.8, 2.0])
def test_cagrad_solves_its_primal_problem(c):
    # max_d min_t g_t . d  subject to  |d - g0| <= r = c |g0|. In 2-D with two
    # tasks the maximiser is on the circle, either where one task's term is
    # largest (d = g0 + r g_t / |g_t|) or where the two terms are equal.
    grads = np.array([[1.0, 0.0], [-0.6, 1.0]])
    g, weights = aggregate(CAGrad(2, c=c), grads)
    d = g * (1.0 + c**2)
    g0 = grads.mean(0)
    radius = c * np.linalg.norm(g0)
    assert np.linalg.norm(d - g0) == pytest.approx(radius, rel=1e-6)
    candidates = [g0 + radius * gt / np.linalg.norm(gt) for gt in grads]
    normal = grads[0] - grads[1]
    along = np.array([-normal[1], normal[0]]) / np.linalg.norm(normal)
    foot = g0 - (normal @ g0) / (normal @ normal) * normal
    half_chord = np.sqrt(radius**2 - np.sum((foot - g0) ** 2))
    candidates += [foot + half_chord * along, foot - half_chord * along]
    best = max((grads @ candidate).min() for candidate in candidates)
    assert (grads @ d).min() == pytest.approx(best, abs=1e-6)
    np.testing.assert_allclose(g, weights @ grads, atol=1e-12)


def test_cagrad_rejects_a_negative_radius():
    with pytest.raises(ValueError, match="The 'c' parameter"):
        CAGradConfig(c=-1.0).build(2)


@pytest.mark.parametrize(
    "grads",
    [
        [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 1.0]],
        [[1.0, 0.0, 0.0], [-1.0, 1.0, 0.0], [0.5, -2.0, 1.0]],
    ],
)
def test_upgrad_never_conflicts(grads):
    grads = np.array(grads)
    g, weights = aggregate(UPGrad(3), grads)
    assert (grads @ g >= -1e-6).all()
    np.testing.assert_allclose(g, weights @ grads, atol=1e-12)
    if (grads @ grads.T >= 0).all():
        # Each gradient is already in the dual cone: the plain average.
        np.testing.assert_allclose(g, grads.mean(0), atol=1e-3)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(4, 5), nn.Tanh())
        self.heads = nn.ModuleList(nn.Linear(5, 1) for _ in range(3))

    def losses(self, X, Y):
        features = self.trunk(X)
        losses = torch.stack(
            [
                (head(features)[:, 0] - Y[:, t]).square().mean()
                for t, head in enumerate(self.heads)
            ]
        )
        return losses, features


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("present", [[True, True, True], [True, False, True]])
def test_surrogate_gives_aggregate_to_trunk_and_plain_gradients_to_heads(
    method, present
):
    torch.manual_seed(0)
    net = TinyNet()
    X, Y = torch.randn(16, 4), torch.randn(16, 3)
    present = torch.tensor(present)
    kept = torch.nonzero(present).squeeze(1).tolist()

    losses, features = net.losses(X, Y)
    jacobian = torch.stack(
        [torch.autograd.grad(losses[t], features, retain_graph=True)[0] for t in kept]
    )
    head_grads = [
        torch.autograd.grad(
            losses[t], list(net.heads[t].parameters()), retain_graph=True
        )
        for t in kept
    ]
    loss, weights = method(3, random_state=0)(losses, present, features=features)
    (feature_grad,) = torch.autograd.grad(loss, features, retain_graph=True)
    loss.backward(retain_graph=True)

    assert weights[~present].eq(0).all()
    aggregated = torch.einsum("t,tbh->bh", weights[present], jacobian)
    torch.testing.assert_close(feature_grad, aggregated, rtol=1e-5, atol=1e-7)
    trunk_grads = torch.autograd.grad(
        features, list(net.trunk.parameters()), aggregated
    )
    for param, expected in zip(net.trunk.parameters(), trunk_grads):
        torch.testing.assert_close(param.grad, expected, rtol=1e-5, atol=1e-7)
    for t, expected in zip(kept, head_grads):
        for param, grad in zip(net.heads[t].parameters(), expected):
            torch.testing.assert_close(param.grad, grad)
    for t in set(range(3)) - set(kept):
        for param in net.heads[t].parameters():
            assert param.grad is None or param.grad.eq(0).all()
    assert loss.item() == pytest.approx((weights * losses).sum().item(), rel=1e-6)


@pytest.mark.parametrize("method", METHODS)
def test_single_present_task_gets_its_plain_gradient(method):
    torch.manual_seed(0)
    net = TinyNet()
    X, Y = torch.randn(16, 4), torch.randn(16, 3)
    losses, features = net.losses(X, Y)
    expected = torch.autograd.grad(
        losses[1], list(net.parameters()), retain_graph=True, allow_unused=True
    )
    present = torch.tensor([False, True, False])
    loss, weights = method(3)(losses, present, features=features)
    loss.backward()
    assert loss.item() == losses[1].item()
    np.testing.assert_array_equal(weights.numpy(), [0.0, 1.0, 0.0])
    for param, grad in zip(net.parameters(), expected):
        if grad is None:
            assert param.grad is None or param.grad.eq(0).all()
        else:
            torch.testing.assert_close(param.grad, grad)


@pytest.mark.parametrize("method", METHODS)
def test_representation_without_trainable_parameters(method):
    losses = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    features = torch.ones(4, 2)
    loss, weights = method(3)(
        losses, torch.tensor([True, True, False]), features=features
    )
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(weights).all()
    assert weights[2] == 0 and losses.grad[2] == 0


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("setting", ["wide", "long", "classifier", "independent"])
def test_gradient_methods_train(method, setting):
    long = setting == "long"
    if setting == "classifier":
        X, Y = make_multitask_classification(
            n_samples=100, n_features=5, n_tasks=3, missing_rate=0.3, random_state=0
        )
    else:
        X, Y = make_multitask_regression(
            n_samples=100,
            n_features=5,
            n_tasks=3,
            missing_rate=0.0 if long else 0.3,
            layout="long" if long else "wide",
            random_state=0,
        )
    estimator = MultiTaskClassifier if setting == "classifier" else MultiTaskRegressor
    model = estimator(
        loss_weighting=method,
        sharing="independent" if setting == "independent" else "hard",
        shared_layers=(8,),
        max_epochs=5,
        random_state=0,
        **({"task_column": 0} if long else {}),
    ).fit(X, Y)
    prediction = model.predict(X)
    if setting != "classifier":
        assert np.isfinite(prediction).all()
    assert model.task_weights_.shape == (5, 3)
    assert np.isfinite(model.task_weights_).all()


def test_gradient_method_hyperparameters_and_determinism():
    X, Y = make_multitask_regression(
        n_samples=100, n_features=5, n_tasks=3, missing_rate=0.3, random_state=0
    )
    params = {"shared_layers": (8,), "max_epochs": 3, "random_state": 0}
    first = MultiTaskRegressor(loss_weighting=PCGrad, **params).fit(X, Y)
    second = MultiTaskRegressor(loss_weighting=PCGrad, **params).fit(X, Y)
    np.testing.assert_array_equal(first.predict(X), second.predict(X))
    np.testing.assert_array_equal(first.task_weights_, second.task_weights_)
    average = MultiTaskRegressor(loss_weighting=CAGradConfig(c=0.0), **params).fit(X, Y)
    np.testing.assert_allclose(average.task_weights_, 1 / 3, rtol=1e-6)
    MultiTaskRegressor(loss_weighting=MGDAConfig(normalization="loss+"), **params).fit(
        X, Y
    )
    with pytest.raises(ValueError, match="normalization"):
        MultiTaskRegressor(loss_weighting=MGDAConfig(normalization="l1"), **params).fit(
            X, Y
        )
