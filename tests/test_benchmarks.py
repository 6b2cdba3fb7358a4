"""The benchmark scripts stay runnable (quick mode)."""

import pathlib
import runpy

import pytest

BENCHMARKS = sorted(
    (pathlib.Path(__file__).resolve().parents[1] / "benchmarks").rglob("*.py")
)


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_benchmark_quick_mode(path, monkeypatch, capsys, tmp_path):
    namespace = runpy.run_path(str(path))
    namespace["main"](["--quick", "--rst", str(tmp_path / "table.rst")])
    out = capsys.readouterr().out
    assert "| --- |" in out, "a benchmark prints a markdown table"
    table = tmp_path / "table.rst"
    if table.exists():
        assert table.read_text().startswith(".. list-table::")
