"""The neural estimators inside scikit-learn: pipelines, search, pickling, pandas."""

import gc
import pickle

import numpy as np
import pandas as pd
import pytest
import skorch
import torch
from joblib import parallel_config
from sklearn.base import clone
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.datasets import make_multitask_classification, make_multitask_regression

# Small networks and few epochs: the tests check behaviour, not model quality.
FAST = {"shared_layers": (16,), "max_epochs": 5, "batch_size": 32, "random_state": 0}


class RecordThreads(skorch.callbacks.Callback):
    """Remember torch's thread count when training starts (module level: pickles)."""

    def on_train_begin(self, net, **kwargs):
        self.threads = torch.get_num_threads()
        self.frozen = gc.get_freeze_count()


@pytest.fixture
def torch_threads_restored():
    """Give the test torch's thread count to change, and put it back afterwards."""
    before = torch.get_num_threads()
    yield before
    torch.set_num_threads(before)


# --- pipelines and cross-validation ------------------------------------------------


def test_pipeline_and_cross_val_score_regressor(wide_regression):
    X, Y = wide_regression
    assert np.isnan(Y).any()
    pipeline = make_pipeline(StandardScaler(), MultiTaskRegressor(**FAST))
    assert pipeline.fit(X, Y).predict(X).shape == Y.shape

    scores = cross_val_score(pipeline, X, Y, cv=KFold(3))
    assert scores.shape == (3,)
    assert np.all(np.isfinite(scores))


def test_pipeline_and_cross_val_score_classifier(wide_classification):
    X, Y = wide_classification
    pipeline = make_pipeline(StandardScaler(), MultiTaskClassifier(**FAST))
    predictions = pipeline.fit(X, Y).predict(X)
    assert predictions.shape == Y.shape
    for t in range(Y.shape[1]):
        assert set(np.unique(predictions[:, t])) <= set(np.unique(Y[:, t]))

    scores = cross_val_score(pipeline, X, Y)
    assert scores.shape == (5,)
    assert np.all((scores >= 0) & (scores <= 1))


def test_cross_val_score_in_long_layout(long_regression):
    X, y = long_regression
    scores = cross_val_score(MultiTaskRegressor(**FAST, task_column=0), X, y, cv=3)
    assert scores.shape == (3,)
    assert np.all(np.isfinite(scores))


# --- grid search -------------------------------------------------------------------

GRID = {
    "sharing": ["hard", "independent"],
    "shared_layers": [(8,), (16,)],
    "lr": [1e-3, 1e-2],
}


def test_grid_search_is_reproducible_across_process_layouts(wide_regression):
    X, Y = wide_regression
    parallel = GridSearchCV(MultiTaskRegressor(**FAST), GRID, cv=2, n_jobs=2)
    parallel.fit(X, Y)
    assert set(parallel.best_params_) == set(GRID)
    assert len(parallel.cv_results_["params"]) == 8
    assert np.all(np.isfinite(parallel.cv_results_["mean_test_score"]))
    assert parallel.best_estimator_.predict(X).shape == Y.shape

    sequential = GridSearchCV(MultiTaskRegressor(**FAST), GRID, cv=2, n_jobs=1)
    sequential.fit(X, Y)
    assert sequential.cv_results_["params"] == parallel.cv_results_["params"]
    np.testing.assert_allclose(
        sequential.cv_results_["mean_test_score"],
        parallel.cv_results_["mean_test_score"],
        rtol=1e-5,
    )


# --- threads -----------------------------------------------------------------------


def _recorded_threads(estimator):
    return dict(estimator.net_.callbacks_)["RecordThreads"].threads


def test_joblib_workers_train_single_threaded(wide_regression):
    X, Y = wide_regression
    # Without skmtl's own limit, these workers would run torch with 2 threads each.
    with parallel_config(backend="loky", inner_max_num_threads=2):
        result = cross_validate(
            MultiTaskRegressor(**FAST, callbacks=[RecordThreads()]),
            X,
            Y,
            cv=KFold(2),
            n_jobs=2,
            return_estimator=True,
        )
    assert len(result["estimator"]) == 2
    assert [_recorded_threads(est) for est in result["estimator"]] == [1, 1]
    # Worker processes keep the collector off the imported libraries.
    for estimator in result["estimator"]:
        assert dict(estimator.net_.callbacks_)["RecordThreads"].frozen > 0


def test_the_users_process_never_freezes_the_collector(wide_regression):
    X, Y = wide_regression
    before = gc.get_freeze_count()
    with parallel_config(backend="threading"):
        cross_validate(MultiTaskRegressor(**FAST), X, Y, cv=KFold(2), n_jobs=2)
    MultiTaskRegressor(**FAST).fit(X, Y)
    assert gc.get_freeze_count() == before


