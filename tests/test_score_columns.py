"""Scoring a wide DataFrame ``y`` pairs its columns with the tasks by name."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, Ridge

from skmtl import (
    MultiTaskMixedEstimator,
    MultiTaskRegressor,
    PerTaskClassifier,
    PerTaskRegressor,
)

NET = {"shared_layers": (8,), "max_epochs": 3, "random_state": 0, "n_threads": 1}


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    Y = pd.DataFrame(
        {
            "price": X[:, 0] * 3.0 + rng.normal(size=60),
            "demand": -X[:, 1] + 0.1 * rng.normal(size=60),
            "returns": np.where(X[:, 2] > 0, "yes", "no"),
        }
    )
    return X, Y


ESTIMATORS = {
    "per-task regressor": (PerTaskRegressor(Ridge()), ["price", "demand"]),
    "network regressor": (MultiTaskRegressor(**NET), ["price", "demand"]),
    "per-task classifier": (PerTaskClassifier(LogisticRegression()), ["returns"]),
    "mixed network": (MultiTaskMixedEstimator(**NET), ["price", "demand", "returns"]),
}


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_reordered_columns_score_each_task_on_its_own_labels(name):
    estimator, tasks = ESTIMATORS[name]
    X, Y = _data()
    if name == "per-task classifier":
        Y = Y.assign(sold=np.where(X[:, 3] > 0, "a", "b"))
        tasks = ["returns", "sold"]
    fitted = estimator.fit(X, Y[tasks])
    expected = fitted.score_per_task(X, Y[tasks])
    assert fitted.score_per_task(X, Y[tasks[::-1]]) == expected
    assert fitted.score(X, Y[tasks[::-1]]) == fitted.score(X, Y[tasks])


def test_columns_that_are_not_the_tasks_are_refused_by_name():
    X, Y = _data()
    model = PerTaskRegressor(Ridge()).fit(X, Y[["price", "demand"]])
    wrong = Y[["price", "demand"]].rename(columns={"demand": "dmd"})
    with pytest.raises(ValueError, match=r"dmd.*demand|demand.*dmd"):
        model.score_per_task(X, wrong)


def test_array_fit_scores_a_dataframe_by_position():
    X, Y = _data()
    model = PerTaskRegressor(Ridge()).fit(X, Y[["price", "demand"]].to_numpy())
    by_position = model.score_per_task(X, Y[["price", "demand"]])
    assert list(by_position) == ["task_0", "task_1"]
    assert by_position == model.score_per_task(X, Y[["price", "demand"]].to_numpy())
