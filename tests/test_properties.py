"""Property-based tests over every estimator: an error with a message, or a sound fit.

For random problems (1-6 tasks, 1-50 features, 2-80 rows, wide or long layout,
random missing labels including rows and whole batches without any, numeric,
string or float class labels, scales from 1e-6 to 1e12, float16/32/64 or integer
features, arrays or DataFrames), ``fit`` either raises a ValueError or
TypeError with a message, or ``predict`` returns finite values of the right
shape and dtype (classifiers: labels among each task's classes, and finite
probabilities).

Hypothesis profiles (``SKMTL_HYPOTHESIS_PROFILE``): ``ci`` (the default: 25
examples per estimator, derandomized so CI is repeatable) and ``thorough``
(500 random examples per estimator, for a run by hand)::

    SKMTL_HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_properties.py
"""

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression, Ridge

from skmtl import (
    ChainEnsembleClassifier,
    ChainEnsembleRegressor,
    MultiTaskClassifier,
    MultiTaskRegressor,
    PerTaskClassifier,
    PerTaskRegressor,
    PooledClassifier,
    PooledRegressor,
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
    StackedTasksClassifier,
    StackedTasksRegressor,
)

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("thorough", max_examples=500, **_COMMON)
PROFILE = settings.get_profile(os.environ.get("SKMTL_HYPOTHESIS_PROFILE", "ci"))

NEURAL = {"shared_layers": (8,), "max_epochs": 3, "random_state": 0, "n_threads": 1}


def _regressors():
    return {
        "MultiTaskRegressor": lambda batch_size: MultiTaskRegressor(
            **NEURAL, batch_size=batch_size
        ),
        "RegularizedMultiTaskRegressor": lambda _: RegularizedMultiTaskRegressor(
            max_iter=200
        ),
        "PerTaskRegressor": lambda _: PerTaskRegressor(Ridge()),
        "PooledRegressor": lambda _: PooledRegressor(Ridge()),
        "StackedTasksRegressor": lambda _: StackedTasksRegressor(Ridge(), cv=2),
        "ChainEnsembleRegressor": lambda _: ChainEnsembleRegressor(
            Ridge(), n_chains=2, cv=2, random_state=0
        ),
    }


def _classifiers():
    logistic = {"max_iter": 200}
    return {
        "MultiTaskClassifier": lambda batch_size: MultiTaskClassifier(
            **NEURAL, batch_size=batch_size
        ),
        "RegularizedMultiTaskClassifier": lambda _: RegularizedMultiTaskClassifier(
            max_iter=200
        ),
        "PerTaskClassifier": lambda _: PerTaskClassifier(
            LogisticRegression(**logistic)
        ),
        "PooledClassifier": lambda _: PooledClassifier(LogisticRegression(**logistic)),
        "StackedTasksClassifier": lambda _: StackedTasksClassifier(
            LogisticRegression(**logistic), cv=2
        ),
        "ChainEnsembleClassifier": lambda _: ChainEnsembleClassifier(
            LogisticRegression(**logistic), n_chains=2, cv=2, random_state=0
        ),
    }


REGRESSORS = _regressors()
CLASSIFIERS = _classifiers()


@st.composite
def problems(draw, classification):
    """Draw a random multi-task problem as a dict of arrays and settings."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.RandomState(seed)
    n_tasks = draw(st.integers(1, 6))
    n_features = draw(st.integers(1, 50))
    n_samples = draw(st.integers(2, 80))
    layout = draw(st.sampled_from(["wide", "long"]))
    container = draw(st.sampled_from(["array", "frame"]))
    dtype = draw(st.sampled_from(["float16", "float32", "float64", "int64"]))
    feature_scale = 10.0 ** draw(st.floats(-6, 12))
    target_scale = 10.0 ** draw(st.floats(-6, 12))
    missing_rate = draw(st.sampled_from([0.0, 0.1, 0.5, 0.9]))
    missing_rows = draw(st.integers(0, n_samples))
    batch_size = draw(st.integers(1, 32))
    label_kind = draw(st.sampled_from(["int", "str", "float"]))
    n_classes = draw(st.integers(1, 3))

    X = rng.randn(n_samples, n_features) * feature_scale
    with np.errstate(over="ignore"):  # float16 overflows to inf: an error case
        X = X.round().astype(np.int64) if dtype == "int64" else X.astype(dtype)
    if layout == "wide":
        shape = (n_samples, n_tasks)
    else:
        shape = (n_samples,)
    if classification:
        codes = rng.randint(0, n_classes, size=shape)
        labels = {
            "int": codes,
            "str": np.array(["no", "yes", "maybe"])[codes].astype(object),
            "float": codes.astype(float) * 0.5,
        }[label_kind]
        Y = labels.astype(object) if label_kind != "float" else labels
    else:
        Y = rng.randn(*shape) * target_scale
    missing = rng.rand(*shape) < missing_rate
    # A block of consecutive rows without any label: whole batches without one.
    start = rng.randint(0, n_samples)
    missing[start : start + missing_rows] = True
    if missing.any():
        Y = Y.astype(object) if Y.dtype.kind in "iO" else Y.astype(float)
        Y[missing] = None if Y.dtype == object else np.nan

    tasks = rng.randint(0, n_tasks, size=n_samples)
    return {
        "X": X,
        "Y": Y,
        "tasks": tasks,
        "layout": layout,
        "container": container,
        "batch_size": batch_size,
    }


def _inputs(problem):
    """Return ``(X, y, params)`` in the problem's layout and container."""
    X, Y = problem["X"], problem["Y"]
    frame = problem["container"] == "frame"
    params = {}
    if problem["layout"] == "long":
        task_ids = np.array([f"t{t}" for t in problem["tasks"]], dtype=object)
        if frame:
            X = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
            X.insert(0, "task", task_ids)
            params["task_column"] = "task"
        else:
            X = np.column_stack([problem["tasks"], X.astype(np.float64)])
            params["task_column"] = 0
        return X, (pd.Series(Y, name="y") if frame else Y), params
    if frame:
        X = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
        Y = pd.DataFrame(Y, columns=[f"task {t}" for t in range(Y.shape[1])])
    return X, Y, params


