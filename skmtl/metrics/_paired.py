"""Paired fold differences between two models, and whether they exceed the noise."""

import math
from collections import namedtuple

import numpy as np
from scipy import stats

PairedDifference = namedtuple(
    "PairedDifference", ["mean", "standard_error", "n_folds", "p_value"]
)
PairedDifference.__doc__ = """A paired difference over folds: its ``mean``, the
(corrected) ``standard_error`` of that mean, the number ``n_folds`` of paired
folds and the two-sided ``p_value`` of the corrected resampled t-test."""


def paired_difference(scores, baseline_scores, *, test_train_ratio=None):
    """Return the mean paired difference over folds, its standard error and p-value.

    The folds where both scores are finite are paired; ``d_k`` is the model's
    score minus the baseline's on fold ``k``. The standard error of the mean of
    the ``K`` differences is the Nadeau-Bengio corrected one,
    ``std(d, ddof=1) * sqrt(1 / K + n_test / n_train)``: cross-validation folds
    share training rows, so their differences are correlated and the plain
    ``std / sqrt(K)`` understates the noise. The p-value is that of the
    corrected resampled t-test, ``mean / standard_error`` against Student's t
    with ``K - 1`` degrees of freedom (Nadeau & Bengio, "Inference for the
    generalization error", Machine Learning 52, 2003; Bouckaert & Frank, PAKDD
    2004).

    Parameters
    ----------
    scores, baseline_scores : array-like of shape (n_folds,)
        Per-fold scores of the model and of the baseline, NaN where missing.
    test_train_ratio : float, default=None
        ``n_test / n_train`` of the folds; None gives the plain standard error
        and t-test.

    Returns
    -------
    difference : namedtuple
        ``PairedDifference(mean, standard_error, n_folds, p_value)``; the mean
        is NaN without
        a paired fold, the standard error and p-value are NaN with fewer than
        2. Identical differences on every fold have standard error 0 and
        p-value 0 (1 when they are all 0).

    Examples
    --------
    >>> from skmtl.metrics import paired_difference
    >>> difference = paired_difference([0.6, 0.8, 0.7], [0.5, 0.6, 0.7])
    >>> round(difference.mean, 3), round(difference.standard_error, 3)
    (0.1, 0.058)
    >>> round(difference.p_value, 2)
    0.23
    """
    model = np.asarray(scores, dtype=float)
    base = np.asarray(baseline_scores, dtype=float)
    both = np.isfinite(model) & np.isfinite(base)
    differences = model[both] - base[both]
    count = len(differences)
    if count == 0:
        return PairedDifference(float("nan"), float("nan"), 0, float("nan"))
    mean = float(differences.mean())
    if count < 2:
        return PairedDifference(mean, float("nan"), count, float("nan"))
    spread = 1.0 / count + (test_train_ratio or 0.0)
    standard_error = float(differences.std(ddof=1) * math.sqrt(spread))
    if standard_error == 0:
        p_value = 1.0 if mean == 0 else 0.0
    else:
        p_value = float(2 * stats.t.sf(abs(mean) / standard_error, count - 1))
    return PairedDifference(mean, standard_error, count, p_value)


def beyond_noise(difference, level=0.05):
    """Return True when a paired difference is significant at ``level``.

    The rule :class:`~skmtl.compare.ComparisonResult` uses to name a winner:
    the corrected resampled t-test of :func:`paired_difference` rejects "no
    difference" at the 5% level. With fewer than 2 paired folds the noise is
    unknown and no difference counts.

    Parameters
    ----------
    difference : namedtuple
        As returned by :func:`paired_difference`.
    level : float, default=0.05
        The significance level of the two-sided test.

    Returns
    -------
    bool
        Whether ``p_value < level``.

    Examples
    --------
    >>> from skmtl.metrics import beyond_noise, paired_difference
    >>> beyond_noise(paired_difference([0.7, 0.8, 0.75], [0.5, 0.6, 0.56]))
    True
    >>> beyond_noise(paired_difference([0.7, 0.5, 0.65], [0.5, 0.6, 0.56]))
    False
    """
    return math.isfinite(difference.p_value) and difference.p_value < level
