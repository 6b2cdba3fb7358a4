"""quantize_dynamic and prune return working copies; the original is untouched."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.architectures import ARCHITECTURES
from skmtl.export import prune, quantize_dynamic
from tests.conftest import FAST

TINY = {**FAST, "shared_layers": (16,), "max_epochs": 5}


def weights(model):
    return {
        key: value.clone() for key, value in model.net_.module_.state_dict().items()
    }


def test_quantized_copy_predicts_close_and_original_is_untouched(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**TINY).fit(X, Y)
    before, prediction = weights(model), model.predict(X)
    quantized = quantize_dynamic(model)
    assert quantized is not model
    trunk = quantized.net_.module_.architecture.trunk[0]
    assert type(trunk).__module__.startswith("torch.ao.nn.quantized.dynamic")
    assert quantized.predict(X).shape == prediction.shape
    # int8 weights: close to, not equal to, the float predictions.
    np.testing.assert_allclose(quantized.predict(X), prediction, atol=0.1)
    assert not np.array_equal(quantized.predict(X), prediction)
    np.testing.assert_array_equal(model.predict(X), prediction)
    for key, value in weights(model).items():
        assert torch.equal(value, before[key])


def test_quantized_classifier_keeps_its_classes(wide_classification):
    X, Y = wide_classification
    model = MultiTaskClassifier(**TINY).fit(X, Y)
    quantized = quantize_dynamic(model)
    assert quantized.predict(X).shape == Y.shape
    assert (quantized.predict(X) == model.predict(X)).mean() > 0.9


@pytest.mark.parametrize("sharing", ["soft", "mmoe", "ple", "cross_stitch"])
def test_quantize_names_architectures_without_linear_layers(sharing, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(sharing=sharing, **TINY).fit(X, Y)
    with pytest.raises(ValueError, match=r"no torch\.nn\.Linear layer to quantize"):
        quantize_dynamic(model)


def test_quantize_refuses_a_network_off_the_cpu(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**TINY).fit(X, Y)
    model.net_.device = "cuda"
    with pytest.raises(ValueError, match="network on the CPU"):
        quantize_dynamic(model)


@pytest.mark.parametrize("sharing", list(ARCHITECTURES))
def test_prune_all_zeroes_the_fraction_of_every_weight(sharing, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(sharing=sharing, **TINY).fit(X, Y)
    before = weights(model)
    pruned = prune(model, 0.5, scope="all")
    for key, value in pruned.net_.module_.state_dict().items():
        assert not key.endswith(("_orig", "_mask"))  # made permanent
        if key.endswith("weight") and value.dim() >= 2:
            assert abs((value == 0).double().mean().item() - 0.5) < 0.05, key
            kept = value != 0
            # The largest magnitudes are the ones kept.
            assert before[key].abs()[kept].min() >= before[key].abs()[~kept].max()
    assert not pruned.net_.module_.architecture.heads.output._forward_pre_hooks
    assert np.isfinite(pruned.predict(X)).all()
    for key, value in weights(model).items():
        assert torch.equal(value, before[key])


def test_prune_shared_touches_only_the_shared_weights(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(sharing="mmoe", **TINY).fit(X, Y)
    pruned = prune(model, 0.3)
    state = pruned.net_.module_.state_dict()
    experts = state["architecture.experts.hidden.0.weight"]
    assert abs((experts == 0).double().mean().item() - 0.3) < 0.05
    assert (state["architecture.heads.output.weight"] != 0).all()
    assert (state["architecture.gates.weight"] != 0).all()


def test_prune_shared_on_unshared_architecture_is_an_error(wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(sharing="independent", **TINY).fit(X, Y)
    with pytest.raises(ValueError, match="shares no weight tensor"):
        prune(model, 0.3)


@pytest.mark.parametrize("amount", [-0.1, 1.0, "half", True])
def test_prune_amount_is_checked(amount, wide_regression):
    X, Y = wide_regression
    model = MultiTaskRegressor(**TINY).fit(X, Y)
    with pytest.raises(ValueError, match="amount must be"):
        prune(model, amount)
    with pytest.raises(ValueError, match="scope must be"):
        prune(model, 0.2, scope="heads")


def test_pruned_model_saves_and_loads(wide_regression, tmp_path):
    pytest.importorskip("safetensors", reason="skmtl.persistence needs safetensors")
    from skmtl.persistence import load, save

    X, Y = wide_regression
    pruned = prune(MultiTaskRegressor(**TINY).fit(X, Y), 0.5)
    save(pruned, tmp_path / "pruned.safetensors")
    loaded = load(tmp_path / "pruned.safetensors")
    np.testing.assert_array_equal(loaded.predict(X), pruned.predict(X))


def test_quantized_model_cannot_be_saved_and_says_why(wide_regression, tmp_path):
    pytest.importorskip("safetensors", reason="skmtl.persistence needs safetensors")
    from skmtl.persistence import save

    X, Y = wide_regression
    quantized = quantize_dynamic(MultiTaskRegressor(**TINY).fit(X, Y))
    with pytest.raises(TypeError, match="quantize after loading"):
        save(quantized, tmp_path / "q.safetensors")


def test_non_neural_estimators_are_refused(wide_regression):
    from skmtl import RegularizedMultiTaskRegressor

    X, Y = wide_regression
    model = RegularizedMultiTaskRegressor().fit(X, Y)
    with pytest.raises(TypeError, match="MultiTaskRegressor or MultiTaskClassifier"):
        prune(model, 0.5)
    with pytest.raises(TypeError, match="MultiTaskRegressor or MultiTaskClassifier"):
        quantize_dynamic(model)
