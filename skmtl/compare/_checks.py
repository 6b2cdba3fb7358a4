"""Cell-level checks of a comparison's data, with messages that name the cells."""

import numpy as np

#: At most this many offending cells are quoted in a message.
MAX_QUOTED = 5


def quote_cells(values, positions, *, first_row=0, row_word="row"):
    """Return ``"'a' (row 3), 'b' (row 9)"`` for the cells at ``positions``.

    Parameters
    ----------
    values : sequence
        The column's values.
    positions : array-like of int
        Positions of the cells to quote.
    first_row : int, default=0
        The number of the row at position 0 (1 for a CSV file's data rows).
    row_word : str, default="row"
        How a row is called in the message.

    Returns
    -------
    text : str
        At most :data:`MAX_QUOTED` cells, then how many more there are.
    """
    positions = list(positions)
    quoted = [
        f"{values[p]!r} ({row_word} {p + first_row})" for p in positions[:MAX_QUOTED]
    ]
    if len(positions) > MAX_QUOTED:
        quoted.append(f"{len(positions) - MAX_QUOTED} more")
    return ", ".join(quoted)


def infinite_cells_error(values, name, what, *, first_row=0, row_word="row"):
    """Return a ValueError message for the infinite cells of a column, or None.

    Parameters
    ----------
    values : array-like of float
        The column, as numbers (NaN for a missing value).
    name : object
        The column's name.
    what : str
        What the column is (``"target"``, ``"feature"``).
    first_row, row_word
        How rows are numbered and called (see :func:`quote_cells`).

    Returns
    -------
    message : str or None
        None when every value is finite or missing.
    """
    values = np.asarray(values, dtype=np.float64)
    positions = np.flatnonzero(np.isinf(values))
    if len(positions) == 0:
        return None
    shown = sorted({str(v) for v in values[positions].tolist()})
    rows = ", ".join(str(p + first_row) for p in positions[:MAX_QUOTED])
    if len(positions) > MAX_QUOTED:
        rows += f" and {len(positions) - MAX_QUOTED} more"
    count = (
        "an infinite value"
        if len(positions) == 1
        else f"{len(positions)} infinite values"
    )
    plural = "s" if len(positions) > 1 else ""
    return (
        f"{what} column {name!r} has {count} ({', '.join(shown)}) in {row_word}"
        f"{plural} {rows}; the models need finite numbers: fix or empty those "
        "cells (an empty cell is a missing value)."
    )
