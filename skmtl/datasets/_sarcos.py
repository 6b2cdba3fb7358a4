"""SARCOS robot-arm inverse dynamics: 7 joint torques as 7 regression tasks."""

import numpy as np

from skmtl.datasets._docs import loader_sections
from skmtl.datasets._home import check_subset, find_data_files, get_data_home
from skmtl.datasets._layouts import loader_result, wide_layout
from skmtl.datasets._matlab import read_mat
from skmtl.utils._docstrings import fill_doc

FEATURE_NAMES = [
    f"{prefix}{joint}" for prefix in ("q", "dq", "ddq") for joint in range(1, 8)
]
TARGET_NAMES = [f"tau{joint}" for joint in range(1, 8)]

PUBLISHED = (
    "the website of Rasmussen & Williams, Gaussian Processes for Machine Learning "
    "(https://gaussianprocess.org/gpml/data/: sarcos_inv.mat, sarcos_inv_test.mat)"
)

TRAIN_OPTIONS = [
    (("sarcos_inv.mat",), "GPML's training split, variable sarcos_inv, 44484x28"),
]
TEST_OPTIONS = [
    (
        ("sarcos_inv_test.mat",),
        "GPML's test split, variable sarcos_inv_test, 4449x28",
    ),
    (("sarcos_test.npz",), "the skmtl shared copy of the test split"),
]
DESCR = """\
.. _sarcos_dataset:

SARCOS inverse dynamics
-----------------------

**Data Set Characteristics:**

:Number of Instances: 44484 training + 4449 test samples
:Number of Attributes: 21: 7 joint positions ``q1..q7``, 7 velocities
    ``dq1..dq7`` and 7 accelerations ``ddq1..ddq7``
:Number of Tasks: 7 joint torques ``tau1..tau7`` (regression, wide layout)
:Missing Values: None

The inverse dynamics of a seven-degree-of-freedom SARCOS anthropomorphic robot
arm: predict the torques of the 7 joints from the positions, velocities and
accelerations. Each torque is usually treated as one task.

The published files are GPML's ``sarcos_inv.mat`` (variable ``sarcos_inv``,
44484x28, the training split) and ``sarcos_inv_test.mat`` (variable
``sarcos_inv_test``, 4449x28, the test split); in both, columns 1-21 are the
inputs and 22-28 the torques. The skmtl shared copy ``sarcos_test.npz``
(arrays ``X_test``, ``Y_test``) holds **only the test split**, converted from
the GPML file in ``probml/pmtkdata`` (commit 1f3ffa3): the training split then
cannot be loaded, and ``subset="train"`` or ``"all"`` raise an error that says
so.

License: none stated; the data is distributed on the GPML book's website.

.. dropdown:: References

  - S. Vijayakumar and S. Schaal (2000). Locally weighted projection
    regression: an O(n) algorithm for incremental real time learning in high
    dimensional space. ICML 2000.
  - C. E. Rasmussen and C. K. I. Williams (2006). Gaussian Processes for
    Machine Learning. MIT Press.
"""


def _read_mat(path, variable):
    matrix = read_mat(path, [variable])[variable]
    n_columns = len(FEATURE_NAMES) + len(TARGET_NAMES)
    if isinstance(matrix, list) or matrix.ndim != 2 or matrix.shape[1] != n_columns:
        shape = "a cell array" if isinstance(matrix, list) else matrix.shape
        raise ValueError(
            f"{str(path)!r}: variable {variable!r} should be a numeric matrix with "
            f"{n_columns} columns (21 inputs, then 7 torques); found {shape}."
        )
    matrix = matrix.astype(np.float64)
    return matrix[:, : len(FEATURE_NAMES)], matrix[:, len(FEATURE_NAMES) :]


