"""The device and precision parameters: clear errors, bf16 on CPU, predict chunks."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.neural import _inference
from skmtl.neural._device import check_device
from tests.conftest import FAST


@pytest.mark.parametrize(
    ("device", "message"),
    [
        ("meta", r"device='meta' holds no data"),
        ("not-a-device", r"device='not-a-device' is not a device torch knows"),
        ("cpu:x", r"device='cpu:x' is not a device torch knows"),
    ],
)
@pytest.mark.parametrize("estimator_cls", [MultiTaskRegressor, MultiTaskClassifier])
def test_unusable_device_is_a_value_error_naming_it(
    estimator_cls, device, message, wide_regression
):
    X, Y = wide_regression
    Y = np.nan_to_num(Y) > 0 if estimator_cls is MultiTaskClassifier else Y
    with pytest.raises(ValueError, match=message):
        estimator_cls(**FAST, device=device).fit(X, Y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_is_a_value_error(wide_regression):
    X, Y = wide_regression
    with pytest.raises(ValueError, match=r"device='cuda'.*no usable 'cuda' device"):
        MultiTaskRegressor(**FAST, device="cuda").fit(X, Y)
    with pytest.raises(ValueError, match=r"device='cuda:1'"):
        MultiTaskRegressor(**FAST, device=torch.device("cuda", 1)).fit(X, Y)


def test_cpu_device_is_accepted_as_string_or_device():
    assert check_device("cpu") == torch.device("cpu")
    assert check_device(torch.device("cpu")) == torch.device("cpu")


def test_tf32_needs_cuda(wide_regression):
    X, Y = wide_regression
    with pytest.raises(ValueError, match=r"precision='tf32'.*device='cpu'"):
        MultiTaskRegressor(**FAST, precision="tf32").fit(X, Y)


def test_unknown_precision_is_rejected(wide_regression):
    X, Y = wide_regression
    with pytest.raises(ValueError, match="precision"):
        MultiTaskRegressor(**FAST, precision="16").fit(X, Y)


@pytest.mark.parametrize("loss_weighting", ["equal", "uncertainty", "pcgrad"])
def test_bf16_on_cpu_trains_close_to_float32(loss_weighting, wide_regression):
    X, Y = wide_regression
    params = {**FAST, "max_epochs": 20, "loss_weighting": loss_weighting}
    full = MultiTaskRegressor(**params).fit(X, Y)
    half = MultiTaskRegressor(**params, precision="bf16").fit(X, Y)
    assert half.predict(X).dtype == np.float64
    # bfloat16 keeps 8 bits of mantissa: predictions differ by about 1e-2 of
    # their scale, and the fit is as good.
    scale = np.abs(full.predict(X)).max()
    np.testing.assert_allclose(half.predict(X), full.predict(X), atol=0.05 * scale)
    assert abs(half.score(X, Y) - full.score(X, Y)) < 0.05


def test_bf16_classifier_probabilities_stay_normalised(wide_classification):
    X, Y = wide_classification
    model = MultiTaskClassifier(**FAST, precision="bf16").fit(X, Y)
    for proba in model.predict_proba(X):
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_predict_in_chunks_equals_one_pass(monkeypatch, long_regression):
    X, y = long_regression
    model = MultiTaskRegressor(**FAST, task_column=0).fit(X, y)
    whole = model.predict(X)
    monkeypatch.setattr(_inference, "_PREDICT_CHUNK", 7)
    np.testing.assert_allclose(model.predict(X), whole, rtol=1e-5, atol=1e-7)
