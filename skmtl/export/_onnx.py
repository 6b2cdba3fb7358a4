"""ONNX export of a fitted neural estimator: one output per task.

The exported graph takes the features (float32, without the task column) and
returns, for every task, what the estimator's own prediction path computes:
regression values in the original target units (float64), or class
probabilities (float64, columns in the order of ``classes_[t]``). Task names,
classes and the layout are written into the model's metadata.
"""

import copy
import json
import logging
import warnings
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

import skmtl
from skmtl.architectures._ensemble import combine_members
from skmtl.export._checks import check_fitted_neural
from skmtl.neural._mixed import MultiTaskMixedEstimator
from skmtl.utils._optional import import_optional

# torch's ONNX exporter logs one warning per missing optional torchvision
# operator at every export; they concern models that use torchvision only.
_REGISTRATION_LOGGER = "torch.onnx._internal.exporter._registration"


def to_onnx(model, path, *, opset_version=None):
    """Export a fitted neural estimator to an ONNX file for serving.

    The graph has one input, ``"X"``: float32 features of shape
    ``(n_samples, n_features)`` (any number of rows), and one output per task,
    named after the task (``str(task_name)``):

    * :class:`~skmtl.MultiTaskRegressor`: float64 ``(n_samples,)`` predictions in
      the original target units (the target standardization is part of the
      graph);
    * :class:`~skmtl.MultiTaskClassifier`: float64 ``(n_samples, n_classes_t)``
      probabilities, columns in the order of ``classes_[t]``.

    Long layout (``task_column`` set): the graph is the wide network. Its input
    is the features *without* the task column (the other columns, in order),
    and every task's output is computed for every row; a server picks each
    row's own task output (the task order is ``task_names_``, also stored in
    the metadata). This keeps one graph for all tasks and leaves the task-id
    lookup (any hashable ids) to the caller.

    The model metadata (``metadata_props``) holds JSON values under the keys
    ``skmtl_task_names``, ``skmtl_output_names``, ``skmtl_classes``
    (classifier), ``skmtl_feature_names`` (when fitted on a DataFrame),
    ``skmtl_task_column``, ``skmtl_estimator`` and ``skmtl_version``.

    Parameters
    ----------
    model : MultiTaskRegressor or MultiTaskClassifier
        A fitted neural estimator (any sharing architecture; on any device: the
        network is exported from a CPU copy).
    path : str or path-like
        The ``.onnx`` file to write.
    opset_version : int, default=None
        ONNX opset; None uses the exporter's default.

    Returns
    -------
    output_names : list of str
        The graph's output names, one per task in the order of ``task_names_``.

    Raises
    ------
    TypeError
        If ``model`` is not a fitted neural estimator, or is a
        :class:`~skmtl.MultiTaskMixedEstimator`.
    RuntimeError
        If torch cannot export the network (for example a user-defined
        architecture with operations that have no ONNX equivalent, or a model
        returned by :func:`quantize_dynamic`, whose quantized layers torch's
        exporter does not translate); the message names the architecture.

    Notes
    -----
    Uses :func:`torch.onnx.export` with ``dynamo=True`` (torch's current
    exporter, which needs the ``onnxscript`` package) and a dynamic batch
    dimension. Every built-in sharing architecture exports; the outputs agree
    with ``predict``/``predict_proba`` within float32 rounding of the network
    (tested to 1e-5 with onnxruntime).
    """
    if isinstance(model, MultiTaskMixedEstimator):
        raise TypeError(
            "to_onnx exports MultiTaskRegressor and MultiTaskClassifier; the "
            "per-type outputs of a MultiTaskMixedEstimator are not exported: save "
            "it with skmtl.persistence.save."
        )
    onnx = import_optional("onnx", "skmtl.export.to_onnx", "onnx")
    # torch's exporter imports it itself; checked here for a clear message.
    import_optional("onnxscript", "skmtl.export.to_onnx", "onnx")

    check_fitted_neural(model, "to_onnx", hint=" For scikit-learn models see skl2onnx.")
    network = _ServingNetwork(model).eval()
    output_names = _output_names(model.task_names_)
    example = torch.zeros(2, network.n_features)
    batch = torch.export.Dim("batch")
    try:
        with _quiet_exporter():
            program = torch.onnx.export(
                network,
                (example,),
                dynamo=True,
                input_names=["X"],
                output_names=output_names,
                dynamic_shapes=({0: batch},),
                opset_version=opset_version,
                verbose=False,
            )
    except Exception as error:
        raise RuntimeError(
            f"torch could not export the {type(network.architecture).__name__} "
            f"network of this {type(model).__name__} to ONNX: {error}"
        ) from error
    proto = program.model_proto
    for key, value in _metadata(model, output_names).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, json.dumps(value)
    onnx.save(proto, path)
    return output_names


