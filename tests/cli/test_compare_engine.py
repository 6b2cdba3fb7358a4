"""The comparison engine behind ``skmtl compare``: folds, scores, result object."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LinearRegression, RidgeCV

from skmtl.compare import (
    ComparisonResult,
    TaskKFold,
    bind_task_column,
    compare_models,
    default_models,
    make_preprocessor,
)
from skmtl.datasets import make_multitask_regression
from skmtl.ensemble import PerTaskRegressor, PooledRegressor
from skmtl.linear_model import RegularizedMultiTaskClassifier
from skmtl.metrics import error_reduction, relative_gain

LINEAR = {
    "single-task": PerTaskRegressor(RidgeCV()),
    "pooled": PooledRegressor(RidgeCV()),
}


@pytest.fixture
def long_frame():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    X["color"] = rng.choice(["red", "blue"], size=60)
    X["shop"] = np.repeat(["s1", "s2", "s3"], 20)
    y = pd.Series(X["a"] * 2 + (X["color"] == "red") + rng.normal(size=60) * 0.1)
    return X, y


def test_task_kfold_keeps_every_task_in_every_fold(long_frame):
    X, _ = long_frame
    folds = list(TaskKFold(4, task_column="shop", random_state=0).split(X))
    assert len(folds) == 4
    for train, test in folds:
        assert set(X["shop"].iloc[test]) == {"s1", "s2", "s3"}
        assert sorted(np.bincount(pd.factorize(X["shop"].iloc[test])[0])) == [5, 5, 5]
        assert len(np.intersect1d(train, test)) == 0
    wide = list(TaskKFold(3, random_state=0).split(np.zeros((9, 2))))
    assert [len(test) for _, test in wide] == [3, 3, 3]


def test_task_kfold_stratifies_labels_when_every_pair_fits():
    X = np.column_stack([np.repeat([0, 1], 12), np.arange(24)])
    y = np.tile(["p", "q", "q"], 8)
    for _, test in TaskKFold(4, task_column=0, stratify_labels=True).split(X, y):
        pairs = {(task, label) for task, label in zip(X[test, 0], y[test])}
        assert len(pairs) == 4


def test_preprocessor_puts_the_task_column_first(long_frame):
    X, _ = long_frame
    output = make_preprocessor(X, "shop").fit_transform(X)
    assert output.shape == (60, 1 + 2 + 2)
    assert list(output[:2, 0]) == ["s1", "s1"]


def test_long_layout_with_categorical_feature(long_frame):
    X, y = long_frame
    result = compare_models(
        X, y, task_column="shop", cv=3, models=LINEAR, on_error="raise"
    )
    assert result.tasks == ["s1", "s2", "s3"] and result.layout == "long"
    assert all(len(folds) == 3 for folds in result.scores["pooled"].values())
    # The label depends on the one-hot encoded color: R² close to 1 needs it.
    assert min(result.mean_scores()["pooled"].values()) > 0.9


def test_wide_missing_labels_and_standardized_targets_keep_r2(wide_regression):
    X, Y = wide_regression
    assert np.isnan(Y).any()
    Y = Y * [1.0, 1000.0, 0.01] + [0.0, -5.0, 3.0]
    kwargs = {"cv": 3, "models": {"ols": PerTaskRegressor(LinearRegression())}}
    scaled = compare_models(X, Y, **kwargs)
    raw = compare_models(X, Y, standardize_targets=False, **kwargs)
    assert scaled.scores["ols"].keys() == {"task_0", "task_1", "task_2"}
    for task, folds in scaled.scores["ols"].items():
        np.testing.assert_allclose(folds, raw.scores["ols"][task], rtol=1e-6)


class _Broken(RegressorMixin, BaseEstimator):
    def __init__(self, task_column=None):
        self.task_column = task_column

    def fit(self, X, y):
        raise RuntimeError("cannot fit")


def test_failing_model_gives_a_notice_and_nan(wide_regression):
    X, Y = wide_regression
    models = {**LINEAR, "broken": _Broken()}
    result = compare_models(X, Y, cv=3, models=models)
    assert np.isnan(result.scores["broken"]["task_0"]).all()
    assert "broken failed on fold 1, 2, 3 (NaN scores): RuntimeError: cannot fit" in (
        result.notices
    )
    assert "n/a" in result.table()
    with pytest.raises(RuntimeError, match="cannot fit"):
        compare_models(X, Y, cv=3, models=models, on_error="raise")


def test_binary_only_linear_classifier_is_skipped_for_multiclass_tasks(
    wide_classification,
):
    X, Y = wide_classification
    models = default_models(classification=True, sharings=[], boosting=False)
    result = compare_models(X, Y, classification=True, cv=3, models=models)
    assert result.models == ["single-task", "pooled"]
    assert result.notices[0].startswith("MTL linear skipped: task 'task_1' has 3")
    assert result.metric == "accuracy"


def test_bind_task_column_reaches_nested_estimators_and_inner_folds():
    search = default_models(sharings=["hard"])["MTL linear"]
    bound = bind_task_column(search, 0)
    assert bound.estimator.task_column == 0 and bound.cv.task_column == 0
    assert search.cv.task_column is None
    assert isinstance(bound.estimator, type(search.estimator))
    assert list(default_models(classification=True, sharings=["mmoe"])) == [
        "single-task",
        "single-task HistGB",
        "pooled",
        "pooled HistGB",
        "MTL linear",
        "MTL mmoe",
    ]
    assert isinstance(
        default_models(classification=True)["MTL linear"].estimator,
        RegularizedMultiTaskClassifier,
    )


def test_progress_is_reported_for_every_fit(wide_regression):
    X, Y = wide_regression
    calls = []
    compare_models(X, Y, cv=2, models=LINEAR, progress=lambda *a: calls.append(a))
    assert [c[0] for c in calls] == [0, 1, 2, 3, 4]
    assert calls[0] == (0, 4, "fold 1/2: single-task") and calls[-1] == (4, 4, "done")


def test_result_summary_table_and_json():
    result = ComparisonResult(
        {
            "stl": {"a": [0.5, 0.7], "b": [0.4, float("nan")]},
            "mtl": {"a": [0.4, 0.6], "b": [0.3, 0.3]},
        },
        metric="r2",
        baseline="stl",
    )
    assert result.summary().startswith("No model beats stl beyond fold noise")
    table = result.table()
    assert "| a    " in table and "0.600 ± 0.100" in table
    assert "| tasks vs stl" in table and "0 better, 1 worse" in table
    content = json.loads(json.dumps(result.to_dict()))
    assert content["scores"]["stl"]["b"] == [0.4, None]
    # b: a single paired fold, the fold noise is unknown: no winner.
    assert content["winners"] == {"a": "stl", "b": None}


def test_value_errors_name_the_problem(wide_regression):
    X, Y = wide_regression
    with pytest.raises(ValueError, match="at least 2 tasks"):
        compare_models(X, Y[:, 0], models=LINEAR)
    with pytest.raises(ValueError, match="baseline='x' is not one of the models"):
        compare_models(X, Y, models=LINEAR, baseline="x")
    # Text labels in every target: not a regression (text next to numbers
    # would be targets of mixed types, tests/cli/test_compare_mixed.py).
    labels = np.where(Y > 0, "hi", "lo").astype(object)
    with pytest.raises(ValueError, match="Target 'a' is not numeric"):
        compare_models(X, labels, models=LINEAR, task_names=["a", "size", "c"])


def test_engine_imports_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None; "
        "import skmtl.compare, skmtl.compare._cli; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_make_multitask_regression_long_layout_compares():
    X, y = make_multitask_regression(
        n_samples=90, n_features=4, n_tasks=3, layout="long", random_state=0
    )
    result = compare_models(X, y, task_column=0, cv=3, models=LINEAR)
    assert len(result.tasks) == 3


def test_infinite_values_are_refused_naming_the_column(wide_regression):
    X, Y = wide_regression
    Y = Y.copy()
    Y[4, 1] = np.inf
    with pytest.raises(ValueError, match=r"target column 'b' has an infinite value"):
        compare_models(X, Y, models=LINEAR, task_names=["a", "b", "c"])
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    frame.iloc[[2, 9], 3] = [np.inf, -np.inf]
    message = r"feature column 'f3' has 2 infinite .* rows 2, 9"
    with pytest.raises(ValueError, match=message):
        compare_models(frame, np.nan_to_num(Y, posinf=0.0), models=LINEAR)


NOISY = {
    "stl": {"a": [0.50, 0.60, 0.55], "b": [-0.01, -0.02, 0.00]},
    "mtl": {"a": [0.70, 0.80, 0.75], "b": [0.01, -0.05, 0.02]},
}


def test_no_winner_within_fold_noise_and_bounded_error_reduction():
    result = ComparisonResult(NOISY, metric="r2", baseline="stl")
    # Task b: differences +0.02, -0.03, +0.02 are fold noise; task a: +0.2 each.
    assert result.winners() == {"a": "mtl", "b": None}
    # The classic Δm% explodes on b's baseline R² near 0; the error reduction
    # (1 - R²) does not.
    means = result.mean_scores()
    gains = relative_gain(means["mtl"], means["stl"], per_task=True)
    assert gains["b"] > 30
    assert error_reduction(means["mtl"], means["stl"], per_task=True)["b"] < 1
    reductions = result.error_reductions()
    assert reductions["stl"] == 0.0
    expected = (100 * 0.2 / 0.45 + 100 * 0.01 / 3.03) / 2
    assert reductions["mtl"] == pytest.approx(expected)
    mean, standard_error, n_folds, p_value = result.differences()["mtl"]
    assert n_folds == 3 and p_value < 0.05
    assert mean == pytest.approx(np.mean([0.11, 0.085, 0.11]))
    assert 0 < standard_error < mean
    table = result.table()
    assert "| b " in table and "none (within noise)" in table
    assert "error reduction vs stl" in table and "+22.4%" in table
    assert "difference vs stl" in table
    assert "Nadeau" in table and "1 - R²" in table
    assert result.summary().startswith("mtl beats stl")
    assert "+0.102" in result.summary() and "error reduction +22.4%" in result.summary()
    content = json.loads(json.dumps(result.to_dict()))
    assert content["winners"] == {"a": "mtl", "b": None}
    assert content["error_reduction"]["mtl"] == pytest.approx(reductions["mtl"])
    assert content["difference"]["mtl"]["mean"] == pytest.approx(mean)
    assert content["difference_per_task"]["mtl"]["b"]["mean"] == pytest.approx(0.01 / 3)
    assert "noise_rule" in content


def test_summary_names_no_winner_when_the_overall_difference_is_noise():
    result = ComparisonResult(
        {"stl": {"a": [0.5, 0.6, 0.4]}, "mtl": {"a": [0.55, 0.55, 0.45]}},
        metric="r2",
        baseline="stl",
    )
    summary = result.summary()
    assert summary.startswith("No model beats stl beyond fold noise")
    assert "mtl" in summary and "tied" in summary


def test_linnerud_tiny_folds_are_flagged_and_no_winner_is_named():
    from sklearn.datasets import load_linnerud

    data = load_linnerud(as_frame=True)
    result = compare_models(data.data, data.target, cv=5, models=LINEAR)
    assert any(
        "fewer than 10 test labels per fold" in notice and "'Weight' (4)" in notice
        for notice in result.notices
    )
    assert result.test_sizes["Weight"] == [4, 4, 4, 4, 4]
    assert "beyond fold noise" in result.summary() or "No model" in result.summary()
    assert all(winner is None for winner in result.winners().values())


class _Chatty(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        import warnings

        for _ in range(2):
            message = "solver failed (status=1):\nSTOP: LIMIT\n\nIncrease max_iter."
            warnings.warn(message, stacklevel=2)
        warnings.warn("second kind", stacklevel=2)
        self.mean_ = np.nanmean(np.asarray(y, dtype=float), axis=0)
        return self

    def predict(self, X):
        return np.tile(self.mean_, (len(X), 1))


def test_whole_warnings_are_kept_deduplicated_and_counted(wide_regression):
    X, Y = wide_regression
    result = compare_models(X, Y, cv=3, models={**LINEAR, "chatty": _Chatty()})
    notices = [n for n in result.notices if n.startswith("chatty")]
    assert notices == [
        "chatty warned 6 times (folds 1, 2, 3): UserWarning: solver failed "
        "(status=1): STOP: LIMIT Increase max_iter.",
        "chatty warned 3 times (folds 1, 2, 3): UserWarning: second kind",
    ]


def test_chosen_hyperparameters_are_reported_per_fold(wide_regression):
    X, Y = wide_regression
    search = default_models(sharings=[])["MTL linear"]
    result = compare_models(X, Y, cv=2, models={**LINEAR, "MTL linear": search})
    chosen = result.chosen_params["MTL linear"]
    assert len(chosen) == 2
    assert all(set(params) == {"penalty", "alpha"} for params in chosen)
    assert result.chosen_params["pooled"] == [None, None]
    note = next(n for n in result.notices if n.startswith("MTL linear chose"))
    assert f"penalty={chosen[0]['penalty']!r}" in note and "fold 1" in note
    content = json.loads(json.dumps(result.to_dict()))
    assert content["chosen_params"]["MTL linear"][0]["alpha"] == chosen[0]["alpha"]
