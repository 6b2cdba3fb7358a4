"""The Mulan multi-target regression (MTR) benchmark collection."""

import numpy as np

from skmtl.datasets._arff import read_arff
from skmtl.datasets._docs import loader_sections
from skmtl.datasets._home import find_data_files
from skmtl.datasets._layouts import loader_result, wide_layout
from skmtl.utils._docstrings import fill_doc

# name: (number of targets, the last attributes of the ARFF file; domain)
MTR_DATASETS = {
    "andro": (6, "sea-water quality (Andromeda); Hatzikos et al. 2008"),
    "atp1d": (6, "airline ticket price, next day; Spyromitros-Xioufis et al. 2016"),
    "atp7d": (6, "airline ticket price, 7-day minimum; Spyromitros-Xioufis 2016"),
    "edm": (2, "electrical discharge machining; Karalic & Bratko 1997"),
    "enb": (2, "building energy, heating and cooling load; Tsanas & Xifara 2012"),
    "jura": (3, "heavy-metal concentrations Cd, Co, Cu; Goovaerts 1997"),
    "oes10": (16, "occupational employment survey 2010; Spyromitros-Xioufis 2016"),
    "oes97": (16, "occupational employment survey 1997; Spyromitros-Xioufis 2016"),
    "osales": (12, "online product sales, 12 months; Kaggle"),
    "rf1": (8, "river flow 48 h ahead at 8 sites; Spyromitros-Xioufis 2016"),
    "rf2": (8, "river flow, extended inputs; Spyromitros-Xioufis 2016"),
    "scm1d": (16, "supply-chain price, next day; Spyromitros-Xioufis 2016"),
    "scm20d": (16, "supply-chain price, 20 days ahead; Spyromitros-Xioufis 2016"),
    "scpf": (3, "SeeClickFix issues: views, votes, comments; Kaggle"),
    "sf1": (3, "solar flares, period 1; UCI Solar Flare"),
    "sf2": (3, "solar flares, period 2; UCI Solar Flare"),
    "slump": (3, "concrete slump, flow and strength; Yeh 2007"),
    "wq": (14, "river water quality, 14 bio-indicator taxa; Dzeroski et al. 2000"),
}

PUBLISHED = (
    "https://github.com/tsoumakas/mulan (data/multi-target/{name}.arff; also "
    "http://mulan.sourceforge.net/datasets-mtr.html)"
)

DESCR = """\
.. _mtr_dataset:

Mulan multi-target regression: {name}
--------------------------------------

**Data Set Characteristics:**

:Number of Instances: {n_samples}
:Number of Attributes: {n_features}
:Number of Tasks: {n_targets} regression targets (wide layout)
:Missing Values: {n_missing} in the inputs, NaN
:Domain: {domain}

One of the 18 multi-target regression data sets collected by
Spyromitros-Xioufis et al. (2016) and distributed with Mulan as ARFF files, in
which the targets are the last attributes. Each target is a task, and every
sample has all targets observed. Nominal inputs (sf1, sf2) are integer codes,
code i being the i-th declared value (see ``feature_categories``).

The data is read from Mulan's ``{name}.arff`` or from the skmtl shared copy
``mtr/{name}.npz`` (arrays ``X``, ``Y``, ``feature_names``, ``target_names``,
and ``feature_categories`` for nominal inputs), converted from the ARFF files
of ``tsoumakas/mulan`` (commit 43f6389; rf1 and scm20d from
``Zhendong-Wang/Probabilistic-Conformal-Prediction``). The shared copy has no
scm1d or rf2; osales has 401 inputs (413 attributes in all).

License: Mulan is GPL v3; no separate data licence is given. Cite the papers
below and the data set's own origin.

.. dropdown:: References

  - E. Spyromitros-Xioufis, G. Tsoumakas, W. Groves and I. Vlahavas (2016).
    Multi-target regression via input space expansion: treating targets as
    inputs. Machine Learning 104(1), 55-98.
  - G. Tsoumakas, E. Spyromitros-Xioufis, J. Vilcek and I. Vlahavas (2011).
    Mulan: A Java library for multi-label learning. JMLR 12, 2411-2414.
"""


def _read_arff(path, n_targets):
    arff = read_arff(path)
    n_features = len(arff.names) - n_targets
    if n_features < 1:
        raise ValueError(
            f"{str(path)!r} has {len(arff.names)} attributes; expected the inputs "
            f"followed by {n_targets} targets."
        )
    for name, kind in zip(arff.names, arff.kinds):
        if kind not in ("numeric", "nominal"):
            raise ValueError(
                f"{str(path)!r}: attribute {name!r} is of kind {kind!r}; the "
                "multi-target regression files hold numeric and nominal ones only."
            )
    for name, kind in zip(arff.names[n_features:], arff.kinds[n_features:]):
        if kind != "numeric":
            raise ValueError(
                f"{str(path)!r}: target attribute {name!r} is {kind}; the last "
                f"{n_targets} attributes should be numeric targets."
            )
    n_samples = len(arff.columns[0])
    X = np.column_stack(arff.columns[:n_features]).reshape(n_samples, n_features)
    Y = np.column_stack(arff.columns[n_features:]).reshape(n_samples, n_targets)
    feature_names = arff.names[:n_features]
    categories = {
        name: arff.categories[name] for name in feature_names if name in arff.categories
    }
    return X, Y, feature_names, arff.names[n_features:], categories


