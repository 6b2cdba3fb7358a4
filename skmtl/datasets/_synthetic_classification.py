r"""Synthetic multi-task classification data with a known task structure."""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from skmtl.datasets._synthetic_common import (
    SECTIONS,
    check_int,
    checks_common_parameters,
    hide_labels,
    latent_features,
    long_tasks,
    with_task_column,
)
from skmtl.utils._docstrings import fill_doc


def _check_n_classes(n_classes, n_tasks):
    """Return one number of classes per task."""
    if isinstance(n_classes, numbers.Integral) and not isinstance(n_classes, bool):
        return [check_int(n_classes, "n_classes", 2)] * n_tasks
    if isinstance(n_classes, str) or not hasattr(n_classes, "__len__"):
        raise TypeError(
            "n_classes must be an integer or a sequence of one integer per task, "
            f"got {n_classes!r} of type {type(n_classes).__name__}."
        )
    if len(n_classes) != n_tasks:
        raise ValueError(
            f"n_classes must have one entry per task: got {len(n_classes)} entries "
            f"for n_tasks={n_tasks}."
        )
    return [
        check_int(value, f"n_classes[{t}] (task {t})", 2)
        for t, value in enumerate(n_classes)
    ]


def _labels_with_every_class(scores, min_count=2):
    """Take the argmax of ``scores`` and make every class win ``min_count`` rows.

    A class that wins too few rows takes, one at a time, the row whose score for it
    is closest to that row's winning score, among rows of classes that can spare
    one. Needs ``len(scores) >= min_count * n_classes``.
    """
    n_rows, n_classes = scores.shape
    labels = scores.argmax(axis=1).astype(np.int64)
    counts = np.bincount(labels, minlength=n_classes)
    rows = np.arange(n_rows)
    for k in range(n_classes):
        while counts[k] < min_count:
            donor = (labels != k) & (counts[labels] > min_count)
            margin = np.where(donor, scores[:, k] - scores[rows, labels], -np.inf)
            row = np.argmax(margin)
            counts[labels[row]] -= 1
            labels[row] = k
            counts[k] += 1
    return labels


