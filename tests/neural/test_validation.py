"""Bad input gets a clear error, good input is never modified."""

import copy
import re
import subprocess
import sys
from functools import partial

import numpy as np
import pandas as pd
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.architectures import MultiGateMixtureOfExpertsConfig
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from skmtl.weighting import DynamicWeightAverageConfig

# Small networks and few epochs: the tests check behaviour, not model quality.
FAST = {"shared_layers": (16,), "max_epochs": 5, "batch_size": 32, "random_state": 0}

ESTIMATORS = [MultiTaskRegressor, MultiTaskClassifier]


def _data(estimator_cls, layout="wide", n_samples=60):
    """Return small ``X, Y`` that ``estimator_cls`` can fit in ``layout``."""
    if estimator_cls is MultiTaskRegressor:
        return make_multitask_regression(
            n_samples=n_samples, n_features=5, n_tasks=3, layout=layout, random_state=0
        )
    return make_multitask_classification(
        n_samples=n_samples, n_features=5, n_tasks=3, layout=layout, random_state=0
    )


def _frame(X, prefix="f"):
    return pd.DataFrame(X, columns=[f"{prefix}{j}" for j in range(X.shape[1])])


# --- non-finite and non-numeric features -------------------------------------------


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
@pytest.mark.parametrize(("value", "kind"), [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_x_at_fit_names_the_column(estimator_cls, value, kind):
    X, Y = _data(estimator_cls)
    X[7, 3] = value
    with pytest.raises(ValueError, match=kind) as error:
        estimator_cls(**FAST).fit(X, Y)
    assert "column 3" in str(error.value)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
@pytest.mark.parametrize(("value", "kind"), [(np.nan, "NaN"), (-np.inf, "infinity")])
def test_non_finite_dataframe_x_at_fit_names_the_column(estimator_cls, value, kind):
    X, Y = _data(estimator_cls)
    frame = pd.DataFrame(X, columns=["height", "weight", "income", "age", "score"])
    frame.loc[5, "age"] = value
    with pytest.raises(ValueError, match=kind) as error:
        estimator_cls(**FAST).fit(frame, Y)
    assert "column 3" in str(error.value)
    assert "'age'" in str(error.value)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
@pytest.mark.parametrize(("value", "kind"), [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_x_at_predict_names_the_column(estimator_cls, value, kind):
    X, Y = _data(estimator_cls)
    model = estimator_cls(**FAST).fit(X, Y)
    X_bad = X.copy()
    X_bad[2, 3] = value
    with pytest.raises(ValueError, match=kind) as error:
        model.predict(X_bad)
    assert "column 3" in str(error.value)

    frame = pd.DataFrame(X, columns=["height", "weight", "income", "age", "score"])
    model = estimator_cls(**FAST).fit(frame, Y)
    frame.loc[2, "age"] = value
    with pytest.raises(ValueError, match=kind) as error:
        model.predict(frame)
    assert "'age'" in str(error.value)


@pytest.mark.parametrize("at", ["fit", "predict"])
@pytest.mark.parametrize("container", ["numpy", "pandas"])
def test_non_finite_x_in_long_layout_names_the_column_of_x(at, container):
    # The position must be the one in the X the user passed, task column included.
    X, y = make_multitask_regression(
        n_samples=40, n_features=4, n_tasks=2, layout="long", random_state=0
    )
    X_bad = X.copy()
    X_bad[3, 3] = np.nan
    task_column = 0
    if container == "pandas":
        columns = ["task", "height", "weight", "age", "score"]
        X = pd.DataFrame(X, columns=columns)
        X_bad = pd.DataFrame(X_bad, columns=columns)
        task_column = "task"
    model = MultiTaskRegressor(**FAST, task_column=task_column)
    if at == "fit":
        call = partial(model.fit, X_bad, y)
    else:
        call = partial(model.fit(X, y).predict, X_bad)
    with pytest.raises(ValueError, match="NaN") as error:
        call()
    assert "column 3" in str(error.value)
    if container == "pandas":
        assert "'age'" in str(error.value)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_non_numeric_dataframe_column_is_named(estimator_cls):
    X, Y = _data(estimator_cls)
    frame = _frame(X)
    frame["city"] = ["paris", "rome"] * (len(frame) // 2)
    with pytest.raises(ValueError, match="non-numeric") as error:
        estimator_cls(**FAST).fit(frame, Y)
    assert "city" in str(error.value)


# --- shapes ------------------------------------------------------------------------


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_row_count_mismatch_names_both_counts(estimator_cls):
    X, Y = _data(estimator_cls, n_samples=100)
    with pytest.raises(ValueError, match="X has 100 rows but y has 90"):
        estimator_cls(**FAST).fit(X, Y[:90])


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_row_count_mismatch_in_long_layout(estimator_cls):
    X, y = _data(estimator_cls, layout="long", n_samples=100)
    with pytest.raises(ValueError, match="X has 100 rows but y has 90"):
        estimator_cls(**FAST, task_column=0).fit(X, y[:90])


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_wrong_number_of_features_at_predict(estimator_cls):
    X, Y = _data(estimator_cls)
    model = estimator_cls(**FAST).fit(X, Y)
    expected = (
        rf"X has 4 features, but {estimator_cls.__name__} is expecting 5 features"
    )
    with pytest.raises(ValueError, match=expected):
        model.predict(X[:, :4])
    with pytest.raises(ValueError, match=r"X has \d+ features, but"):
        model.transform(np.hstack([X, X]))


def test_one_d_y_is_one_task():
    X, Y = make_multitask_regression(
        n_samples=60, n_features=5, n_tasks=1, random_state=0
    )
    y = Y[:, 0]
    model_1d = MultiTaskRegressor(**FAST).fit(X, y)
    assert model_1d.n_tasks_ == 1
    assert model_1d.predict(X).shape == (60,)

    model_2d = MultiTaskRegressor(**FAST).fit(X, y.reshape(-1, 1))
    assert model_2d.n_tasks_ == 1
    assert model_2d.predict(X).shape == (60, 1)
    np.testing.assert_array_equal(model_1d.predict(X), model_2d.predict(X)[:, 0])


def test_one_d_y_is_one_task_for_the_classifier():
    X, Y = make_multitask_classification(
        n_samples=60, n_features=5, n_tasks=1, random_state=0
    )
    y = Y[:, 0]
    model_1d = MultiTaskClassifier(**FAST).fit(X, y)
    assert model_1d.n_tasks_ == 1
    assert model_1d.predict(X).shape == (60,)
    assert model_1d.predict_proba(X).shape == (60, len(np.unique(y)))

    model_2d = MultiTaskClassifier(**FAST).fit(X, y.reshape(-1, 1))
    assert model_2d.predict(X).shape == (60, 1)
    np.testing.assert_array_equal(model_1d.predict(X), model_2d.predict(X)[:, 0])


# --- targets -----------------------------------------------------------------------


def test_all_missing_task_is_named_regressor():
    X, Y = _data(MultiTaskRegressor)
    targets = pd.DataFrame(Y[:, :2], columns=["a", "b"])
    targets["b"] = np.nan
    with pytest.raises(ValueError, match="'b'"):
        MultiTaskRegressor(**FAST).fit(X, targets)


def test_all_missing_task_is_named_classifier():
    X, Y = _data(MultiTaskClassifier)
    targets = pd.DataFrame(Y[:, :2], columns=["a", "b"])
    targets["b"] = np.nan
    with pytest.raises(ValueError, match="'b'"):
        MultiTaskClassifier(**FAST).fit(X, targets)

    labels = Y[:, :2].astype(object)
    labels[:, 1] = None
    with pytest.raises(ValueError, match="'task_1'"):
        MultiTaskClassifier(**FAST).fit(X, labels)


def test_all_missing_task_is_named_in_long_layout():
    X, y = _data(MultiTaskRegressor, layout="long")
    y = y.copy()
    y[X[:, 0] == 2] = np.nan
    with pytest.raises(ValueError, match="Task 2 "):
        MultiTaskRegressor(**FAST, task_column=0).fit(X, y)


def test_regressor_rejects_non_numeric_targets():
    X, Y = _data(MultiTaskRegressor)
    targets = pd.DataFrame(Y[:, :2], columns=["a", "b"])
    targets["b"] = np.where(Y[:, 1] > 0, "high", "low")
    with pytest.raises(ValueError, match="non-numeric") as error:
        MultiTaskRegressor(**FAST).fit(X, targets)
    assert "'b'" in str(error.value)


def test_classifier_rejects_continuous_targets():
    X, Y = _data(MultiTaskRegressor)
    targets = pd.DataFrame(Y[:, :2], columns=["a", "b"])
    with pytest.raises(ValueError, match="Unknown label type") as error:
        MultiTaskClassifier(**FAST).fit(X, targets)
    assert "'a'" in str(error.value)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_y_with_three_dimensions_is_rejected(estimator_cls):
    X, Y = _data(estimator_cls)
    with pytest.raises(ValueError, match=r"1-D .* or 2-D"):
        estimator_cls(**FAST).fit(X, Y[:, :, None])


# --- long layout -------------------------------------------------------------------


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_long_layout_rejects_2d_y(estimator_cls):
    X, y = _data(estimator_cls, layout="long")
    with pytest.raises(ValueError, match="1-D"):
        estimator_cls(**FAST, task_column=0).fit(X, np.column_stack([y, y]))


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_long_layout_unknown_task_at_predict(estimator_cls):
    X, y = _data(estimator_cls, layout="long")
    model = estimator_cls(**FAST, task_column=0).fit(X, y)
    X_new = X.copy()
    X_new[[1, 4], 0] = 99
    with pytest.raises(ValueError, match="Unknown task") as error:
        model.predict(X_new)
    assert "99" in str(error.value)


def test_long_layout_missing_named_task_column_lists_columns():
    X, y = _data(MultiTaskRegressor, layout="long")
    frame = _frame(X)
    with pytest.raises(ValueError, match="task_column='school'") as error:
        MultiTaskRegressor(**FAST, task_column="school").fit(frame, y)
    for name in frame.columns:
        assert repr(name) in str(error.value)


def test_long_layout_named_task_column_needs_a_dataframe():
    X, y = _data(MultiTaskRegressor, layout="long")
    with pytest.raises(ValueError, match="integer position"):
        MultiTaskRegressor(**FAST, task_column="school").fit(X, y)


@pytest.mark.parametrize("task_column", [10, -10])
def test_long_layout_task_column_out_of_range(task_column):
    X, y = _data(MultiTaskRegressor, layout="long")
    with pytest.raises(ValueError, match="out of range"):
        MultiTaskRegressor(**FAST, task_column=task_column).fit(X, y)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_long_layout_missing_task_id(estimator_cls):
    X, y = _data(estimator_cls, layout="long")
    X = X.copy()
    X[3, 0] = np.nan
    with pytest.raises(ValueError, match="missing task ids"):
        estimator_cls(**FAST, task_column=0).fit(X, y)

    model = estimator_cls(**FAST, task_column=0).fit(*_data(estimator_cls, "long"))
    with pytest.raises(ValueError, match="missing task ids"):
        model.predict(X)


# --- inputs are never modified -----------------------------------------------------


def _assert_same(original, kept):
    """Assert ``original`` still equals its deep copy ``kept``, NaN included."""
    if isinstance(kept, pd.DataFrame):
        pd.testing.assert_frame_equal(original, kept)
    elif isinstance(kept, pd.Series):
        pd.testing.assert_series_equal(original, kept)
    else:
        assert original.dtype == kept.dtype
        assert original.flags.writeable
        np.testing.assert_array_equal(original, kept)


def _inputs(estimator_cls, layout, container):
    """Return ``X, Y, sample_weight, fit params`` with NaN labels where allowed."""
    X, Y = _data(estimator_cls, layout=layout)
    params = {"task_column": 0} if layout == "long" else {}
    if estimator_cls is MultiTaskClassifier:
        Y = Y.astype(np.float64)
    if layout == "wide":
        Y[[0, 5, 9], 1] = np.nan
    else:
        Y[[0, 5, 9]] = np.nan
    weight = np.linspace(0.5, 2.0, len(X))
    if container == "float32":
        # The estimators use a float32 X without copying it: it must stay intact.
        X = X.astype(np.float32)
    if container == "pandas":
        X = _frame(X)
        if layout == "long":
            X = X.rename(columns={"f0": "task"})
            params = {"task_column": "task"}
            Y = pd.Series(Y, name="label")
        else:
            Y = pd.DataFrame(Y, columns=["a", "b", "c"])
    return X, Y, weight, params


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
@pytest.mark.parametrize("layout", ["wide", "long"])
@pytest.mark.parametrize("container", ["numpy", "float32", "pandas"])
def test_inputs_are_not_modified(estimator_cls, layout, container):
    X, Y, weight, params = _inputs(estimator_cls, layout, container)
    kept = copy.deepcopy((X, Y, weight))

    model = estimator_cls(**FAST, **params).fit(X, Y, sample_weight=weight)
    model.predict(X)
    model.score(X, Y, sample_weight=weight)
    model.score_per_task(X, Y, sample_weight=weight)
    model.transform(X)
    if estimator_cls is MultiTaskClassifier:
        model.predict_proba(X)

    for original, copied in zip((X, Y, weight), kept):
        _assert_same(original, copied)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_fit_transform_does_not_modify_inputs(estimator_cls):
    X, Y, weight, _ = _inputs(estimator_cls, "wide", "numpy")
    kept = copy.deepcopy((X, Y, weight))
    estimator_cls(**FAST).fit_transform(X, Y, sample_weight=weight)
    for original, copied in zip((X, Y, weight), kept):
        _assert_same(original, copied)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_read_only_inputs_are_accepted(dtype):
    X, Y, weight, _ = _inputs(MultiTaskRegressor, "wide", "numpy")
    X, Y, weight = X.astype(dtype), Y.astype(dtype), weight.astype(dtype)
    kept = copy.deepcopy((X, Y, weight))
    for array in (X, Y, weight):
        array.setflags(write=False)
    model = MultiTaskRegressor(**FAST).fit(X, Y, sample_weight=weight)
    assert model.predict(X).shape == Y.shape
    assert model.transform(X).shape == (len(X), 16)
    assert np.isfinite(model.score(X, Y, sample_weight=weight))
    for original, copied in zip((X, Y, weight), kept):
        np.testing.assert_array_equal(original, copied)


_READ_ONLY_FLOAT32 = """
import numpy as np
from skmtl import MultiTaskRegressor

X = np.random.default_rng(0).standard_normal((40, 4)).astype(np.float32)
weight = np.ones(40, dtype=np.float32)
X.setflags(write=False)
weight.setflags(write=False)
model = MultiTaskRegressor(shared_layers=(4,), max_epochs=1, random_state=0)
model.fit(X, X.sum(axis=1), sample_weight=weight).predict(X)
"""


def test_read_only_float32_input_is_not_handed_to_torch():
    # A read-only float32 X (e.g. a joblib memmap in GridSearchCV(n_jobs>1)) must be
    # copied, not wrapped: torch warns about non-writable arrays, only once per
    # process, hence the fresh interpreter.
    result = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", _READ_ONLY_FLOAT32],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
@pytest.mark.parametrize("task_column", [None, 0, -1])
def test_float32_inputs_are_not_modified(estimator_cls, task_column):
    # float32 needs no conversion, so this is where an input could be shared
    # (in the long layout with the task column first or last, the features are
    # a view of X).
    X, Y, weight, _ = _inputs(estimator_cls, "wide", "numpy")
    X, weight = X.astype(np.float32), weight.astype(np.float32)
    params = {**FAST, "dropout": 0.5}
    if task_column is not None:
        task = np.arange(len(X), dtype=np.float32) % 3
        X = np.column_stack([task, X] if task_column == 0 else [X, task])
        Y = np.asarray(Y, dtype=float)[:, 0]
        Y = np.where(np.isnan(Y), 1.0, Y)
        params["task_column"] = task_column
    kept = copy.deepcopy((X, Y, weight))
    model = estimator_cls(**params).fit(X, Y, sample_weight=weight)
    model.fit(X, Y)  # unit weights: the label-share path
    model.predict(X)
    if task_column is None:
        model.transform(X)
    for original, copied in zip((X, Y, weight), kept):
        _assert_same(original, copied)


# --- parameters are checked at fit -------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error", "pattern"),
    [
        ({"sharing": "nope"}, ValueError, r"'hard'.*'independent'"),
        ({"sharing_params": {"bogus": 1}}, TypeError, "sharing_params"),
        ({"sharing": DynamicWeightAverageConfig()}, TypeError, "'sharing' parameter"),
        (
            {"sharing": MultiGateMixtureOfExpertsConfig(n_experts=0)},
            ValueError,
            "sharing: The 'n_experts' parameter",
        ),
        ({"loss_weighting": "nope"}, ValueError, "loss_weighting='nope'"),
        ({"loss_weighting_params": {"bogus": 1}}, TypeError, "loss_weighting_params"),
        (
            {"loss_weighting": DynamicWeightAverageConfig(temperature=-1)},
            ValueError,
            "loss_weighting: The 'temperature' parameter",
        ),
        ({"activation": "nope"}, ValueError, r"'relu'.*'tanh'"),
        ({"shared_layers": (0,)}, ValueError, "shared_layers"),
        ({"head_layers": (4, -1)}, ValueError, "head_layers"),
        ({"optimizer": "nope"}, InvalidParameterError, "optimizer"),
        ({"dropout": 1.5}, ValueError, "dropout"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"batch_size": 0}, ValueError, "batch_size"),
    ],
)
@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_bad_parameter_fails_at_fit_not_init(estimator_cls, params, error, pattern):
    model = estimator_cls(**{**FAST, **params})
    for name, value in params.items():
        assert model.get_params()[name] == value
    X, Y = _data(estimator_cls, n_samples=20)
    with pytest.raises(error, match=pattern):
        model.fit(X, Y)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_negative_sample_weight_is_rejected(estimator_cls):
    X, Y = _data(estimator_cls)
    weight = np.ones(len(X))
    weight[4] = -0.5
    with pytest.raises(ValueError, match=r"[Nn]egative"):
        estimator_cls(**FAST).fit(X, Y, sample_weight=weight)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_zero_weight_on_every_observed_label_names_the_task(estimator_cls):
    X, Y = _data(estimator_cls)
    targets = pd.DataFrame(Y, columns=["a", "b", "c"]).astype(float)
    targets.loc[10:, "c"] = np.nan
    weight = np.ones(len(X))
    weight[:10] = 0.0
    with pytest.raises(ValueError, match="positive sample weight") as error:
        estimator_cls(**FAST).fit(X, targets, sample_weight=weight)
    assert "'c'" in str(error.value)
    assert "'a'" not in str(error.value)


def test_zero_weight_for_a_whole_task_in_long_layout():
    X, y = _data(MultiTaskRegressor, layout="long")
    weight = np.where(X[:, 0] == 1, 0.0, 1.0)
    with pytest.raises(ValueError, match=re.escape("Tasks [1]")):
        MultiTaskRegressor(**FAST, task_column=0).fit(X, y, sample_weight=weight)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_early_stopping_with_too_few_rows(estimator_cls):
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    Y = np.array([[0, 1], [1, 0]])
    model = estimator_cls(**FAST, early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="validation_fraction"):
        model.fit(X, Y)
