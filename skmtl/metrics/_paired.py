"""Paired fold differences between two models, and whether they exceed the noise."""

import math

import numpy as np


def paired_difference(scores, baseline_scores, *, test_train_ratio=None):
    """Return the mean paired difference over folds and its standard error.

    The folds where both scores are finite are paired; ``d_k`` is the model's
    score minus the baseline's on fold ``k``. The standard error of the mean of
    the ``K`` differences is the Nadeau–Bengio corrected one,
    ``std(d, ddof=1) * sqrt(1 / K + n_test / n_train)``: cross-validation folds
    share training rows, so their differences are correlated and the plain
    ``std / sqrt(K)`` understates the noise (Nadeau & Bengio, "Inference for the
    generalization error", Machine Learning 52, 2003).

    Parameters
    ----------
    scores, baseline_scores : array-like of shape (n_folds,)
        Per-fold scores of the model and of the baseline, NaN where missing.
    test_train_ratio : float, default=None
        ``n_test / n_train`` of the folds; None gives the plain standard error.

    Returns
    -------
    mean : float
        The mean difference (NaN when no fold is paired).
    standard_error : float
        Its standard error (NaN with fewer than 2 paired folds).

    Examples
    --------
    >>> from skmtl.metrics import paired_difference
    >>> mean, se = paired_difference([0.6, 0.8, 0.7], [0.5, 0.6, 0.7])
    >>> round(mean, 3), round(se, 3)
    (0.1, 0.058)
    """
    model = np.asarray(scores, dtype=float)
    base = np.asarray(baseline_scores, dtype=float)
    both = np.isfinite(model) & np.isfinite(base)
    differences = model[both] - base[both]
    if len(differences) == 0:
        return float("nan"), float("nan")
    mean = float(differences.mean())
    if len(differences) < 2:
        return mean, float("nan")
    spread = 1.0 / len(differences) + (test_train_ratio or 0.0)
    return mean, float(differences.std(ddof=1) * math.sqrt(spread))


def beyond_noise(mean, standard_error):
    """Return True when a paired difference is larger than its standard error.

    The rule :class:`~skmtl.compare.ComparisonResult` uses to name a winner: a
    difference no larger than one (corrected) standard error of the paired
    fold differences is fold noise. With fewer than 2 paired folds the noise is
    unknown and no difference counts.

    Parameters
    ----------
    mean : float
        The mean paired difference.
    standard_error : float
        Its standard error (see :func:`paired_difference`).

    Returns
    -------
    bool
        Whether ``|mean| > standard_error``, both finite.

    Examples
    --------
    >>> from skmtl.metrics import beyond_noise
    >>> beyond_noise(0.05, 0.02), beyond_noise(0.01, 0.02)
    (True, False)
    """
    return (
        math.isfinite(mean)
        and math.isfinite(standard_error)
        and abs(mean) > standard_error
    )
