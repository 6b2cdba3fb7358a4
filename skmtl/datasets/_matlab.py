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
