"""Turn loaded arrays into what a loader returns: ``(data, target)`` or a Bunch.

Two shapes, as in the estimators: the long layout (one row per sample, the task
id appended to the features as the last column, named ``"task"``) and the wide
layout (one target column per task).
"""

import numpy as np
from sklearn.utils import Bunch

from skmtl.datasets._home import import_pandas
from skmtl.utils._docstrings import fill_doc

TASK_COLUMN = "task"

#: ``as_frame`` and ``loader``, the parameters of both layouts, for
#: :func:`skmtl.utils._docstrings.fill_doc`.
FRAME_PARAMETERS = """\
as_frame : bool
    Whether to return pandas objects.
loader : str
    The loader's name, for the error when pandas is missing."""


@fill_doc(frame=FRAME_PARAMETERS)
def long_layout(X, y, task, *, feature_names, target_name, as_frame, loader):
    """Build the long-layout ``data``, ``target`` and Bunch attributes.

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
    %(frame)s

    Returns
    -------
    data : ndarray of shape (n_samples, n_features + 1) or DataFrame
        ``X`` with the task id as its last column, named ``"task"``: float64 in
        an array, int64 in a DataFrame.
    target : ndarray of shape (n_samples,) or Series
        ``y``.
    attributes : dict
        ``task``, ``frame`` (``data`` and ``target`` side by side if
        ``as_frame``, else None), ``feature_names`` (the names of the columns of
        ``data``, ending with ``"task"``), ``target_names`` and ``n_tasks``.
    """
    if as_frame:
        pd = import_pandas(loader)
        data = pd.DataFrame(X, columns=list(feature_names))
        data[TASK_COLUMN] = task.astype(np.int64)
        target = pd.Series(y, name=target_name)
        frame = pd.concat([data, target], axis=1)
    else:
        data, target, frame = np.column_stack([X, task.astype(np.float64)]), y, None
    return (
        data,
        target,
        {
            "task": task,
            "frame": frame,
            "feature_names": [*feature_names, TASK_COLUMN],
            "target_names": [target_name],
            "n_tasks": len(np.unique(task)),
        },
    )


@fill_doc(frame=FRAME_PARAMETERS)
def wide_layout(X, Y, *, feature_names, target_names, as_frame, loader):
    """Build the wide-layout ``data``, ``target`` and Bunch attributes.

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
    %(frame)s

    Returns
    -------
    data : ndarray or DataFrame
        ``X``.
    target : ndarray or DataFrame
        ``Y``.
    attributes : dict
        ``frame`` (``data`` and ``target`` side by side if ``as_frame``, else
        None), ``feature_names`` and ``target_names``.
    """
    data, target, frame = X, Y, None
    if as_frame:
        pd = import_pandas(loader)
        data = pd.DataFrame(X, columns=list(feature_names))
        target = pd.DataFrame(Y, columns=list(target_names))
        frame = pd.concat([data, target], axis=1)
    names = {"feature_names": list(feature_names), "target_names": list(target_names)}
    return data, target, {"frame": frame, **names}


def loader_result(data, target, attributes, *, return_X_y, paths, descr):
    """Return ``(data, target)``, or the Bunch of a loader.

    Parameters
    ----------
    data, target : ndarray or pandas object
        The Bunch's ``data`` and ``target``.
    attributes : dict
        The Bunch's attributes between ``target`` and ``filenames``, in order.
    return_X_y : bool
        Whether to return ``(data, target)`` instead of the Bunch.
    paths : list of path-like
        The files read, the Bunch's ``filenames``.
    descr : str
        The Bunch's ``DESCR``.

    Returns
    -------
    result : tuple or :class:`~sklearn.utils.Bunch`
        ``(data, target)`` if ``return_X_y``, else the Bunch.
    """
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        **attributes,
        filenames=[str(path) for path in paths],
        DESCR=descr,
    )
