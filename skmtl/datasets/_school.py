"""The ILEA School exam scores: 139 schools as 139 regression tasks."""

import numpy as np

from skmtl.datasets._docs import loader_sections
from skmtl.datasets._home import find_data_files
from skmtl.datasets._layouts import loader_result, long_layout
from skmtl.datasets._matlab import task_cells
from skmtl.utils._docstrings import fill_doc

FEATURE_NAMES = [
    "year_a",
    "year_b",
    "year_c",
    "pct_free_school_meals",
    "pct_vr_band1",
    "gender_a",
    "gender_b",
    "vr_band_a",
    "vr_band_b",
    "vr_band_c",
    *[f"ethnic_{i:02d}" for i in range(1, 12)],
    "school_gender_a",
    "school_gender_b",
    "school_gender_c",
    "school_denom_a",
    "school_denom_b",
    "school_denom_c",
    "bias",
]

PUBLISHED = "https://github.com/jiayuzhou/MALSAR (data/school.mat, MALSAR 1.1, GPL)"

OPTIONS = [
    (("school.mat",), "MALSAR's file, cell arrays X{1x139} and Y{1x139}"),
    (("school.npz",), "the skmtl shared copy"),
]

DESCR = """\
.. _school_dataset:

ILEA School exam scores
-----------------------

**Data Set Characteristics:**

:Number of Instances: 15362 students
:Number of Tasks: 139 schools, 22 to 251 students each (long layout)
:Number of Attributes: 27, plus MALSAR's constant ``bias`` column on request
:Target: exam score, integers 1 to 70 (regression)
:Missing Values: None

Exam scores of 15,362 students from 139 secondary schools of the Inner London
Education Authority (ILEA), 1985-1987. Each school is a task; the task id of a
row is the position (0 to 138) of its school among the cells of the source
file. The standard multi-task regression benchmark.

The attributes follow the encoding of Evgeniou & Pontil and Argyriou et al.:
the exam year (one-hot, ``year_a..c``), the school's percentage of students
eligible for free school meals and in verbal-reasoning band 1 (constant within
a school and year), the student's gender (one-hot), verbal-reasoning band
(one-hot), ethnic group (one-hot, 11 groups), and the school's gender (mixed,
boys, girls) and denomination (maintained, Church of England, Roman Catholic),
one-hot. The source file has no column names: the groups were worked out from
the data, and which column of a group is which category is not documented.

The data is read from MALSAR's ``school.mat`` (``X{1x139}``, ``Y{1x139}``,
28 columns with a constant last one) or from the skmtl shared copy
``school.npz`` (arrays ``X``, ``y``, ``task``, ``feature_names``), converted
from MALSAR's file at commit fb97515.

License: the MALSAR repository is under the GNU GPL; no separate licence is
given for the data file.

.. dropdown:: References

  - H. Goldstein (1991). Multilevel modelling of survey data. The Statistician
    40, 235-244 (the original data).
  - B. Bakker and T. Heskes (2003). Task clustering and gating for Bayesian
    multitask learning. JMLR 4, 83-99.
  - T. Evgeniou, C. A. Micchelli and M. Pontil (2005). Learning multiple tasks
    with kernel methods. JMLR 6, 615-637.
  - A. Argyriou, T. Evgeniou and M. Pontil (2008). Convex multi-task feature
    learning. Machine Learning 73(3), 243-272.
  - J. Zhou, J. Chen and J. Ye (2011). MALSAR: Multi-tAsk Learning via
    StructurAl Regularization. Arizona State University.
"""


def _read_mat(path):
    # 28 columns: the 27 attributes and MALSAR's constant bias.
    X, y, task = task_cells(
        path, "X", "Y", n_columns=len(FEATURE_NAMES), task_word="school"
    )
    return X, y.astype(np.float64), task


def _read_npz(path):
    with np.load(path) as npz:
        return npz["X"], npz["y"], npz["task"].astype(np.int64)


@fill_doc(**loader_sections(task_last=True))
def load_school(
    *, data_home=None, include_bias=False, return_X_y=False, as_frame=False
):
    """Load the ILEA School data: 139 schools as regression tasks, long layout.

    Reads MALSAR's ``school.mat`` or the skmtl shared copy ``school.npz``, in
    that order of preference, from the data folder. Nothing is downloaded.

    =================   ==============================================
    Samples             15362 students
    Tasks               139 schools (22 to 251 students each)
    Features            27 (28 with ``include_bias=True``), + ``task``
    Target              exam score, float64, 1 to 70
    =================   ==============================================

    The data is in the long layout: each row is one student, and its task id
    (0 to 138) is the **last column** of ``data``, named ``"task"``. Pass
    ``task_column=-1`` to an skmtl estimator with the array, or
    ``task_column="task"`` with ``as_frame=True``; the estimator then routes
    each row to its school's head and does not use the id as an input.

    Parameters
    ----------
    %(data_home)s

    include_bias : bool, default=False
        Whether to keep MALSAR's constant column ``bias`` (all ones). skmtl's
        estimators fit their own intercepts, so by default it is dropped and
        the 27 attributes remain, as in Argyriou et al.

    %(return_X_y)s

    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (with an int64 ``"task"`` column),
        ``target`` a Series and ``frame`` the two joined. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (15362, 28) or (15362, 29)
            The features, then the task id as the last column ``"task"``.
            float64 in an ndarray (the ids are exact integers).
        target : {ndarray, Series} of shape (15362,)
            The exam score, float64.
        task : ndarray of shape (15362,)
            The task (school) id of each row, int64, 0 to 138.
        frame : DataFrame of shape (15362, 29) or (15362, 30), or None
            ``data`` and ``target`` side by side if ``as_frame`` is True.
        feature_names : list of str
            The names of the columns of ``data``, ending with ``"task"``.
        target_names : list of str
            ``["exam_score"]``.
        n_tasks : int
            139.
        %(filenames_descr)s

    %(return_tuple)s

    Raises
    ------
    FileNotFoundError
        When no data folder is set or neither file is in it.

    See Also
    --------
    load_landmine : The other long-layout benchmark.

    Notes
    -----
    The ids are the positions of the schools in the source file's cell arrays.
    Estimators that fit a per-task intercept make the school-level attributes
    (constant within a school and year) largely redundant, as in the original
    MTL experiments.

    Examples
    --------
    >>> from skmtl.datasets import load_school
    >>> school = load_school()  # doctest: +SKIP
    >>> school.data.shape, school.n_tasks  # doctest: +SKIP
    ((15362, 28), 139)
    """
    paths, option = find_data_files(
        "School", OPTIONS, data_home=data_home, published=PUBLISHED
    )
    X, y, task = (_read_mat if option == 0 else _read_npz)(paths[0])
    feature_names = list(FEATURE_NAMES)
    if not include_bias:
        X, feature_names = X[:, :-1], feature_names[:-1]
    data, target, attributes = long_layout(
        X,
        y,
        task,
        feature_names=feature_names,
        target_name="exam_score",
        as_frame=as_frame,
        loader="load_school",
    )
    return loader_result(
        data, target, attributes, return_X_y=return_X_y, paths=paths, descr=DESCR
    )
