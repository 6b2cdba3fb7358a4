"""Landmine detection: 29 minefields as 29 binary classification tasks."""

import numpy as np

from skmtl.datasets._docs import loader_sections
from skmtl.datasets._home import find_data_files
from skmtl.datasets._layouts import loader_result, long_layout
from skmtl.datasets._matlab import task_cells
from skmtl.utils._docstrings import fill_doc

N_FEATURES = 9
FEATURE_NAMES = [f"feature_{i}" for i in range(N_FEATURES)]

PUBLISHED = (
    "L. Carin's page at Duke University (LandmineData.zip), mirrored e.g. in "
    "https://github.com/daizhongxiang/Federated_Bayesian_Optimization "
    "(LandmineData.mat)"
)

OPTIONS = [
    (
        ("LandmineData.mat",),
        "the published file, cell arrays feature{1x29} and label{1x29}",
    ),
    (("landmine.npz",), "the skmtl shared copy"),
]

DESCR = """\
.. _landmine_dataset:

Landmine detection
------------------

**Data Set Characteristics:**

:Number of Instances: 14820
:Number of Tasks: 29 minefields, 445 to 690 samples each (long layout)
:Number of Attributes: 9
:Target: 1 for a landmine, 0 for clutter (904 positives, 6.1%)
:Missing Values: None

Radar images of 29 minefields, each object described by 9 features: four
moment-based features, three correlation-based features, one energy-ratio
feature and one spatial-variance feature (Xue et al., 2007). The order of the
features within a row is not documented, so they are named ``feature_0`` to
``feature_8``. Each minefield is a binary classification task: tasks 0-14
come from highly foliated regions, tasks 15-28 from bare earth or desert.

The data is read from the published ``LandmineData.mat`` (cell arrays
``feature{1x29}`` and ``label{1x29}``) or from the skmtl shared copy
``landmine.npz`` (arrays ``X``, ``y``, ``task``), converted from the copy in
``daizhongxiang/Federated_Bayesian_Optimization`` (commit 30a4548).

License: no licence is stated; the data comes from L. Carin's lab at Duke
University.

.. dropdown:: References

  - Y. Xue, X. Liao, L. Carin and B. Krishnapuram (2007). Multi-task learning
    for classification with Dirichlet process priors. JMLR 8, 35-63.
"""


def _read_mat(path):
    X, y, task = task_cells(
        path, "feature", "label", n_columns=N_FEATURES, task_word="minefield"
    )
    labels = set(np.unique(y).tolist())
    if not labels <= {0, 1}:
        raise ValueError(
            f"{str(path)!r}: the labels should be 0 (clutter) and 1 (landmine); "
            f"found {sorted(labels)}."
        )
    return X, y.astype(np.int64), task


def _read_npz(path):
    with np.load(path) as npz:
        return npz["X"], npz["y"].astype(np.int64), npz["task"].astype(np.int64)


@fill_doc(**loader_sections(publications="publication", task_last=True))
def load_landmine(*, data_home=None, return_X_y=False, as_frame=False):
    """Load the Landmine data: 29 minefields as classification tasks, long layout.

    Reads the published ``LandmineData.mat`` or the skmtl shared copy
    ``landmine.npz``, in that order of preference, from the data folder.
    Nothing is downloaded.

    =================   ==============================================
    Samples             14820
    Tasks               29 minefields (445 to 690 samples each)
    Features            9, + ``task``
    Target              int64, 1 = landmine, 0 = clutter
    =================   ==============================================

    The data is in the long layout: its task id (0 to 28) is the **last
    column** of ``data``, named ``"task"``, exactly as in :func:`load_school`.
    Pass ``task_column=-1`` to an skmtl estimator with the array, or
    ``task_column="task"`` with ``as_frame=True``.

    Parameters
    ----------
    %(data_home)s

    %(return_X_y)s

    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (with an int64 ``"task"`` column),
        ``target`` a Series and ``frame`` the two joined. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (14820, 10)
            The 9 features, then the task id as the last column ``"task"``.
            float64 in an ndarray (the ids are exact integers).
        target : {ndarray, Series} of shape (14820,)
            1 for a landmine, 0 for clutter, int64.
        task : ndarray of shape (14820,)
            The task (minefield) id of each row, int64, 0 to 28.
        frame : DataFrame of shape (14820, 11) or None
            ``data`` and ``target`` side by side if ``as_frame`` is True.
        feature_names : list of str
            ``feature_0`` to ``feature_8``, then ``"task"``.
        target_names : list of str
            ``["landmine"]``.
        n_tasks : int
            29.
        %(filenames_descr)s

    %(return_tuple)s

    Raises
    ------
    FileNotFoundError
        When no data folder is set or neither file is in it.

    See Also
    --------
    load_school : The other long-layout benchmark.

    Examples
    --------
    >>> from skmtl.datasets import load_landmine
    >>> X, y = load_landmine(return_X_y=True)  # doctest: +SKIP
    >>> X.shape, y.mean().round(3)  # doctest: +SKIP
    ((14820, 10), np.float64(0.061))
    """
    paths, option = find_data_files(
        "Landmine", OPTIONS, data_home=data_home, published=PUBLISHED
    )
    X, y, task = (_read_mat if option == 0 else _read_npz)(paths[0])
    data, target, attributes = long_layout(
        X,
        y,
        task,
        feature_names=FEATURE_NAMES,
        target_name="landmine",
        as_frame=as_frame,
        loader="load_landmine",
    )
    return loader_result(
        data, target, attributes, return_X_y=return_X_y, paths=paths, descr=DESCR
    )
