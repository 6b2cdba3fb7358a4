"""MultiTaskMixedEstimator in scikit-learn's tools: pipelines, searches, pickles.

Also the properties that scikit-learn's common checks cannot test on it
(their predict_proba is one array; see tests/test_common.py): idempotent fits,
pickling and sample-order invariance of predict and of each task's
probabilities, and sparse input.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskMixedEstimator
from skmtl.architectures import ARCHITECTURES
from tests.conftest import FAST

TYPES = {"visits": "poisson"}


def _outputs(model, X):
    """Return predict and every task's probabilities, as float arrays to compare."""
    prediction = model.predict(X)
    values = [prediction["amount"].to_numpy(), prediction["visits"].to_numpy()]
    labels = prediction[["churn", "grade"]].astype(str).to_numpy()
    return values + list(model.predict_proba(X).values()), labels


def test_refit_pickle_and_row_order_give_the_same_outputs(wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES).fit(X, Y)
    arrays, labels = _outputs(model, X)
    refit_arrays, refit_labels = _outputs(clone(model).fit(X, Y), X)
    restored_arrays, restored_labels = _outputs(pickle.loads(pickle.dumps(model)), X)
    order = np.random.default_rng(0).permutation(len(X))
    permuted_arrays, permuted_labels = _outputs(model, X[order])
    for array, refit, restored, permuted in zip(
        arrays, refit_arrays, restored_arrays, permuted_arrays
    ):
        np.testing.assert_allclose(refit, array, rtol=1e-6)
        np.testing.assert_array_equal(restored, array)
        np.testing.assert_allclose(permuted, array[order], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(refit_labels, labels)
    np.testing.assert_array_equal(restored_labels, labels)
    np.testing.assert_array_equal(permuted_labels, labels[order])


def test_sparse_X_gives_the_dense_results(wide_mixed):
    X, Y = wide_mixed
    # Columns whose largest absolute value is 1: a sparse fit scales nothing.
    X = X / np.abs(X).max(axis=0)
    dense = MultiTaskMixedEstimator(**FAST, task_types=TYPES).fit(X, Y)
    sparse = MultiTaskMixedEstimator(**FAST, task_types=TYPES)
    sparse.fit(sp.csr_matrix(X), Y)
    arrays, labels = _outputs(dense, X)
    sparse_arrays, sparse_labels = _outputs(sparse, sp.csr_matrix(X))
    for array, other in zip(arrays, sparse_arrays):
        np.testing.assert_allclose(other, array, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(sparse_labels, labels)


def _churn_accuracy(estimator, X, y):
    """A scorer of one task (a pipeline's too): accuracy on its observed labels."""
    truth = y["churn"].to_numpy()
    observed = pd.notna(truth)
    predicted = estimator.predict(X)["churn"].to_numpy()
    return accuracy_score(truth[observed], predicted[observed])


def test_pipeline_grid_search_and_cross_validation(wide_mixed):
    X, Y = wide_mixed
    X = X * 100.0
    pipeline = make_pipeline(
        StandardScaler(),
        MultiTaskMixedEstimator(**{**FAST, "max_epochs": 20}, task_types=TYPES),
    )
    search = GridSearchCV(
        pipeline,
        {"multitaskmixedestimator__sharing": ["hard", "independent"]},
        cv=KFold(2),
        scoring={"mean": None, "churn": _churn_accuracy},
        refit="churn",
    )
    search.fit(X, Y)
    assert search.best_params_["multitaskmixedestimator__sharing"] in (
        "hard",
        "independent",
    )
    assert np.isfinite(search.cv_results_["mean_test_mean"]).all()
    assert isinstance(search.predict(X), pd.DataFrame)
    scores = cross_val_score(pipeline, X, Y, cv=KFold(3), scoring=_churn_accuracy)
    assert scores.shape == (3,) and (scores > 0.5).all()
    mean_scores = cross_val_score(pipeline, X, Y, cv=KFold(3))
    assert np.isfinite(mean_scores).all()


def test_set_output_on_the_shared_representation(wide_mixed):
    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES).fit(X, Y)
    frame = model.set_output(transform="pandas").transform(X)
    assert list(frame.columns) == list(model.get_feature_names_out())
    assert frame.shape == (len(X), FAST["shared_layers"][-1])


@pytest.mark.parametrize("weighting", ["equal", "uncertainty"])
@pytest.mark.parametrize("sharing", ARCHITECTURES.names())
def test_every_architecture_in_the_long_layout(sharing, weighting, long_mixed):
    X, y = long_mixed
    model = MultiTaskMixedEstimator(
        **FAST, sharing=sharing, loss_weighting=weighting, task_column=0
    )
    model.set_params(task_types=TYPES).fit(X, y)
    numbers = model.predict(X)[np.isin(X[:, 0], ["amount", "visits"])]
    assert np.isfinite(numbers.astype(float)).all()
    assert np.isfinite(model.task_weights_).all()


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_safe_save_and_load(layout, wide_mixed, long_mixed, tmp_path):
    pytest.importorskip("safetensors", reason="skmtl.persistence needs safetensors")
    from skmtl.persistence import load, save

    X, Y = wide_mixed if layout == "wide" else long_mixed
    column = None if layout == "wide" else 0
    model = MultiTaskMixedEstimator(
        **FAST, task_types=TYPES, task_column=column, loss_weighting="uncertainty"
    ).fit(X, Y)
    save(model, tmp_path / "model.skmtl")
    loaded = load(tmp_path / "model.skmtl")
    assert loaded.task_types_ == model.task_types_
    if layout == "wide":
        pd.testing.assert_frame_equal(loaded.predict(X), model.predict(X))
    else:
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    for name, proba in model.predict_proba(X).items():
        np.testing.assert_array_equal(loaded.predict_proba(X)[name], proba)


def test_onnx_export_is_a_clear_error_and_quantization_works(wide_mixed, tmp_path):
    from skmtl.export import quantize_dynamic, to_onnx

    X, Y = wide_mixed
    model = MultiTaskMixedEstimator(**FAST, task_types=TYPES).fit(X, Y)
    with pytest.raises(TypeError, match="MultiTaskMixedEstimator are not exported"):
        to_onnx(model, tmp_path / "model.onnx")
    quantized = quantize_dynamic(model)
    np.testing.assert_allclose(
        quantized.predict(X)["amount"], model.predict(X)["amount"], rtol=0.1
    )


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_ensemble_of_members(layout, wide_mixed, long_mixed):
    X, Y = wide_mixed if layout == "wide" else long_mixed
    column = None if layout == "wide" else 0
    model = MultiTaskMixedEstimator(
        **FAST, task_types=TYPES, task_column=column, ensemble_size=2
    ).fit(X, Y)
    prediction = np.asarray(model.predict(X), dtype=object)
    assert len(prediction) == len(X)
    for proba in model.predict_proba(X).values():
        rows = ~np.isnan(proba).any(axis=1)
        np.testing.assert_allclose(proba[rows].sum(axis=1), 1.0)
    if layout == "wide":
        assert (model.predict(X)["visits"] > 0).all()
