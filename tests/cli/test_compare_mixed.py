"""``skmtl compare`` and ``compare_models`` on targets of mixed types.

Some target columns hold text labels (classification), others numbers
(regression): each task is scored by its type's metric, against single-task
baselines of its type, and the network is a MultiTaskMixedEstimator.
"""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, RidgeCV

from skmtl.__main__ import main
from skmtl.compare import compare_models, mixed_models
from skmtl.compare._mixed_baseline import PerTaskMixed
from skmtl.ensemble import PerTaskClassifier, PerTaskRegressor
from skmtl.neural import MultiTaskMixedEstimator

FAST = ["--max-epochs", "3", "--sharing", "hard", "--cv", "3", "--quiet"]


def _frame(n=60, seed=0):
    """Features, two regression and two classification targets, missing labels."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    frame = pd.DataFrame(X, columns=["x1", "x2", "x3"])
    frame["city"] = rng.choice(["paris", "lyon"], size=n)
    frame["spend"] = X @ [1.0, -2.0, 0.5] + rng.normal(scale=0.3, size=n)
    frame["visits"] = 50 + 10 * X[:, 1] + rng.normal(size=n)
    frame["churn"] = np.where(X[:, 0] + 0.3 * rng.normal(size=n) > 0, "yes", "no")
    frame["plan"] = np.select([X[:, 2] < -0.5, X[:, 2] < 0.5], ["a", "b"], "c")
    frame.loc[[1, 7, 20], "spend"] = np.nan
    frame.loc[[3, 11, 40], "churn"] = np.nan
    return frame


@pytest.fixture
def mixed_csv(tmp_path):
    path = tmp_path / "mixed.csv"
    _frame().to_csv(path, index=False)
    return path


def _run(capsys, *args):
    assert main(["compare", *map(str, args)]) == 0
    return capsys.readouterr().out


def _row(out, first_cell):
    return next(
        line for line in out.splitlines() if line.startswith(f"| {first_cell} ")
    )


def test_cli_compares_each_task_by_its_type(capsys, mixed_csv, tmp_path):
    scores = tmp_path / "scores.json"
    out = _run(capsys, mixed_csv, "-t", "spend", "-t", "churn", *FAST, "--json", scores)
    assert "2 tasks (wide layout), targets of mixed types" in out
    assert "(R² for regression tasks, accuracy for classification tasks)" in out
    header = _row(out, "task")
    assert header.split("|")[2].strip() == "metric"
    for model in ["single-task", "single-task HistGB", "MTL mixed hard"]:
        assert model in header
    assert "pooled" not in header and "MTL linear" not in header
    assert "| R² " in _row(out, "spend") and "| accuracy " in _row(out, "churn")
    assert "pooled and linear multi-task models" in out
    assert "error reduction vs best single-task" in out
    content = json.loads(scores.read_text())
    assert content["metric"] == "mixed"
    assert content["task_metrics"] == {"spend": "r2", "churn": "accuracy"}
    assert content["task_types"] == {"spend": "regression", "churn": "classification"}
    for model in ["single-task", "single-task HistGB", "MTL mixed hard"]:
        folds = content["scores"][model]["churn"]
        assert len(folds) == 3 and all(0 <= score <= 1 for score in folds)
    assert content["scores"]["single-task"]["spend"][0] > 0.8
    # Three missing labels in each kind of target: scored on the 57 others.
    assert sum(content["test_sizes"]["spend"]) == 57
    assert sum(content["test_sizes"]["churn"]) == 57


def test_cli_classification_flag_treats_every_target_as_classes(capsys, tmp_path):
    frame = _frame()
    frame["level"] = np.digitize(frame["x1"], [-0.5, 0.5])  # numbers, 3 classes
    path = tmp_path / "levels.csv"
    frame.to_csv(path, index=False)
    out = _run(
        capsys, path, "-t", "level", "-t", "churn", "--classification",
        "--sharing", "", "--no-boosting", "--cv", "3", "--quiet",
    )  # fmt: skip
    assert ", classification, " in out and "Per-task accuracy" in out
    assert "metric" not in _row(out, "task") and "pooled" in _row(out, "task")
    assert "mixed types" not in out


def test_cli_refuses_grouping_on_mixed_types(capsys, mixed_csv):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", str(mixed_csv), "-t", "spend", "-t", "churn", "--grouping"])
    assert exit_info.value.code == 2
    assert "--grouping does not apply to targets of mixed types" in (
        capsys.readouterr().err
    )


def test_mixed_baselines_score_as_the_baselines_of_one_type():
    frame = _frame()
    X, Y = frame[["x1", "x2", "x3"]], frame[["spend", "churn", "visits", "plan"]]
    models = {"single-task": PerTaskMixed(RidgeCV(), LogisticRegression())}
    result = compare_models(X, Y, models=models, cv=3)
    assert result.metric == "mixed"
    assert result.task_types == {
        "spend": "regression",
        "churn": "classification",
        "visits": "regression",
        "plan": "classification",
    }
    assert result.task_metrics["spend"] == "r2"
    assert result.task_metrics["plan"] == "accuracy"
    regression = compare_models(
        X, Y[["spend", "visits"]], models={"r": PerTaskRegressor(RidgeCV())}, cv=3
    )
    classification = compare_models(
        X,
        Y[["churn", "plan"]],
        classification=True,
        models={"c": PerTaskClassifier(LogisticRegression())},
        cv=3,
    )
    scores = result.scores["single-task"]
    for task in ["spend", "visits"]:
        np.testing.assert_allclose(scores[task], regression.scores["r"][task])
    for task in ["churn", "plan"]:
        np.testing.assert_allclose(scores[task], classification.scores["c"][task])


def test_detected_types_follow_the_mixed_estimator_rule():
    frame = _frame()
    frame["stars"] = np.digitize(frame["x2"], [-1, 0, 1])  # integers, 4 levels
    frame["active"] = frame["x3"] > 0
    X = frame[["x1", "x2", "x3"]]
    Y = frame[["spend", "stars", "active"]]
    models = mixed_models(sharings=["hard"], max_epochs=2, boosting=False)
    result = compare_models(X, Y, models=models, cv=3)
    fitted = MultiTaskMixedEstimator(max_epochs=1).fit(X.to_numpy(np.float32), Y)
    assert result.task_types == {
        name: "regression" if kind == "regression" else "classification"
        for name, kind in fitted.task_types_.items()
    }
    assert result.task_types["stars"] == "classification"
    assert np.isfinite(result.scores["MTL mixed hard"]["active"]).all()


def test_categorical_numbers_next_to_numbers_are_classes():
    frame = _frame()
    Y = pd.DataFrame(
        {"spend": frame["spend"], "size": pd.Categorical(frame["x1"].round(0))}
    )
    result = compare_models(frame[["x1", "x2"]], Y, models=_linear(), cv=3)
    assert result.task_types == {"spend": "regression", "size": "classification"}


def _linear():
    return {"single-task": PerTaskMixed(RidgeCV(), LogisticRegression())}


def test_long_layout_of_mixed_types_is_refused():
    X = pd.DataFrame({"x": np.arange(12.0), "task": ["a", "b"] * 6})
    y = np.array([1.5, "yes", 2.5, "no"] * 3, dtype=object)
    with pytest.raises(ValueError, match="wide layout only"):
        compare_models(X, y, task_column="task", models=_linear(), cv=2)


def test_per_task_mixed_checks_its_task_types():
    frame = _frame()
    X, Y = frame[["x1", "x2"]], frame[["spend", "churn"]]
    with pytest.raises(ValueError, match="for each of the tasks"):
        PerTaskMixed(RidgeCV(), LogisticRegression()).fit(X, Y)
    with pytest.raises(ValueError, match="expected 'regression' or"):
        PerTaskMixed(
            RidgeCV(),
            LogisticRegression(),
            task_types={"spend": "regression", "churn": "count"},
        ).fit(X, Y)
    with pytest.raises(TypeError, match="needs Y as a DataFrame"):
        PerTaskMixed(RidgeCV(), LogisticRegression()).fit(X, Y.to_numpy())
    types = {"spend": "regression", "churn": "classification"}
    model = PerTaskMixed(RidgeCV(), LogisticRegression(), task_types=types)
    prediction = model.fit(X, Y).predict(X)
    assert list(prediction.columns) == ["spend", "churn"]
    assert set(prediction["churn"]) <= {"yes", "no"}
