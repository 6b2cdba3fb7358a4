"""Every registered penalty: its value, gradient or prox, and the optimality of fits.

A penalty registered in ``skmtl.linear_model.penalties.PENALTIES`` is tested here
without new test code (add its required hyperparameters to ``EXAMPLE_PARAMS``).
"""

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from skmtl.linear_model import RegularizedMultiTaskRegressor
from skmtl.linear_model.penalties import (
    PENALTIES,
    ClusteredPenalty,
    ClusteredPenaltyConfig,
    GraphPenalty,
    GraphPenaltyConfig,
    MeanPenaltyConfig,
)
from tests.linear_model._helpers import penalty_config, shared_data

TASKS = ["a", "b", "c", "d", "e"]
EXAMPLE_PARAMS = {
    "graph": {"task_graph": [("a", "b"), ("b", "c", 2.0), ("d", "e", 0.5)]},
    "clustered": {"n_clusters": 2},
}
TIGHT = {"tol": 1e-12, "max_iter": 20000}


def make_penalty(name, alpha=0.7, tasks=TASKS):
    return PENALTIES.resolve(name)(alpha, tasks, **EXAMPLE_PARAMS.get(name, {}))


def random_coef(seed=0):
    return np.random.default_rng(seed).standard_normal((len(TASKS), 4))


@pytest.mark.parametrize("name", PENALTIES.names())
def test_value_is_smooth_plus_nonsmooth_and_nonnegative(name):
    penalty = make_penalty(name)
    W = random_coef()
    smooth, _ = penalty.smooth_value_and_gradient(W)
    assert penalty.value(W) == pytest.approx(smooth + penalty.nonsmooth_value(W))
    assert penalty.value(W) > 0
    assert penalty.value(np.zeros_like(W)) == 0
    assert make_penalty(name, alpha=0.0).value(W) == 0


@pytest.mark.parametrize("name", PENALTIES.names())
def test_smooth_gradient_matches_finite_differences(name):
    penalty = make_penalty(name)
    W = random_coef(1)
    _, gradient = penalty.smooth_value_and_gradient(W)
    if gradient is None:
        pytest.skip(f"{name} has no smooth part")
    eps = 1e-6
    numeric = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        step = np.zeros_like(W)
        step[index] = eps
        numeric[index] = (
            penalty.smooth_value_and_gradient(W + step)[0]
            - penalty.smooth_value_and_gradient(W - step)[0]
        ) / (2 * eps)
    assert_allclose(gradient, numeric, atol=1e-6)
    # The Lipschitz bound holds along random directions.
    rng = np.random.default_rng(2)
    for _ in range(20):
        V = W + rng.standard_normal(W.shape)
        _, other = penalty.smooth_value_and_gradient(V)
        assert np.linalg.norm(other - gradient) <= penalty.lipschitz() * np.linalg.norm(
            V - W
        ) * (1 + 1e-9)


@pytest.mark.parametrize("step", [0.1, 1.0])
@pytest.mark.parametrize("name", PENALTIES.names())
def test_prox_minimizes_its_objective(name, step):
    penalty = make_penalty(name)
    V = random_coef(3)
    V[:, 0] *= 0.05  # a column the prox of l21/lasso sets to zero
    original = V.copy()
    U = penalty.prox(V, step)
    assert_allclose(V, original)  # the input is not modified

    def moreau(Z):
        return penalty.nonsmooth_value(Z) + ((Z - V) ** 2).sum() / (2 * step)

    rng = np.random.default_rng(4)
    candidates = [
        np.zeros_like(V),
        V,
        *(U + 1e-4 * rng.standard_normal(V.shape) for _ in range(200)),
    ]
    assert all(moreau(U) <= moreau(Z) + 1e-12 for Z in candidates)


@pytest.mark.parametrize("name", PENALTIES.names())
def test_every_penalty_fits_and_lowers_the_objective(name):
    X, Y = shared_data(n_tasks=len(TASKS))
    model = RegularizedMultiTaskRegressor(
        penalty=penalty_config(name, EXAMPLE_PARAMS), alpha=0.05
    )
    model.fit(X, pd.DataFrame(Y, columns=TASKS))
    assert model.coef_.shape == (len(TASKS), X.shape[1])
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_).all()
    assert model.objective_path_[-1] < model.objective_path_[0]


