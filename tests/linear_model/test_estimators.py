"""Both layouts, missing labels, errors naming tasks, and the scikit-learn ecosystem."""

import ast
import pathlib
import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skmtl.linear_model
from skmtl.architectures import MultiGateMixtureOfExpertsConfig
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from skmtl.linear_model import (
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
)
from skmtl.linear_model.penalties import ClusteredPenaltyConfig, GraphPenaltyConfig
from tests.linear_model._helpers import long_from_wide, shared_data

ESTIMATORS = [RegularizedMultiTaskRegressor, RegularizedMultiTaskClassifier]


def data_for(estimator, missing=0.0, seed=0):
    """Return a wide ``X, Y`` for the estimator (binary labels for the classifier)."""
    X, Y = shared_data(seed=seed)
    if estimator is RegularizedMultiTaskClassifier:
        Y = (Y > np.median(Y, axis=0)).astype(float)
    if missing:
        Y[np.random.default_rng(seed).random(Y.shape) < missing] = np.nan
    return X, Y


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_wide_layout_with_missing_labels(estimator):
    X, Y = data_for(estimator, missing=0.3)
    model = estimator().fit(X, Y)
    assert model.coef_.shape == (3, X.shape[1])
    assert model.intercept_.shape == (3,)
    assert model.n_tasks_ == 3 and model.task_names_ == ["task_0", "task_1", "task_2"]
    assert model.n_features_in_ == X.shape[1]
    prediction = model.predict(X)
    assert prediction.shape == Y.shape
    scores = model.score_per_task(X, Y)
    assert list(scores) == model.task_names_
    assert model.score(X, Y) == pytest.approx(np.mean(list(scores.values())))
    frame = model.score_per_task(X, Y, as_frame=True)
    assert list(frame.index) == model.task_names_


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_missing_labels_as_none_or_nan(estimator):
    X, Y = data_for(estimator, missing=0.3)
    with_none = np.where(np.isnan(Y), None, Y).astype(object)
    first = estimator().fit(X, Y).coef_
    assert_allclose(estimator().fit(X, with_none).coef_, first)
    # An observed label does matter.
    changed = Y.copy()
    row = np.flatnonzero(~np.isnan(Y[:, 0]))[0]
    if estimator is RegularizedMultiTaskClassifier:
        changed[row, 0] = 1 - Y[row, 0]
    else:
        changed[row, 0] = Y[row, 0] + 50
    assert not np.allclose(estimator().fit(X, changed).coef_, first)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_long_layout_with_named_tasks(estimator):
    X, Y = data_for(estimator, missing=0.2)
    X_long, y_long = long_from_wide(X, Y)
    schools = np.array(["north", "south", "west"])[X_long[:, 0].astype(int)]
    frame = pd.DataFrame(X_long[:, 1:], columns=[f"f{j}" for j in range(X.shape[1])])
    frame.insert(2, "school", schools)
    model = estimator(task_column="school").fit(frame, y_long)
    assert model.task_names_ == ["north", "south", "west"]
    assert model.n_features_in_ == X.shape[1] + 1
    assert list(model.feature_names_in_) == list(frame.columns)
    assert model.coef_.shape == (3, X.shape[1])
    prediction = model.predict(frame)
    assert prediction.shape == (len(frame),)
    # Each row is predicted by its own task's model.
    wide = estimator().fit(X, Y)
    wide_prediction = wide.predict(X)
    rows, tasks = np.nonzero(~np.isnan(Y))
    if estimator is RegularizedMultiTaskRegressor:
        assert_allclose(prediction, wide_prediction[rows, tasks], atol=1e-4)
    assert set(model.score_per_task(frame, y_long)) == {"north", "south", "west"}
    unknown = frame.iloc[:2].assign(school="east")
    with pytest.raises(ValueError, match=r"Unknown task ids \['east'\]"):
        model.predict(unknown)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_task_without_labels_is_an_error_naming_it(estimator):
    X, Y = data_for(estimator)
    Y = pd.DataFrame(Y, columns=["a", "b", "c"])
    Y["b"] = np.nan
    with pytest.raises(ValueError, match=r"Task 'b' has no observed label"):
        estimator().fit(X, Y)
    Y["b"] = np.where(np.arange(len(X)) < 10, Y["a"], np.nan)
    weight = np.where(np.arange(len(X)) < 10, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"Tasks \['b'\] have no observed label with"):
        estimator().fit(X, Y, sample_weight=weight)


