"""The accelerated proximal gradient solver shared by every penalty."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, MultiTaskLasso

from skmtl.linear_model import (
    PENALTIES,
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
)
from skmtl.linear_model._solver import fista
from tests.linear_model._helpers import penalty_config, shared_data


class LassoProblem:
    """``||A x - b||^2 / 2 + lam ||x||_1`` in the form fista expects."""

    scale = 0.0

    def __init__(self, A, b, lam):
        self.A, self.b, self.lam = A, b, lam
        self.tol_scale = float(b @ b)

    def image(self, x):
        return self.A @ x

    def smooth_value(self, x, image):
        return 0.5 * float(((image - self.b) ** 2).sum())

    def smooth_value_and_gradient(self, x, image):
        return self.smooth_value(x, image), self.A.T @ (image - self.b)

    def nonsmooth_value(self, x):
        return self.lam * float(np.abs(x).sum())

    def prox(self, v, step):
        return np.sign(v) * np.maximum(np.abs(v) - step * self.lam, 0.0)

    def dual_value(self, x, image, gradient):
        return None  # the solver stops on its proximal-gradient bound


@pytest.mark.parametrize("first_lipschitz", [1e-6, 1.0, 1e3])
def test_fista_solves_a_lasso_from_any_first_step(first_lipschitz):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 6))
    b = rng.standard_normal(30)
    problem = LassoProblem(A, b, lam=3.0)
    result = fista(
        problem, np.zeros(6), lipschitz=first_lipschitz, max_iter=20000, tol=1e-14
    )
    # Lasso's objective is ours divided by n_samples.
    reference = Lasso(alpha=3.0 / 30, fit_intercept=False, tol=1e-14).fit(A, b)
    assert result.converged
    assert_allclose(result.coef, reference.coef_, atol=1e-6)
    # Backtracking raised a too small first estimate above the curvature, and
    # never lowers a large one.
    curvature = np.linalg.eigvalsh(A.T @ A)[-1]
    assert result.lipschitz >= min(curvature, first_lipschitz)
    assert result.lipschitz <= max(2 * curvature, first_lipschitz)
    # Never increasing, to rounding (steps within it are kept).
    assert np.all(np.diff(result.objective_path) <= 1e-14 * result.objective_path[0])


def test_fista_does_not_modify_its_start():
    problem = LassoProblem(np.eye(3), np.ones(3), lam=0.1)
    start = np.full(3, 5.0)
    fista(problem, start, lipschitz=1.0, max_iter=50, tol=1e-10)
    assert_allclose(start, 5.0)


@pytest.mark.parametrize("name", PENALTIES.names())
def test_objective_never_increases(name):
    # Correlated features and a weak penalty: slow enough for momentum to
    # overshoot, so restarts happen.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 12))
    X[:, 1:] += 0.9 * X[:, :-1]
    Y = X @ rng.standard_normal((12, 3)) + rng.standard_normal((50, 3))
    model = RegularizedMultiTaskRegressor(
        penalty=penalty_config(name), alpha=1e-3, tol=1e-10
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        path = model.fit(X, Y).objective_path_
    assert len(path) == model.n_iter_ + 1
    assert np.all(np.diff(path) <= 1e-12 * abs(path[0]))
    assert path[-1] < path[0]


def test_classifier_objective_never_increases():
    X, Y = shared_data(seed=11)
    Y = np.where(Y > np.median(Y, axis=0), "yes", "no")
    path = RegularizedMultiTaskClassifier(alpha=1e-3, tol=1e-10).fit(X, Y)
    path = path.objective_path_
    assert np.all(np.diff(path) <= 1e-12 * abs(path[0]))


@pytest.mark.parametrize(
    "estimator", [RegularizedMultiTaskRegressor, RegularizedMultiTaskClassifier]
)
def test_warm_start_needs_fewer_iterations(estimator):
    X, Y = shared_data(seed=12)
    if estimator is RegularizedMultiTaskClassifier:
        Y = (Y > np.median(Y, axis=0)).astype(int)
    # A nearby alpha, as along a regularization path.
    cold = estimator(alpha=0.02, tol=1e-9).fit(X, Y)
    warm = estimator(alpha=0.021, tol=1e-9, warm_start=True).fit(X, Y)
    first = warm.coef_.copy()
    warm.set_params(alpha=0.02).fit(X, Y)
    assert warm.n_iter_ < cold.n_iter_
    assert warm.objective_path_[-1] == pytest.approx(cold.objective_path_[-1], rel=1e-7)
    assert not np.allclose(first, warm.coef_)
    # Refitting from the solution stops almost at once.
    assert warm.fit(X, Y).n_iter_ <= 3


def test_warm_start_requires_the_same_tasks():
    X, Y = shared_data()
    model = RegularizedMultiTaskRegressor(warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="warm_start=True continues a fit on tasks"):
        model.fit(X, Y[:, :2])


def test_max_iter_gives_a_convergence_warning():
    X, Y = shared_data()
    model = RegularizedMultiTaskRegressor(max_iter=2, tol=1e-12)
    with pytest.warns(ConvergenceWarning, match=r"did not converge in max_iter=2"):
        model.fit(X, Y)
    assert model.n_iter_ == 2


@pytest.mark.parametrize("penalty", ["l21", "lasso", "trace"])
def test_tol_bounds_the_duality_gap(penalty):
    # Squared loss and a norm penalty: tol bounds the duality gap relative to
    # the targets' sum of squares (scikit-learn's criterion), so the objective
    # is within tol * ||Y - mean||^2 / n of the optimum.
    X, Y = shared_data(seed=13)
    optimum = RegularizedMultiTaskRegressor(penalty=penalty, tol=1e-13).fit(X, Y)
    best = optimum.objective_path_[-1]
    scale = ((Y - Y.mean(axis=0)) ** 2).sum() / len(Y)
    for tol in (1e-2, 1e-4, 1e-6):
        model = RegularizedMultiTaskRegressor(penalty=penalty, tol=tol).fit(X, Y)
        assert model.objective_path_[-1] - best <= tol * scale
    loose = RegularizedMultiTaskRegressor(penalty=penalty, tol=1e-2).fit(X, Y)
    assert loose.n_iter_ < optimum.n_iter_


@pytest.mark.parametrize("name", ["mean", "graph", "clustered", "ridge"])
def test_tol_bounds_the_suboptimality_of_smooth_penalties(name):
    X, Y = shared_data(seed=14)
    params = {"penalty": penalty_config(name)}
    optimum = RegularizedMultiTaskRegressor(**params, tol=1e-14).fit(X, Y)
    scale = ((Y - Y.mean(axis=0)) ** 2).sum() / len(Y)
    for tol in (1e-3, 1e-6):
        model = RegularizedMultiTaskRegressor(**params, tol=tol).fit(X, Y)
        excess = model.objective_path_[-1] - optimum.objective_path_[-1]
        assert excess <= tol * scale


def test_classifier_tol_bounds_the_suboptimality():
    X, Y = shared_data(seed=15)
    Y = (Y > np.median(Y, axis=0)).astype(int)
    optimum = RegularizedMultiTaskClassifier(alpha=0.01, tol=1e-14).fit(X, Y)
    scale = 2 * 3 * np.log(2)  # twice the loss at zero: T log 2 per task weighting
    for tol in (1e-3, 1e-6):
        model = RegularizedMultiTaskClassifier(alpha=0.01, tol=tol).fit(X, Y)
        excess = model.objective_path_[-1] - optimum.objective_path_[-1]
        assert excess <= tol * scale


@pytest.mark.parametrize("missing", [False, True])
def test_gap_safe_screening_drops_only_zero_features(missing, monkeypatch):
    # More features than rows: the rows form, where l21 screens features out.
    from skmtl.linear_model._objective import LinearFit
    from skmtl.linear_model.penalties import L21Penalty

    rng = np.random.default_rng(16)
    X = rng.standard_normal((40, 300))
    W = rng.standard_normal((3, 300)) * (rng.random(300) < 0.03)
    Y = X @ W.T + 0.1 * rng.standard_normal((40, 3))
    observed = rng.random(Y.shape) > (0.2 if missing else 0.0)
    penalty = L21Penalty(0.1, ["a", "b", "c"])
    fit = LinearFit(
        "squared",
        X.copy(),
        Y,
        observed,
        np.ones(40),
        1.0 / observed.sum(axis=0),
        None,
        penalty,
        True,
    )
    result = fista(
        fit.problem,
        np.zeros(fit.shape),
        lipschitz=fit.problem.lipschitz(fit.shape),
        max_iter=20000,
        tol=1e-12,
    )
    design = fit.problem.data.design
    assert design.active is not None and len(design.active) < 150
    coef, _ = fit.from_variable(result.coef)
    # The screened features are zero at the solution found without screening.
    monkeypatch.setattr(L21Penalty, "column_dual_norms", lambda self, G: None)
    Y_missing = np.where(observed, Y, np.nan)
    reference = RegularizedMultiTaskRegressor(alpha=0.1, tol=1e-12, max_iter=20000)
    reference.fit(X, Y_missing)
    assert_allclose(coef, reference.coef_, atol=1e-6)
    screened = np.setdiff1d(np.arange(300), design.active)
    assert not coef[:, screened].any()
    if not missing:
        lasso = MultiTaskLasso(alpha=0.1, tol=1e-12, max_iter=100_000).fit(X, Y)
        assert_allclose(coef, lasso.coef_, atol=1e-6)
