"""UCI Adult census data as two classification tasks: income and marriage."""

import csv
import gzip

import numpy as np

from skmtl.datasets._docs import loader_sections
from skmtl.datasets._home import check_subset, find_data_files, import_pandas
from skmtl.datasets._layouts import loader_result
from skmtl.utils._docstrings import fill_doc

COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
]
NUMERICAL_FEATURES = [
    "age",
    "fnlwgt",
    "education-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
]
CATEGORICAL_FEATURES = [
    "workclass",
    "education",
    "occupation",
    "race",
    "sex",
    "native-country",
]
# marital-status is a target; relationship ("Husband", "Wife", "Own-child", ...)
# gives marital status away, so neither is a feature.
FEATURE_NAMES = [
    name for name in COLUMNS if name in NUMERICAL_FEATURES + CATEGORICAL_FEATURES
]
TARGET_NAMES = ["income_over_50k", "never_married"]
# ``tasks="mixed"``: one binary, one multiclass and one regression task; the
# regression target (hours-per-week) leaves the features.
MIXED_TARGET_NAMES = ["income_over_50k", "marital_status", "hours_per_week"]
MIXED_FEATURE_NAMES = [name for name in FEATURE_NAMES if name != "hours-per-week"]
TASK_SETS = ("binary", "mixed")

PUBLISHED = (
    "the UCI Machine Learning Repository, "
    "https://archive.ics.uci.edu/dataset/2/adult (adult.data, adult.test)"
)

DESCR = """\
.. _adult_multitask_dataset:

UCI Adult census data, two tasks
--------------------------------

**Data Set Characteristics:**

:Number of Instances: 48842 (32561 train from ``adult.data``, 16281 test from
    ``adult.test``)
:Number of Attributes: 12: 6 numerical, 6 categorical
:Number of Tasks: 2 binary classification tasks (wide layout)
:Missing Values: workclass 2799, occupation 2809, native-country 857 (NaN)

The UCI Adult ("Census Income") data, extracted by B. Becker from the 1994 US
Census database, as two binary tasks on the same people, in the manner of the
MMoE census experiments (which used the larger Census-Income KDD data):

- ``income_over_50k``: 1 if the income is ``>50K``, else 0 (23.9% positive);
- ``never_married``: 1 if the marital status is ``Never-married``, else 0
  (33.0% positive).

``marital-status`` is a target and is not a feature. ``relationship``
("Husband", "Wife", "Own-child", "Unmarried", ...) gives marital status away,
so it is dropped too: a model that saw it would solve ``never_married`` almost
perfectly without learning anything transferable. The 12 features are
``age``, ``workclass``, ``fnlwgt``, ``education``, ``education-num``,
``occupation``, ``race``, ``sex``, ``capital-gain``, ``capital-loss``,
``hours-per-week`` and ``native-country``.

The data is read from the UCI files ``adult.data`` and ``adult.test`` (no
header; the first line of ``adult.test`` is ``|1x3 Cross validator`` and its
labels end with a dot) or from the skmtl shared copy ``adult.csv.gz`` (a header
row, and a ``split`` column), converted from ``sandeep2/Ensemble-Learning``
(commit 481fbca) and checked record by record against another copy.

License: the UCI Machine Learning Repository licenses the data under CC BY 4.0.

.. dropdown:: References

  - R. Kohavi (1996). Scaling up the accuracy of naive-Bayes classifiers: a
    decision-tree hybrid. KDD 1996.
  - B. Becker and R. Kohavi (1996). Adult. UCI Machine Learning Repository.
    https://doi.org/10.24432/C5XW20
  - J. Ma, Z. Zhao, X. Yi, J. Chen, L. Hong and E. H. Chi (2018). Modeling task
    relationships in multi-task learning with multi-gate mixture-of-experts.
    KDD 2018.
"""


def _read_uci(path, columns):
    """Append the rows of a UCI file to ``columns``; return how many."""
    n_rows = 0
    with open(path, encoding="utf-8", newline="") as file:
        for number, row in enumerate(csv.reader(file, skipinitialspace=True), 1):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if row[0].startswith("|"):
                # adult.test opens with "|1x3 Cross validator".
                continue
            if len(row) != len(COLUMNS):
                raise ValueError(
                    f"{str(path)!r}, line {number}: {len(row)} fields; expected "
                    f"{len(COLUMNS)} ({', '.join(COLUMNS)})."
                )
            for column, value in zip(columns, row):
                column.append(value)
            n_rows += 1
    return n_rows


