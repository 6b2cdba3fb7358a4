"""``skmtl compare`` refuses bad input with status 2 and a message naming the problem.

The command runs in-process here (a subprocess costs seconds of imports); the
subprocess test in test_compare_cli.py checks that no traceback is printed.
"""

import pandas as pd
import pytest

from skmtl.__main__ import main


def _fails(capsys, *args):
    """Run ``skmtl compare ARGS``; return its stderr, checking it exited with 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", *map(str, args), "--quiet"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ["--target", "--task-column", "--classification", "--cv", "--json",
                   "--categorical", "--progress", "--no-progress"]:  # fmt: skip
        assert option in out
    assert "long layout" in out
    assert "error reduction" in out and "beyond fold noise" in out


def test_missing_file(capsys, tmp_path):
    err = _fails(capsys, tmp_path / "missing.csv", "-t", "a", "-t", "b")
    assert "missing.csv' does not exist" in err


def test_missing_target_lists_available_columns(capsys, wide_csv):
    err = _fails(capsys, wide_csv, "-t", "y1", "-t", "weight")
    assert "target column 'weight' is not a column of" in err
    assert "available columns: x1, x2, x3, city, y1, y2, label" in err


def test_missing_task_column(capsys, long_csv):
    err = _fails(capsys, long_csv, "-t", "score", "--task-column", "district")
    assert "task column 'district' is not a column of" in err
    assert "school" in err


def test_non_numeric_regression_target_suggests_classification(capsys, wide_csv):
    # Every target text; text next to numbers is the mixed case.
    err = _fails(capsys, wide_csv, "-t", "label", "-t", "city")
    assert "target column 'label' is not numeric" in err
    assert "--classification" in err


def test_single_target_without_task_column(capsys, wide_csv):
    err = _fails(capsys, wide_csv, "-t", "y1")
    assert "needs at least 2 tasks" in err and "--task-column" in err


def test_several_targets_in_long_layout(capsys, long_csv):
    err = _fails(capsys, long_csv, "-t", "score", "-t", "x1", "--task-column", "school")
    assert "give exactly one --target" in err and "score, x1" in err


def test_too_few_rows_for_the_folds_names_the_task(capsys, long_csv, tmp_path):
    frame = pd.read_csv(long_csv)
    small = pd.concat(
        [frame[frame.school != "east"], frame[frame.school == "east"][:3]]
    )
    path = tmp_path / "small.csv"
    small.to_csv(path, index=False)
    err = _fails(capsys, path, "-t", "score", "--task-column", "school", "--cv", "5")
    assert "Task 'east' has 3 rows, fewer than the 5 cross-validation folds" in err


def test_too_few_labels_in_wide_layout_names_the_target(capsys, wide_csv, tmp_path):
    frame = pd.read_csv(wide_csv)
    frame.loc[3:, "y2"] = None
    path = tmp_path / "few.csv"
    frame.to_csv(path, index=False)
    err = _fails(capsys, path, "-t", "y1", "-t", "y2", "--cv", "5")
    assert "Task 'y2' has 2 labelled rows, fewer than the 5" in err


def test_too_few_folds(capsys, wide_csv):
    err = _fails(capsys, wide_csv, "-t", "y1", "-t", "y2", "--cv", "1")
    assert "--cv 1" in err and "at least 2 folds" in err


def test_empty_task_cells(capsys, long_csv, tmp_path):
    frame = pd.read_csv(long_csv)
    frame.loc[[4, 7], "school"] = None
    path = tmp_path / "holes.csv"
    frame.to_csv(path, index=False)
    err = _fails(capsys, path, "-t", "score", "--task-column", "school")
    assert "task column 'school' is empty in 2 rows (first: data row 5)" in err


def test_single_task_in_long_layout(capsys, long_csv, tmp_path):
    frame = pd.read_csv(long_csv)
    frame["school"] = "north"
    path = tmp_path / "one.csv"
    frame.to_csv(path, index=False)
    err = _fails(capsys, path, "-t", "score", "--task-column", "school")
    assert "holds a single task ('north')" in err


def test_single_class_task(capsys, classification_csv, tmp_path):
    frame = pd.read_csv(classification_csv)
    frame["spam"] = "no"
    path = tmp_path / "one_class.csv"
    frame.to_csv(path, index=False)
    err = _fails(capsys, path, "-t", "spam", "-t", "grade", "--classification")
    assert "Task 'spam' has a single class ('no')" in err


def test_output_folder_must_exist(capsys, wide_csv, tmp_path):
    err = _fails(
        capsys, wide_csv, "-t", "y1", "-t", "y2", "--json", tmp_path / "no" / "x.json"
    )
    assert "--json" in err and "does not exist" in err


def test_empty_file(capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    err = _fails(capsys, path, "-t", "a", "-t", "b")
    assert "cannot read" in err and "empty.csv" in err


def _write(frame, tmp_path, name="data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _with_cells(csv, tmp_path, column, cells):
    """Write ``csv`` with the ``cells`` (row -> value) of ``column`` replaced."""
    frame = pd.read_csv(csv)
    frame[column] = frame[column].astype(object)
    for row, value in cells.items():
        frame.loc[row, column] = value
    return _write(frame, tmp_path)


def test_typo_in_a_numeric_feature_names_column_values_and_rows(
    capsys, wide_csv, tmp_path
):
    path = _with_cells(wide_csv, tmp_path, "x1", {7: "1.2.3", 11: "n/a?"})
    err = _fails(capsys, path, "-t", "y1", "-t", "y2", "--exclude", "label")
    assert "column 'x1' is numeric except for 2 cells" in err
    assert "'1.2.3' (data row 8)" in err and "'n/a?' (data row 12)" in err
    assert "--categorical x1" in err


def test_categorical_option_accepts_a_mostly_numeric_column(capsys, wide_csv, tmp_path):
    path = _with_cells(wide_csv, tmp_path, "x1", {7: "1.2.3"})
    status = main(
        ["compare", str(path), "-t", "y1", "-t", "y2", "--exclude", "label",
         "--categorical", "x1", "--sharing", "", "--cv", "2", "--quiet"]
    )  # fmt: skip
    assert status == 0
    assert "Traceback" not in capsys.readouterr().err


def test_unknown_categorical_column(capsys, wide_csv):
    err = _fails(capsys, wide_csv, "-t", "y1", "-t", "y2", "--categorical", "zip")
    assert "categorical column 'zip' is not a column of" in err


def test_typo_in_a_numeric_target_names_the_value_and_row(capsys, wide_csv, tmp_path):
    path = _with_cells(wide_csv, tmp_path, "y1", {3: "12,5"})
    err = _fails(capsys, path, "-t", "y1", "-t", "y2", "--exclude", "label")
    assert "target column 'y1' is numeric except for 1 cell" in err
    assert "'12,5' (data row 4)" in err


@pytest.mark.parametrize("column, what", [("y1", "target"), ("x2", "feature")])
def test_infinite_value_names_the_column(capsys, wide_csv, tmp_path, column, what):
    frame = pd.read_csv(wide_csv)
    frame.loc[5, column] = -float("inf")
    path = _write(frame, tmp_path)
    err = _fails(capsys, path, "-t", "y1", "-t", "y2", "--exclude", "label")
    assert f"{what} column {column!r} has an infinite value (-inf) in data row 6" in (
        err
    )


def test_notes_name_tasks_by_their_column(capsys, classification_csv, tmp_path):
    frame = pd.read_csv(classification_csv)
    frame["rare"] = "no"
    frame.loc[0, "rare"] = "yes"
    path = _write(frame, tmp_path)
    status = main(
        ["compare", str(path), "-t", "spam", "-t", "rare", "--classification",
         "--sharing", "", "--cv", "3", "--quiet"]
    )  # fmt: skip
    assert status == 0
    out = capsys.readouterr().out
    assert "Task 'rare' has a single class ('no')" in out
    assert "task_1" not in out and "task_0" not in out


def test_progress_bar_only_when_asked_off_a_terminal(capsys, wide_csv):
    args = ["compare", str(wide_csv), "-t", "y1", "-t", "y2", "--exclude", "label",
            "--sharing", "", "--cv", "2", "--no-boosting"]  # fmt: skip
    assert main([*args, "--no-progress"]) == 0
    assert capsys.readouterr().err == ""
    assert main([*args, "--progress"]) == 0
    err = capsys.readouterr().err
    assert "compare: 100%" in err and "6/6" in err
