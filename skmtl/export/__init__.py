"""Deployment: ONNX export, dynamic int8 quantization and magnitude pruning.

:func:`to_onnx` writes a fitted neural estimator as an ONNX graph with one output
per task (needs the optional ``onnx`` and ``onnxscript`` packages; serve it with
``onnxruntime``: ``pip install skmtl[onnx]``). :func:`quantize_dynamic` and
:func:`prune` return smaller fitted copies of an estimator.
"""

from skmtl.export._compress import prune, quantize_dynamic
from skmtl.export._onnx import to_onnx

__all__ = ["prune", "quantize_dynamic", "to_onnx"]
