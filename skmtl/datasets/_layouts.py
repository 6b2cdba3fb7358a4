"""Turn loaded arrays into the ``data``, ``target`` and ``frame`` of a Bunch.

Two shapes, as in the estimators: the long layout (one row per sample, the task
id appended to the features as the last column, named ``"task"``) and the wide
layout (one target column per task).
"""

import numpy as np

from skmtl.datasets._home import import_pandas

TASK_COLUMN = "task"


def long_layout(X, y, task, *, feature_names, target_name, as_frame, loader):
    """Build the long-layout ``data``, ``target`` and ``frame``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The features.
    y : ndarray of shape (n_samples,)
        The target of each row, for the row's own task.
    task : ndarray of shape (n_samples,)
        The integer task id of each row.
    feature_names : list of str
        The names of the columns of ``X``.
    target_name : str
        The name of the target.
    as_frame : bool
        Whether to return pandas objects.
    loader : str
        The loader's name, for the error when pandas is missing.

    Returns
    -------
    data : ndarray of shape (n_samples, n_features + 1) or DataFrame
        ``X`` with the task id as its last column, named ``"task"``: float64 in
        an array, int64 in a DataFrame.
    target : ndarray of shape (n_samples,) or Series
        ``y``.
    frame : DataFrame or None
        ``data`` and ``target`` side by side if ``as_frame``, else None.
    feature_names : list of str
        The names of the columns of ``data``, ending with ``"task"``.
    """
    names = [*feature_names, TASK_COLUMN]
    if not as_frame:
        data = np.column_stack([X, task.astype(np.float64)])
        return data, y, None, names
    pd = import_pandas(loader)
    data = pd.DataFrame(X, columns=list(feature_names))
    data[TASK_COLUMN] = task.astype(np.int64)
    target = pd.Series(y, name=target_name)
    return data, target, pd.concat([data, target], axis=1), names


def wide_layout(X, Y, *, feature_names, target_names, as_frame, loader):
    """Build the wide-layout ``data``, ``target`` and ``frame``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The features.
    Y : ndarray of shape (n_samples, n_tasks)
        One target column per task.
    feature_names : list of str
        The names of the columns of ``X``.
    target_names : list of str
        The names of the columns of ``Y``.
    as_frame : bool
        Whether to return pandas objects.
    loader : str
        The loader's name, for the error when pandas is missing.

    Returns
    -------
    data : ndarray or DataFrame
        ``X``.
    target : ndarray or DataFrame
        ``Y``.
    frame : DataFrame or None
        ``data`` and ``target`` side by side if ``as_frame``, else None.
    """
    if not as_frame:
        return X, Y, None
    pd = import_pandas(loader)
    data = pd.DataFrame(X, columns=list(feature_names))
    target = pd.DataFrame(Y, columns=list(target_names))
    return data, target, pd.concat([data, target], axis=1)
