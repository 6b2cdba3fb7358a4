"""Read numeric matrices and cell arrays of matrices from MATLAB ``.mat`` files.

MATLAB v4 to v7 files are read with :func:`scipy.io.loadmat`. A v7.3 file is an
HDF5 file, which scipy cannot read; it is read with ``h5py`` when that is
installed, and otherwise the error says so.
"""

import numpy as np
import scipy.io


def _read_scipy(path, names):
    values = scipy.io.loadmat(path, variable_names=list(names))
    result = {}
    for name in names:
        if name not in values:
            continue
        value = values[name]
        if value.dtype == object:
            # MATLAB numbers the cells of an array in column-major order.
            result[name] = [np.asarray(cell) for cell in value.ravel(order="F")]
        else:
            result[name] = np.asarray(value)
    return result


def _read_hdf5(path, names):
    try:
        import h5py
    except ImportError as exc:
        raise ImportError(
            f"{str(path)!r} is a MATLAB v7.3 (HDF5) file, which scipy cannot "
            "read. Install h5py (pip install h5py), or re-save the file in MATLAB "
            "with save(..., '-v7')."
        ) from exc
    result = {}
    with h5py.File(path, "r") as file:
        for name in names:
            if name not in file:
                continue
            dataset = file[name]
            # HDF5 holds MATLAB's column-major arrays with the axes reversed, so a
            # C-order ravel follows MATLAB's cell numbering and .T restores shape.
            if h5py.check_dtype(ref=dataset.dtype) is not None:
                result[name] = [
                    np.asarray(file[ref][()]).T for ref in dataset[()].ravel()
                ]
            else:
                result[name] = np.asarray(dataset[()]).T
    return result


def read_mat(path, names):
    """Read variables from a MATLAB file.

    Parameters
    ----------
    path : pathlib.Path
        The ``.mat`` file.
    names : list of str
        The variables to read.

    Returns
    -------
    variables : dict
        For each name, a 2-D ndarray for a numeric matrix, or a list of 2-D
        ndarrays, in MATLAB's cell order, for a cell array.

    Raises
    ------
    ValueError
        When a variable is missing; the message names the file and lists the
        variables it holds.
    ImportError
        When the file is a v7.3 (HDF5) file and h5py is not installed.
    """
    try:
        result = _read_scipy(path, names)
    except NotImplementedError:
        # scipy's answer to v7.3 files.
        result = _read_hdf5(path, names)
    missing = [name for name in names if name not in result]
    if missing:
        present = sorted(
            info[0] for info in _list_variables(path) if not info[0].startswith("#")
        )
        raise ValueError(
            f"{str(path)!r} has no variable {missing[0]!r}; expected "
            f"{list(names)}, found {present}."
        )
    return result


def _list_variables(path):
    try:
        return scipy.io.whosmat(path)
    except NotImplementedError:
        import h5py

        with h5py.File(path, "r") as file:
            return [(name, None, None) for name in file]


def cells(path, name, value):
    """Check that a variable read by :func:`read_mat` is a cell array.

    Parameters
    ----------
    path : pathlib.Path
        The file, for error messages.
    name : str
        The variable, for error messages.
    value : list of ndarray or ndarray
        The value read.

    Returns
    -------
    value : list of ndarray
        The cells.

    Raises
    ------
    ValueError
        When the variable is not a cell array.
    """
    if not isinstance(value, list):
        raise ValueError(
            f"Variable {name!r} of {str(path)!r} should be a cell array, one cell "
            f"per task; found a numeric array of shape {value.shape}."
        )
    return value


def task_cells(path, x_name, y_name, *, n_columns, task_word):
    """Read one cell of features and one of labels per task, as the long layout.

    Parameters
    ----------
    path : pathlib.Path
        The ``.mat`` file.
    x_name, y_name : str
        The cell arrays of the features (``n_columns`` columns each) and of
        the labels (one per row of the features), one cell per task.
    n_columns : int
        The number of columns of every features cell.
    task_word : str
        What a task is (``"school"``), for error messages.

    Returns
    -------
    X : ndarray of shape (n_samples, n_columns)
        The features of all tasks, float64, in task order.
    y : ndarray of shape (n_samples,)
        The labels, as stored.
    task : ndarray of shape (n_samples,)
        The task id of each row: the position of its cell.

    Raises
    ------
    ValueError
        When a variable is not a cell array, the two have different numbers of
        cells, or a cell has the wrong shape.
    """
    values = read_mat(path, [x_name, y_name])
    X_cells = cells(path, x_name, values[x_name])
    y_cells = cells(path, y_name, values[y_name])
    if len(X_cells) != len(y_cells):
        raise ValueError(
            f"{str(path)!r}: {x_name} has {len(X_cells)} cells but {y_name} has "
            f"{len(y_cells)}; expected one cell per {task_word} in each."
        )
    for t, (X_t, y_t) in enumerate(zip(X_cells, y_cells), start=1):
        if X_t.ndim != 2 or X_t.shape[1] != n_columns:
            raise ValueError(
                f"{str(path)!r}: cell {x_name}{{{t}}} has shape {X_t.shape}; "
                f"expected {n_columns} columns."
            )
        if y_t.size != X_t.shape[0]:
            raise ValueError(
                f"{str(path)!r}: cell {y_name}{{{t}}} has {y_t.size} labels for "
                f"{X_t.shape[0]} rows in {x_name}{{{t}}}."
            )
    X = np.concatenate(X_cells).astype(np.float64)
    y = np.concatenate([y_t.ravel() for y_t in y_cells])
    task = np.repeat(np.arange(len(X_cells)), [len(X_t) for X_t in X_cells])
    return X, y, task
