"""MultiTaskMixedEstimator: types, layouts, predictions and scores."""

import numpy as np
import pandas as pd
import pytest
import torch

from skmtl import MultiTaskClassifier, MultiTaskMixedEstimator, MultiTaskRegressor
from skmtl._task_types import (
    MAX_CLASS_LEVELS,
    infer_task_type,
    is_categorical_dtype,
)
from tests.conftest import FAST

TYPES = {"visits": "poisson"}


def test_wide_layout_with_missing_labels_trains_every_type(wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(**{**FAST, "max_epochs": 40}, task_types=TYPES)
    model.fit(X, Y)
    assert model.task_types_ == {
        "amount": "regression",
        "churn": "binary",
        "grade": "multiclass",
        "visits": "poisson",
    }
    assert model.task_metrics_ == {
        "amount": "r2",
        "churn": "accuracy",
        "grade": "accuracy",
        "visits": "r2",
    }
    assert list(model.classes_) == ["churn", "grade"]
    assert model.classes_["churn"].tolist() == ["no", "yes"]
    scores = model.score_per_task(X, Y)
    # Learned from the features: far above a constant prediction / the majority.
    assert scores["amount"] > 0.8 and scores["churn"] > 0.75
    assert scores["grade"] > 0.6 and scores["visits"] > 0.1
    assert model.score(X, Y) == pytest.approx(np.mean(list(scores.values())))


def test_long_layout_predicts_each_rows_own_task(long_mixed):
    X, y = long_mixed
    model = MultiTaskMixedEstimator(**FAST, task_column=0, task_types=TYPES)
    model.fit(X, y)
    prediction = model.predict(X)
    assert prediction.shape == (len(X),) and prediction.dtype == object
    tasks = X[:, 0]
    assert set(prediction[tasks == "churn"]) <= {"no", "yes"}
    assert set(prediction[tasks == "grade"]) <= {0, 1, 2}
    assert all(isinstance(v, float) for v in prediction[tasks == "amount"])
    assert (prediction[tasks == "visits"].astype(float) > 0).all()
    proba = model.predict_proba(X)
    assert sorted(proba) == ["churn", "grade"]
    own = tasks == "grade"
    assert np.isnan(proba["grade"][~own]).all()
    np.testing.assert_allclose(proba["grade"][own].sum(axis=1), 1.0)
    assert set(model.score_per_task(X, y)) == {"amount", "churn", "grade", "visits"}


def test_predict_returns_a_frame_with_each_tasks_dtype(wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES).fit(X, Y)
    frame_X = pd.DataFrame(X, index=np.arange(len(X)) + 100)
    prediction = model.predict(frame_X)
    assert list(prediction.columns) == list(Y.columns)
    assert prediction.index.tolist() == frame_X.index.tolist()
    assert prediction["amount"].dtype == np.float64
    assert prediction["visits"].dtype == np.float64
    assert prediction["grade"].dtype == model.classes_["grade"].dtype
    assert set(prediction["churn"]) <= {"no", "yes"}


def test_an_array_y_gives_an_array_of_the_tasks_common_dtype(wide_mixed):
    X, Y = wide_mixed
    numeric = Y.drop(columns="churn").to_numpy(dtype=float)
    model = MultiTaskMixedEstimator(**FAST).fit(X, numeric)
    assert model.predict(X).dtype == np.float64
    mixed = MultiTaskMixedEstimator(**FAST).fit(X, Y.to_numpy())
    prediction = mixed.predict(X)
    assert prediction.dtype == object and prediction.shape == Y.shape
    single = MultiTaskMixedEstimator(**FAST).fit(X, Y["churn"])
    assert single.predict(X).shape == (len(X),)


@pytest.mark.parametrize(
    ("values", "dtype", "expected"),
    [
        (np.array([0.5, 1.25, 3.0]), None, "regression"),
        (np.array([0.0, 1.0, np.nan, 1.0]), None, "classification"),
        (np.arange(MAX_CLASS_LEVELS), None, "classification"),
        (np.arange(MAX_CLASS_LEVELS + 1), None, "regression"),
        (np.array(["a", "b", None], dtype=object), None, "classification"),
        (np.array([True, False]), None, "classification"),
        (np.array([1.5, 2.5]), pd.CategoricalDtype([1.5, 2.5]), "classification"),
        (np.array([0, 1, 2]), np.dtype(bool), "classification"),
    ],
)
def test_inference_rule(values, dtype, expected):
    assert infer_task_type(values, is_categorical_dtype(dtype)) == expected


def test_inferred_types_from_a_frames_dtypes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    Y = pd.DataFrame(
        {
            "level": pd.Categorical(np.tile([10.5, 20.5, 30.5], 20)),
            "flag": X[:, 0] > 0,
            "many": np.arange(60) % 20,
            "few": np.arange(60) % 4,
        }
    )
    model = MultiTaskMixedEstimator(**FAST).fit(X, Y)
    assert model.task_types_ == {
        "level": "multiclass",
        "flag": "binary",
        "many": "regression",
        "few": "multiclass",
    }


def test_explicit_types_as_list_and_dict(wide_mixed):
    X, Y = wide_mixed
    listed = ["regression", "classification", "regression", "poisson"]
    model = MultiTaskMixedEstimator(**FAST, task_types=listed).fit(X, Y)
    assert model.task_types_["grade"] == "regression"
    assert model.task_metrics_["grade"] == "r2"
    # A dict leaves the tasks it does not name to the inference.
    partial = MultiTaskMixedEstimator(**FAST, task_types={"grade": "regression"})
    assert partial.fit(X, Y).task_types_["visits"] == "multiclass"


@pytest.mark.parametrize(
    ("task_types", "message"),
    [
        ({"churn": "regression"}, "Task 'churn' is of type 'regression'.*'no'"),
        ({"churn": "poisson"}, "Task 'churn' is of type 'poisson'"),
        ({"amount": "classification"}, "Task 'amount'"),
        ({"amount": "count"}, "task 'amount' the type 'count'"),
        ({"nope": "regression"}, r"tasks \['nope'\] that are not in y"),
        (["regression"], "1 types for 4 tasks"),
    ],
)
def test_types_that_contradict_the_data_name_the_task(wide_mixed, task_types, message):
    X, Y = wide_mixed
    with pytest.raises(ValueError, match=message):
        MultiTaskMixedEstimator(**FAST, task_types=task_types).fit(X, Y)


def test_negative_counts_are_an_error(wide_mixed):
    X, Y = wide_mixed
    Y = Y.assign(visits=Y["visits"] - 5)
    with pytest.raises(ValueError, match=r"'visits'.*negative labels"):
        MultiTaskMixedEstimator(**FAST, task_types=TYPES).fit(X, Y)


def test_poisson_task_predicts_rates():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3)).astype(np.float32)
    rate = np.exp(0.5 + 0.8 * X[:, 0])
    counts = rng.poisson(rate)
    model = MultiTaskMixedEstimator(
        **{**FAST, "max_epochs": 40}, task_types=["poisson"]
    ).fit(X, counts)
    prediction = model.predict(X)
    assert prediction.dtype == np.float64 and (prediction > 0).all()
    # The predicted rates follow the true ones (exp of the network's log-rate).
    assert np.corrcoef(prediction, rate)[0, 1] > 0.9
    assert model.score(X, counts) > 0.3


