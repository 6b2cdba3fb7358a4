"""The examples on real data run with and without the data files.

They read the folder named by ``SKMTL_DATA`` and, when the files are not there,
run on generated data after printing a notice.
"""

import pathlib
import runpy

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
# The shared data folder next to the checkout, when there is one.
SHARED_DATA = REPO.parent / "shared" / "data"
NOTICE = "using generated data instead"

# Each example, and the file that it reads from the data folder.
EXAMPLE_DATA = {
    "plot_text_classification.py": "text_multitask.csv.gz",
    "plot_school_long_layout.py": "school.npz",
    "plot_federated_landmine.py": "landmine.npz",
    "plot_mixed_adult.py": "adult.csv.gz",
    "plot_add_field_landmine.py": "landmine.npz",
}


def run_example(name, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(EXAMPLES)
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
    return capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(EXAMPLE_DATA))
def test_example_falls_back_to_generated_data(name, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SKMTL_DATA", str(tmp_path))
    out = run_example(name, monkeypatch, capsys)
    assert NOTICE in out
    assert len(out.splitlines()) > 3, out


@pytest.mark.parametrize("name", sorted(EXAMPLE_DATA))
def test_example_reads_data_from_skmtl_data(name, monkeypatch, capsys):
    data_file = SHARED_DATA / EXAMPLE_DATA[name]
    if not data_file.is_file():
        pytest.skip(f"{data_file} is absent")
    monkeypatch.setenv("SKMTL_DATA", str(SHARED_DATA))
    out = run_example(name, monkeypatch, capsys)
    assert NOTICE not in out
    assert len(out.splitlines()) > 3, out
