"""set_output and get_feature_names_out: the estimators in transforming pipelines."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import (
    ChainEnsembleRegressor,
    MultiTaskClassifier,
    MultiTaskRegressor,
    PerTaskClassifier,
    PerTaskRegressor,
    PooledRegressor,
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
    StackedTasksRegressor,
)
from tests.conftest import FAST


def frame(X, prefix="x"):
    """Return ``X`` as a DataFrame with string column names and a custom index."""
    columns = [f"{prefix}{i}" for i in range(X.shape[1])]
    return pd.DataFrame(X, columns=columns, index=np.arange(len(X)) + 1000)


@pytest.mark.parametrize(
    "estimator, data",
    [
        (MultiTaskRegressor, "wide_regression"),
        (MultiTaskClassifier, "wide_classification"),
    ],
)
def test_feature_names_out_name_the_shared_units(estimator, data, request):
    X, Y = request.getfixturevalue(data)
    model = estimator(**FAST)
    with pytest.raises(NotFittedError):
        model.get_feature_names_out()
    model.fit(X, Y)
    prefix = estimator.__name__.lower()
    names = model.get_feature_names_out()
    assert list(names) == [f"{prefix}{i}" for i in range(16)]
    assert names.dtype == object
    assert len(names) == model.transform(X).shape[1]


def test_feature_names_out_follow_the_architecture_width(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**FAST, "sharing": "independent"}).fit(X, Y)
    # Independent towers: each task's features side by side.
    assert len(model.get_feature_names_out()) == 16 * Y.shape[1]
    assert model.transform(X).shape[1] == 16 * Y.shape[1]


def test_set_output_pandas_on_the_estimator(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**FAST).set_output(transform="pandas")
    Z = model.fit(frame(X), Y).transform(frame(X))
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == list(model.get_feature_names_out())
    assert list(Z.index) == list(frame(X).index)
    Z_fit = model.fit_transform(frame(X), Y)
    pd.testing.assert_frame_equal(Z_fit, Z)
    np.testing.assert_allclose(
        Z.to_numpy(), model.set_output(transform="default").transform(frame(X))
    )


def test_pipeline_ending_in_the_estimator_takes_set_output(wide_classification):
    X, Y = wide_classification
    pipeline = make_pipeline(StandardScaler(), MultiTaskClassifier(**FAST))
    pipeline.set_output(transform="pandas")
    pipeline.fit(frame(X), Y)
    assert pipeline.predict(frame(X)).shape == Y.shape
    Z = pipeline.transform(frame(X))
    assert isinstance(Z, pd.DataFrame)
    assert Z.columns[0] == "multitaskclassifier0"


def test_estimator_in_the_middle_of_a_pipeline_feeding_ridge(wide_regression):
    X, Y = wide_regression
    Y = np.nan_to_num(Y)
    pipeline = make_pipeline(StandardScaler(), MultiTaskRegressor(**FAST), Ridge())
    pipeline.fit(X, Y)
    default = pipeline.predict(X)
    assert default.shape == Y.shape
    pipeline.set_output(transform="pandas").fit(frame(X), Y)
    Z = pipeline[:-1].transform(frame(X))
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == [f"multitaskregressor{i}" for i in range(16)]
    assert list(pipeline[-1].feature_names_in_) == list(Z.columns)
    np.testing.assert_allclose(pipeline.predict(frame(X)), default, rtol=1e-4)
    assert list(pipeline[:-1].get_feature_names_out()) == list(Z.columns)


def test_long_layout_feature_names_out_check_the_input_names(long_regression):
    X, y = long_regression
    X = frame(X)
    model = MultiTaskRegressor(**FAST, task_column="x0").fit(X, y)
    names = list(X.columns)
    assert len(model.get_feature_names_out(names)) == 16
    with pytest.raises(ValueError, match="input_features"):
        model.get_feature_names_out(["a", "b"])


@pytest.mark.parametrize(
    "estimator",
    [
        RegularizedMultiTaskRegressor(),
        PerTaskRegressor(Ridge()),
        PooledRegressor(Ridge()),
        StackedTasksRegressor(Ridge(), cv=2),
        ChainEnsembleRegressor(Ridge(), n_chains=2, cv=2, random_state=0),
    ],
    ids=lambda estimator: type(estimator).__name__,
)
def test_set_output_on_pipelines_ending_in_linear_models_and_ensembles(
    estimator, wide_regression
):
    # These predict but do not transform: scikit-learn's set_output skips them.
    X, Y = wide_regression
    assert not hasattr(estimator, "transform")
    pipeline = make_pipeline(StandardScaler(), estimator).set_output(transform="pandas")
    pipeline.fit(frame(X), Y)
    assert pipeline.predict(frame(X)).shape == Y.shape
    assert isinstance(pipeline[:-1].transform(frame(X)), pd.DataFrame)


@pytest.mark.parametrize(
    "estimator",
    [RegularizedMultiTaskClassifier(), PerTaskClassifier(LogisticRegression())],
    ids=lambda estimator: type(estimator).__name__,
)
def test_set_output_on_pipelines_ending_in_classifiers(estimator, wide_classification):
    X, Y = wide_classification
    Y = Y[:, [0, 2]]  # the binary tasks: the linear classifier takes only those
    pipeline = make_pipeline(StandardScaler(), estimator).set_output(transform="pandas")
    assert pipeline.fit(frame(X), Y).predict(frame(X)).shape == Y.shape