def data_gradient(X, Y, coef, intercept):
    """Gradient in W of sum_t mean_i (y_it - x_i w_t - b_t)^2 / 2 (shared rows)."""
    residual = X @ coef.T + intercept - Y
    return residual.T @ X / len(X)


def test_trace_solution_satisfies_the_subgradient_condition():
    X, Y = shared_data(n=80, d=8, n_tasks=5, seed=5)
    alpha = 0.3
    model = RegularizedMultiTaskRegressor(penalty="trace", alpha=alpha, **TIGHT)
    W = model.fit(X, Y).coef_
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    rank = int((s > 1e-6 * s[0]).sum())
    assert 0 < rank < min(W.shape), "the test needs a solution of reduced rank"
    U, Vt = U[:, :rank], Vt[:rank]
    # -grad f(W) must lie in alpha * (U V^T + Q), U^T Q = 0, Q V = 0, ||Q||_2 <= 1.
    G = -data_gradient(X, Y, W, model.intercept_)
    assert_allclose(U.T @ G @ Vt.T, alpha * np.eye(rank), atol=1e-5)
    Q = G - alpha * U @ Vt
    assert_allclose(U.T @ Q, 0, atol=1e-5)
    assert_allclose(Q @ Vt.T, 0, atol=1e-5)
    assert np.linalg.norm(Q, 2) <= alpha * (1 + 1e-5)


def test_clustered_solution_is_stationary_and_recovers_clusters():
    rng = np.random.default_rng(1)
    truth = np.repeat([0, 1, 2], 3)
    centers = 2 * rng.standard_normal((3, 12))
    W_true = centers[truth] + 0.3 * rng.standard_normal((9, 12))
    X = rng.standard_normal((60, 12)).astype(np.float32).astype(np.float64)
    Y = X @ W_true.T + 0.5 * rng.standard_normal((60, 9))
    model = RegularizedMultiTaskRegressor(
        penalty=ClusteredPenaltyConfig(n_clusters=3), alpha=0.2, **TIGHT
    ).fit(X, Y)
    penalty = ClusteredPenalty(0.2, list(range(9)), n_clusters=3)
    _, penalty_gradient = penalty.smooth_value_and_gradient(model.coef_)
    gradient = data_gradient(X, Y, model.coef_, model.intercept_) + penalty_gradient
    assert np.abs(gradient).max() < 1e-5
    assert_allclose(model.task_clusters_, truth)
    M = model.task_cluster_matrix_
    assert np.trace(M) == pytest.approx(3)
    assert_allclose(M[0, 1], 1 / 3, atol=0.05)
    assert abs(M[0, 3]) < 0.05


@pytest.mark.parametrize("n_clusters", [1, 2, 4])
def test_clustered_matrix_minimizes_over_the_constraint_set(n_clusters):
    eta = 0.3
    penalty = ClusteredPenalty(1.0, TASKS, n_clusters=n_clusters, ridge=eta)
    W = random_coef(6)
    M, eigenvalues, _ = penalty.cluster_matrix(W)
    assert eigenvalues.sum() == pytest.approx(n_clusters)
    assert eigenvalues.min() >= 0 and eigenvalues.max() <= 1 + 1e-12
    # First-order optimality of the convex problem in M: the linear minimization
    # over {tr M = k, 0 <= M <= I} (the top-k eigenvectors of the gradient) cannot
    # improve on M (a zero Frank-Wolfe gap).
    inverse = np.linalg.inv(eta * np.eye(len(TASKS)) + M)
    B = inverse @ W @ W.T @ inverse  # minus the gradient in M
    best = np.linalg.eigvalsh(B)[-n_clusters:].sum()
    assert np.vdot(B, M) >= best - 1e-9
    value = np.trace(W.T @ inverse @ W) * eta * (1 + eta)
    assert penalty.smooth_value_and_gradient(W)[0] == pytest.approx(value)


def test_clustered_rejects_more_clusters_than_tasks():
    with pytest.raises(ValueError, match=r"n_clusters=6 exceeds the number of tasks"):
        ClusteredPenalty(1.0, TASKS, n_clusters=6)
    with pytest.raises(
        ValueError, match="The 'ridge' parameter of ClusteredPenaltyConfig"
    ):
        PENALTIES.config("clustered").set_params(ridge=0.0).build(1.0, TASKS)


