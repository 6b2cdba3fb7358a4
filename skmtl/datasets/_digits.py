"""scikit-learn's handwritten digits turned into three tasks on the same images."""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import Bunch

TARGET_NAMES = ["digit", "parity", "greater_than_4"]

DESCR = """\
.. _digits_multitask_dataset:

Handwritten digits as three classification tasks
------------------------------------------------

**Data Set Characteristics:**

:Number of Instances: 1797
:Number of Attributes: 64
:Attribute Information: 8x8 image of integer pixels in the range 0..16.
:Number of Tasks: 3, every image labelled for every task.
:Missing Values: None

The images are those of scikit-learn's ``load_digits``, a copy of the test set
of the UCI optical recognition of handwritten digits data set. Each image is
labelled for three classification tasks derived from its digit:

- ``digit``: the digit itself, 10 classes, integers 0 to 9;
- ``parity``: whether the digit is even or odd, 2 classes, the strings
  ``"even"`` and ``"odd"``;
- ``greater_than_4``: whether the digit is 5 or more, 2 classes, integers 0 and
  1.

The tasks are related by construction: ``parity`` and ``greater_than_4`` are
functions of ``digit``, so a representation that solves ``digit`` solves the
other two. Having integer and string labels side by side, the data set also
shows that multi-task estimators keep each task's own label type.

.. dropdown:: References

  - E. Alpaydin and C. Kaynak (1998). Optical Recognition of Handwritten
    Digits. UCI Machine Learning Repository. https://doi.org/10.24432/C50P49
  - C. Kaynak (1995). Methods of Combining Multiple Classifiers and Their
    Applications to Handwritten Digit Recognition, MSc Thesis, Institute of
    Graduate Studies in Science and Engineering, Bogazici University.
"""


def load_digits_multitask(*, return_X_y=False, as_frame=False):
    """Load the handwritten digits as three classification tasks.

    The 1797 8x8 images of :func:`sklearn.datasets.load_digits`, which ships with
    scikit-learn, each labelled for three tasks: ``"digit"`` (10 classes, the
    integers 0 to 9), ``"parity"`` (the strings ``"even"`` and ``"odd"``) and
    ``"greater_than_4"`` (the integers 0 and 1).

    ================   =================
    Samples            1797
    Features           64, integers 0-16
    Tasks              3
    Classes per task   10, 2, 2
    ================   =================

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame with the pixel feature names of
        :func:`sklearn.datasets.load_digits`, ``target`` a DataFrame with one
        column per task, and ``frame`` the two joined. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (1797, 64)
            The flattened images, float64.
        target : {ndarray, DataFrame} of shape (1797, 3)
            The labels of the three tasks, in the order of ``target_names``. An
            ndarray has dtype object, since its columns mix integers and strings.
        frame : DataFrame of shape (1797, 67) or None
            ``data`` and ``target`` side by side if ``as_frame`` is True, else
            None.
        feature_names : list of str
            The pixel names, ``"pixel_<row>_<column>"``.
        target_names : list of str
            The task names, ``["digit", "parity", "greater_than_4"]``.
        images : ndarray of shape (1797, 8, 8)
            The raw images.
        DESCR : str
            Description of the data set and its tasks.

    (data, target) : tuple if ``return_X_y`` is True
        ``data`` and ``target`` as described above.

    See Also
    --------
    sklearn.datasets.load_digits : The single-task original.

    Examples
    --------
    >>> from skmtl.datasets import load_digits_multitask
    >>> digits = load_digits_multitask()
    >>> digits.data.shape, digits.target.shape
    ((1797, 64), (1797, 3))
    >>> digits.target_names
    ['digit', 'parity', 'greater_than_4']
    >>> digits.target[1].tolist()
    [1, 'odd', 0]
    """
    digits = load_digits()
    digit = digits.target.astype(np.int64)
    parity = np.where(digit % 2 == 0, "even", "odd")
    greater_than_4 = (digit > 4).astype(np.int64)
    feature_names = list(digits.feature_names)

    frame = None
    if as_frame:
        import pandas as pd

        data = pd.DataFrame(digits.data, columns=feature_names)
        target = pd.DataFrame(
            dict(zip(TARGET_NAMES, [digit, parity, greater_than_4])),
            columns=TARGET_NAMES,
        )
        frame = pd.concat([data, target], axis=1)
    else:
        data = digits.data
        # A numeric array would turn the integer labels into strings.
        target = np.empty((len(digit), len(TARGET_NAMES)), dtype=object)
        target[:, 0] = digit
        target[:, 1] = parity
        target[:, 2] = greater_than_4

    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=feature_names,
        target_names=list(TARGET_NAMES),
        images=digits.images,
        DESCR=DESCR,
    )
