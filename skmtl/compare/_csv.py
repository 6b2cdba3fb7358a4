"""Read the data of ``skmtl compare`` from a CSV file, with errors that name columns."""

from pathlib import Path

from skmtl.compare._checks import infinite_cells_error, quote_cells


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


def _is_number_column(column):
    """Return True for a numeric, non-boolean column."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return is_numeric_dtype(column) and not is_bool_dtype(column)


def _stray_text_cells(column):
    """Return the positions of the text cells of a mostly numeric column.

    A column is mostly numeric when more of its non-empty cells read as numbers
    than not; a few stray cells there are typing errors, far likelier than a
    categorical column that happens to hold numbers.
    """
    import pandas as pd

    present = column.notna().to_numpy()
    numbers = pd.to_numeric(column, errors="coerce").notna().to_numpy()
    stray = present & ~numbers
    if not stray.any() or numbers.sum() <= stray.sum():
        return []
    return list(stray.nonzero()[0])


def _stray_text_error(column, name, what, positions, remedy):
    """Return the message of a mostly numeric column with text cells."""
    values = column.to_numpy()
    cells = "cell" if len(positions) == 1 else "cells"
    return (
        f"{what} column {name!r} is numeric except for {len(positions)} {cells}: "
        f"{quote_cells(values, positions, first_row=1, row_word='data row')}. "
        f"Fix those cells (leave a cell empty for a missing value), or {remedy}."
    )


def _check_targets(frame, targets):
    """Raise a DataError naming a non-numeric target column (regression).

    Text target columns next to numeric ones are targets of mixed types and
    pass; a text column is refused when every target is text, and a mostly
    numeric column with a few text cells always is (a likely typo).
    """
    text = []
    for name in targets:
        column = frame[name]
        if _is_number_column(column):
            continue
        stray = _stray_text_cells(column)
        if stray:
            raise DataError(
                _stray_text_error(
                    column, name, "target", stray, "use --classification for labels"
                )
            )
        text.append(name)
    if text and len(text) == len(targets):
        observed = frame[text[0]].dropna()
        example = f" (e.g. {observed.iloc[0]!r})" if len(observed) else ""
        raise DataError(
            f"target column {text[0]!r} is not numeric{example}; for class labels "
            "use --classification."
        )


def _check_features(frame, features, categorical):
    """Raise a DataError for a mostly numeric feature with text cells."""
    for name in features:
        column = frame[name]
        if name in categorical or _is_number_column(column):
            continue
        stray = _stray_text_cells(column)
        if stray:
            raise DataError(
                _stray_text_error(
                    column,
                    name,
                    "feature",
                    stray,
                    f"if the column holds categories, pass --categorical {name}",
                )
            )


def _check_finite(frame, columns, what):
    """Raise a DataError naming a numeric column with an infinite value."""
    for name in columns:
        if _is_number_column(frame[name]):
            message = infinite_cells_error(
                frame[name].to_numpy(), name, what, first_row=1, row_word="data row"
            )
            if message is not None:
                raise DataError(message)


def _as_categories(column):
    """Return ``column`` as text categories, missing cells kept missing."""
    return column.astype(object).where(column.isna(), column.astype(str))


def load_csv(
    path,
    *,
    targets,
    task_column=None,
    classification=False,
    exclude=(),
    categorical=(),
):
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
        Whether the targets are class labels; otherwise they must be numeric,
        or, in the wide layout, text columns next to numeric ones (targets of
        mixed types).
    exclude : sequence of str, default=()
        Columns that are neither features nor targets (identifiers, ...).
    categorical : sequence of str, default=()
        Feature columns read as categories (one-hot encoded) even when they
        hold numbers, or numbers with a few text cells.

    Returns
    -------
    X : DataFrame
        Every other column (the task column included in the long layout).
    y : DataFrame or Series
        The target columns (wide layout) or the single target (long layout).

    Raises
    ------
    DataError
        A message naming the file or the column at fault: a missing column, a
        non-numeric regression target, a mostly numeric column with a few text
        cells (quoted with their data rows, counted from 1 below the header),
        an infinite value.
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
    _require_columns(frame, categorical, "categorical column", path)
    for name in categorical:
        if name in {*targets, *exclude, task_column}:
            raise DataError(
                f"--categorical {name}: the column is a target, the task column or "
                "excluded; --categorical applies to feature columns."
            )
    if not classification:
        _check_targets(frame, targets)
        _check_finite(frame, targets, "target")
    features = [name for name in frame.columns if name not in {*targets, *exclude}]
    if len(features) == (task_column is not None):
        raise DataError(f"'{path}' has no feature column left besides the targets.")
    features_only = [name for name in features if name != task_column]
    _check_features(frame, features_only, set(categorical))
    _check_finite(frame, [n for n in features_only if n not in categorical], "feature")
    for name in categorical:
        frame[name] = _as_categories(frame[name])
    X = frame[features]
    y = frame[targets[0]] if task_column is not None else frame[targets]
    return X, y
