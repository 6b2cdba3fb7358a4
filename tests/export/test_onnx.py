"""The ONNX graph computes what predict and predict_proba return."""

import json

import numpy as np
import pytest

from skmtl import MultiTaskClassifier, MultiTaskRegressor, PerTaskRegressor
from skmtl.architectures import ARCHITECTURES
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from tests.conftest import FAST

pytest.importorskip("onnx", reason="ONNX export needs the onnx package")
pytest.importorskip("onnxscript", reason="torch's ONNX exporter needs onnxscript")
ort = pytest.importorskip("onnxruntime", reason="the graphs are run by onnxruntime")

from skmtl.export import to_onnx  # noqa: E402

TINY = {**FAST, "shared_layers": (8,), "max_epochs": 2}


def run_onnx(path, X):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outputs = session.run(None, {"X": np.asarray(X, dtype=np.float32)})
    metadata = {
        key: json.loads(value)
        for key, value in session.get_modelmeta().custom_metadata_map.items()
    }
    return outputs, metadata


@pytest.mark.parametrize("sharing", list(ARCHITECTURES))
def test_classifier_probabilities_every_architecture(sharing, tmp_path):
    X, Y = make_multitask_classification(
        n_samples=60, n_features=5, n_tasks=3, n_classes=[2, 3, 4], random_state=0
    )
    model = MultiTaskClassifier(sharing=sharing, **TINY).fit(X, Y)
    path = tmp_path / "model.onnx"
    names = to_onnx(model, path)
    # Another batch size than the export's example: the batch axis is dynamic.
    outputs, metadata = run_onnx(path, X[:7])
    assert names == ["task_0", "task_1", "task_2"]
    for got, expected in zip(outputs, model.predict_proba(X[:7]), strict=True):
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert metadata["skmtl_classes"] == [[0, 1], [0, 1, 2], [0, 1, 2, 3]]
    assert metadata["skmtl_estimator"] == "MultiTaskClassifier"


@pytest.mark.parametrize("sharing", ["hard", "mmoe"])
def test_regressor_values_in_original_units(sharing, tmp_path):
    X, Y = make_multitask_regression(n_samples=60, n_tasks=3, random_state=0)
    Y = Y * [1.0, 10.0, 0.1] + [0.0, 5.0, -2.0]
    model = MultiTaskRegressor(sharing=sharing, **TINY).fit(X, Y)
    path = tmp_path / "model.onnx"
    to_onnx(model, path)
    outputs, _ = run_onnx(path, X[:1])
    np.testing.assert_allclose(
        np.column_stack(outputs), model.predict(X[:1]), rtol=1e-5, atol=1e-5
    )


def test_long_layout_exports_the_wide_network(long_regression, tmp_path):
    X, y = long_regression
    model = MultiTaskRegressor(task_column=0, **TINY).fit(X, y)
    path = tmp_path / "model.onnx"
    to_onnx(model, path)
    outputs, metadata = run_onnx(path, X[:, 1:])
    assert metadata["skmtl_task_column"] == 0
    assert metadata["skmtl_task_names"] == model.task_names_
    every_task = np.column_stack(outputs)
    own = every_task[np.arange(len(X)), X[:, 0].astype(int)]
    np.testing.assert_allclose(own, model.predict(X), rtol=1e-5, atol=1e-5)


def test_outputs_and_metadata_carry_task_and_feature_names(tmp_path):
    pd = pytest.importorskip("pandas")
    X, Y = make_multitask_regression(
        n_samples=60, n_features=3, n_tasks=2, random_state=0
    )
    X = pd.DataFrame(X, columns=["age", "income", "score"])
    Y = pd.DataFrame(Y, columns=["spend", "visits"])
    model = MultiTaskRegressor(**TINY).fit(X, Y)
    path = tmp_path / "model.onnx"
    assert to_onnx(model, path) == ["spend", "visits"]
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == ["spend", "visits"]
    _, metadata = run_onnx(path, X)
    assert metadata["skmtl_feature_names"] == ["age", "income", "score"]


def test_only_neural_estimators_are_exported(wide_regression, tmp_path):
    from sklearn.linear_model import Ridge

    X, Y = wide_regression
    with pytest.raises(TypeError, match="skl2onnx"):
        to_onnx(PerTaskRegressor(Ridge()).fit(X, np.nan_to_num(Y)), tmp_path / "m")


def test_export_failure_names_the_architecture(wide_regression, tmp_path):
    from skmtl.export import quantize_dynamic

    X, Y = wide_regression
    quantized = quantize_dynamic(MultiTaskRegressor(**TINY).fit(X, Y))
    with pytest.raises(RuntimeError, match="could not export the HardSharing"):
        to_onnx(quantized, tmp_path / "model.onnx")


@pytest.mark.parametrize("estimator", [MultiTaskClassifier, MultiTaskRegressor])
def test_ensemble_with_embeddings_exports_the_combined_prediction(estimator, tmp_path):
    pytest.importorskip("tabm")
    X, Y = make_multitask_classification(
        n_samples=60, n_features=5, n_tasks=2, n_classes=[2, 3], random_state=0
    )
    model = estimator(**TINY, ensemble_size=3, num_embeddings="piecewise")
    model.fit(X, Y.astype(float))
    path = tmp_path / "model.onnx"
    to_onnx(model, path)
    outputs, _ = run_onnx(path, X[:7])
    if estimator is MultiTaskRegressor:
        outputs, expected = [np.column_stack(outputs)], [model.predict(X[:7])]
    else:
        expected = model.predict_proba(X[:7])
    for got, want in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