def test_n_threads_is_used_and_restored(wide_regression, torch_threads_restored):
    X, Y = wide_regression
    torch.set_num_threads(1)
    model = MultiTaskRegressor(**FAST, n_threads=2, callbacks=[RecordThreads()])
    model.fit(X, Y)
    assert _recorded_threads(model) == 2
    assert torch.get_num_threads() == 1
    model.predict(X)
    assert torch.get_num_threads() == 1

    model = MultiTaskRegressor(**FAST, callbacks=[RecordThreads()]).fit(X, Y)
    assert _recorded_threads(model) == 1
    assert torch.get_num_threads() == 1


# --- clone and pickle --------------------------------------------------------------


def _fitted(estimator_cls, layout, **params):
    if estimator_cls is MultiTaskRegressor:
        X, Y = make_multitask_regression(
            n_samples=90, n_features=5, n_tasks=3, layout=layout, random_state=0
        )
    else:
        X, Y = make_multitask_classification(
            n_samples=90, n_features=5, n_tasks=3, layout=layout, random_state=0
        )
    if layout == "long":
        params["task_column"] = 0
    return estimator_cls(**FAST, **params).fit(X, Y), X, Y


@pytest.mark.parametrize("estimator_cls", [MultiTaskRegressor, MultiTaskClassifier])
def test_clone_is_unfitted_with_equal_params(estimator_cls):
    model, _, _ = _fitted(estimator_cls, "wide", sharing="independent", dropout=0.1)
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    assert not hasattr(cloned, "net_")
    assert not hasattr(cloned, "n_tasks_")


@pytest.mark.parametrize("estimator_cls", [MultiTaskRegressor, MultiTaskClassifier])
@pytest.mark.parametrize("layout", ["wide", "long"])
def test_pickle_round_trip(estimator_cls, layout):
    model, X, Y = _fitted(estimator_cls, layout)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    np.testing.assert_array_equal(restored.transform(X), model.transform(X))
    if estimator_cls is MultiTaskClassifier:
        for ours, theirs in zip(restored.predict_proba(X), model.predict_proba(X)):
            np.testing.assert_array_equal(ours, theirs)
    assert restored.task_names_ == model.task_names_

    restored.fit(X, Y)
    assert restored.n_iter_ == FAST["max_epochs"]
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


# --- pandas ------------------------------------------------------------------------