def test_regressor_errors_name_the_task():
    X, Y = shared_data()
    Y = pd.DataFrame(Y, columns=["a", "b", "c"]).astype(object)
    Y.loc[3, "c"] = "high"
    with pytest.raises(ValueError, match=r"Task 'c' has non-numeric targets"):
        RegularizedMultiTaskRegressor().fit(X, Y)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_inputs_are_never_modified(estimator):
    X, Y = data_for(estimator, missing=0.2)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    targets = pd.DataFrame(Y, columns=["a", "b", "c"])
    weight = np.linspace(0.5, 2.0, len(X))
    copies = [frame.copy(), targets.copy(), weight.copy()]
    for array in (X, Y, weight):
        array.setflags(write=False)
    model = estimator(warm_start=True).fit(X, Y, sample_weight=weight)
    model.fit(X, Y, sample_weight=weight)
    model.predict(X)
    model.score(X, Y, sample_weight=weight)
    estimator().fit(frame, targets, sample_weight=weight).score(frame, targets)
    pd.testing.assert_frame_equal(frame, copies[0])
    pd.testing.assert_frame_equal(targets, copies[1])
    assert_array_equal(weight, copies[2])


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_penalty_errors_name_the_parameter(estimator):
    X, Y = data_for(estimator)
    with (
        pytest.warns(FutureWarning, match="penalty_params is deprecated"),
        pytest.raises(TypeError, match=r"penalty_params=\{'n_cluster': 2\} does not"),
    ):
        estimator(penalty="clustered", penalty_params={"n_cluster": 2}).fit(X, Y)
    with pytest.raises(ValueError, match=r"penalty_params may not set \['alpha'\]"):
        estimator(penalty_params={"alpha": 1.0}).fit(X, Y)
    with pytest.raises(ValueError, match=r"Unknown penalty penalty='group'"):
        estimator(penalty="group").fit(X, Y)
    with pytest.raises(ValueError, match=r"penalty: .*task_graph names tasks \['x'\]"):
        estimator(penalty=GraphPenaltyConfig(task_graph=[("x", "task_0")])).fit(X, Y)
    with pytest.raises(TypeError, match=r"The 'penalty' parameter .* Got MultiGate"):
        estimator(penalty=MultiGateMixtureOfExpertsConfig()).fit(X, Y)


def test_a_penalty_class_can_be_passed():
    from skmtl.linear_model.penalties import TracePenalty

    X, Y = shared_data()
    by_class = RegularizedMultiTaskRegressor(penalty=TracePenalty).fit(X, Y)
    by_name = RegularizedMultiTaskRegressor(penalty="trace").fit(X, Y)
    assert_allclose(by_class.coef_, by_name.coef_)


def test_refit_with_another_penalty_drops_the_learned_clusters():
    X, Y = shared_data()
    model = RegularizedMultiTaskRegressor(penalty="clustered").fit(X, Y)
    assert model.task_clusters_.shape == (3,)
    assert model.task_cluster_matrix_.shape == (3, 3)
    model.set_params(penalty="l21").fit(X, Y)
    assert not hasattr(model, "task_clusters_")
    assert not hasattr(model, "task_cluster_matrix_")


def test_grid_search_over_penalties_and_their_parameters():
    X, Y = make_multitask_regression(
        n_samples=90, n_features=6, n_tasks=3, missing_rate=0.2, random_state=0
    )
    pipeline = make_pipeline(StandardScaler(), RegularizedMultiTaskRegressor())
    grid = GridSearchCV(
        pipeline,
        [
            {
                "regularizedmultitaskregressor__penalty": ["l21", "trace", "lasso"],
                "regularizedmultitaskregressor__alpha": [0.01, 0.1],
            },
            {
                "regularizedmultitaskregressor__penalty": [ClusteredPenaltyConfig()],
                "regularizedmultitaskregressor__penalty__n_clusters": [1, 2],
            },
        ],
        cv=KFold(3),
    ).fit(X, Y)
    assert np.isfinite(grid.best_score_)
    assert len(grid.cv_results_["params"]) == 8


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_pickle_and_clone(estimator):
    X, Y = data_for(estimator)
    model = estimator(penalty=ClusteredPenaltyConfig(n_clusters=2)).fit(X, Y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X), model.predict(X))
    params = model.get_params()
    assert clone(model).set_params(**params).get_params() == params