def _output_names(task_names):
    """Return one graph output name per task: the task name, or ``task_<t>``."""
    names = [str(task) for task in task_names]
    if len(set(names)) != len(names) or "X" in names or "" in names:
        return [f"task_{t}" for t in range(len(names))]
    return names


def _metadata(model, output_names):
    metadata = {
        "skmtl_estimator": type(model).__name__,
        "skmtl_version": skmtl.__version__,
        "skmtl_task_names": _json_ready(model.task_names_),
        "skmtl_output_names": output_names,
        "skmtl_task_column": _json_ready(model.task_column),
    }
    if hasattr(model, "feature_names_in_"):
        metadata["skmtl_feature_names"] = _json_ready(model.feature_names_in_)
    if hasattr(model, "_task_classes"):
        metadata["skmtl_classes"] = [_json_ready(c) for c in model._task_classes]
    return metadata


def _json_ready(values):
    """Return ``values`` with numpy arrays and scalars as plain Python values."""
    if isinstance(values, np.ndarray):
        return values.tolist()
    if isinstance(values, list | tuple):
        return [_json_ready(v) for v in values]
    if isinstance(values, np.generic):
        return values.item()
    return values


@contextmanager
def _quiet_exporter():
    """Silence the exporter's internal notices for the duration of an export.

    They are addressed to torch's own developers (a pytree deprecation inside
    torch.export) or to torchvision users, and say nothing about this model.
    """
    logger = logging.getLogger(_REGISTRATION_LOGGER)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=".*LeafSpec.*", category=FutureWarning
            )
            yield
    finally:
        logger.setLevel(level)


class _ServingNetwork(nn.Module):
    """The fitted network plus the estimator's output transformation.

    Parameters
    ----------
    model : MultiTaskRegressor or MultiTaskClassifier
        The fitted estimator; its network is copied to the CPU.
    """

    def __init__(self, model):
        super().__init__()
        module = copy.deepcopy(model.net_.module_).to("cpu").eval()
        self.architecture = module.architecture
        self.n_features = int(self.architecture.n_features)
        self.classification = module.class_mask is not None
        # A network fitted on a sparse X reads its columns max-abs scaled
        # (skmtl.neural._sparse_scale); the graph takes the features as given.
        scale = getattr(model, "_feature_scale", None)
        self.register_buffer(
            "feature_scale", None if scale is None else torch.as_tensor(scale)
        )
        if self.classification:
            self.register_buffer("class_mask", module.class_mask)
            self.class_counts = [len(c) for c in model._task_classes]
        else:
            self.register_buffer(
                "mean", torch.as_tensor(model._target_mean, dtype=torch.float64)
            )
            self.register_buffer(
                "scale", torch.as_tensor(model._target_scale, dtype=torch.float64)
            )

    def forward(self, X):
        """Return one tensor per task: values (regression) or probabilities."""
        if self.feature_scale is not None:
            X = X * self.feature_scale
        outputs = self.architecture(X)
        if getattr(self.architecture, "n_members", None) is not None:
            # An ensemble (ensemble_size): every member's outputs, combined as
            # predict combines them.
            if self.classification:
                outputs = outputs.masked_fill(~self.class_mask, float("-inf"))
            outputs = combine_members(outputs, self.classification)
        if not self.classification:
            # float64 as in predict: the network's float32 output, then the
            # target scaling in double precision.
            values = outputs[..., 0].to(torch.float64) * self.scale + self.mean
            return tuple(values[:, t] for t in range(values.shape[1]))
        logits = outputs.masked_fill(~self.class_mask, float("-inf"))
        probabilities = torch.softmax(logits.to(torch.float64), dim=-1)
        return tuple(probabilities[:, t, :k] for t, k in enumerate(self.class_counts))