def _read_shared(path, subset):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, [])
        missing = [name for name in [*COLUMNS, "split"] if name not in header]
        if missing:
            raise ValueError(
                f"{str(path)!r} lacks the column(s) {missing}; its header is {header}."
            )
        positions = [header.index(name) for name in COLUMNS]
        split_position = header.index("split")
        columns = [[] for _ in COLUMNS]
        splits = []
        for row in reader:
            if subset in ("all", row[split_position]):
                for column, position in zip(columns, positions):
                    column.append(row[position])
                splits.append(row[split_position])
    return columns, splits


def _to_int(path, name, values):
    try:
        return np.array(values).astype(np.int64).astype(object)
    except ValueError:
        for value in values:
            try:
                int(value)
            except ValueError:
                raise ValueError(
                    f"{str(path)!r}: column {name!r} should hold integers; found "
                    f"{value!r}."
                ) from None
        raise


def _to_arrays(columns, path, feature_names):
    columns = dict(zip(COLUMNS, columns))
    n_samples = len(columns["income"])
    data = np.empty((n_samples, len(feature_names)), dtype=object)
    for j, name in enumerate(feature_names):
        values = columns[name]
        if name in NUMERICAL_FEATURES:
            data[:, j] = _to_int(path, name, values)
        else:
            column = np.array(values, dtype=object)
            column[[value in ("", "?") for value in values]] = np.nan
            data[:, j] = column
    # The UCI test file's labels end with a dot: ">50K.".
    income = np.array([value.strip().rstrip(".") for value in columns["income"]])
    unknown = set(income.tolist()) - {"<=50K", ">50K"}
    if unknown:
        raise ValueError(
            f"{str(path)!r}: column 'income' should be '<=50K' or '>50K'; found "
            f"{sorted(unknown)}."
        )
    marital = np.array([value.strip() for value in columns["marital-status"]])
    if len(feature_names) == len(FEATURE_NAMES):
        target = np.column_stack([income == ">50K", marital == "Never-married"])
        return data, target.reshape(n_samples, 2).astype(np.int64)
    hours = _to_int(path, "hours-per-week", columns["hours-per-week"])
    target = np.empty((n_samples, 3), dtype=object)
    target[:, 0] = (income == ">50K").astype(np.int64)
    target[:, 1] = marital.astype(object)
    target[:, 2] = hours.astype(np.float64)
    return data, target


