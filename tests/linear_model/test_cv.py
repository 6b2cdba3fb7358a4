"""The cross-validated regularized estimators: grid, path, selection, refit."""

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.linear_model import MultiTaskLassoCV
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import (
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskClassifierCV,
    RegularizedMultiTaskRegressor,
    RegularizedMultiTaskRegressorCV,
)
from skmtl.linear_model.penalties import ClusteredPenaltyConfig
from tests.linear_model._helpers import long_from_wide, shared_data


def _classification(n=80, d=5, n_tasks=3, seed=0):
    X, Y = shared_data(n=n, d=d, n_tasks=n_tasks, seed=seed)
    return X, (Y > np.median(Y, axis=0)).astype(int)


# ------------------------------------------------------------------- the grid
@pytest.mark.parametrize("penalty", ["l21", "lasso", "trace"])
@pytest.mark.parametrize(
    "estimator", [RegularizedMultiTaskRegressor, RegularizedMultiTaskClassifier]
)
def test_alpha_max_is_the_smallest_strength_with_zero_coefficients(penalty, estimator):
    X, Y = shared_data(n=40, d=6)
    if estimator is RegularizedMultiTaskClassifier:
        Y = (Y > np.median(Y, axis=0)).astype(int)
    Y = Y.astype(float)
    Y[::7, 1] = np.nan  # missing labels: per-task centering and weights
    cv_class = (
        RegularizedMultiTaskRegressorCV
        if estimator is RegularizedMultiTaskRegressor
        else RegularizedMultiTaskClassifierCV
    )
    alpha_max = cv_class(penalty=penalty, alphas=2, cv=2).fit(X, Y).alphas_[0]
    at_max = estimator(penalty=penalty, alpha=alpha_max, tol=1e-12).fit(X, Y)
    below = estimator(penalty=penalty, alpha=0.95 * alpha_max, tol=1e-12).fit(X, Y)
    assert np.abs(at_max.coef_).max() < 1e-6
    assert np.abs(below.coef_).max() > 1e-4


def test_grid_is_geometric_from_alpha_max_down_to_eps():
    X, Y = shared_data()
    model = RegularizedMultiTaskRegressorCV(alphas=7, eps=1e-2, cv=2).fit(X, Y)
    ratios = model.alphas_[1:] / model.alphas_[:-1]
    np.testing.assert_allclose(ratios, 10 ** (-2 / 6))
    np.testing.assert_allclose(model.alphas_[-1] / model.alphas_[0], 1e-2)
    assert model.cv_scores_.shape == (7, 2)
    assert model.alpha_ == model.alphas_[model.best_index_]


def test_smooth_grid_is_centred_on_the_curvature_of_the_loss():
    X, Y = shared_data(n=50, d=4)
    model = RegularizedMultiTaskRegressorCV(penalty="ridge", alphas=3, cv=2)
    model.fit(X, Y)
    centered = X - X.mean(axis=0)
    curvature = np.linalg.eigvalsh(centered.T @ centered / len(X))[-1]
    np.testing.assert_allclose(model.alphas_[1], curvature, rtol=1e-6)
    # Doubling the features' scale quadruples the curvature, hence the grid.
    scaled = RegularizedMultiTaskRegressorCV(penalty="ridge", alphas=3, cv=2)
    np.testing.assert_allclose(scaled.fit(2 * X, Y).alphas_, 4 * model.alphas_)


def test_explicit_alphas_are_sorted_decreasing():
    X, Y = shared_data()
    model = RegularizedMultiTaskRegressorCV(alphas=[0.01, 1.0, 0.1], cv=2)
    np.testing.assert_array_equal(model.fit(X, Y).alphas_, [1.0, 0.1, 0.01])


# ---------------------------------------------------- agreement with sklearn
def test_l21_matches_multitask_lasso_cv():
    X, Y = shared_data(n=60, d=8, n_tasks=3)
    folds = KFold(3, shuffle=True, random_state=0)
    alphas = np.geomspace(0.5, 0.005, 8)
    reference = MultiTaskLassoCV(alphas=alphas, cv=folds, tol=1e-10).fit(X, Y)
    model = RegularizedMultiTaskRegressorCV(
        penalty="l21",
        alphas=alphas,
        cv=folds,
        scoring="neg_mean_squared_error",
        tol=1e-12,
        max_iter=20000,
    ).fit(X, Y)
    assert model.alpha_ == pytest.approx(reference.alpha_)
    np.testing.assert_allclose(
        -model.cv_scores_, reference.mse_path_, rtol=1e-4, atol=1e-6
    )
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-4)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-4)


