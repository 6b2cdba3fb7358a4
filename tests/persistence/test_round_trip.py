"""A saved and loaded estimator predicts exactly as the original."""

import numpy as np
import pytest
import torch

from skmtl import (
    MultiTaskClassifier,
    MultiTaskRegressor,
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
)
from skmtl.architectures import ARCHITECTURES, MultiGateMixtureOfExpertsConfig
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from skmtl.weighting import WEIGHTINGS
from tests.conftest import FAST

pytest.importorskip("safetensors", reason="skmtl.persistence needs safetensors")

from skmtl.persistence import load, save

TINY = {**FAST, "shared_layers": (8,), "max_epochs": 2}


def round_trip(model, tmp_path):
    path = tmp_path / "model.safetensors"
    save(model, path)
    return load(path)


def assert_same_predictions(model, loaded, X):
    np.testing.assert_array_equal(model.predict(X), loaded.predict(X))
    if hasattr(model, "predict_proba"):
        for original, again in zip(
            model.predict_proba(X), loaded.predict_proba(X), strict=True
        ):
            np.testing.assert_array_equal(original, again)


@pytest.mark.parametrize("sharing", list(ARCHITECTURES))
def test_regressor_every_architecture(sharing, wide_regression, tmp_path):
    X, Y = wide_regression
    model = MultiTaskRegressor(sharing=sharing, **TINY).fit(X, Y)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, X)
    np.testing.assert_array_equal(model.transform(X), loaded.transform(X))
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.task_weights_, model.task_weights_)
    assert loaded.history_[:, "train_loss"] == model.history_[:, "train_loss"]


@pytest.mark.parametrize("sharing", list(ARCHITECTURES))
def test_classifier_every_architecture(sharing, wide_classification, tmp_path):
    X, Y = wide_classification
    model = MultiTaskClassifier(sharing=sharing, **TINY).fit(X, Y)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, X)
    for original, again in zip(model.classes_, loaded.classes_, strict=True):
        np.testing.assert_array_equal(original, again)


@pytest.mark.parametrize("cls", [MultiTaskRegressor, RegularizedMultiTaskRegressor])
def test_long_layout_with_task_column(cls, long_regression, tmp_path):
    X, y = long_regression
    params = TINY if cls is MultiTaskRegressor else {}
    model = cls(task_column=0, **params).fit(X, y)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, X)
    assert loaded.task_names_ == model.task_names_
    with pytest.raises(ValueError, match="Unknown task ids"):
        loaded.predict(np.column_stack([np.full(len(X), 99.0), X[:, 1:]]))


@pytest.mark.parametrize(
    "cls",
    [MultiTaskClassifier, RegularizedMultiTaskClassifier],
    ids=lambda c: c.__name__,
)
def test_long_layout_classifier(cls, tmp_path):
    X, y = make_multitask_classification(
        n_samples=90, n_features=4, n_tasks=3, layout="long", random_state=0
    )
    params = TINY if cls is MultiTaskClassifier else {}
    model = cls(task_column=0, **params).fit(X, y)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, X)
    assert loaded.score_per_task(X, y) == model.score_per_task(X, y)


@pytest.mark.parametrize(
    "cls",
    [MultiTaskClassifier, RegularizedMultiTaskClassifier],
    ids=lambda c: c.__name__,
)
def test_dataframes_with_named_tasks_and_string_labels(cls, tmp_path):
    pd = pytest.importorskip("pandas")
    # The regularized classifier is binary only.
    n_classes = [2, 3] if cls is MultiTaskClassifier else 2
    X, Y = make_multitask_classification(
        n_samples=80, n_features=4, n_tasks=2, n_classes=n_classes, random_state=0
    )
    X = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    labels = pd.DataFrame(
        {"colour": np.array(["red", "blue"])[Y[:, 0]], "size": Y[:, 1]}
    )
    params = TINY if cls is MultiTaskClassifier else {}
    model = cls(**params).fit(X, labels)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, X)
    assert loaded.task_names_ == ["colour", "size"]
    np.testing.assert_array_equal(loaded.feature_names_in_, ["a", "b", "c", "d"])
    assert list(loaded.classes_[0]) == ["blue", "red"]
    assert loaded.score_per_task(X, labels) == model.score_per_task(X, labels)
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(X.rename(columns={"a": "z"}))


def test_long_layout_dataframe_with_named_task_column(tmp_path):
    pd = pytest.importorskip("pandas")
    X, y = make_multitask_regression(
        n_samples=90, n_features=3, n_tasks=3, layout="long", random_state=0
    )
    frame = pd.DataFrame(X[:, 1:], columns=["x0", "x1", "x2"])
    frame.insert(1, "school", np.array(["north", "south", "east"])[X[:, 0].astype(int)])
    model = MultiTaskRegressor(task_column="school", **TINY).fit(frame, y)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, frame)
    assert loaded.task_names_ == ["east", "north", "south"]


def test_single_task_one_d_target(tmp_path):
    X, Y = make_multitask_regression(n_samples=60, n_tasks=1, random_state=0)
    model = MultiTaskRegressor(**TINY).fit(X, Y[:, 0])
    loaded = round_trip(model, tmp_path)
    assert loaded.predict(X).shape == (60,)
    assert_same_predictions(model, loaded, X)


def test_learned_loss_weights_and_architecture_options_survive(
    wide_regression, tmp_path
):
    X, Y = wide_regression
    model = MultiTaskRegressor(
        sharing=MultiGateMixtureOfExpertsConfig(n_experts=3),
        loss_weighting="uncertainty",
        head_layers=(4,),
        dropout=0.1,
        **TINY,
    ).fit(X, Y)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, X)
    original = model.net_.module_.state_dict()
    for key, value in loaded.net_.module_.state_dict().items():
        torch.testing.assert_close(value, original[key], rtol=0, atol=0)


def test_linear_models_round_trip(wide_regression, wide_classification, tmp_path):
    X, Y = wide_regression
    model = RegularizedMultiTaskRegressor(penalty="trace", alpha=0.1).fit(X, Y)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, X)
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    X, Y = wide_classification
    model = RegularizedMultiTaskClassifier(penalty="l21").fit(X, Y > 0)
    assert_same_predictions(model, round_trip(model, tmp_path), X)


def test_loaded_model_can_keep_training(wide_regression, tmp_path):
    X, Y = wide_regression
    model = MultiTaskRegressor(**TINY).fit(X, Y)
    loaded = round_trip(model, tmp_path)
    loaded.set_params(warm_start=True, max_epochs=1).fit(X, Y)
    assert loaded.n_iter_ == model.n_iter_ + 1
    assert not np.array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("weighting", list(WEIGHTINGS))
def test_every_loss_weighting_with_early_stopping(weighting, wide_regression, tmp_path):
    # Learned weighting state lives in the module; early stopping adds validation
    # records and flags to the history.
    X, Y = wide_regression
    model = MultiTaskRegressor(
        loss_weighting=weighting, early_stopping=True, n_iter_no_change=1, **TINY
    ).fit(X, Y)
    loaded = round_trip(model, tmp_path)
    assert_same_predictions(model, loaded, X)
    assert loaded.history_[:, "valid_loss"] == model.history_[:, "valid_loss"]
