"""The file runs no code, refuses what it cannot store, and checks versions."""

import json
import os

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge

import skmtl
from skmtl import (
    ChainEnsembleClassifier,
    MultiTaskRegressor,
    PerTaskRegressor,
    PooledClassifier,
    StackedTasksRegressor,
)
from tests.conftest import FAST

pytest.importorskip("safetensors", reason="skmtl.persistence needs safetensors")

from safetensors import safe_open
from safetensors.numpy import save_file

from skmtl.persistence import FORMAT_VERSION, load, save

TINY = {**FAST, "shared_layers": (8,), "max_epochs": 2}


@pytest.fixture
def saved(wide_regression, tmp_path):
    X, Y = wide_regression
    model = MultiTaskRegressor(**TINY).fit(X, Y)
    path = tmp_path / "model.safetensors"
    save(model, path)
    return model, path, X


def rewrite(path, edit):
    """Rewrite the JSON description of a saved file with ``edit(description)``."""
    with safe_open(path, framework="numpy") as file:
        description = json.loads(file.metadata()["skmtl"])
        arrays = {key: file.get_tensor(key) for key in file.keys()}
    edit(description)
    save_file(arrays, path, metadata={"skmtl": json.dumps(description)})


def test_file_records_versions_and_is_not_a_pickle(saved):
    _, path, _ = saved
    with safe_open(path, framework="numpy") as file:
        description = json.loads(file.metadata()["skmtl"])
    assert description["format_version"] == FORMAT_VERSION
    assert description["versions"]["skmtl"] == skmtl.__version__
    assert description["versions"]["torch"] == torch.__version__
    assert description["estimator"] == "MultiTaskRegressor"
    assert b"\x80\x04" not in path.read_bytes()[:8]  # no pickle protocol header


def test_newer_format_version_fails_clearly(saved):
    _, path, _ = saved
    rewrite(path, lambda d: d.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ValueError, match=r"format version 2.*reads format versions up"):
        load(path)


def test_other_skmtl_version_warns(saved):
    model, path, X = saved
    rewrite(path, lambda d: d["versions"].update(skmtl="0.0.1"))
    with pytest.warns(UserWarning, match="saved by skmtl 0.0.1"):
        loaded = load(path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_estimator_name_outside_the_allow_list_is_refused(saved):
    _, path, _ = saved
    rewrite(path, lambda d: d.update(estimator="os.system"))
    with pytest.raises(ValueError, match=r"'os\.system', which is not one"):
        load(path)


def test_weights_that_do_not_fit_the_network_fail_clearly(saved):
    _, path, _ = saved
    rewrite(path, lambda d: d["params"].update(shared_layers={"__tuple__": [9]}))
    with pytest.raises(ValueError, match="saved weights do not fit"):
        load(path)


def test_foreign_safetensors_file_is_refused(tmp_path):
    path = tmp_path / "other.safetensors"
    save_file({"w": np.zeros(3, dtype=np.float32)}, path)
    with pytest.raises(ValueError, match="not a skmtl model"):
        load(path)


def test_gpu_model_loads_on_a_cpu_only_machine(saved, monkeypatch):
    model, path, X = saved
    # As if fitted on a GPU: the saved device is CUDA, which is absent here.
    rewrite(path, lambda d: d["params"].update(device="cuda:0"))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(UserWarning, match="device='cuda:0', which is not available"):
        loaded = load(path)
    assert loaded.device == "cpu"
    assert all(p.device.type == "cpu" for p in loaded.net_.module_.parameters())
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_saved_tensors_are_cpu_copies(wide_regression, tmp_path, monkeypatch):
    X, Y = wide_regression
    model = MultiTaskRegressor(**TINY).fit(X, Y)
    moved = []
    original_to = torch.Tensor.to

    def recording_to(self, *args, **kwargs):
        moved.append(args)
        return original_to(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "to", recording_to)
    save(model, tmp_path / "model.safetensors")
    assert len(moved) == len(model.net_.module_.state_dict())
    assert all(args == ("cpu",) for args in moved)


def test_explicit_device_is_used_without_warning(saved, recwarn):
    _, path, _ = saved
    assert load(path, device="cpu").device == "cpu"
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def test_loading_leaves_torch_global_generator_alone(saved):
    _, path, _ = saved
    state = torch.random.get_rng_state()
    load(path)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_unfitted_and_unsupported_estimators_are_refused(wide_regression, tmp_path):
    X, Y = wide_regression
    with pytest.raises(NotFittedError):
        save(MultiTaskRegressor(), tmp_path / "m.safetensors")
    with pytest.raises(TypeError, match=r"skops\.io"):
        save(PerTaskRegressor(Ridge()).fit(X, np.nan_to_num(Y)), tmp_path / "m")


def test_non_plain_parameter_is_named(wide_regression, tmp_path):
    X, Y = wide_regression
    model = MultiTaskRegressor(**{**TINY, "random_state": np.random.RandomState(0)})
    model.fit(X, Y)
    with pytest.raises(
        TypeError, match="parameter 'random_state' of MultiTaskRegressor holds a numpy"
    ):
        save(model, tmp_path / "m.safetensors")


@pytest.mark.parametrize(
    "model",
    [
        PerTaskRegressor(Ridge()),
        StackedTasksRegressor(Ridge(), cv=2),
        PooledClassifier(LogisticRegression()),
        ChainEnsembleClassifier(LogisticRegression(), n_chains=2, random_state=0),
    ],
    ids=lambda m: type(m).__name__,
)
def test_ensembles_round_trip_with_skops(model, wide_classification):
    sio = pytest.importorskip("skops.io", reason="the ensembles persist with skops")
    from skmtl.persistence import skops_trusted_types

    X, Y = wide_classification
    if "Regressor" in type(model).__name__:
        Y = Y.astype(float)
    model.fit(X, Y)
    data = sio.dumps(model)
    assert set(sio.get_untrusted_types(data=data)) <= set(skops_trusted_types())
    loaded = sio.loads(data, trusted=skops_trusted_types())
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_skops_trusted_types_exclude_the_neural_estimators():
    from skmtl.persistence import skops_trusted_types

    names = skops_trusted_types()
    assert "skmtl.ensemble._per_task.PerTaskRegressor" in names
    assert not [name for name in names if "neural" in name]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_model_fitted_on_gpu_predicts_the_same_in_a_cpu_only_process(
    wide_regression, tmp_path
):
    import subprocess
    import sys

    X, Y = wide_regression
    model = MultiTaskRegressor(device="cuda", **TINY).fit(X, Y)
    save(model, tmp_path / "gpu.safetensors")
    np.save(tmp_path / "X.npy", X)
    code = (
        "import warnings, numpy as np, torch; "
        "from skmtl.persistence import load; "
        "assert not torch.cuda.is_available(); "
        "warnings.simplefilter('ignore'); "
        f"model = load({str(tmp_path / 'gpu.safetensors')!r}); "
        "assert model.device == 'cpu'; "
        f"np.save({str(tmp_path / 'cpu.npy')!r}, "
        f"model.predict(np.load({str(tmp_path / 'X.npy')!r})))"
    )
    environment = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run([sys.executable, "-c", code], check=True, env=environment)
    on_cpu = np.load(tmp_path / "cpu.npy")
    # CPU and GPU kernels round differently: close, not equal.
    np.testing.assert_allclose(on_cpu, model.predict(X), rtol=1e-5, atol=1e-5)
