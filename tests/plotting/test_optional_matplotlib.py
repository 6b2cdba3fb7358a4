"""Both tests hold with or without matplotlib installed."""

import subprocess
import sys

import numpy as np
import pytest

from skmtl.plotting import plot_task_similarity


def test_import_skmtl_does_not_import_matplotlib():
    code = (
        "import sys, skmtl, skmtl.plotting; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install skmtl\[plot\]"):
        plot_task_similarity(np.eye(2))
