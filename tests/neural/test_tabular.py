"""The tabular backbone: ensembles, numerical embeddings, categorical columns."""

import pickle
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.datasets import make_multitask_classification
from tests.conftest import FAST

pytest.importorskip("tabm")
pytest.importorskip("rtdl_num_embeddings")

NEW_PARAMS = [
    {"ensemble_size": 3},
    {"num_embeddings": "piecewise"},
    {"num_embeddings": "periodic"},
    {"ensemble_size": 2, "num_embeddings": "piecewise", "embedding_dim": 4},
]


def with_category(X, seed=0, name="colour"):
    """Return ``X`` as a DataFrame with a categorical column (some values NaN)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    values = rng.choice(["red", "green", "blue", None], len(frame))
    frame[name] = pd.Series(values, dtype="category")
    return frame


@pytest.mark.parametrize("params", NEW_PARAMS)
def test_wide_regression_with_missing_labels(params, wide_regression):
    X, Y = wide_regression
    assert np.isnan(Y).any()
    model = MultiTaskRegressor(**{**FAST, "max_epochs": 30, "lr": 0.01}, **params)
    model.fit(X, Y)
    assert model.predict(X).shape == Y.shape
    assert model.score(X, Y) > 0.3
    assert np.isfinite(model.transform(X)).all()


@pytest.mark.parametrize("params", NEW_PARAMS)
def test_long_classification(params):
    X, y = make_multitask_classification(
        n_samples=150, n_features=5, n_tasks=3, layout="long", random_state=0
    )
    model = MultiTaskClassifier(**FAST, task_column=0, **params).fit(X, y)
    assert model.predict(X).shape == y.shape
    for t, proba in enumerate(model.predict_proba(X)):
        own = X[:, 0] == t
        np.testing.assert_allclose(proba[own].sum(1), 1.0, rtol=1e-5)
    assert model.score(X, y) > 0.5


def test_long_layout_with_string_task_column_and_a_category(long_regression):
    X, y = long_regression
    frame = with_category(X[:, 1:])
    frame.insert(0, "school", [f"s{int(t)}" for t in X[:, 0]])
    model = MultiTaskRegressor(**FAST, task_column="school", num_embeddings="piecewise")
    model.fit(frame, y)
    assert model.categorical_features_ == ["colour"]
    assert model.predict(frame).shape == y.shape
    with pytest.raises(ValueError, match="names the task column 'school'"):
        MultiTaskRegressor(
            **FAST, task_column="school", categorical_features=["school"]
        ).fit(frame, y)


def test_categorical_column_in_pipeline_and_grid_search(wide_classification):
    X, Y = wide_classification
    frame = with_category(X)
    scale = StandardScaler().set_output(transform="pandas")
    numeric = [c for c in frame.columns if c != "colour"]
    from sklearn.compose import ColumnTransformer

    columns = ColumnTransformer(
        [("num", scale, numeric)],
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    pipeline = make_pipeline(columns, MultiTaskClassifier(**FAST))
    grid = GridSearchCV(
        pipeline,
        {
            "multitaskclassifier__ensemble_size": [None, 2],
            "multitaskclassifier__num_embeddings": [None, "piecewise"],
        },
        cv=2,
    ).fit(frame, Y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_estimator_[-1].categorical_features_ == ["colour"]
    assert len(grid.predict_proba(frame)) == Y.shape[1]


def test_unknown_and_unseen_missing_categories_map_to_the_reserved_vector(
    wide_regression,
):
    X, Y = wide_regression
    frame = with_category(X)
    frame["colour"] = frame["colour"].cat.add_categories(["?"]).fillna("red")
    model = MultiTaskRegressor(**FAST).fit(frame, Y)
    module = model.net_.module_.architecture.inputs
    assert module.categories.num_embeddings == 3 + 1  # red, green, blue + reserved
    unknown, missing = frame.copy(), frame.copy()
    unknown["colour"] = pd.Series(["purple"] * len(frame), dtype="category")
    missing["colour"] = pd.Series([None] * len(frame), dtype="category")
    predicted = model.predict(unknown)
    assert np.isfinite(predicted).all()
    np.testing.assert_array_equal(predicted, model.predict(missing))
    assert not np.allclose(predicted, model.predict(frame))


def test_missing_category_seen_in_training_has_its_own_vector(wide_regression):
    X, Y = wide_regression
    frame = with_category(X)
    assert frame["colour"].isna().any()
    model = MultiTaskRegressor(**FAST).fit(frame, Y)
    inputs = model.net_.module_.architecture.inputs
    assert inputs.categories.num_embeddings == 4 + 1  # 3 colours, NaN, reserved
    unknown = frame.assign(colour=pd.Series(["purple"] * len(frame), dtype="category"))
    missing = frame.assign(colour=pd.Series([None] * len(frame), dtype="category"))
    assert not np.allclose(model.predict(unknown), model.predict(missing))


def test_categorical_features_by_position_in_an_object_array(wide_regression):
    X, Y = wide_regression
    objects = X.astype(object)
    objects[:, 2] = np.where(X[:, 2] > 0, "high", "low")
    model = MultiTaskRegressor(**FAST, categorical_features=[2]).fit(objects, Y)
    assert model.categorical_features_ == [2]
    assert model.predict(objects).shape == Y.shape
    with pytest.raises(ValueError, match="out of range"):
        MultiTaskRegressor(**FAST, categorical_features=[9]).fit(objects, Y)
    with pytest.raises(ValueError, match="non-numeric"):
        MultiTaskRegressor(**FAST, categorical_features=None).fit(with_category(X), Y)


def test_ensemble_on_sparse_input_matches_the_dense_fit(wide_regression):
    X, Y = wide_regression
    dense = np.where(np.random.default_rng(0).random(X.shape) < 0.3, X, 0.0)
    # Columns whose largest absolute value is 1: a sparse fit scales nothing.
    dense /= np.abs(dense).max(axis=0)
    params = {**FAST, "ensemble_size": 3}
    sparse_model = MultiTaskRegressor(**params).fit(sp.csr_matrix(dense), Y)
    dense_model = MultiTaskRegressor(**params).fit(dense, Y)
    np.testing.assert_allclose(
        sparse_model.predict(sp.csr_matrix(dense)),
        dense_model.predict(dense),
        rtol=1e-4,
        atol=1e-6,
    )
    with pytest.raises(ValueError, match="num_embeddings='piecewise' needs a dense"):
        MultiTaskRegressor(**FAST, num_embeddings="piecewise").fit(
            sp.csr_matrix(dense), Y
        )


@pytest.mark.parametrize("sharing", ["soft", "mmoe", "independent"])
def test_ensemble_with_another_architecture_is_an_error(sharing, wide_regression):
    X, Y = wide_regression
    with pytest.raises(
        ValueError, match=f"sharing='hard' only, got sharing='{sharing}'"
    ):
        MultiTaskRegressor(**FAST, sharing=sharing, ensemble_size=2).fit(X, Y)


@pytest.mark.parametrize("sharing", ["soft", "mmoe", "independent", "ple"])
def test_embeddings_work_with_every_architecture(sharing, wide_classification):
    X, Y = wide_classification
    model = MultiTaskClassifier(**FAST, sharing=sharing, num_embeddings="periodic")
    model.fit(with_category(X), Y)
    assert len(model.predict_proba(with_category(X))) == Y.shape[1]


def test_ensemble_loss_is_the_mean_of_the_members_losses():
    from skmtl.neural._criterion import MaskedCrossEntropy, MaskedSquaredError

    members = torch.randn(5, 3, 2, 4)  # batch, members, tasks, classes
    y = torch.randint(0, 4, (5, 2))
    criterion = MaskedCrossEntropy(n_tasks=2)
    expected = torch.stack([criterion(members[:, m], y)[0] for m in range(3)]).mean(0)
    torch.testing.assert_close(criterion(members, y)[0], expected)
    loss, per_task = criterion.mean_over_labels(members, y)
    torch.testing.assert_close(per_task, expected)
    torch.testing.assert_close(loss, expected.mean())
    values, targets = torch.randn(5, 3, 1), torch.randn(5)  # long layout
    squared = MaskedSquaredError(n_tasks=2)
    task = torch.tensor([0, 1, 1, 0, 1])
    expected = torch.stack(
        [squared(values[:, m], targets, task=task)[0] for m in range(3)]
    ).mean(0)
    torch.testing.assert_close(squared(values, targets, task=task)[0], expected)


def test_ensemble_predicts_the_members_mean_probability(wide_classification):
    X, Y = wide_classification
    model = MultiTaskClassifier(**FAST, ensemble_size=4).fit(X, Y)
    module = model.net_.module_
    module.train()  # every member's logits (no dropout in FAST)
    with torch.no_grad():
        logits = module(torch.as_tensor(X, dtype=torch.float32))
    module.eval()
    assert logits.shape[1] == 4
    mean = torch.softmax(logits, dim=-1).mean(1).numpy()
    for t, proba in enumerate(model.predict_proba(X)):
        np.testing.assert_allclose(proba, mean[:, t, : proba.shape[1]], rtol=1e-5)


def test_pickle_and_reproducibility(wide_regression):
    X, Y = wide_regression
    frame = with_category(X)
    params = {**FAST, "ensemble_size": 2, "num_embeddings": "piecewise"}
    first = MultiTaskRegressor(**params).fit(frame, Y)
    second = MultiTaskRegressor(**params).fit(frame, Y)
    np.testing.assert_array_equal(first.predict(frame), second.predict(frame))
    restored = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(restored.predict(frame), first.predict(frame))
    other = MultiTaskRegressor(**{**params, "random_state": 1}).fit(frame, Y)
    assert not np.allclose(other.predict(frame), first.predict(frame))


def test_missing_package_names_the_extra(monkeypatch, wide_regression):
    X, Y = wide_regression
    monkeypatch.setitem(sys.modules, "tabm", None)
    with pytest.raises(ImportError, match=r"skmtl\[tabular\]"):
        MultiTaskRegressor(**FAST, ensemble_size=2).fit(X, Y)


def test_safe_format_round_trip_of_an_ensemble_with_embeddings(
    tmp_path, wide_regression
):
    pytest.importorskip("safetensors")
    from skmtl.persistence import load, save

    X, Y = wide_regression
    model = MultiTaskRegressor(**FAST, ensemble_size=2, num_embeddings="piecewise")
    model.fit(X, Y)
    save(model, tmp_path / "model.skmtl")
    np.testing.assert_array_equal(
        load(tmp_path / "model.skmtl").predict(X), model.predict(X)
    )