def test_predict_proba_per_classification_task(wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES).fit(X, Y)
    proba = model.predict_proba(X)
    assert sorted(proba) == ["churn", "grade"]
    assert proba["churn"].shape == (len(X), 2)
    assert proba["grade"].shape == (len(X), 3)
    for name, values in proba.items():
        np.testing.assert_allclose(values.sum(axis=1), 1.0)
        labels = model.classes_[name][values.argmax(axis=1)]
        np.testing.assert_array_equal(labels, model.predict(X)[name].to_numpy())
    regression_only = MultiTaskMixedEstimator(**FAST).fit(X, Y[["amount"]])
    assert not hasattr(regression_only, "predict_proba")


def test_score_per_task_uses_each_tasks_metric(wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES).fit(X, Y)
    frame = model.score_per_task(X, Y, as_frame=True)
    assert frame["metric"].to_dict() == model.task_metrics_
    prediction = model.predict(X)
    observed = Y["churn"].notna()
    accuracy = (prediction["churn"][observed] == Y["churn"][observed]).mean()
    assert frame.loc["churn", "score"] == pytest.approx(accuracy)


def test_sample_weight_zero_drops_rows(wide_mixed):
    X, Y = wide_mixed
    weight = np.ones(len(X))
    weight[::2] = 0.0
    weighted = MultiTaskMixedEstimator(**{**FAST, "batch_size": 400}, task_types=TYPES)
    weighted.fit(X, Y, sample_weight=weight)
    subset = MultiTaskMixedEstimator(**{**FAST, "batch_size": 400}, task_types=TYPES)
    subset.fit(X[1::2], Y.iloc[1::2])
    assert weighted.task_types_ == subset.task_types_
    np.testing.assert_allclose(
        weighted.predict(X)["amount"], subset.predict(X)["amount"], rtol=1e-3
    )


def test_uncertainty_weighting_gets_each_types_likelihood_factor(wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(
        **FAST, task_types=TYPES, loss_weighting="uncertainty"
    ).fit(X, Y)
    scales = model.net_.module_.weighting.likelihood_scales
    assert scales.tolist() == [1.0, 2.0, 2.0, 2.0]
    weighting = model.net_.module_.weighting
    # The weight of a task is c_t exp(-s_t).
    expected = (scales * torch.exp(-weighting.log_vars.detach())).numpy()
    np.testing.assert_allclose(model.task_weights_[-1], expected, rtol=0.05)
    # The single-type estimators keep the plain form.
    for estimator, y in (
        (MultiTaskRegressor, Y[["amount"]].fillna(0.0)),
        (MultiTaskClassifier, Y[["grade"]].fillna(0.0)),
    ):
        fitted = estimator(**FAST, loss_weighting="uncertainty").fit(X, y)
        assert fitted.net_.module_.weighting.likelihood_scales is None


def test_warm_start_continues_with_the_same_types(wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES, warm_start=True)
    model.fit(X, Y).fit(X, Y)
    assert model.n_iter_ == 2 * FAST["max_epochs"]
    assert model.task_types_["visits"] == "poisson"
    with pytest.raises(ValueError, match=r"'churn'.*not among its classes"):
        model.fit(X, Y.assign(churn="maybe"))