def test_feature_names_from_dataframe(wide_regression):
    X, Y = wide_regression
    columns = [f"x{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    model = MultiTaskRegressor(**FAST).fit(frame, Y)
    assert list(model.feature_names_in_) == columns
    with pytest.warns(UserWarning, match="valid feature names"):
        np.testing.assert_array_equal(model.predict(frame), model.predict(X))

    with pytest.raises(ValueError, match="feature names"):
        model.predict(frame[columns[::-1]])


def test_task_names_from_dataframe_y(wide_regression):
    X, Y = wide_regression
    targets = pd.DataFrame(Y[:, :2], columns=["price", "demand"])
    model = MultiTaskRegressor(**FAST).fit(X, targets)
    assert model.task_names_ == ["price", "demand"]

    scores = model.score_per_task(X, targets)
    assert list(scores) == ["price", "demand"]
    frame = model.score_per_task(X, targets, as_frame=True)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == ["price", "demand"]
    np.testing.assert_allclose(frame.iloc[:, 0].to_numpy(), list(scores.values()))

    series = pd.Series(Y[:, 0], name="price")
    single = MultiTaskRegressor(**FAST).fit(X, series)
    assert single.task_names_ == ["price"]
    assert single.predict(X).shape == (len(X),)


def test_long_layout_with_string_task_column():
    X, y = make_multitask_regression(
        n_samples=90, n_features=4, n_tasks=3, layout="long", random_state=0
    )
    frame = pd.DataFrame(X[:, 1:], columns=["a", "b", "c", "d"])
    frame.insert(2, "school", ["s" + str(int(t) + 1) for t in X[:, 0]])

    by_name = MultiTaskRegressor(**FAST, task_column="school").fit(frame, y)
    assert by_name.task_names_ == ["s1", "s2", "s3"]
    assert by_name.n_features_in_ == 5
    predictions = by_name.predict(frame)
    assert predictions.shape == (90,)
    assert np.all(np.isfinite(predictions))

    with pytest.raises(ValueError, match="feature names"):
        by_name.predict(frame[["school", "a", "b", "c", "d"]])

    by_position = MultiTaskRegressor(**FAST, task_column=2).fit(frame, y)
    assert by_position.task_names_ == ["s1", "s2", "s3"]
    np.testing.assert_array_equal(by_position.predict(frame), predictions)

    by_number = MultiTaskRegressor(**FAST, task_column=0).fit(X, y)
    np.testing.assert_allclose(by_number.predict(X), predictions, rtol=1e-6)


def test_long_layout_with_string_task_column_classifier():
    X, y = make_multitask_classification(
        n_samples=90, n_features=5, n_tasks=3, layout="long", random_state=0
    )
    frame = pd.DataFrame(X[:, 1:], columns=[f"x{j}" for j in range(5)])
    frame["school"] = ["s" + str(int(t) + 1) for t in X[:, 0]]
    model = MultiTaskClassifier(**FAST, task_column="school").fit(frame, y)
    assert model.task_names_ == ["s1", "s2", "s3"]
    assert model.predict(frame).shape == (90,)
    probabilities = model.predict_proba(frame)
    assert len(probabilities) == 3
    for t, proba in enumerate(probabilities):
        rows = frame["school"].to_numpy() == f"s{t + 1}"
        np.testing.assert_allclose(proba[rows].sum(axis=1), 1.0)
        assert np.isnan(proba[~rows]).all()


# --- transform ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("estimator_cls", "data", "sharing", "width"),
    [
        (MultiTaskRegressor, "wide_regression", "hard", 16),
        (MultiTaskRegressor, "wide_regression", "independent", 3 * 16),
        (MultiTaskClassifier, "wide_classification", "hard", 16),
        (MultiTaskClassifier, "wide_classification", "independent", 3 * 16),
    ],
)
def test_transform_gives_the_shared_representation(
    estimator_cls, data, sharing, width, request
):
    X, Y = request.getfixturevalue(data)
    model = estimator_cls(**FAST, sharing=sharing).fit(X, Y)
    Z = model.transform(X)
    assert Z.shape == (len(X), width)
    assert Z.dtype == np.float64
    assert np.all(np.isfinite(Z))

    np.testing.assert_array_equal(
        estimator_cls(**FAST, sharing=sharing).fit_transform(X, Y), Z
    )


def test_transform_in_long_layout_ignores_the_task(long_regression):
    X, y = long_regression
    model = MultiTaskRegressor(**FAST, task_column=0).fit(X, y)
    Z = model.transform(X)
    assert Z.shape == (len(X), 16)
    X_other = X.copy()
    X_other[:, 0] = 0
    np.testing.assert_array_equal(model.transform(X_other), Z)


# --- score -------------------------------------------------------------------------


def test_regressor_score_is_mean_r2_over_tasks(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**FAST).fit(X, Y)
    per_task = model.score_per_task(X, Y)
    predictions = model.predict(X)
    for t, name in enumerate(model.task_names_):
        observed = ~np.isnan(Y[:, t])
        expected = r2_score(Y[observed, t], predictions[observed, t])
        assert per_task[name] == pytest.approx(expected)
    assert model.score(X, Y) == pytest.approx(np.mean(list(per_task.values())))

    y = Y[:, 0]
    observed = ~np.isnan(y)
    single = MultiTaskRegressor(**FAST).fit(X[observed], y[observed])
    assert single.score(X[observed], y[observed]) == pytest.approx(
        r2_score(y[observed], single.predict(X[observed]))
    )


def test_classifier_score_is_mean_accuracy_over_tasks(wide_classification):
    X, Y = wide_classification
    model = MultiTaskClassifier(**FAST).fit(X, Y)
    per_task = model.score_per_task(X, Y)
    predictions = model.predict(X)
    for t, name in enumerate(model.task_names_):
        expected = accuracy_score(Y[:, t], predictions[:, t])
        assert per_task[name] == pytest.approx(expected)
    assert model.score(X, Y) == pytest.approx(np.mean(list(per_task.values())))

    y = Y[:, 1]
    single = MultiTaskClassifier(**FAST).fit(X, y)
    assert single.score(X, y) == pytest.approx(accuracy_score(y, single.predict(X)))


def test_long_layout_score_is_mean_over_tasks(long_regression):
    X, y = long_regression
    model = MultiTaskRegressor(**FAST, task_column=0).fit(X, y)
    per_task = model.score_per_task(X, y)
    assert list(per_task) == model.task_names_ == [0, 1, 2, 3]
    predictions = model.predict(X)
    for task, score in per_task.items():
        rows = X[:, 0] == task
        assert score == pytest.approx(r2_score(y[rows], predictions[rows]))
    assert model.score(X, y) == pytest.approx(np.mean(list(per_task.values())))
