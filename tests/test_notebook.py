"""The notebooks are stored without outputs, and every code cell runs."""

import json
import pathlib

import pytest

NOTEBOOKS = sorted(
    (pathlib.Path(__file__).resolve().parents[1] / "examples" / "notebooks").glob(
        "*.ipynb"
    )
)


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell["outputs"] == [], f"{path.name}: code cell {index} has outputs"
        assert cell["execution_count"] is None, (
            f"{path.name}: code cell {index} has an execution count"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path, monkeypatch):
    for module in ("nbformat", "nbclient", "ipykernel", "matplotlib"):
        pytest.importorskip(module, reason=f"running notebooks needs {module}")
    import nbclient
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("running notebooks needs the python3 Jupyter kernel")
    # The kernel inherits the environment: draw without a display.
    monkeypatch.setenv("MPLBACKEND", "Agg")

    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"code cell {index} did not run"
        errors = [out for out in cell.outputs if out.output_type == "error"]
        assert not errors, f"code cell {index}: {errors[0].ename}: {errors[0].evalue}"