def test_default_grid_matches_multitask_lasso_cv_alpha_max():
    X, Y = shared_data()
    reference = MultiTaskLassoCV(alphas=5, eps=1e-2, cv=2).fit(X, Y)
    model = RegularizedMultiTaskRegressorCV(alphas=5, eps=1e-2, cv=2).fit(X, Y)
    np.testing.assert_allclose(model.alphas_, reference.alphas_, rtol=1e-5)


def test_default_regression_score_is_per_task_r2_with_full_variances():
    X, Y = shared_data(n=40)
    Y[::5, 1] = np.nan
    folds = list(KFold(2, shuffle=True, random_state=0).split(X))
    model = RegularizedMultiTaskRegressorCV(penalty="mean", alphas=[0.1], cv=folds)
    model.fit(X, Y)
    train, test = folds[1]
    fold = RegularizedMultiTaskRegressor(penalty="mean", alpha=0.1)
    errors = (fold.fit(X[train], Y[train]).predict(X[test]) - Y[test]) ** 2
    expected = np.mean(1 - np.nanmean(errors, axis=0) / np.nanvar(Y, axis=0))
    assert model.cv_scores_[0, 1] == pytest.approx(expected, rel=1e-6)


# ------------------------------------------------------------------- the path
def test_warm_started_path_takes_fewer_iterations_than_cold_fits():
    X, Y = shared_data(n=80, d=10)
    folds = list(KFold(2, shuffle=True, random_state=0).split(X))
    model = RegularizedMultiTaskRegressorCV(
        penalty="l21", alphas=10, cv=folds, tol=1e-8
    ).fit(X, Y)
    train = folds[0][0]
    cold = [
        RegularizedMultiTaskRegressor(penalty="l21", alpha=alpha, tol=1e-8)
        .fit(X[train], Y[train])
        .n_iter_
        for alpha in model.alphas_
    ]
    warm = model.cv_n_iter_[:, 0]
    # Measured: 121 iterations warm against 161 cold.
    assert warm.sum() < 0.85 * sum(cold)


def test_refit_is_the_base_estimator_at_the_chosen_alpha():
    X, Y = shared_data()
    model = RegularizedMultiTaskRegressorCV(penalty="trace", alphas=4, cv=2)
    model.fit(X, Y)
    base = RegularizedMultiTaskRegressor(penalty="trace", alpha=model.alpha_)
    base.fit(X, Y)
    np.testing.assert_allclose(model.coef_, base.coef_)
    np.testing.assert_allclose(model.predict(X), base.predict(X))
    assert model.score(X, Y) == pytest.approx(base.score(X, Y))
    assert model.score_per_task(X, Y) == pytest.approx(base.score_per_task(X, Y))
    assert model.estimator_.alpha == model.alpha_
    assert model.n_tasks_ == 3 and model.n_features_in_ == 8


def test_folds_are_seeded_and_run_in_parallel():
    X, Y = shared_data()
    serial = RegularizedMultiTaskRegressorCV(alphas=4, cv=3, random_state=1)
    parallel = RegularizedMultiTaskRegressorCV(alphas=4, cv=3, random_state=1, n_jobs=2)
    # Threads: the same code path as processes, without their start-up time.
    with parallel_config(backend="threading"):
        parallel.fit(X, Y)
    np.testing.assert_allclose(serial.fit(X, Y).cv_scores_, parallel.cv_scores_)
    other = RegularizedMultiTaskRegressorCV(alphas=4, cv=3, random_state=2)
    assert not np.allclose(other.fit(X, Y).cv_scores_, serial.cv_scores_)


def test_group_splitter_and_callable_scoring():
    X, Y = shared_data(n=40)
    groups = np.repeat(np.arange(4), 10)

    def negative_max_error(estimator, X, y):
        return -np.abs(estimator.predict(X) - y).max()

    model = RegularizedMultiTaskRegressorCV(
        alphas=3, cv=GroupKFold(2), scoring=negative_max_error
    ).fit(X, Y, groups=groups)
    folds = list(GroupKFold(2).split(X, Y, groups))
    same = RegularizedMultiTaskRegressorCV(
        alphas=3, cv=folds, scoring=negative_max_error
    ).fit(X, Y)
    np.testing.assert_allclose(model.cv_scores_, same.cv_scores_)
    assert (model.cv_scores_ < 0).all()


# ------------------------------------------------------------------- layouts
def test_wide_layout_with_missing_labels():
    X, Y = shared_data(n=60)
    Y[::4, 0] = np.nan
    Y[1::5, 2] = np.nan
    model = RegularizedMultiTaskRegressorCV(penalty="mean", alphas=5, cv=3)
    model.fit(X, Y)
    assert np.isfinite(model.cv_scores_).all()
    assert model.predict(X).shape == Y.shape
    assert model.alphas_[-1] <= model.alpha_ <= model.alphas_[0]


