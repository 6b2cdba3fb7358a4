"""Every sharing architecture with every loss weighting, from the registries.

A new plugin registered in ``skmtl.architectures`` or ``skmtl.weighting`` is
tested here without new test code.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier, MultiTaskMixedEstimator, MultiTaskRegressor
from skmtl.architectures import ARCHITECTURES, MultiGateMixtureOfExpertsConfig
from skmtl.weighting import WEIGHTINGS, DynamicWeightAverageConfig

TINY = {"shared_layers": (8,), "max_epochs": 3, "batch_size": 16, "random_state": 0}


@pytest.mark.parametrize("weighting", WEIGHTINGS.names())
@pytest.mark.parametrize("sharing", ARCHITECTURES.names())
def test_every_architecture_with_every_weighting(sharing, weighting, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**TINY, sharing=sharing, loss_weighting=weighting)
    model.fit(X, Y)
    prediction = model.predict(X)
    assert prediction.shape == Y.shape and np.isfinite(prediction).all()
    assert model.task_weights_.shape == (TINY["max_epochs"], Y.shape[1])
    assert np.isfinite(model.task_weights_).all()
    assert np.isfinite(model.history_[:, "train_loss"]).all()
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), prediction)
    params = model.get_params()
    assert clone(model).set_params(**params).get_params() == params


@pytest.mark.parametrize("weighting", WEIGHTINGS.names())
@pytest.mark.parametrize("sharing", ARCHITECTURES.names())
def test_every_combination_in_the_long_layout(sharing, weighting, long_regression):
    X, y = long_regression
    model = MultiTaskRegressor(
        **TINY, sharing=sharing, loss_weighting=weighting, task_column=0
    ).fit(X, y)
    assert np.isfinite(model.predict(X)).all()


@pytest.mark.parametrize("weighting", WEIGHTINGS.names())
@pytest.mark.parametrize("sharing", ARCHITECTURES.names())
def test_every_combination_classifies_with_missing_labels(
    sharing, weighting, wide_regression
):
    X, Y = wide_regression
    labels = np.where(np.isnan(Y), np.nan, (Y > 0).astype(float))
    labels[:, 2] = np.where(
        np.isnan(Y[:, 2]), np.nan, np.digitize(Y[:, 2], [-0.5, 0.5])
    )
    model = MultiTaskClassifier(**TINY, sharing=sharing, loss_weighting=weighting)
    model.fit(X, labels)
    assert [len(c) for c in model.classes_] == [2, 2, 3]
    assert model.task_weights_.shape == (TINY["max_epochs"], 3)
    for proba in model.predict_proba(X):
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    summary = model.sharing_summary(X)
    assert isinstance(summary, dict)
    for value in summary.values():
        assert np.isfinite(np.asarray(value, dtype=float)).all()


def test_grid_search_over_sharing_and_weighting_in_a_pipeline(wide_regression):
    X, Y = wide_regression
    pipeline = make_pipeline(StandardScaler(), MultiTaskRegressor(**TINY))
    grid = GridSearchCV(
        pipeline,
        {
            "multitaskregressor__sharing": ARCHITECTURES.names(),
            "multitaskregressor__loss_weighting": WEIGHTINGS.names(),
        },
        cv=KFold(2),
    ).fit(X, Y)
    n_candidates = len(ARCHITECTURES.names()) * len(WEIGHTINGS.names())
    assert len(grid.cv_results_["params"]) == n_candidates
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.predict(X).shape == Y.shape


def test_grid_search_reaches_plugin_hyperparameters_as_nested_parameters(
    wide_regression,
):
    X, Y = wide_regression
    mmoe = MultiGateMixtureOfExpertsConfig()
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            ("multitaskregressor", MultiTaskRegressor(**TINY, sharing=mmoe)),
        ]
    )
    grid = GridSearchCV(
        pipeline,
        [
            {"multitaskregressor__sharing__n_experts": [1, 3]},
            {
                "multitaskregressor__loss_weighting": [DynamicWeightAverageConfig()],
                "multitaskregressor__loss_weighting__temperature": [1.0, 4.0],
            },
        ],
        cv=KFold(2),
    ).fit(X, Y)
    assert len(grid.cv_results_["params"]) == 4
    best = grid.best_estimator_[-1]
    experts = grid.best_params_.get("multitaskregressor__sharing__n_experts", 4)
    assert best.net_.module_.architecture.n_experts == experts
    assert best.get_params()["sharing__n_experts"] == experts
    # The search worked on clones: the user's configuration is untouched.
    assert mmoe.get_params() == {"n_experts": 4}
    assert pipeline[-1].sharing is mmoe
    scores = grid.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and len(set(scores)) == 4


@pytest.mark.parametrize("weighting", WEIGHTINGS.names())
@pytest.mark.parametrize("sharing", ARCHITECTURES.names())
def test_every_combination_trains_tasks_of_mixed_types(sharing, weighting, wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(
        **TINY,
        sharing=sharing,
        loss_weighting=weighting,
        task_types={"visits": "poisson"},
    ).fit(X, Y)
    assert list(model.task_types_.values()) == [
        "regression",
        "binary",
        "multiclass",
        "poisson",
    ]
    prediction = model.predict(X)
    assert np.isfinite(prediction[["amount", "visits"]].to_numpy()).all()
    assert np.isfinite(model.task_weights_).all()
    for proba in model.predict_proba(X).values():
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
