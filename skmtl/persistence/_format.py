"""save and load: safetensors weights plus a JSON description, no code on load.

One file holds everything. Its tensors are the network's weights (CPU copies),
the numeric fitted arrays and, for the other steps of a pipeline, their skops
bytes; its safetensors header metadata holds, under the key ``"skmtl"``, a JSON
description: the format and library versions, the estimator's class name (one
of a fixed list), its parameters and its other fitted attributes (task names,
classes, target scaling, feature names, history). Loading parses JSON and raw
tensors only: unlike pickle, a file cannot make the loader run code.
"""

import json
import warnings

import numpy as np

import skmtl
from skmtl.persistence._estimator import (
    LINEAR,
    NEURAL,
    build_estimator,
    describe_estimator,
    is_native,
)
from skmtl.persistence._pipeline import build_pipeline, describe_pipeline
from skmtl.utils._optional import import_optional

#: Version of the file layout written by :func:`save`; :func:`load` reads files
#: of this version or older.
FORMAT_VERSION = 1

_METADATA_KEY = "skmtl"


def save(model, path):
    """Save a fitted skmtl estimator, or a pipeline ending in one, without pickle.

    Writes one `safetensors <https://huggingface.co/docs/safetensors>`_ file:
    the network weights and numeric fitted arrays as tensors (copied to the CPU,
    so a model fitted on a GPU loads on a machine without one), and a JSON
    description of everything ``predict`` needs. :func:`load` reads it back
    without running code from the file.

    Parameters
    ----------
    model : estimator or Pipeline
        A fitted :class:`~skmtl.MultiTaskRegressor`,
        :class:`~skmtl.MultiTaskClassifier`,
        :class:`~skmtl.MultiTaskMixedEstimator`,
        :class:`~skmtl.RegularizedMultiTaskRegressor` or
        :class:`~skmtl.RegularizedMultiTaskClassifier`, or a fitted
        :class:`~sklearn.pipeline.Pipeline` whose other steps ``skops.io`` can
        store (scikit-learn transformers, for instance). The parameters of
        the skmtl estimators must be plain values (names, numbers, tuples,
        dicts): a class, callback object or ``RandomState`` instance is refused
        with a TypeError naming it. For the ensembles use ``skops.io`` (see
        :func:`skops_trusted_types`).
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
    from sklearn.pipeline import Pipeline

    save_file = import_optional(
        "safetensors.numpy", "skmtl.persistence", "persist"
    ).save_file
    arrays = {}
    if is_native(model):
        description = describe_estimator(model, arrays)
        neural = type(model).__name__ in NEURAL
    elif isinstance(model, Pipeline):
        description = describe_pipeline(model, arrays)
        neural = any(type(step).__name__ in NEURAL for _, step in model.steps)
    else:
        raise TypeError(
            f"skmtl.persistence.save stores {sorted(NEURAL | LINEAR)} and "
            f"pipelines, got {type(model).__module__}.{type(model).__qualname__}; "
            "save other estimators with skops.io (see the user guide, 'Saving "
            "models and deploying them')."
        )
    header = {
        "format": "skmtl",
        "format_version": FORMAT_VERSION,
        "versions": _versions(neural),
    }
    metadata = {_METADATA_KEY: json.dumps({**header, **description})}
    save_file(arrays, path, metadata=metadata)


def load(path, *, device=None, trusted=None):
    """Load an estimator or pipeline written by :func:`save`.

    Only JSON and raw tensors are read: nothing in the file can run code (the
    estimator classes come from a fixed list of skmtl names; the other steps
    of a pipeline are loaded by ``skops.io``, which refuses untrusted types).

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    device : str or torch.device, default=None
        Neural estimators: where to put the network; sets the ``device``
        parameter of the loaded estimator. None keeps the saved device when it
        is available here, else uses ``"cpu"`` with a warning (a model fitted
        on a GPU loads on a CPU-only machine).
    trusted : list of str, default=None
        Pipelines only: types that the non-skmtl steps may hold beyond those
        skops trusts by default (scikit-learn's and numpy's own), passed to
        ``skops.io.loads``. Review them first with
        ``skops.io.get_untrusted_types``.

    Returns
    -------
    model : estimator or Pipeline
        The fitted estimator; it predicts exactly as the saved one (same device
        and thread count).

    Raises
    ------
    ValueError
        If the file is not a skmtl model or was written in a newer format
        version than this skmtl reads.
    skops.io.exceptions.UntrustedTypesFoundException
        If a pipeline step holds a type neither skops nor ``trusted`` trusts.

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
    if description.get("estimator") == "Pipeline":
        return build_pipeline(description, arrays, device, trusted)
    return build_estimator(description, arrays, device)


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
    names = set(skmtl.__all__) - NEURAL - {"__version__"}
    classes = [getattr(skmtl, name) for name in names]
    return sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
