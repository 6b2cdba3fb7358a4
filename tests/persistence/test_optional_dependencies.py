"""The optional packages are imported only when saving, loading or exporting."""

import importlib
import subprocess
import sys

import numpy as np
import pytest

from skmtl import MultiTaskRegressor
from tests.conftest import FAST

OPTIONAL = ("safetensors", "skops", "onnx", "onnxruntime", "onnxscript")


def test_importing_skmtl_needs_none_of_them():
    code = (
        "import sys, skmtl, skmtl.persistence, skmtl.export; "
        f"loaded = [m for m in {OPTIONAL!r} if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("blocked", "module", "function", "extra"),
    [
        ("safetensors", "skmtl.persistence", "save", "persist"),
        ("onnxscript", "skmtl.export", "to_onnx", "onnx"),
    ],
)
def test_missing_package_names_the_extra(
    blocked, module, function, extra, monkeypatch, tmp_path
):
    call = getattr(importlib.import_module(module), function)
    X = np.random.RandomState(0).rand(20, 3)
    model = MultiTaskRegressor(**{**FAST, "max_epochs": 1}).fit(X, X[:, :2])
    for name in list(sys.modules):
        if name == blocked or name.startswith(blocked + "."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, blocked, None)
    with pytest.raises(ImportError, match=rf"pip install skmtl\[{extra}\]"):
        call(model, tmp_path / "model")
