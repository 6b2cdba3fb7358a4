"""The benchmark scripts stay runnable (quick mode)."""

import json
import pathlib
import runpy

import pytest

# Scripts only: modules whose name starts with "_" are helpers they share.
BENCHMARKS = sorted(
    path
    for path in (pathlib.Path(__file__).resolve().parents[1] / "benchmarks").rglob(
        "*.py"
    )
    if not path.name.startswith("_")
)


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_benchmark_quick_mode(path, monkeypatch, capsys, tmp_path):
    namespace = runpy.run_path(str(path))
    namespace["main"](["--quick", "--rst", str(tmp_path / "table.rst")])
    out = capsys.readouterr().out
    if out.startswith("SKIPPED"):
        # A benchmark on real data says why it could not run (files absent).
        pytest.skip(out.strip())
    assert "| --- |" in out, "a benchmark prints a markdown table"
    table = tmp_path / "table.rst"
    if table.exists():
        assert table.read_text().startswith(".. list-table::")


def test_mulan_summary_skips_models_not_run_on_a_dataset():
    # The default run leaves the network grid out on the two largest datasets.
    script = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "quality"
    namespace = runpy.run_path(str(script / "mulan_mtr.py"))
    methods = namespace["GROUPS"]["Ridge"]
    results = {("small", "Ridge", m): 0.5 for m in methods}
    results |= {("large", "Ridge", m): 0.8 for m in methods if m != "net CV"}
    results[("small", "Ridge", "net CV")] = 0.4
    summary = namespace["comparisons"](results, ["small", "large"])["Ridge"]
    assert summary["net CV"]["n"] == 1 and summary["net CV"]["wins"] == 1
    assert summary["net"]["n"] == 2 and summary["net"]["ranked"] == 1


def test_mulan_models_option_runs_only_those_and_merges_the_cache(tmp_path, capsys):
    script = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "quality"
    main = runpy.run_path(str(script / "mulan_mtr.py"))["main"]
    cache = tmp_path / "cache.json"
    main(["--quick", "--datasets", "slump", "--models", "ST", "SST"])
    out = capsys.readouterr().out
    if out.startswith("SKIPPED"):
        pytest.skip(out.strip())
    assert "SST Ridge" in out and "ERC Ridge" not in out
    main(["--quick", "--datasets", "slump", "--models", "ST", "--cache", str(cache)])
    main(["--quick", "--datasets", "slump", "--models", "ERC", "--cache", str(cache)])
    capsys.readouterr()
    record = next(iter(json.loads(cache.read_text()).values()))
    assert sorted(record["scores"]) == ["HistGB|ST", "Ridge|ERC", "Ridge|ST"]
