"""The strongest baselines: gradient boosting, and the best single-task per task."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import RidgeCV

from skmtl.compare import (
    ComparisonResult,
    compare_models,
    default_models,
    make_tree_preprocessor,
)
from skmtl.compare._preprocess import preprocessed
from skmtl.ensemble import PerTaskRegressor, PooledRegressor

SCORES = {
    "linear": {"a": [0.5, 0.6, 0.7], "b": [0.2, 0.3, 0.2]},
    "trees": {"a": [0.4, 0.5, 0.5], "b": [0.5, 0.6, 0.5]},
    "mtl": {"a": [0.6, 0.7, 0.8], "b": [0.4, 0.5, 0.5]},
}


def _trees(**params):
    return HistGradientBoostingRegressor(max_iter=15, random_state=0, **params)


def test_each_task_is_compared_with_its_best_baseline():
    result = ComparisonResult(SCORES, metric="r2", baseline=["linear", "trees"])
    assert result.baseline == "best baseline"
    assert result.baseline_per_task() == {"a": "linear", "b": "trees"}
    best = {"a": SCORES["linear"]["a"], "b": SCORES["trees"]["b"]}
    np.testing.assert_allclose(result.difference("mtl", task="a").mean, 0.1)
    np.testing.assert_allclose(result.difference("mtl", task="b").mean, -1 / 15)
    overall = np.mean([np.mean(best["a"]), np.mean(best["b"])])
    mtl = np.mean([0.7, 14 / 30])
    np.testing.assert_allclose(result.difference("mtl").mean, mtl - overall)
    # Against the linear baseline alone, task b was a win.
    assert result.difference("mtl", "linear", task="b").mean > 0
    table = " ".join(result.table().split())
    assert "difference vs best baseline" in table
    assert "among linear, trees (linear on a; trees on b)" in table
    assert "favours the baseline" in table
    content = result.to_dict()
    assert content["baselines"] == ["linear", "trees"]
    assert content["baseline_per_task"] == {"a": "linear", "b": "trees"}
    assert "mtl" in result.summary() and "trees," not in result.summary()


def test_single_task_models_are_named_best_single_task():
    scores = {"single-task": SCORES["linear"], "single-task HistGB": SCORES["trees"]}
    result = ComparisonResult(scores, metric="r2", baseline=list(scores))
    assert result.baseline == "best single-task"
    one = ComparisonResult(scores, metric="r2", baseline=["single-task"])
    assert one.baseline == "single-task"
    with pytest.raises(ValueError, match="empty"):
        ComparisonResult(scores, metric="r2", baseline=[])


def test_tree_preprocessing_keeps_numbers_and_encodes_categories():
    X = pd.DataFrame(
        {"shop": ["s1", "s2"] * 3, "a": [1.0, np.nan, 3, 4, 5, 6],
         "color": ["red", None, "blue", "red", "blue", "red"]}
    )  # fmt: skip
    preprocessor, categorical = make_tree_preprocessor(X, task_column="shop")
    out = preprocessor.fit_transform(X)
    assert categorical == [1]  # after "a", the task column left out
    assert list(out[:, 0]) == ["s1", "s2"] * 3
    assert np.isnan(float(out[1, 1])) and np.isnan(float(out[1, 2]))
    unseen = X.assign(color=["green"] * 6)
    assert np.isnan(preprocessor.transform(unseen)[:, 2].astype(float)).all()


def test_boosting_models_get_native_categories():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300)})
    X["city"] = rng.choice([f"c{i}" for i in range(12)], size=300)
    effect = X["city"].str[1:].astype(int) % 3
    Y = np.column_stack([X["a"] + effect, -X["a"] + 2 * effect])
    per_task = preprocessed(PerTaskRegressor(_trees()), X).fit(X, Y)
    assert per_task[-1].estimators_[0].is_categorical_.tolist() == [False, True]
    pooled = preprocessed(PooledRegressor(_trees()), X).fit(X, Y)
    assert pooled[-1].estimator_.is_categorical_.tolist() == [False, True, True]
    # Cities not seen in training are predicted, as missing categories.
    assert np.isfinite(pooled.predict(X.assign(city="elsewhere"))).all()
    linear = preprocessed(PerTaskRegressor(RidgeCV()), X)
    assert linear[0].transformers[-1][0] == "categorical"  # one-hot encoded
    given = _trees(categorical_features=None)
    assert preprocessed(given, X)[-1].categorical_features is None


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_default_comparison_reports_against_the_best_single_task(layout):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=240), "b": rng.normal(size=240)})
    X["kind"] = rng.choice(["x", "y", "z"], size=240)
    step = (X["kind"] == "x") * 3.0  # boosting finds it, ridge nearly too
    Y = np.column_stack([np.sin(3 * X["a"]) + step, X["b"] + step])
    Y[rng.uniform(size=Y.shape) < 0.2] = np.nan
    models = default_models(sharings=[])
    models = {name: models[name] for name in list(models)[:4]}
    for name in ("single-task HistGB", "pooled HistGB"):
        models[name].estimator.set_params(max_iter=15)
    task_column = None
    if layout == "long":
        rows, tasks = np.nonzero(~np.isnan(Y))
        X = X.iloc[rows].reset_index(drop=True).assign(task=tasks)
        Y, task_column = Y[rows, tasks], "task"
    result = compare_models(X, Y, task_column=task_column, models=models, cv=3)
    assert result.baseline == "best single-task"
    first = "task_0" if layout == "wide" else 0
    assert result.baseline_per_task()[first] == "single-task HistGB"  # sin(3a)
    assert result.mean_scores()["single-task HistGB"][first] > 0.8
    assert not any("failed" in notice for notice in result.notices)


def test_many_tasks_are_counted_in_the_legend():
    tasks = [f"t{i}" for i in range(12)]
    scores = {
        "linear": {t: [0.5 + (i < 3) * 0.3, 0.5] for i, t in enumerate(tasks)},
        "trees": {t: [0.6, 0.6] for t in tasks},
    }
    result = ComparisonResult(scores, metric="r2", baseline=["linear", "trees"])
    legend = " ".join(result.table().split())
    assert "(linear on 3 of 12 tasks; trees on 9 of 12 tasks)" in legend
