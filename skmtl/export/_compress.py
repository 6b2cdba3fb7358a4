"""Smaller networks for serving: dynamic int8 quantization and magnitude pruning.

Both return a fitted copy of the estimator with a transformed network; the
original is left untouched.
"""

import copy
import warnings
from numbers import Real

import torch
from torch import nn
from torch.nn.utils import prune as torch_prune

from skmtl.export._checks import check_fitted_neural

_SCOPES = ("shared", "all")
_DEPRECATION_NOTICES = (
    "torch.ao.quantization is deprecated",
    "torch.quantize_per_tensor, torch.quantize_per_channel",
)


def quantize_dynamic(model):
    """Return a copy of a fitted neural estimator with int8 ``Linear`` layers.

    Dynamic quantization stores the weights of every :class:`torch.nn.Linear`
    layer as int8 (one scale per layer) and quantizes the activations on the
    fly at predict time; the copy predicts on the CPU only.

    Parameters
    ----------
    model : MultiTaskRegressor or MultiTaskClassifier
        A fitted neural estimator on the CPU.

    Returns
    -------
    quantized : estimator
        A fitted copy whose network has quantized layers; ``model`` is
        unchanged.

    Raises
    ------
    ValueError
        If the network is not on the CPU, or has no ``torch.nn.Linear`` layer.
        Of the built-in architectures, only ``sharing="hard"`` has them (its
        trunk); the others (and every task head) keep all tasks' weights in
        stacked per-task tensors, which torch's dynamic quantization does not
        cover.

    Notes
    -----
    Uses :func:`torch.ao.quantization.quantize_dynamic` with ``dtype=qint8``.
    torch marks ``torch.ao.quantization`` as deprecated in favour of the
    separate ``torchao`` package; it is still present and working in torch
    2.13, and its deprecation warning is not passed on. The quantized copy
    cannot be saved with :func:`skmtl.persistence.save` or exported with
    :func:`to_onnx`: quantize after loading instead.
    """
    check_fitted_neural(model, "quantize_dynamic")
    if torch.device(model.net_.device).type != "cpu":
        raise ValueError(
            f"quantize_dynamic needs a network on the CPU, this one is on "
            f"{model.net_.device!r}: load it with "
            "skmtl.persistence.load(path, device='cpu') first."
        )
    architecture = model.net_.module_.architecture
    if not any(isinstance(m, nn.Linear) for m in architecture.modules()):
        raise ValueError(
            f"The {type(architecture).__name__} architecture has no torch.nn.Linear "
            "layer to quantize: its layers hold every task's weights in one "
            "stacked tensor, which dynamic quantization does not cover. Only "
            "sharing='hard' (its shared trunk) is quantized; prune() works on "
            "every architecture."
        )
    quantized = copy.deepcopy(model)
    with warnings.catch_warnings():
        # torch's deprecation notices for its own eager-mode quantization API.
        for message in _DEPRECATION_NOTICES:
            warnings.filterwarnings("ignore", message=message)
        quantized.net_.module_ = torch.ao.quantization.quantize_dynamic(
            quantized.net_.module_.eval(), {nn.Linear}, dtype=torch.qint8
        )
    return quantized


def prune(model, amount, *, scope="shared"):
    """Return a copy of a fitted neural estimator with its smallest weights zeroed.

    In each weight tensor in ``scope``, the fraction ``amount`` of the entries
    with the smallest absolute values is set to zero (L1 unstructured
    magnitude pruning, made permanent: the copy has plain tensors, no pruning
    masks or hooks). Biases are not pruned.

    Parameters
    ----------
    model : MultiTaskRegressor or MultiTaskClassifier
        A fitted neural estimator.
    amount : float in [0, 1)
        Fraction of each weight tensor's entries to zero.
    scope : {"shared", "all"}, default="shared"
        ``"shared"``: the weights of the layers the tasks share (the trunk of
        ``"hard"``, the shared experts of ``"mmoe"`` and ``"ple"``).
        ``"all"``: every weight tensor of the network, task heads included.

    Returns
    -------
    pruned : estimator
        A fitted copy with the pruned weights; ``model`` is unchanged. It can be
        saved (:func:`skmtl.persistence.save`) and exported (:func:`to_onnx`).

    Raises
    ------
    ValueError
        If ``amount`` or ``scope`` is invalid, or ``scope="shared"`` and the
        architecture shares no weight tensor (``"soft"``, ``"cross_stitch"``,
        ``"independent"``).

    Notes
    -----
    Uses :func:`torch.nn.utils.prune.l1_unstructured` then
    :func:`torch.nn.utils.prune.remove`. Zeroed weights make the model
    compress well (e.g. gzip) but do not by themselves shrink the dense tensors
    or speed up predict.
    """
    check_fitted_neural(model, "prune")
    if not isinstance(amount, Real) or isinstance(amount, bool) or not 0 <= amount < 1:
        raise ValueError(f"amount must be a float in [0, 1), got {amount!r}.")
    if scope not in _SCOPES:
        raise ValueError(f"scope must be one of {_SCOPES}, got {scope!r}.")
    pruned = copy.deepcopy(model)
    architecture = pruned.net_.module_.architecture
    targets = _weights(architecture, scope)
    if not targets:
        raise ValueError(
            f"The {type(architecture).__name__} architecture shares no weight "
            "tensor between tasks; use scope='all' to prune every weight."
        )
    for module, name in targets:
        torch_prune.l1_unstructured(module, name, amount=float(amount))
        torch_prune.remove(module, name)
    return pruned


def _weights(architecture, scope):
    """Return ``(module, "weight")`` pairs for the weight tensors in ``scope``."""
    shared = {id(p) for p in architecture.shared_parameters()}
    targets = []
    for module in architecture.modules():
        weight = module._parameters.get("weight")
        if weight is None or weight.dim() < 2:
            continue
        if scope == "all" or id(weight) in shared:
            targets.append((module, "weight"))
    return targets
