"""save and load: safetensors weights plus a JSON description, no code on load.

One file holds everything. Its tensors are the network's weights (``module.*``,
CPU copies) and the numeric fitted arrays (``array.*``); its safetensors header
metadata holds, under the key ``"skmtl"``, a JSON description: the format and
library versions, the estimator's class name (one of a fixed list), its
parameters and its other fitted attributes (task names, classes, target scaling,
feature names, history). Loading parses JSON and raw tensors only: unlike pickle,
a file cannot make the loader run code.
"""

import json
import warnings

import numpy as np

import skmtl
from skmtl.persistence._encoding import decode, encode
from skmtl.utils._optional import import_optional

#: Version of the file layout written by :func:`save`; :func:`load` reads files
#: of this version or older.
FORMAT_VERSION = 1

_NEURAL = frozenset({"MultiTaskRegressor", "MultiTaskClassifier"})
_LINEAR = frozenset({"RegularizedMultiTaskRegressor", "RegularizedMultiTaskClassifier"})
_METADATA_KEY = "skmtl"
_MODULE_PREFIX = "module."


def save(model, path):
    """Save a fitted skmtl estimator without pickle.

    Writes one `safetensors <https://huggingface.co/docs/safetensors>`_ file:
    the network weights and numeric fitted arrays as tensors (copied to the CPU,
    so a model fitted on a GPU loads on a machine without one), and a JSON
    description of everything ``predict`` needs. :func:`load` reads it back
    without running code from the file.

    Parameters
    ----------
    model : estimator
        A fitted :class:`~skmtl.MultiTaskRegressor`,
        :class:`~skmtl.MultiTaskClassifier`,
        :class:`~skmtl.RegularizedMultiTaskRegressor` or
        :class:`~skmtl.RegularizedMultiTaskClassifier`. Its parameters must be
        plain values (names, numbers, tuples, dicts): a class, callback object or
        ``RandomState`` instance is refused with a TypeError naming it. For
        other estimators (the ensembles, pipelines) use ``skops.io``; see the
        user guide.
    path : str or path-like
        The file to write (conventionally ``*.safetensors``).

    Raises
    ------
    TypeError
        If ``model`` is not one of the estimators above, or a parameter or
        attribute is not plain data.
    sklearn.exceptions.NotFittedError
        If ``model`` is not fitted.

    See Also
    --------
    load : Read the file back.
    """
    from skmtl.utils._sklearn_compat import check_is_fitted

    save_file = import_optional(
        "safetensors.numpy", "skmtl.persistence", "persist"
    ).save_file

    name = type(model).__name__
    if name not in _NEURAL | _LINEAR or getattr(skmtl, name) is not type(model):
        raise TypeError(
            f"skmtl.persistence.save stores {sorted(_NEURAL | _LINEAR)}, got "
            f"{type(model).__module__}.{type(model).__qualname__}; save other "
            "estimators with skops.io (see the user guide, 'Saving models')."
        )
    check_is_fitted(model)
    arrays = {}
    params = model.get_params(deep=False)
    description = {
        "format": "skmtl",
        "format_version": FORMAT_VERSION,
        "versions": _versions(name in _NEURAL),
        "estimator": name,
        "params": {
            key: encode(value, arrays, f"parameter {key!r}")
            for key, value in params.items()
        },
    }
    attributes = {
        key: value
        for key, value in vars(model).items()
        if key not in params and key != "net_"
    }
    description["attributes"] = {
        key: encode(value, arrays, f"attribute {key!r}")
        for key, value in attributes.items()
    }
    if name in _NEURAL:
        module = model.net_.module_
        description["network"] = {
            "n_features": int(module.architecture.n_features),
            "device": str(model.net_.device),
        }
        for key, tensor in module.state_dict().items():
            arrays[_MODULE_PREFIX + key] = _cpu_array(key, tensor)
    save_file(arrays, path, metadata={_METADATA_KEY: json.dumps(description)})


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


