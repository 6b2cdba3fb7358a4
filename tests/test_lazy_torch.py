"""Torch is imported only by the neural part of skmtl.

Each check runs in a fresh interpreter: the test process itself has torch loaded.
"""

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


@pytest.mark.parametrize("module", TORCH_FREE_MODULES)
def test_import_does_not_load_torch(module):
    assert _modules_after(f"import {module}") == []


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


@pytest.mark.parametrize("module", ["skmtl.compare", "skmtl.plotting"])
def test_compare_and_plotting_import_without_torch(module):
    assert _modules_after(f"import {module}") == []


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