def _fit_or_error(factory, problem):
    """Fit on the problem; None after a ValueError/TypeError with a message.

    Returns ``(model, X)`` otherwise, ``X`` in the layout and container fitted.
    """
    X, y, params = _inputs(problem)
    estimator = factory(problem["batch_size"]).set_params(**params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return estimator.fit(X, y), X
    except (ValueError, TypeError) as error:
        assert str(error).strip(), f"{type(error).__name__} without a message"
        return None


def _expected_shape(problem):
    n_samples = problem["X"].shape[0]
    if problem["layout"] == "long":
        return (n_samples,)
    return (n_samples, problem["Y"].shape[1])


def _observed_labels(problem, layout_tasks, t):
    """Return the set of labels observed for task ``t``."""
    Y = problem["Y"]
    column = Y[:, t] if problem["layout"] == "wide" else Y[layout_tasks == t]
    return {v for v in column.tolist() if v is not None and v == v}


@pytest.mark.parametrize("name", sorted(REGRESSORS))
@given(data=st.data())
@PROFILE
def test_regressor_errors_or_predicts_finite_values(name, data):
    problem = data.draw(problems(classification=False))
    fitted = _fit_or_error(REGRESSORS[name], problem)
    if fitted is None:
        return
    model, X = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prediction = model.predict(X)
    assert prediction.shape == _expected_shape(problem)
    assert prediction.dtype.kind == "f"
    assert np.isfinite(prediction).all()


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@given(data=st.data())
@PROFILE
def test_classifier_errors_or_predicts_known_labels(name, data):
    problem = data.draw(problems(classification=True))
    fitted = _fit_or_error(CLASSIFIERS[name], problem)
    if fitted is None:
        return
    model, X = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prediction = np.asarray(model.predict(X))
        proba = model.predict_proba(X)
    assert prediction.shape == _expected_shape(problem)
    wide = problem["layout"] == "wide"
    n_tasks = problem["Y"].shape[1] if wide else len(model.task_names_)
    task_of_row = None if wide else _task_positions(model, problem)
    for t in range(n_tasks):
        column = prediction[:, t] if wide else prediction[task_of_row == t]
        rows = slice(None) if wide else task_of_row == t
        probabilities = np.asarray(proba[t] if isinstance(proba, list) else proba)
        assert np.isfinite(probabilities[rows]).all()
        observed = _observed_labels(
            problem, None if wide else problem["tasks"], _task_id(model, problem, t)
        )
        assert set(column.tolist()) <= observed


def _task_positions(model, problem):
    """Return each row's position in ``model.task_names_`` (long layout)."""
    lookup = {_number(name): i for i, name in enumerate(model.task_names_)}
    return np.array([lookup[t] for t in problem["tasks"]])


def _task_id(model, problem, t):
    """Return the integer task of position ``t`` (the problem's own numbering)."""
    if problem["layout"] == "wide":
        return t
    return _number(model.task_names_[t])


def _number(task_name):
    """Return the problem's task number of a task id (``3`` or ``"t3"``)."""
    return int(str(task_name).lstrip("t"))


# ---------------------------------------------------- one family-wide decision
ALL_ESTIMATORS = {**REGRESSORS, **CLASSIFIERS}


@pytest.mark.parametrize("name", sorted(ALL_ESTIMATORS))
def test_duplicate_task_names_are_rejected_by_every_estimator(name):
    rng = np.random.RandomState(0)
    X = rng.randn(30, 3)
    Y = rng.randint(0, 2, size=(30, 3)).astype(float)
    Y = pd.DataFrame(Y, columns=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"duplicate task names \['a'\]"):
        ALL_ESTIMATORS[name](8).fit(X, Y)