def load(path, *, device=None):
    """Load an estimator written by :func:`save`.

    Only JSON and raw tensors are read: nothing in the file can run code (the
    estimator class comes from a fixed list of skmtl names).

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    device : str or torch.device, default=None
        Neural estimators: where to put the network; sets the ``device``
        parameter of the loaded estimator. None keeps the saved device when it
        is available here, else uses ``"cpu"`` with a warning (a model fitted
        on a GPU loads on a CPU-only machine).

    Returns
    -------
    model : estimator
        The fitted estimator; it predicts exactly as the saved one (same device
        and thread count).

    Raises
    ------
    ValueError
        If the file is not a skmtl model or was written in a newer format
        version than this skmtl reads.

    Warns
    -----
    UserWarning
        When the file was saved by another skmtl version (the format version is
        compatible, but equality of predictions is tested within one version
        only), or when the saved device is not available.

    See Also
    --------
    save : Write the file.
    """
    safe_open = import_optional("safetensors", "skmtl.persistence", "persist").safe_open
    with safe_open(path, framework="numpy") as file:
        metadata = file.metadata() or {}
        arrays = {key: file.get_tensor(key) for key in file.keys()}
    description = _read_description(metadata, path)
    name = description["estimator"]
    cls = getattr(skmtl, name)
    params = _decode_fields(description["params"], arrays)
    if name in _NEURAL:
        params["device"] = _load_device(params["device"], device)
    model = cls(**params)
    for key, value in _decode_fields(description["attributes"], arrays).items():
        setattr(model, key, value)
    if name in _NEURAL:
        state = {
            key[len(_MODULE_PREFIX) :]: value
            for key, value in arrays.items()
            if key.startswith(_MODULE_PREFIX)
        }
        _restore_network(model, description["network"], state)
    return model


def _decode_fields(fields, arrays):
    """Return ``{name: decoded value}`` for a JSON object of encoded values."""
    return {key: decode(value, arrays) for key, value in fields.items()}


def _versions(neural):
    import sklearn

    versions = {
        "skmtl": skmtl.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    }
    if neural:
        import skorch
        import torch

        versions["torch"] = torch.__version__
        versions["skorch"] = skorch.__version__
    return versions


def _read_description(metadata, path):
    """Return the parsed JSON description; clear errors for foreign or new files."""
    if _METADATA_KEY not in metadata:
        raise ValueError(
            f"{path} is a safetensors file but not a skmtl model (no {_METADATA_KEY!r} "
            "metadata); skmtl.persistence.load reads files written by "
            "skmtl.persistence.save."
        )
    description = json.loads(metadata[_METADATA_KEY])
    version = description.get("format_version")
    saved_by = description.get("versions", {}).get("skmtl", "an unknown version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{path} was saved by skmtl {saved_by} in format version {version!r}; "
            f"this skmtl {skmtl.__version__} reads format versions up to "
            f"{FORMAT_VERSION}. Upgrade skmtl to load it."
        )
    name = description.get("estimator")
    if name not in _NEURAL | _LINEAR:
        raise ValueError(
            f"{path} describes an estimator {name!r}, which is not one that skmtl "
            f"saves ({sorted(_NEURAL | _LINEAR)})."
        )
    if saved_by != skmtl.__version__:
        warnings.warn(
            f"{path} was saved by skmtl {saved_by}, this is skmtl "
            f"{skmtl.__version__}; the file format (version {version}) is "
            "compatible, but identical predictions are tested within one version "
            "only.",
            UserWarning,
            stacklevel=3,
        )
    return description


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
        stacklevel=3,
    )
    return "cpu"


def _device_available(device):
    import torch

    if device.type == "cpu":
        return True
    accelerator = getattr(torch, device.type, None)
    return bool(accelerator is not None and accelerator.is_available())


def _restore_network(model, network, state):
    """Rebuild ``model.net_`` around the saved weights."""
    import torch

    from skmtl.utils._random import seeded_torch

    # Initialising the net draws random weights (overwritten just after):
    # seeded, so torch's global generator is left as it was.
    with seeded_torch(0, model.device):
        net = model._build_net(network["n_features"], 0)
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


def skops_trusted_types():
    """Return the skmtl types to trust when loading ensembles with ``skops.io``.

    The ensembles (and the regularized linear models) hold plain scikit-learn
    objects, which `skops.io <https://skops.readthedocs.io>`_ saves and loads
    without pickle's code execution. skops refuses types it does not know
    unless they are listed as trusted; these are skmtl's estimators whose
    state is plain data. The neural estimators hold a torch network, which
    skops cannot store: use :func:`save` for them.

    Returns
    -------
    types : list of str
        Fully qualified class names, for ``skops.io.load(path, trusted=...)``.

    Examples
    --------
    >>> import skops.io
    >>> from sklearn.linear_model import Ridge
    >>> from skmtl import PerTaskRegressor
    >>> from skmtl.datasets import make_multitask_regression
    >>> from skmtl.persistence import skops_trusted_types
    >>> X, Y = make_multitask_regression(n_samples=50, n_tasks=2, random_state=0)
    >>> model = PerTaskRegressor(Ridge()).fit(X, Y)
    >>> data = skops.io.dumps(model)
    >>> loaded = skops.io.loads(data, trusted=skops_trusted_types())
    >>> bool((loaded.predict(X) == model.predict(X)).all())
    True
    """
    names = set(skmtl.__all__) - _NEURAL - {"__version__"}
    classes = [getattr(skmtl, name) for name in names]
    return sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
