"""The documentation builds with warnings treated as errors."""

import subprocess
import sys
from pathlib import Path

import pytest

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"
DOCS_REQUIREMENTS = ("sphinx", "numpydoc", "sphinx_gallery", "pydata_sphinx_theme")


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    for module in DOCS_REQUIREMENTS:
        pytest.importorskip(
            module, reason=f"{module} is not installed: pip install -e '.[docs]'"
        )
    # The gallery is rendered without running the examples: the examples have
    # their own tests, and running them here would only make this test slow.
    # The doctrees go to tmp_path as well, so the test leaves docs/ untouched
    # apart from the generated API stubs (docs/generated, ignored by git).
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-b",
        "html",
        "-d",
        str(tmp_path / "doctrees"),
        "-D",
        "plot_gallery=0",
        str(DOCS_DIR),
        str(tmp_path / "html"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (
        f"The documentation build failed (exit code {result.returncode}):\n"
        f"{result.stdout[-5000:]}\n{result.stderr[-10000:]}"
    )
    # autosummary silently falls back to its bare default template when the
    # custom one is not found; a documented method shows that ours was used.
    page = tmp_path / "html" / "generated" / "skmtl.MultiTaskRegressor.html"
    assert 'id="skmtl.MultiTaskRegressor.fit"' in page.read_text(encoding="utf-8")