def test_one_dimensional_y_is_one_task():
    X, Y = shared_data()
    model = RegularizedMultiTaskRegressor().fit(X, Y[:, 0])
    assert model.predict(X).shape == (len(X),)
    assert model.coef_.shape == (1, X.shape[1])
    classifier = RegularizedMultiTaskClassifier().fit(X, Y[:, 0] > 2)
    assert_array_equal(classifier.classes_, [False, True])
    assert classifier.predict_proba(X).shape == (len(X), 2)
    assert classifier.predict(X).shape == (len(X),)


def test_classifier_per_task_labels_and_probabilities():
    X, Y = make_multitask_classification(
        n_samples=120, n_features=6, n_tasks=3, missing_rate=0.1, random_state=0
    )
    labels = pd.DataFrame(
        {
            "spam": np.where(
                np.isnan(Y[:, 0]), None, np.where(Y[:, 0] == 1, "spam", "ham")
            ),
            "urgent": Y[:, 1],
            "flag": np.where(np.isnan(Y[:, 2]), np.nan, Y[:, 2] * 10 + 5),
        }
    )
    model = RegularizedMultiTaskClassifier(penalty="trace").fit(X, labels)
    assert [c.tolist() for c in model.classes_] == [["ham", "spam"], [0, 1], [5, 15]]
    proba = model.predict_proba(X)
    assert [p.shape for p in proba] == [(120, 2)] * 3
    assert_allclose(sum(p.sum(axis=1) for p in proba), 3.0)
    prediction = model.predict(X)
    assert prediction.dtype == object
    for t in range(3):
        expected = model.classes_[t][proba[t].argmax(axis=1)]
        assert_array_equal(prediction[:, t], expected)
    assert 0.5 < model.score(X, labels) <= 1.0


def test_classifier_rejects_multiclass_tasks_by_name():
    X, Y = shared_data()
    labels = pd.DataFrame(
        {"a": np.where(Y[:, 0] > 2, "yes", "no"), "colour": np.arange(len(X)) % 3}
    )
    with pytest.raises(
        ValueError,
        match=r"Only binary classification is supported. Task 'colour' has 3 classes",
    ):
        RegularizedMultiTaskClassifier().fit(X, labels)


def test_single_class_task_is_predicted_constant():
    X, Y = shared_data()
    labels = np.column_stack([Y[:, 0] > 2, np.ones(len(X), dtype=bool)])
    with pytest.warns(UserWarning, match=r"Task 'task_1' has a single class \(True\)"):
        model = RegularizedMultiTaskClassifier().fit(X, labels)
    assert (model.predict(X)[:, 1] == 1).all()
    assert_allclose(model.predict_proba(X)[1], 1.0)
    # Both classes present, but one only with zero sample weight.
    weight = np.where(Y[:, 0] > 2, 1.0, 0.0)
    with pytest.warns(UserWarning, match=r"Task 'task_0' has labels of a single"):
        model = RegularizedMultiTaskClassifier().fit(
            X, Y[:, :1] > 2, sample_weight=weight
        )
    assert_allclose(model.predict_proba(X)[0][:, 1], 1.0)


def test_long_layout_probabilities_are_nan_for_other_tasks():
    X, Y = data_for(RegularizedMultiTaskClassifier, missing=0.2)
    X_long, y_long = long_from_wide(X, Y)
    model = RegularizedMultiTaskClassifier(task_column=0).fit(X_long, y_long)
    proba = model.predict_proba(X_long)
    for t, task_proba in enumerate(proba):
        rows = X_long[:, 0] == t
        assert np.isnan(task_proba[~rows]).all()
        assert_allclose(task_proba[rows].sum(axis=1), 1.0)


def test_the_subpackage_does_not_import_torch():
    package = pathlib.Path(skmtl.linear_model.__file__).parent
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] in {"torch", "skorch"} for n in names), path
            assert not any(n.startswith("skmtl.neural") for n in names), path
