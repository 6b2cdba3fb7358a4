"""One skmtl estimator <-> a JSON description plus named numeric arrays.

The description holds the class name (one of a fixed list), the parameters and
the other fitted attributes; numeric arrays and, for the neural estimators, the
network's tensors (CPU copies) go into ``arrays``. Building an estimator back
reads only these: no class is looked up outside the list, no code is run.
"""

import warnings

import numpy as np

import skmtl
from skmtl.persistence._encoding import decode, encode
from skmtl.utils._docstrings import fill_doc

NEURAL = frozenset(
    {"MultiTaskRegressor", "MultiTaskClassifier", "MultiTaskMixedEstimator"}
)
LINEAR = frozenset({"RegularizedMultiTaskRegressor", "RegularizedMultiTaskClassifier"})
_MODULE = "module."


def build_parameters(describe):
    """Return the Parameters section, up to ``device``, of a ``build_*`` function.

    Parameters
    ----------
    describe : str
        The name of the function that wrote the description.

    Returns
    -------
    section : str
        For :func:`skmtl.utils._docstrings.fill_doc`.
    """
    return f"""\
Parameters
----------
description : dict
    As returned by :func:`{describe}`, after a JSON round trip.
arrays : mapping of str -> ndarray
    The arrays read from the file."""


def is_native(model):
    """Return whether ``model`` is an estimator that this format describes itself."""
    name = type(model).__name__
    return name in NEURAL | LINEAR and getattr(skmtl, name) is type(model)


def describe_estimator(model, arrays, prefix=""):
    """Return the JSON description of a fitted skmtl estimator.

    Parameters
    ----------
    model : estimator
        A fitted estimator for which :func:`is_native` is true.
    arrays : dict of str -> ndarray
        Receives the numeric arrays and network tensors.
    prefix : str, default=""
        Prepended to the network tensors' names (one per pipeline step).

    Returns
    -------
    description : dict
        JSON-ready.
    """
    from skmtl.utils._sklearn_compat import check_is_fitted

    check_is_fitted(model)
    name = type(model).__name__
    params = model.get_params(deep=False)
    description = {
        "estimator": name,
        "params": {
            key: encode(value, arrays, f"parameter {key!r} of {name}")
            for key, value in params.items()
        },
        "attributes": {
            key: encode(value, arrays, f"attribute {key!r} of {name}")
            for key, value in vars(model).items()
            if key not in params and key != "net_"
        },
    }
    if name in NEURAL:
        module = model.net_.module_
        description["network"] = {
            "n_features": int(module.architecture.n_features),
            "device": str(model.net_.device),
            "tensors": prefix + _MODULE,
        }
        for key, tensor in module.state_dict().items():
            arrays[prefix + _MODULE + key] = _cpu_array(key, tensor)
    return description


@fill_doc(parameters=build_parameters("describe_estimator"))
def build_estimator(description, arrays, device):
    """Return the fitted estimator that :func:`describe_estimator` described.

    %(parameters)s
    device : str, torch.device or None
        Neural estimators: the device to load the network on (None: the saved
        one when available here, else the CPU with a warning).

    Returns
    -------
    model : estimator
    """
    name = description.get("estimator")
    if name not in NEURAL | LINEAR:
        raise ValueError(
            f"The file describes an estimator {name!r}, which is not one that "
            f"skmtl saves ({sorted(NEURAL | LINEAR)})."
        )
    params = _decode_fields(description["params"], arrays)
    if name in NEURAL:
        params["device"] = _load_device(params["device"], device)
    model = getattr(skmtl, name)(**params)
    for key, value in _decode_fields(description["attributes"], arrays).items():
        setattr(model, key, value)
    if name in NEURAL:
        network = description["network"]
        prefix = network["tensors"]
        state = {
            key[len(prefix) :]: value
            for key, value in arrays.items()
            if key.startswith(prefix)
        }
        _restore_network(model, network["n_features"], state)
    return model


def _decode_fields(fields, arrays):
    """Return ``{name: decoded value}`` for a JSON object of encoded values."""
    return {key: decode(value, arrays) for key, value in fields.items()}


def _cpu_array(key, tensor):
    """Return a CPU numpy copy of a network tensor; refuse quantized layers."""
    import torch

    if not torch.is_tensor(tensor) or tensor.is_quantized:
        raise TypeError(
            f"The network holds a quantized layer ({key!r}), which the safe format "
            "does not store: save the float model and quantize after loading "
            "(skmtl.export.quantize_dynamic)."
        )
    return tensor.detach().to("cpu").numpy()


def _load_device(saved, requested):
    """Return the device for the loaded network: requested, saved, or the CPU."""
    import torch

    if requested is not None:
        return requested
    if _device_available(torch.device(saved)):
        return saved
    warnings.warn(
        f"The model was saved with device={saved!r}, which is not available here; "
        "it is loaded on the CPU (device='cpu'). Pass device= to choose.",
        UserWarning,
        stacklevel=4,
    )
    return "cpu"


def _device_available(device):
    import torch

    if device.type == "cpu":
        return True
    accelerator = getattr(torch, device.type, None)
    return bool(accelerator is not None and accelerator.is_available())


def _restore_network(model, n_features, state):
    """Rebuild ``model.net_`` around the saved weights."""
    import torch

    from skmtl.utils._random import seeded_torch

    # Initialising the net draws random weights (overwritten just after):
    # seeded, so torch's global generator is left as it was.
    with seeded_torch(0, model.device):
        net = model._build_net(n_features, 0)
        net.initialize()
    tensors = {key: torch.from_numpy(np.array(value)) for key, value in state.items()}
    try:
        net.module_.load_state_dict(tensors, strict=True)
    except RuntimeError as error:
        raise ValueError(
            f"The saved weights do not fit the {type(model).__name__} network built "
            f"from the saved parameters: {error}"
        ) from error
    net.module_.eval()
    if hasattr(model, "history_"):
        net.history = model.history_
    model.net_ = net
