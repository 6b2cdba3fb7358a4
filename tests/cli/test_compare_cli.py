"""``skmtl compare`` end to end: the tables, the JSON file and the plot."""

import json

import pytest

from tests.cli.conftest import FAST, run_cli


def _table_row(out, first_cell):
    return next(
        line for line in out.splitlines() if line.startswith(f"| {first_cell} ")
    )


def test_wide_regression_with_missing_labels_and_json(wide_csv, tmp_path):
    scores = tmp_path / "scores.json"
    result = run_cli(
        wide_csv, "--target", "y1", "--target", "y2", "--exclude", "label",
        "--max-epochs", "5", "--cv", "3", "--json", scores, "--progress",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Per-task R² on held-out rows (mean ± std over 3 folds" in out
    header = _table_row(out, "task")
    for model in ["single-task", "single-task HistGB", "pooled", "pooled HistGB"]:
        assert model in header
    for model in ["MTL linear", "MTL hard", "MTL soft"]:
        assert model in header
    assert "MTL mmoe" in header and header.rstrip(" |").endswith("best")
    assert " ± " in _table_row(out, "y2")
    assert "error reduction vs best single-task" in out
    assert "difference vs best single-task" in out
    assert "best single-task: on each task, the best mean R² among single-task, " in (
        out
    )
    assert "overall (mean over tasks)" in out
    assert "beats best single-task" in out
    assert "MTL linear chose alpha=" in out
    assert "Traceback" not in result.stderr
    # --progress: a tqdm bar over the 3 folds x 8 models, even into a pipe.
    assert "compare: 100%" in result.stderr and "24/24" in result.stderr

    content = json.loads(scores.read_text())
    assert content["metric"] == "r2" and content["layout"] == "wide"
    assert content["targets"] == ["y1", "y2"] and content["cv"] == 3
    assert content["tasks"] == ["y1", "y2"]
    assert content["baseline"] == "best single-task"
    assert content["baselines"] == ["single-task", "single-task HistGB"]
    # 30 training labels per task and linear labels: the linear model wins.
    assert content["baseline_per_task"] == {"y1": "single-task", "y2": "single-task"}
    assert len(content["models"]) == 8
    for model in content["models"]:
        for task in ["y1", "y2"]:
            folds = content["scores"][model][task]
            assert len(folds) == 3 and all(isinstance(s, float) for s in folds)
    assert content["error_reduction"]["single-task"] == 0.0
    assert content["error_reduction"]["single-task HistGB"] < -50.0
    assert content["difference"]["MTL hard"]["standard_error"] > 0
    assert len(content["chosen_params"]["MTL linear"]) == 3
    assert content["chosen_params"]["single-task"] == [None, None, None]
    assert set(content["winners"]) == {"y1", "y2"}
    # The linear models explain most of the variance: the labels are linear.
    assert content["mean"]["single-task"]["y1"] > 0.8


def test_long_layout_with_task_column_and_categorical_feature(long_csv):
    result = run_cli(long_csv, "-t", "score", "--task-column", "school", *FAST)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3 tasks (long layout, task column 'school')" in out
    for school in ["north", "south", "east"]:
        assert _table_row(out, school).count(" ± ") == 6
    # Nothing failed or warned: the notes say what the inner search chose and
    # that 16 rows per school in 3 folds make small test folds.
    notes = out.split("Notes:")[1].strip().splitlines()
    assert notes[0].startswith("- MTL linear chose alpha=")
    assert notes[1].startswith("- Small test folds: 3 task(s)") and len(notes) == 2
    # stderr is a pipe, not a terminal: no progress bar unless asked.
    assert result.stderr == ""


def test_classification_binary_and_multiclass_tasks(classification_csv):
    result = run_cli(
        classification_csv, "-t", "spam", "-t", "grade", "--classification", *FAST
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Per-task accuracy on held-out rows" in out
    header = _table_row(out, "task")
    assert "pooled" in header and "MTL hard" in header
    assert "MTL linear" not in header
    assert (
        "MTL linear skipped: task 'grade' has 3 classes and "
        "RegularizedMultiTaskClassifier supports binary tasks only." in out
    )
    assert _table_row(out, "spam").count(" ± ") == 5
    assert "failed" not in out


def test_plot_is_saved(wide_csv, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip(
        "skmtl.plotting", reason="skmtl.plotting (plot_comparison) is not there yet"
    )
    figure = tmp_path / "scores.png"
    result = run_cli(
        wide_csv, "-t", "y1", "-t", "y2", "--exclude", "label", "--cv", "3",
        "--sharing", "", "-q", "--plot", figure,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert figure.stat().st_size > 0
    assert f"Plot saved to {figure}" in result.stdout


def test_missing_file_exits_with_status_2_and_no_traceback(tmp_path):
    result = run_cli(tmp_path / "nowhere.csv", "-t", "a", "-t", "b")
    assert result.returncode == 2
    assert "nowhere.csv' does not exist" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_grouping_models_report_their_groups_and_guard(long_csv):
    result = run_cli(long_csv, "-t", "score", "--task-column", "school", *FAST,
                     "--grouping", "--no-boosting")  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    header = _table_row(out, "task")
    assert "MTL grouped" in header and "MTL guarded" in header
    assert _table_row(out, "north").count(" ± ") == 6
    assert "- MTL grouped chose groups='" in out
    guarded = next(line for line in out.splitlines() if "MTL guarded chose" in line)
    assert "guard='" in guarded and "north:" in guarded