def test_long_layout_folds_train_every_task():
    X, Y = shared_data(n=40)
    X_long, y_long = long_from_wide(X, Y)
    model = RegularizedMultiTaskRegressorCV(
        penalty="mean", alphas=4, cv=4, task_column=0, random_state=0
    ).fit(X_long, y_long)
    assert model.task_names_ == [0, 1, 2]
    assert model.predict(X_long).shape == y_long.shape
    wide = RegularizedMultiTaskRegressor(penalty="mean", alpha=model.alpha_)
    np.testing.assert_allclose(model.coef_, wide.fit(X, Y).coef_, atol=1e-4)


def test_long_layout_needs_cv_rows_per_task():
    X, Y = shared_data(n=40)
    X_long, y_long = long_from_wide(X, Y)
    X_long[0, 0] = 7  # a task with one row
    with pytest.raises(ValueError, match=r"tasks \[7\] have fewer"):
        RegularizedMultiTaskRegressorCV(cv=3, task_column=0).fit(X_long, y_long)


def test_classifier_both_layouts():
    X, Y = _classification()
    labels = np.where(Y == 1, "yes", "no").astype(object)
    labels[::6, 1] = None
    model = RegularizedMultiTaskClassifierCV(
        penalty="l21", alphas=4, cv=3, random_state=0
    ).fit(X, labels)
    assert [list(c) for c in model.classes_] == [["no", "yes"]] * 3
    proba = model.predict_proba(X)
    assert len(proba) == 3 and proba[0].shape == (len(X), 2)
    assert model.score(X, labels) > 0.8
    assert not hasattr(model, "decision_function")

    X_long, y_long = long_from_wide(X, Y.astype(float))
    long = RegularizedMultiTaskClassifierCV(
        penalty="mean", alphas=4, cv=3, task_column=0, random_state=0
    ).fit(X_long, y_long)
    assert long.predict(X_long).shape == y_long.shape
    assert long.cv_scores_.shape == (4, 3)


# ------------------------------------------------------ composition, errors
def test_grid_search_over_penalties_around_the_cv_estimator():
    X, Y = shared_data(n=48, d=5)
    model = make_pipeline(
        StandardScaler(), RegularizedMultiTaskRegressorCV(alphas=3, cv=2)
    )
    search = GridSearchCV(
        model,
        [
            {"regularizedmultitaskregressorcv__penalty": ["mean", "l21"]},
            {
                "regularizedmultitaskregressorcv__penalty": [ClusteredPenaltyConfig()],
                "regularizedmultitaskregressorcv__penalty__n_clusters": [1, 2],
            },
        ],
        cv=2,
        error_score="raise",
    ).fit(X, Y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_[-1].alpha_ > 0


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"alphas": 0}, "alphas"),
        ({"alphas": [0.1, -1.0]}, "alphas"),
        ({"alphas": []}, "alphas"),
        ({"eps": 1.5}, "eps"),
        ({"cv": "five"}, "cv"),
        ({"scoring": "not_a_scorer"}, "scoring"),
        ({"tol": -1.0}, "tol"),
        ({"penalty": "nope"}, "nope"),
        ({"penalty_params": {"alpha": 1.0}}, "alpha"),
    ],
)
def test_bad_parameters_are_named(params, match):
    X, Y = shared_data(n=30)
    with pytest.raises((ValueError, TypeError), match=match):
        RegularizedMultiTaskRegressorCV(cv=2, alphas=2).set_params(**params).fit(X, Y)


def test_sparse_x_gives_the_dense_path_without_densifying():
    import scipy.sparse as sp

    from skmtl.linear_model._alpha_grid import _squared_spectral_norm

    X = sp.random(120, 30, density=0.1, random_state=0, format="csr")
    Y = X @ np.random.RandomState(0).randn(30, 2)
    for centered in (True, False):
        np.testing.assert_allclose(
            _squared_spectral_norm(X, centered=centered),
            _squared_spectral_norm(X.toarray(), centered=centered),
            rtol=1e-8,
        )
    for penalty in ("l21", "mean"):
        options = {"penalty": penalty, "alphas": 4, "cv": 3, "random_state": 0}
        fitted = RegularizedMultiTaskRegressorCV(**options).fit(X, Y)
        dense = RegularizedMultiTaskRegressorCV(**options).fit(X.toarray(), Y)
        np.testing.assert_allclose(fitted.alphas_, dense.alphas_, rtol=1e-8)
        np.testing.assert_allclose(fitted.cv_scores_, dense.cv_scores_, atol=1e-8)
        np.testing.assert_allclose(fitted.coef_, dense.coef_, atol=1e-8)
