"""Amazon product reviews (Blitzer et al.) as three text classification tasks."""

import csv
import gzip

import numpy as np

from skmtl.datasets._docs import loader_sections
from skmtl.datasets._home import find_data_files, import_pandas
from skmtl.datasets._layouts import loader_result
from skmtl.utils._docstrings import fill_doc

COLUMNS = ["text", "domain", "sentiment", "rating", "title"]
TARGET_NAMES = ["domain", "sentiment", "rating"]

PUBLISHED = (
    "the Multi-Domain Sentiment Dataset page of M. Dredze at JHU "
    "(https://www.cs.jhu.edu/~mdredze/datasets/sentiment/, sorted_data_acl, "
    "as pseudo-XML .review files)"
)

OPTIONS = [(("text_multitask.csv.gz",), "the skmtl shared copy")]

DESCR = """\
.. _reviews_multitask_dataset:

Multi-Domain Sentiment reviews, three tasks
-------------------------------------------

**Data Set Characteristics:**

:Number of Instances: 8000 reviews, 2000 per domain
:Input: the review text (``title`` is given alongside)
:Number of Tasks: 3 classification tasks (wide layout)
:Missing Values: None

The labelled Amazon product reviews of Blitzer et al.'s Multi-Domain Sentiment
Dataset: 1000 positive and 1000 negative reviews in each of four product
domains. Each review is labelled for three tasks:

- ``domain``: ``books``, ``dvd``, ``electronics`` or ``kitchen_housewares``;
- ``sentiment``: ``positive`` (4 or 5 stars) or ``negative`` (1 or 2 stars);
- ``rating``: the star rating, the integers 1, 2, 4 or 5 (3-star reviews are
  not in the labelled set).

``rating`` determines ``sentiment``; the tasks are nested by construction.
The text is verbatim (HTML entities such as ``&amp;`` kept); 147 texts are
exact duplicates of another review's text, as in the original data.

The data is read from the skmtl shared copy ``text_multitask.csv.gz`` (columns
``text``, ``domain``, ``sentiment``, ``rating``, ``title``), converted from the
pseudo-XML ``<review>`` blocks of ``sorted_data_acl/<domain>/{positive,
negative}.review`` in ``lorenzoritter/domainadaption`` (commit f35a754). The
published pseudo-XML files are not read by this loader: convert them to that
CSV layout first. The large unlabelled sets are not used.

License: none stated by the dataset page; the reviews are Amazon user content
collected for research.

.. dropdown:: References

  - J. Blitzer, M. Dredze and F. Pereira (2007). Biographies, Bollywood,
    Boom-boxes and Blenders: Domain Adaptation for Sentiment Classification.
    ACL 2007.
"""


def _read_csv(path):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, [])
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise ValueError(
                f"{str(path)!r} lacks the column(s) {missing}; its header is {header}."
            )
        positions = [header.index(name) for name in COLUMNS]
        rows = [[row[position] for position in positions] for row in reader]
    columns = dict(zip(COLUMNS, zip(*rows))) if rows else dict.fromkeys(COLUMNS, ())
    arrays = {name: np.array(columns[name], dtype=object) for name in COLUMNS}
    try:
        arrays["rating"] = np.array([int(value) for value in columns["rating"]])
    except ValueError:
        raise ValueError(
            f"{str(path)!r}: column 'rating' should hold integer star ratings."
        ) from None
    return arrays


@fill_doc(**loader_sections(read="file", publications="publication"))
def load_reviews_multitask(*, data_home=None, return_X_y=False, as_frame=False):
    """Load Amazon reviews as three tasks: domain, sentiment and star rating.

    Reads the skmtl shared copy ``text_multitask.csv.gz`` of the labelled part
    of Blitzer et al.'s Multi-Domain Sentiment Dataset. Nothing is downloaded.

    =================   ==============================================
    Samples             8000 reviews (2000 per domain)
    Input               the review text, str
    Tasks               ``domain`` (4 classes), ``sentiment`` (2),
                        ``rating`` (4: 1, 2, 4, 5 stars)
    =================   ==============================================

    The input is raw text: put a vectorizer such as
    :class:`~sklearn.feature_extraction.text.TfidfVectorizer` in front of the
    estimator.

    Parameters
    ----------
    %(data_home)s

    %(return_X_y)s

    as_frame : bool, default=False
        If True, ``data`` is a DataFrame with one column ``"text"``, ``target``
        a DataFrame, and ``frame`` the two joined. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : {ndarray of shape (8000,), DataFrame of shape (8000, 1)}
            The review texts; an ndarray is 1-D, dtype object.
        target : {ndarray, DataFrame} of shape (8000, 3)
            The labels of the three tasks, in the order of ``target_names``. An
            ndarray has dtype object: str domains and sentiments, int ratings.
        title : ndarray of shape (8000,)
            The review titles, dtype object.
        frame : DataFrame of shape (8000, 4) or None
            ``data`` and ``target`` side by side if ``as_frame`` is True.
        feature_names : list of str
            ``["text"]``.
        target_names : list of str
            ``["domain", "sentiment", "rating"]``.
        %(filenames_descr)s

    %(return_tuple)s

    Raises
    ------
    FileNotFoundError
        When the file is not found.

    Examples
    --------
    >>> from skmtl.datasets import load_reviews_multitask
    >>> texts, Y = load_reviews_multitask(return_X_y=True)  # doctest: +SKIP
    >>> texts.shape, Y.shape  # doctest: +SKIP
    ((8000,), (8000, 3))
    """
    paths, _ = find_data_files(
        "Multi-Domain Sentiment reviews",
        OPTIONS,
        data_home=data_home,
        published=PUBLISHED,
    )
    arrays = _read_csv(paths[0])
    frame = None
    if as_frame:
        pd = import_pandas("load_reviews_multitask")
        data = pd.DataFrame({"text": arrays["text"]})
        target = pd.DataFrame({name: arrays[name] for name in TARGET_NAMES})
        frame = pd.concat([data, target], axis=1)
    else:
        data = arrays["text"]
        # A numeric array would turn the integer ratings into strings.
        target = np.empty((len(data), len(TARGET_NAMES)), dtype=object)
        target[:, 0] = arrays["domain"]
        target[:, 1] = arrays["sentiment"]
        target[:, 2] = arrays["rating"].tolist()
    attributes = {
        "title": arrays["title"],
        "frame": frame,
        "feature_names": ["text"],
        "target_names": list(TARGET_NAMES),
    }
    return loader_result(
        data, target, attributes, return_X_y=return_X_y, paths=paths[:1], descr=DESCR
    )
