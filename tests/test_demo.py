"""The README's main job runs and prints honest per-task comparison tables."""

import subprocess
import sys

from skmtl import _demo
from skmtl.__main__ import main
from skmtl.compare import ComparisonResult


def test_demo_tables_and_verdicts(capsys):
    main(["demo"])
    out = capsys.readouterr().out
    regression_header = next(
        line for line in out.splitlines() if line.startswith("| task ")
    )
    for model in [
        "per-task ridge",
        "per-task HistGB",
        "pooled ridge",
        "pooled HistGB",
        "MTL linear",
        "independent nets",
        "hard sharing",
    ]:
        assert f" {model} " in regression_header
    assert "| task_29 " in out
    assert "| digit " in out and "| greater_than_4 " in out
    assert "Per-task R² on held-out rows (mean ± std over 3 folds" in out
    assert "Per-task accuracy on held-out rows (mean ± std over 3 folds" in out
    assert out.count("error reduction vs best single-task") == 4  # row + legend
    flat = " ".join(out.split())  # the legend lines are wrapped
    assert "among per-task ridge, per-task HistGB (per-task ridge on" in flat
    assert "among per-task logistic, per-task HistGB (per-task logistic on" in flat
    assert "hard sharing beats best single-task" in out or (
        "hard sharing does NOT beat best single-task" in out
    )
    verdicts = ("hard sharing beats", "hard sharing does NOT", "hard sharing and")
    assert sum(out.count(verdict) for verdict in verdicts) == 4
    assert "done in" in out


def test_verdict_says_when_sharing_does_not_help():
    result = ComparisonResult(
        {"stl": {"a": [0.6], "b": [0.7]}, "mtl": {"a": [0.5], "b": [0.6]}},
        metric="r2",
        baseline="stl",
    )
    assert "mtl does NOT beat stl" in _demo.verdict(result, "mtl", "stl")
    assert "stl beats mtl by" in _demo.verdict(result, "stl", "mtl")


def test_verdict_calls_a_tiny_gain_a_tie():
    result = ComparisonResult(
        {"stl": {"a": [0.600], "b": [0.700]}, "mtl": {"a": [0.601], "b": [0.700]}},
        metric="r2",
        baseline="stl",
    )
    assert "are tied here" in _demo.verdict(result, "mtl", "stl")
    assert "| a " in result.table() and "one split" in result.table()


def test_module_entry_point_shows_help():
    result = subprocess.run(
        [sys.executable, "-m", "skmtl", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "demo" in result.stdout and "compare" in result.stdout
