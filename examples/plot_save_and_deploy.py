"""
Save, load and serve a multi-task model without pickle
======================================================

Save a fitted :class:`~skmtl.MultiTaskRegressor` with
:func:`skmtl.persistence.save` (safetensors weights plus a JSON description: no
code runs when the file is loaded), load it back, export it to ONNX with
:func:`skmtl.export.to_onnx` and run the graph with onnxruntime, then make a
smaller copy with :func:`skmtl.export.prune` and
:func:`skmtl.export.quantize_dynamic`.

Needs the optional packages of ``pip install skmtl[persist,onnx]``.
"""

# %%
# A model with named tasks and named features, fitted on a DataFrame.
import json
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime
import pandas as pd

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from skmtl.export import prune, quantize_dynamic, to_onnx
from skmtl.persistence import load, save

X, Y = make_multitask_regression(
    n_samples=400, n_features=6, n_tasks=3, noise=0.1, random_state=0
)
X = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)])
Y = pd.DataFrame(Y * [1.0, 100.0, 0.01], columns=["sales", "visits", "rate"])
model = MultiTaskRegressor(
    shared_layers=(32,), max_epochs=60, batch_size=64, random_state=0
).fit(X, Y)

# %%
# Save and load: the loaded model predicts exactly what the original does. The
# file also records the skmtl, torch and file-format versions; a file written
# in a newer format is refused with a clear message.
folder = Path(tempfile.mkdtemp())
save(model, folder / "model.safetensors")
loaded = load(folder / "model.safetensors")
same = np.array_equal(loaded.predict(X), model.predict(X))
print(f"saved {(folder / 'model.safetensors').stat().st_size} bytes")
print(f"loaded model predicts identically: {same}; tasks {loaded.task_names_}")

# %%
# Export to ONNX: one input ``X`` (float32 features) and one output per task,
# in the original units of each target (the target scaling is in the graph).
output_names = to_onnx(model, folder / "model.onnx")
session = onnxruntime.InferenceSession(
    str(folder / "model.onnx"), providers=["CPUExecutionProvider"]
)
outputs = session.run(None, {"X": X.to_numpy(np.float32)})
difference = np.abs(np.column_stack(outputs) - model.predict(X)).max()
metadata = session.get_modelmeta().custom_metadata_map
feature_names = json.loads(metadata["skmtl_feature_names"])
print(f"ONNX outputs {output_names}, largest difference to predict: {difference:.1e}")
print(f"feature names in the graph metadata: {feature_names}")

# %%
# Smaller copies for serving; the original model is untouched. Pruning zeroes
# the trunk's smallest weights; dynamic quantization stores them as int8.
for name, small in [
    ("pruned 50%", prune(model, 0.5)),
    ("int8 quantized", quantize_dynamic(model)),
]:
    scores = small.score_per_task(X, Y)
    print(name, {task: round(score, 3) for task, score in scores.items()})
print("original", {t: round(s, 3) for t, s in model.score_per_task(X, Y).items()})
