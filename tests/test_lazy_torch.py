"""Torch is imported only by the neural part of skmtl.

Each check runs in a fresh interpreter: the test process itself has torch loaded.
The torch-free modules are imported one after the other in one interpreter,
each checked right after its import: a module that loaded torch is the first
one after which torch appears, so one interpreter tells as much as one each.
"""

import json
import subprocess
import sys

import pytest

TORCH_FREE_MODULES = [
    "skmtl",
    "skmtl.linear_model",
    "skmtl.ensemble",
    "skmtl.grouping",
    "skmtl.metrics",
    "skmtl.datasets",
    "skmtl.compare",
    "skmtl.plotting",
]


def _modules_after(code):
    """Run ``code`` in a fresh interpreter and return the heavy modules it loaded."""
    probe = (
        f"{code}\nimport sys\n"
        "print(' '.join(m for m in ('torch', 'skorch') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return completed.stdout.split()


def test_imports_do_not_load_torch():
    code = (
        "import importlib, json, sys\n"
        "loaded = {}\n"
        f"for module in {TORCH_FREE_MODULES!r}:\n"
        "    importlib.import_module(module)\n"
        "    loaded[module] = [m for m in ('torch', 'skorch') if m in sys.modules]\n"
        "print(json.dumps(loaded))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = json.loads(completed.stdout)
    assert loaded == {module: [] for module in TORCH_FREE_MODULES}


def test_linear_fit_and_predict_do_not_load_torch():
    code = (
        "import numpy as np\n"
        "from skmtl import RegularizedMultiTaskRegressor\n"
        "rng = np.random.RandomState(0)\n"
        "X, Y = rng.randn(30, 4), rng.randn(30, 2)\n"
        "RegularizedMultiTaskRegressor().fit(X, Y).predict(X)"
    )
    assert _modules_after(code) == []


def test_neural_names_resolve_lazily():
    import skmtl
    from skmtl.neural import MultiTaskClassifier, MultiTaskRegressor

    assert skmtl.MultiTaskRegressor is MultiTaskRegressor
    assert skmtl.MultiTaskClassifier is MultiTaskClassifier
    assert {"MultiTaskRegressor", "MultiTaskClassifier"} <= set(dir(skmtl))
    assert _modules_after("from skmtl import MultiTaskRegressor") == [
        "torch",
        "skorch",
    ]


def test_unknown_attribute_raises_attribute_error():
    import skmtl

    with pytest.raises(AttributeError, match="no attribute 'NotAnEstimator'"):
        skmtl.NotAnEstimator  # noqa: B018


@pytest.mark.parametrize("argv", [["--help"], ["compare", "--help"]])
def test_command_line_help_does_not_load_torch(argv):
    code = (
        "from skmtl.__main__ import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit:\n"
        "        pass"
    )
    assert _modules_after(code) == []
