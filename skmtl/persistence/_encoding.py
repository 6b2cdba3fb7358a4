"""Plain data <-> JSON with numeric arrays kept aside, so loading runs no code.

:func:`encode` turns the attributes of a fitted estimator (numbers, strings,
lists, tuples, dicts with any keys, numpy arrays and scalars, a skorch history)
into JSON-ready values; numeric arrays are replaced by a reference and handed back
separately, to be written as safetensors tensors. A registered plugin
configuration (``sharing=MultiGateMixtureOfExpertsConfig(n_experts=3)``) is
stored as its registry name and hyperparameters, and rebuilt from its registry.
:func:`decode` reverses it. Anything else (an arbitrary object, a class, a
random generator) is refused with an error naming where it was found: the format
stores data, never code.
"""

import importlib
import numbers
import sys

import numpy as np

# dtype kinds stored as raw tensors: bool, signed and unsigned integers, floats.
_TENSOR_KINDS = frozenset("biuf")

# The plugin registries whose configurations are stored by name: estimator
# parameter -> (module, registry). A configuration's family module is imported
# whenever one of its configurations exists, so encoding imports nothing.
_PLUGIN_REGISTRIES = {
    "sharing": ("skmtl.architectures", "ARCHITECTURES"),
    "loss_weighting": ("skmtl.weighting", "WEIGHTINGS"),
    "penalty": ("skmtl.linear_model.penalties", "PENALTIES"),
}


def encode(value, arrays, where):
    """Return a JSON-ready form of ``value``; numeric arrays go into ``arrays``.

    Parameters
    ----------
    value : object
        The value to encode.
    arrays : dict of str -> ndarray
        Receives every numeric array, under the key its reference names.
    where : str
        Where ``value`` sits (e.g. ``"attribute 'coef_'"``), for error messages.

    Returns
    -------
    encoded : JSON-compatible value
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.ndarray):
        return _encode_array(value, arrays, where)
    if isinstance(value, np.generic):
        return {"__scalar__": value.dtype.str, "value": value.item()}
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    # Before list: skorch's History is a list subclass.
    if type(value).__name__ == "History" and type(value).__module__.startswith(
        "skorch"
    ):
        return {"__history__": encode(list(value), arrays, where)}
    if isinstance(value, list):
        return [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {
            "__tuple__": [
                encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)
            ]
        }
    if isinstance(value, dict):
        return {
            "__dict__": [
                [
                    encode(k, arrays, f"{where} key"),
                    encode(v, arrays, f"{where}[{k!r}]"),
                ]
                for k, v in value.items()
            ]
        }
    plugin = _encode_plugin_config(value, arrays, where)
    if plugin is not None:
        return plugin
    raise TypeError(
        f"{where} holds a {type(value).__module__}.{type(value).__qualname__}, which "
        "skmtl's safe format cannot store (it keeps numbers, strings, lists, dicts "
        "and arrays, never code). Give the estimator plain values instead (a "
        "registry name rather than a class, an int seed or None for "
        "random_state, no callback objects) and fit it again."
    )


def _encode_plugin_config(value, arrays, where):
    """Return a registered plugin configuration as its name and parameters, or None."""
    for family, (module, attribute) in _PLUGIN_REGISTRIES.items():
        if module not in sys.modules:
            continue
        registry = getattr(sys.modules[module], attribute)
        if type(value) in registry.config_classes():
            return {
                "__plugin_config__": [family, value.plugin.name],
                "params": encode(value.get_params(deep=False), arrays, where),
            }
    return None


def _decode_plugin_config(value, arrays):
    family, name = value["__plugin_config__"]
    if family not in _PLUGIN_REGISTRIES:
        raise ValueError(f"Unknown plugin family {family!r} in the saved model.")
    module, attribute = _PLUGIN_REGISTRIES[family]
    registry = getattr(importlib.import_module(module), attribute)
    return registry.config(name).set_params(**decode(value["params"], arrays))


def _encode_array(array, arrays, where):
    if array.dtype.kind in _TENSOR_KINDS:
        key = f"array.{len(arrays)}"
        arrays[key] = np.ascontiguousarray(array)
        return {"__ndarray__": key}
    if array.dtype.kind in "OUS":
        items = [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(array.flat)]
        kind = "object" if array.dtype.kind == "O" else array.dtype.str
        return {
            "__ndarray__": None,
            "dtype": kind,
            "shape": list(array.shape),
            "items": items,
        }
    raise TypeError(
        f"{where} is an array of dtype {array.dtype}, which skmtl's safe format "
        "cannot store."
    )


def decode(value, arrays):
    """Return the value that :func:`encode` turned into ``value``.

    Parameters
    ----------
    value : JSON-compatible value
        As returned by :func:`encode` (after a JSON round trip).
    arrays : mapping of str -> ndarray
        The numeric arrays, by the keys the references name.

    Returns
    -------
    decoded : object
    """
    if isinstance(value, list):
        return [decode(v, arrays) for v in value]
    if not isinstance(value, dict):
        return value
    if "__ndarray__" in value:
        key = value["__ndarray__"]
        if key is not None:
            return arrays[key]
        items = [decode(v, arrays) for v in value["items"]]
        dtype = object if value["dtype"] == "object" else np.dtype(value["dtype"])
        array = np.empty(len(items), dtype=dtype)
        array[:] = items
        return array.reshape(value["shape"])
    if "__scalar__" in value:
        return np.dtype(value["__scalar__"]).type(value["value"])
    if "__tuple__" in value:
        return tuple(decode(v, arrays) for v in value["__tuple__"])
    if "__dict__" in value:
        return {decode(k, arrays): decode(v, arrays) for k, v in value["__dict__"]}
    if "__plugin_config__" in value:
        return _decode_plugin_config(value, arrays)
    if "__history__" in value:
        from skorch.history import History

        return History(decode(value["__history__"], arrays))
    raise ValueError(f"Unknown encoded value {sorted(value)} in the saved model.")