def _read_train(data_home):
    try:
        paths, _ = find_data_files(
            "SARCOS (training split)",
            TRAIN_OPTIONS,
            data_home=data_home,
            published=PUBLISHED,
        )
    except FileNotFoundError as exc:
        home = get_data_home(data_home)
        if home is not None and any(
            (home / files[0]).is_file() for files, _ in TEST_OPTIONS
        ):
            raise FileNotFoundError(
                f"Only the SARCOS test split is available in {str(home)!r}: the "
                "training split needs 'sarcos_inv.mat' (44484x28), published on "
                f"{PUBLISHED}. Load the test split alone with subset='test', or "
                "add that file."
            ) from exc
        raise
    return paths[0], *_read_mat(paths[0], "sarcos_inv")


def _read_test(data_home):
    paths, option = find_data_files(
        "SARCOS (test split)", TEST_OPTIONS, data_home=data_home, published=PUBLISHED
    )
    if option == 0:
        return paths[0], *_read_mat(paths[0], "sarcos_inv_test")
    with np.load(paths[0]) as npz:
        return paths[0], npz["X_test"], npz["Y_test"]


@fill_doc(**loader_sections(files="files"))
def load_sarcos(*, subset="all", data_home=None, return_X_y=False, as_frame=False):
    """Load the SARCOS inverse dynamics data: 7 torques as regression tasks.

    Reads GPML's ``sarcos_inv.mat`` (training split) and ``sarcos_inv_test.mat``
    (test split), or, for the test split only, the skmtl shared copy
    ``sarcos_test.npz``. Nothing is downloaded.

    =================   ==============================================
    Samples             44484 train + 4449 test
    Features            21 (joint positions, velocities, accelerations)
    Tasks               7 joint torques, wide layout
    =================   ==============================================

    Parameters
    ----------
    subset : {"all", "train", "test"}, default="all"
        Which split to load: ``"all"`` stacks the training split, then the test
        split; ``split`` in the result tells them apart (e.g. for
        :class:`~sklearn.model_selection.PredefinedSplit`). ``"train"`` and
        ``"all"`` need ``sarcos_inv.mat``: with only the test split at hand
        (the shared copy), they raise a :class:`FileNotFoundError` that says
        so, and ``subset="test"`` loads what is there.

    %(data_home)s

    %(return_X_y)s

    as_frame : bool, default=False
        If True, ``data`` and ``target`` are DataFrames and ``frame`` the two
        joined. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (n_samples, 21)
            The inputs, float64.
        target : {ndarray, DataFrame} of shape (n_samples, 7)
            The torques, float64, one column per task.
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each row.
        subset : str
            The ``subset`` loaded.
        frame : DataFrame of shape (n_samples, 28) or None
            ``data`` and ``target`` side by side if ``as_frame`` is True.
        feature_names : list of str
            ``q1..q7``, ``dq1..dq7``, ``ddq1..ddq7``.
        target_names : list of str
            ``tau1..tau7``.
        %(filenames_descr)s

    %(return_tuple)s

    %(subset_raises)s
    FileNotFoundError
        When a file that ``subset`` needs is missing; with only the test split
        present, the message says that only the test split is available.

    Examples
    --------
    >>> from skmtl.datasets import load_sarcos
    >>> sarcos = load_sarcos(subset="test")  # doctest: +SKIP
    >>> sarcos.data.shape, sarcos.target.shape  # doctest: +SKIP
    ((4449, 21), (4449, 7))
    """
    check_subset(subset)
    parts = []
    if subset in ("train", "all"):
        parts.append(("train", *_read_train(data_home)))
    if subset in ("test", "all"):
        parts.append(("test", *_read_test(data_home)))
    X = np.concatenate([part[2] for part in parts]).astype(np.float64)
    Y = np.concatenate([part[3] for part in parts]).astype(np.float64)
    split = np.concatenate([np.full(len(part[2]), part[0]) for part in parts])
    data, target, attributes = wide_layout(
        X,
        Y,
        feature_names=FEATURE_NAMES,
        target_names=TARGET_NAMES,
        as_frame=as_frame,
        loader="load_sarcos",
    )
    return loader_result(
        data,
        target,
        {"split": split, "subset": subset, **attributes},
        return_X_y=return_X_y,
        paths=[part[1] for part in parts],
        descr=DESCR,
    )
