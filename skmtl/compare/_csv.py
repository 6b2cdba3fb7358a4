"""Read the data of ``skmtl compare`` from a CSV file, with errors that name columns."""

from pathlib import Path


class DataError(ValueError):
    """The data file or its columns cannot be compared; the message says why."""


def _read(path):
    """Return the CSV file at ``path`` as a DataFrame."""
    try:
        import pandas as pd
    except ImportError:
        raise DataError(
            "reading a CSV file needs pandas: pip install 'skmtl[pandas]'."
        ) from None
    path = Path(path)
    if not path.is_file():
        what = "is a directory, not a file" if path.is_dir() else "does not exist"
        raise DataError(f"data file '{path}' {what}.")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read '{path}' as CSV: {e}") from None
    if frame.empty:
        raise DataError(f"data file '{path}' has no data rows.")
    return frame


def _require_columns(frame, names, what, path):
    """Raise a DataError for the first of ``names`` that is not a column."""
    missing = [name for name in names if name not in frame.columns]
    if missing:
        available = ", ".join(map(str, frame.columns))
        raise DataError(
            f"{what} {missing[0]!r} is not a column of '{path}'; available "
            f"columns: {available}."
        )


def _check_numeric_targets(frame, targets):
    """Raise a DataError naming a non-numeric target column (regression)."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    for name in targets:
        column = frame[name]
        if is_numeric_dtype(column) and not is_bool_dtype(column):
            continue
        observed = column.dropna()
        example = f" (e.g. {observed.iloc[0]!r})" if len(observed) else ""
        raise DataError(
            f"target column {name!r} is not numeric{example}; for class labels "
            "use --classification."
        )


def load_csv(path, *, targets, task_column=None, classification=False, exclude=()):
    """Return the features and targets of a comparison, read from a CSV file.

    Parameters
    ----------
    path : str or Path
        The CSV file (header row required).
    targets : list of str
        The target columns: one per task (wide layout), or exactly one holding
        every row's label (long layout, with ``task_column``).
    task_column : str, default=None
        The column naming each row's task (long layout); stays in ``X``.
    classification : bool, default=False
        Whether the targets are class labels; otherwise they must be numeric.
    exclude : sequence of str, default=()
        Columns that are neither features nor targets (identifiers, ...).

    Returns
    -------
    X : DataFrame
        Every other column (the task column included in the long layout).
    y : DataFrame or Series
        The target columns (wide layout) or the single target (long layout).

    Raises
    ------
    DataError
        A message naming the file or the column at fault.
    """
    targets = list(dict.fromkeys(targets))
    if task_column is not None and len(targets) != 1:
        raise DataError(
            f"with --task-column (long layout) give exactly one --target, the "
            f"column holding each row's label for its own task; got "
            f"{len(targets)}: {', '.join(targets)}."
        )
    if task_column is None and len(targets) < 2:
        raise DataError(
            f"a multi-task comparison needs at least 2 tasks: give 2 or more "
            f"--target columns (wide layout), or --task-column naming the column "
            f"that says which task each row belongs to (long layout); got "
            f"{len(targets)} target ({', '.join(targets)})."
        )
    frame = _read(path)
    _require_columns(frame, targets, "target column", path)
    if task_column is not None:
        _require_columns(frame, [task_column], "task column", path)
        if task_column in targets:
            raise DataError(f"column {task_column!r} cannot be both task and target.")
        missing = frame[task_column].isna()
        if missing.any():
            raise DataError(
                f"task column {task_column!r} is empty in {int(missing.sum())} rows "
                f"(first: data row {int(missing.to_numpy().argmax()) + 1}); every "
                "row needs its task."
            )
    _require_columns(frame, exclude, "excluded column", path)
    if not classification:
        _check_numeric_targets(frame, targets)
    features = [name for name in frame.columns if name not in {*targets, *exclude}]
    if len(features) == (task_column is not None):
        raise DataError(f"'{path}' has no feature column left besides the targets.")
    X = frame[features]
    y = frame[targets[0]] if task_column is not None else frame[targets]
    return X, y