def _read_npz(path):
    with np.load(path) as npz:
        feature_names = [str(name) for name in npz["feature_names"]]
        categories = {}
        if "feature_categories" in npz.files:
            for name, joined in zip(feature_names, npz["feature_categories"]):
                if str(joined):
                    categories[name] = str(joined).split("|")
        target_names = [str(name) for name in npz["target_names"]]
        return npz["X"], npz["Y"], feature_names, target_names, categories


@fill_doc(**loader_sections(read="file"))
def load_mtr(name, *, data_home=None, return_X_y=False, as_frame=False):
    """Load one of Mulan's multi-target regression data sets.

    Reads Mulan's ``<name>.arff`` (from the data folder or its ``mtr``
    subfolder) or the skmtl shared copy ``mtr/<name>.npz``, in that order of
    preference. Nothing is downloaded. The targets are the last k attributes of
    the ARFF file, k being fixed per data set (see ``MTR_DATASETS``).

    =======   =====   ===   ==   =======   =====   ===   ==
    name      n       d     k    name      n       d     k
    =======   =====   ===   ==   =======   =====   ===   ==
    andro     49      30    6    osales    639     401   12
    atp1d     337     411   6    rf1       9125    64    8
    atp7d     296     411   6    rf2       9125    576   8
    edm       154     16    2    scm1d     9803    280   16
    enb       768     8     2    scm20d    8966    61    16
    jura      359     15    3    scpf      1137    23    3
    oes10     403     298   16   sf1       323     10    3
    oes97     334     263   16   sf2       1066    10    3
    slump     103     7     3    wq        1060    16    14
    =======   =====   ===   ==   =======   =====   ===   ==

    Parameters
    ----------
    name : str
        The data set, one of the 18 names above. The skmtl shared copy has all
        but ``scm1d`` and ``rf2``.

    %(data_home)s

    %(return_X_y)s

    as_frame : bool, default=False
        If True, ``data`` and ``target`` are DataFrames and ``frame`` the two
        joined. Requires pandas. Nominal inputs stay integer codes.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (n_samples, d)
            The inputs, float64; a missing value (``?`` in ARFF) is NaN; a
            nominal input is the integer code of its value.
        target : {ndarray, DataFrame} of shape (n_samples, k)
            The targets, float64, one column per task.
        frame : DataFrame of shape (n_samples, d + k) or None
            ``data`` and ``target`` side by side if ``as_frame`` is True.
        feature_names : list of str
            The input attribute names.
        target_names : list of str
            The target attribute names.
        feature_categories : dict of str to list of str
            For each nominal input, its values: code i stands for the i-th. Empty
            when all inputs are numeric.
        %(filenames_descr)s

    %(return_tuple)s

    Raises
    ------
    ValueError
        When ``name`` is not one of the 18 data sets; the message lists them.
    FileNotFoundError
        When neither file is found.

    Examples
    --------
    >>> from skmtl.datasets import load_mtr
    >>> enb = load_mtr("enb")  # doctest: +SKIP
    >>> enb.data.shape, enb.target_names  # doctest: +SKIP
    ((768, 8), ['Y1', 'Y2'])
    """
    if name not in MTR_DATASETS:
        raise ValueError(
            f"Unknown multi-target regression data set {name!r}; expected one of "
            f"{sorted(MTR_DATASETS)}."
        )
    n_targets, domain = MTR_DATASETS[name]
    options = [
        ((f"{name}.arff",), "Mulan's ARFF file"),
        ((f"mtr/{name}.arff",), "Mulan's ARFF file"),
        ((f"mtr/{name}.npz",), "the skmtl shared copy"),
    ]
    paths, option = find_data_files(
        f"MTR {name}",
        options,
        data_home=data_home,
        published=PUBLISHED.format(name=name),
    )
    if option < 2:
        X, Y, feature_names, target_names, categories = _read_arff(paths[0], n_targets)
    else:
        X, Y, feature_names, target_names, categories = _read_npz(paths[0])
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    data, target, attributes = wide_layout(
        X,
        Y,
        feature_names=feature_names,
        target_names=target_names,
        as_frame=as_frame,
        loader="load_mtr",
    )
    descr = DESCR.format(
        name=name,
        n_samples=X.shape[0],
        n_features=X.shape[1],
        n_targets=Y.shape[1],
        n_missing=int(np.isnan(X).sum()),
        domain=domain,
    )
    return loader_result(
        data,
        target,
        {**attributes, "feature_categories": categories},
        return_X_y=return_X_y,
        paths=paths[:1],
        descr=descr,
    )
