"""The README's main job runs and prints honest per-task tables."""

import subprocess
import sys

from skmtl import _demo
from skmtl.__main__ import main


def test_demo_tables_and_verdicts(capsys):
    main(["demo"])
    out = capsys.readouterr().out
    assert "| task | hard sharing | independent nets | per-task ridge | best |" in out
    assert "| task_29 |" in out
    assert "| digit |" in out and "| greater_than_4 |" in out
    assert out.count("Δm% vs independent nets") == 2
    assert "beats" in out or "does NOT beat" in out


def test_format_table_and_verdict_say_when_sharing_does_not_help():
    results = {"mtl": {"a": 0.5, "b": 0.6}, "stl": {"a": 0.6, "b": 0.7}}
    table = _demo.format_table(results, "R²", baseline="stl")
    assert "| a | 0.500 | 0.600 | stl |" in table
    assert "| tasks better than stl | 0/2 | 0/2 | |" in table
    assert "does NOT beat" in _demo.verdict(results, "mtl", "stl")


def test_module_entry_point_shows_help():
    result = subprocess.run(
        [sys.executable, "-m", "skmtl", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "demo" in result.stdout
