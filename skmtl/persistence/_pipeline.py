"""A scikit-learn Pipeline: skmtl steps described natively, the others with skops.

A pipeline such as ``make_pipeline(StandardScaler(), MultiTaskRegressor())`` is
saved step by step: a skmtl neural or linear estimator as in
:mod:`skmtl.persistence._estimator`, any other step with ``skops.io`` (its bytes
kept as a uint8 array), and ``"passthrough"``/None as such. Loading the skops
steps trusts what skops trusts by default plus the types the caller lists.
"""

import numpy as np

from skmtl.persistence._encoding import decode, encode
from skmtl.persistence._estimator import (
    build_estimator,
    build_parameters,
    describe_estimator,
    is_native,
)
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._optional import import_optional


def describe_pipeline(pipeline, arrays):
    """Return the JSON description of a fitted Pipeline.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        The fitted pipeline.
    arrays : dict of str -> ndarray
        Receives the numeric arrays, network tensors and skops bytes.

    Returns
    -------
    description : dict
        JSON-ready.
    """
    params = pipeline.get_params(deep=False)
    steps = []
    for index, (name, step) in enumerate(pipeline.steps):
        if is_native(step):
            entry = describe_estimator(step, arrays, prefix=f"steps.{index}.")
            entry = {"kind": "skmtl", "description": entry}
        elif step is None or isinstance(step, str):
            entry = {"kind": "plain", "value": step}
        else:
            sio = import_optional("skops.io", "saving a pipeline step", "persist")
            key = f"steps.{index}.skops"
            arrays[key] = np.frombuffer(sio.dumps(step), dtype=np.uint8)
            entry = {"kind": "skops", "array": key}
        steps.append({"name": name, **entry})
    return {
        "estimator": "Pipeline",
        "params": {
            key: encode(value, arrays, f"Pipeline parameter {key!r}")
            for key, value in params.items()
            if key != "steps"
        },
        "steps": steps,
    }


@fill_doc(parameters=build_parameters("describe_pipeline"))
def build_pipeline(description, arrays, device, trusted):
    """Return the fitted Pipeline that :func:`describe_pipeline` described.

    %(parameters)s
    device : str, torch.device or None
        For the neural steps, as in :func:`skmtl.persistence.load`.
    trusted : list of str or None
        Types the skops steps may hold beyond skops' defaults.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
    """
    from sklearn.pipeline import Pipeline

    steps = []
    for entry in description["steps"]:
        kind = entry["kind"]
        if kind == "skmtl":
            step = build_estimator(entry["description"], arrays, device)
        elif kind == "plain":
            step = entry["value"]
        elif kind == "skops":
            sio = import_optional("skops.io", "loading a pipeline step", "persist")
            step = sio.loads(arrays[entry["array"]].tobytes(), trusted=trusted)
        else:
            raise ValueError(f"Unknown pipeline step kind {kind!r} in the file.")
        steps.append((entry["name"], step))
    params = {
        key: decode(value, arrays) for key, value in description["params"].items()
    }
    return Pipeline(steps, **params)