def test_mean_with_unit_mean_ridge_is_a_ridge():
    X, Y = shared_data(seed=8)
    mean = RegularizedMultiTaskRegressor(
        penalty=MeanPenaltyConfig(mean_ridge=1.0), alpha=0.1, **TIGHT
    ).fit(X, Y)
    ridge = RegularizedMultiTaskRegressor(penalty="ridge", alpha=0.2, **TIGHT).fit(X, Y)
    assert_allclose(mean.coef_, ridge.coef_, atol=1e-7)


def test_complete_graph_is_the_mean_penalty_times_the_number_of_tasks():
    X, Y = shared_data(n_tasks=4, seed=9)
    names = [f"task_{t}" for t in range(4)]
    edges = [(s, t) for i, s in enumerate(names) for t in names[i + 1 :]]
    graph = RegularizedMultiTaskRegressor(
        penalty=GraphPenaltyConfig(task_graph=edges), alpha=0.05, **TIGHT
    ).fit(X, Y)
    mean = RegularizedMultiTaskRegressor(
        penalty=MeanPenaltyConfig(mean_ridge=0.0), alpha=0.2, **TIGHT
    ).fit(X, Y)
    assert_allclose(graph.coef_, mean.coef_, atol=1e-7)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("mean", None),
        ("graph", {"task_graph": list(pairwise(TASKS))}),  # connected
        ("clustered", {"n_clusters": 1}),
    ],
)
def test_a_stronger_pull_brings_the_tasks_closer(name, params):
    X, Y = shared_data(n_tasks=len(TASKS), seed=10)
    spreads = []
    for alpha in [0.01, 1.0, 100.0]:
        model = RegularizedMultiTaskRegressor(
            penalty=PENALTIES.config(name).set_params(**(params or {})), alpha=alpha
        ).fit(X, pd.DataFrame(Y, columns=TASKS))
        spreads.append(np.linalg.norm(model.coef_ - model.coef_.mean(axis=0)))
    assert spreads[0] > spreads[1] > spreads[2]
    assert spreads[2] < 0.05 * spreads[0]


def test_graph_forms_agree():
    edges = [("a", "b"), ("b", "c", 2.0), ("b", "a")]
    adjacency = np.zeros((5, 5))
    adjacency[0, 1] = adjacency[1, 0] = 2.0
    adjacency[1, 2] = adjacency[2, 1] = 2.0
    frame = pd.DataFrame(
        adjacency[:3, :3], index=["a", "b", "c"], columns=["a", "b", "c"]
    )
    expected = GraphPenalty(1.0, TASKS, task_graph=adjacency).laplacian
    assert_allclose(GraphPenalty(1.0, TASKS, task_graph=edges).laplacian, expected)
    assert_allclose(GraphPenalty(1.0, TASKS, task_graph=frame).laplacian, expected)


@pytest.mark.parametrize(
    ("task_graph", "message"),
    [
        (None, "needs the task graph"),
        ([("a", "zz"), ("yy", "b")], r"names tasks \['zz', 'yy'\] that are not among"),
        (np.ones((3, 3)), r"has shape \(3, 3\), expected \(5, 5\)"),
        (np.triu(np.ones((5, 5))), "must be symmetric"),
        (-np.ones((5, 5)), "weights >= 0"),
        ([("a", "b", -1.0)], "weights must be finite and >= 0"),
        ([("a",)], r"each edge of task_graph must be"),
        (pd.DataFrame([[0.0]], index=["q"], columns=["q"]), r"names tasks \['q'\]"),
    ],
)
def test_graph_errors_say_what_is_wrong(task_graph, message):
    with pytest.raises(ValueError, match=message):
        GraphPenalty(1.0, TASKS, task_graph=task_graph)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("mean", {"mean_ridge": -1}, "'mean_ridge' parameter of MeanPenaltyConfig"),
        ("clustered", {"n_clusters": 0}, "'n_clusters' parameter of Clustered"),
        ("clustered", {"n_clusters": 2.5}, "'n_clusters' parameter of Clustered"),
    ],
)
def test_hyperparameter_errors_name_the_penalty(name, params, message):
    X, Y = shared_data(seed=8)
    model = RegularizedMultiTaskRegressor(
        penalty=PENALTIES.config(name).set_params(**params)
    )
    with pytest.raises(ValueError, match=f"penalty: The {message}"):
        model.fit(X, Y)