@checks_common_parameters
@fill_doc(**SECTIONS)
def make_multitask_classification(
    n_samples=200,
    n_features=20,
    n_tasks=5,
    *,
    n_classes=2,
    n_latent=5,
    shared_fraction=0.8,
    noise=0.1,
    nonlinear=True,
    missing_rate=0.0,
    layout="wide",
    random_state=None,
):
    r"""Generate classification tasks that share a known latent representation.

    The latent construction is that of :func:`make_multitask_regression`; each
    task's label is the class with the highest noisy linear score on its latents.
    See the Notes for the generative model.

    Parameters
    ----------
    %(samples_features)s

    n_tasks : int, default=5
        Number of classification tasks.

    n_classes : int or sequence of int, default=2
        Number of classes, at least 2, of every task, or one number per task.

    %(n_latent)s

    shared_fraction : float, default=0.8
        Share of each task's class scores that comes from the shared latent, in
        ``[0, 1]``. With 1 tasks with the same number of classes have class
        scores that differ only through the noise; with 0 each task depends only
        on latent features of its own.

    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to the class scores, which
        are scaled to unit standard deviation.

    nonlinear : bool, default=True
        If True, the latents are ``tanh`` of random projections of ``X``;
        otherwise the projections themselves, which makes every task's class
        boundaries linear in ``X``.

    missing_rate : float, default=0.0
        Probability, in ``[0, 1)``, that each label is hidden. Hidden labels are
        revealed again at random until every class of every task keeps at least
        two observed labels.

    %(layout)s

    %(random_state)s

    Returns
    -------
    %(X)s

    Y : ndarray of shape (n_samples, n_tasks) or (n_samples,)
        Labels, integers ``0 .. n_classes_t - 1`` for task ``t``: int64 if
        ``missing_rate`` is 0, otherwise float64 with NaN for hidden labels. In
        the long layout a 1-D array with the label of each row's own task.

    Raises
    ------
    ValueError
        If a task has fewer than ``2 * n_classes_t`` rows, too few for every class
        to appear twice.

    See Also
    --------
    make_multitask_regression : Regression tasks from the same model.

    Notes
    -----
    With :math:`Z_0`, :math:`Z_t`, :math:`\rho` and :math:`\sigma` as in
    :func:`make_multitask_regression`, :math:`K_t` the number of classes of task
    :math:`t` and :math:`K = \max_t K_t`, the scores of task :math:`t` are

    .. math::

        B_t &= \sqrt{\rho}\, B_0[:, :K_t] + \sqrt{1 - \rho}\, U_t, \qquad
        B_0 \sim \mathcal{N}(0, 1)^{k \times K}, \quad
        U_t, C_t \sim \mathcal{N}(0, 1)^{k \times K_t}, \\
        S_t &= \sqrt{\rho}\, Z_0 B_t + \sqrt{1 - \rho}\, Z_t C_t, \\
        y_{it} &= \operatorname{argmax}_j \,
            (\tilde{S}_t + \sigma E_t)_{ij}, \qquad
        E_t \sim \mathcal{N}(0, 1)^{n \times K_t},

    where :math:`\tilde{S}_t` is :math:`S_t` with each column centred and the
    whole matrix divided by its standard deviation.

    Every class of every task is made to appear at least twice (among the task's
    own rows in the long layout): while a class wins fewer than two rows, the row
    whose score for that class is closest to its winning score, taken from a class
    with more than two rows, is relabelled to it. This touches only rows near a
    decision boundary, and none at all unless a class is rare.

    Examples
    --------
    >>> from skmtl.datasets import make_multitask_classification
    >>> X, Y = make_multitask_classification(
    ...     n_samples=60, n_tasks=3, n_classes=[2, 3, 4], random_state=0
    ... )
    >>> X.shape, Y.shape, Y.dtype
    ((60, 20), (60, 3), dtype('int64'))
    >>> [int(Y[:, t].max()) + 1 for t in range(3)]
    [2, 3, 4]
    """
    n_classes = _check_n_classes(n_classes, n_tasks)
    _check_task_rows(n_classes, n_samples, layout)

    rng = check_random_state(random_state)
    X, shared_latent, task_latent = latent_features(
        rng, n_samples, n_features, n_tasks, n_latent, nonlinear
    )
    shared_weight, own_weight = np.sqrt(shared_fraction), np.sqrt(1 - shared_fraction)
    base_coef = rng.standard_normal((n_latent, max(n_classes)))
    scores = []
    for t, classes in enumerate(n_classes):
        task_coef = shared_weight * base_coef[:, :classes] + (
            own_weight * rng.standard_normal((n_latent, classes))
        )
        own_coef = rng.standard_normal((n_latent, classes))
        task_scores = (
            shared_weight * shared_latent @ task_coef
            + own_weight * task_latent[t] @ own_coef
        )
        task_scores -= task_scores.mean(axis=0)
        scale = task_scores.std()
        if scale > 0:
            task_scores /= scale
        scores.append(task_scores + noise * rng.standard_normal(task_scores.shape))

    if layout == "wide":
        return X, _wide_labels(rng, scores, n_classes, missing_rate)
    task = long_tasks(rng, n_samples, n_tasks)
    y = _long_labels(rng, scores, task, n_classes, missing_rate)
    return with_task_column(task, X), y


def _check_task_rows(n_classes, n_samples, layout):
    """Raise a ValueError if a task gets too few rows for its classes to show twice."""
    n_tasks = len(n_classes)
    if layout == "wide":
        task_rows = [n_samples] * n_tasks
    else:
        task_rows = [
            n_samples // n_tasks + (t < n_samples % n_tasks) for t in range(n_tasks)
        ]
    for t, (rows, classes) in enumerate(zip(task_rows, n_classes)):
        if rows < 2 * classes:
            raise ValueError(
                f"Task {t} has {classes} classes and would get {rows} rows, fewer "
                f"than the {2 * classes} needed for every class to appear twice; "
                "increase n_samples or lower n_classes."
            )


def _wide_labels(rng, scores, n_classes, missing_rate):
    """Return the wide label matrix from each task's class scores."""
    Y = np.column_stack([_labels_with_every_class(s) for s in scores])
    if missing_rate > 0:
        Y = Y.astype(np.float64)
        for t in range(len(n_classes)):
            groups = [np.flatnonzero(Y[:, t] == k) for k in range(n_classes[t])]
            Y[hide_labels(rng, len(Y), missing_rate, groups), t] = np.nan
    return Y


def _long_labels(rng, scores, task, n_classes, missing_rate):
    """Return each row's label for its own task ``task``."""
    n_samples, n_tasks = len(task), len(n_classes)
    y = np.empty(n_samples, dtype=np.int64)
    for t in range(n_tasks):
        rows = np.flatnonzero(task == t)
        y[rows] = _labels_with_every_class(scores[t][rows])
    if missing_rate > 0:
        groups = [
            np.flatnonzero((task == t) & (y == k))
            for t in range(n_tasks)
            for k in range(n_classes[t])
        ]
        y = y.astype(np.float64)
        y[hide_labels(rng, n_samples, missing_rate, groups)] = np.nan
    return y