@fill_doc(**loader_sections(files="files"))
def load_adult_multitask(
    *, subset="all", tasks="binary", data_home=None, return_X_y=False, as_frame=False
):
    """Load the UCI Adult data as two tasks: income over 50K, never married.

    With ``tasks="mixed"``, three tasks of three types instead: income over 50K
    (binary), marital status (7 classes) and hours worked per week
    (regression), for networks that learn tasks of mixed types together.

    Reads the UCI files ``adult.data`` and ``adult.test`` or the skmtl shared
    copy ``adult.csv.gz``, in that order of preference. Nothing is downloaded.

    =================   ==============================================
    Samples             32561 train + 16281 test
    Features            12: 6 numerical, 6 categorical
    Tasks               2 binary: ``income_over_50k``, ``never_married``
    =================   ==============================================

    ``marital-status`` (the second task's source) and ``relationship`` (which
    gives marital status away: "Husband", "Wife", ...) are **not** features.
    The categorical features need encoding; with ``as_frame=True`` they have the
    pandas ``category`` dtype, ready for a
    :class:`~sklearn.compose.ColumnTransformer` selecting
    ``categorical_features`` and ``numerical_features`` by name.

    Parameters
    ----------
    subset : {"all", "train", "test"}, default="all"
        Which split to load: the official training split (``adult.data``), the
        official test split (``adult.test``), or both, training rows first;
        ``split`` in the result tells them apart.

    tasks : {"binary", "mixed"}, default="binary"
        The task set. ``"binary"``: ``income_over_50k`` and ``never_married``
        (int64, 0 or 1) from 12 features. ``"mixed"``: ``income_over_50k``
        (int64, 0 or 1), ``marital_status`` (str, 7 classes such as
        ``"Never-married"``) and ``hours_per_week`` (float64), from the 11
        features other than ``hours-per-week``; the target array then has
        dtype object (a DataFrame keeps each column's dtype).

    %(data_home)s

    %(return_X_y)s

    as_frame : bool, default=False
        If True (recommended), ``data`` is a DataFrame with int64 numerical
        columns and ``category`` categorical ones, ``target`` a DataFrame, and
        ``frame`` the two joined. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (n_samples, 12) or (n_samples, 11)
            The features in the order of ``feature_names``. An ndarray has
            dtype object: Python ints in the numerical columns, str in the
            categorical ones, NaN where a value is missing.
        target : {ndarray, DataFrame} of shape (n_samples, n_tasks)
            The tasks' labels (see ``tasks``).
        split : ndarray of shape (n_samples,)
            ``"train"`` or ``"test"`` for each row, the official split.
        subset : str
            The ``subset`` loaded.
        frame : DataFrame of shape (n_samples, 14) or None
            ``data`` and ``target`` side by side if ``as_frame`` is True.
        feature_names : list of str
            The 12 (11) feature names.
        numerical_features : list of str
            The 6 (5) numerical features.
        categorical_features : list of str
            The 6 categorical features.
        target_names : list of str
            ``["income_over_50k", "never_married"]``, or with ``tasks="mixed"``
            ``["income_over_50k", "marital_status", "hours_per_week"]``.
        %(filenames_descr)s

    %(return_tuple)s

    %(subset_raises)s
    ValueError
        When ``tasks`` is not one of its values.
    FileNotFoundError
        When neither the UCI files that ``subset`` needs nor the shared copy
        are found.

    Examples
    --------
    >>> from skmtl.datasets import load_adult_multitask
    >>> adult = load_adult_multitask(subset="train", as_frame=True)  # doctest: +SKIP
    >>> adult.data.shape, adult.target_names  # doctest: +SKIP
    ((32561, 12), ['income_over_50k', 'never_married'])
    """
    check_subset(subset)
    if tasks not in TASK_SETS:
        raise ValueError(f"tasks={tasks!r} is not one of {list(TASK_SETS)}.")
    mixed = tasks == "mixed"
    feature_names = MIXED_FEATURE_NAMES if mixed else FEATURE_NAMES
    target_names = MIXED_TARGET_NAMES if mixed else TARGET_NAMES
    numerical = [name for name in NUMERICAL_FEATURES if name in feature_names]
    uci = {"train": ("adult.data",), "test": ("adult.test",)}
    uci["all"] = uci["train"] + uci["test"]
    options = [
        (uci[subset], "the UCI files"),
        (("adult.csv.gz",), "the skmtl shared copy"),
    ]
    paths, option = find_data_files(
        "Adult", options, data_home=data_home, published=PUBLISHED
    )
    if option == 0:
        names = ["train", "test"] if subset == "all" else [subset]
        columns, splits = [[] for _ in COLUMNS], []
        for path, name in zip(paths, names):
            splits += [name] * _read_uci(path, columns)
    else:
        columns, splits = _read_shared(paths[0], subset)
    data, target = _to_arrays(columns, paths[0], feature_names)
    split = np.array(splits, dtype=str)

    frame = None
    if as_frame:
        pd = import_pandas("load_adult_multitask")
        columns = {}
        for j, name in enumerate(feature_names):
            if name in NUMERICAL_FEATURES:
                columns[name] = data[:, j].astype(np.int64)
            else:
                columns[name] = pd.Categorical(data[:, j])
        data = pd.DataFrame(columns)
        target = pd.DataFrame(target, columns=target_names)
        if mixed:
            target = target.astype(
                {"income_over_50k": np.int64, "hours_per_week": np.float64}
            )
        frame = pd.concat([data, target], axis=1)
    attributes = {
        "split": split,
        "subset": subset,
        "frame": frame,
        "feature_names": list(feature_names),
        "numerical_features": numerical,
        "categorical_features": list(CATEGORICAL_FEATURES),
        "target_names": list(target_names),
    }
    return loader_result(
        data, target, attributes, return_X_y=return_X_y, paths=paths, descr=DESCR
    )
