r"""Synthetic multi-task data sets with a known task structure.

Every task is a function of two latent representations of the same inputs: one
shared by all tasks and one of the task's own. ``shared_fraction`` sets how much
of each task's signal comes from the shared part, so a method that shares
information between tasks should gain most when it is close to 1 and nothing when
it is 0.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

_LAYOUTS = ("wide", "long")


def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}.")
    return int(value)


def _check_real(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {value!r} of type "
            f"{type(value).__name__}."
        )
    return float(value)


def _check_common(
    n_samples,
    n_features,
    n_tasks,
    n_latent,
    shared_fraction,
    noise,
    missing_rate,
    layout,
):
    """Validate the parameters both generators share and return them cleaned."""
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_features = _check_int(n_features, "n_features", 1)
    n_tasks = _check_int(n_tasks, "n_tasks", 1)
    n_latent = _check_int(n_latent, "n_latent", 1)
    shared_fraction = _check_real(shared_fraction, "shared_fraction")
    # Written as negated ranges so that NaN fails every check.
    if not 0.0 <= shared_fraction <= 1.0:
        raise ValueError(f"shared_fraction must be in [0, 1], got {shared_fraction}.")
    noise = _check_real(noise, "noise")
    if not noise >= 0.0:
        raise ValueError(f"noise must be >= 0, got {noise}.")
    missing_rate = _check_real(missing_rate, "missing_rate")
    if not 0.0 <= missing_rate < 1.0:
        raise ValueError(f"missing_rate must be in [0, 1), got {missing_rate}.")
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be one of {_LAYOUTS}, got {layout!r}.")
    if layout == "long" and n_samples < 2 * n_tasks:
        raise ValueError(
            f"The long layout needs n_samples >= 2 * n_tasks = {2 * n_tasks} so that "
            f"every task has at least two rows, got n_samples={n_samples}."
        )
    return (
        n_samples,
        n_features,
        n_tasks,
        n_latent,
        shared_fraction,
        noise,
        missing_rate,
    )


def _latent_features(rng, n_samples, n_features, n_tasks, n_latent, nonlinear):
    """Draw ``X``, the shared latent ``Z0`` and the per-task latents ``Z[t]``."""
    X = rng.standard_normal((n_samples, n_features))
    # Scaling by 1/sqrt(n_features) gives every latent pre-activation unit variance,
    # so tanh neither saturates nor stays linear whatever the number of features.
    scale = 1.0 / np.sqrt(n_features)
    shared_proj = rng.standard_normal((n_features, n_latent)) * scale
    task_proj = rng.standard_normal((n_tasks, n_features, n_latent)) * scale
    shared_latent = X @ shared_proj
    task_latent = X @ task_proj
    if nonlinear:
        shared_latent = np.tanh(shared_latent)
        task_latent = np.tanh(task_latent)
    return X, shared_latent, task_latent


def _long_tasks(rng, n_samples, n_tasks):
    """Give each row one task, as evenly as possible, in random order."""
    return rng.permutation(np.arange(n_samples) % n_tasks)


def _hide_labels(rng, n_rows, missing_rate, groups, min_observed=2):
    """Draw which of ``n_rows`` labels to hide.

    Each label is hidden with probability ``missing_rate``; hidden labels are then
    revealed at random until every group of row indices in ``groups`` keeps
    ``min_observed`` labels (or all of them, if the group is smaller).
    """
    hidden = rng.random_sample(n_rows) < missing_rate
    for group in groups:
        lacking = min(min_observed, len(group)) - np.count_nonzero(~hidden[group])
        if lacking > 0:
            shown = rng.choice(group[hidden[group]], size=lacking, replace=False)
            hidden[shown] = False
    return hidden


def _with_task_column(task, X):
    return np.column_stack([task.astype(np.float64), X])


def make_multitask_regression(
    n_samples=200,
    n_features=20,
    n_tasks=5,
    *,
    n_latent=5,
    shared_fraction=0.8,
    noise=0.1,
    nonlinear=True,
    missing_rate=0.0,
    layout="wide",
    return_latent=False,
    random_state=None,
):
    r"""Generate regression tasks that share a known latent representation.

    Every task is a linear function of a latent representation shared by all
    tasks mixed with a latent representation of its own; ``shared_fraction`` sets
    the mix. See the Notes for the generative model.

    Parameters
    ----------
    n_samples : int, default=200
        Number of rows.

    n_features : int, default=20
        Number of input features.

    n_tasks : int, default=5
        Number of regression tasks.

    n_latent : int, default=5
        Dimension of the shared latent representation and of each task's own one.

    shared_fraction : float, default=0.8
        Share of each task's signal that comes from the shared latent, in
        ``[0, 1]``. With 1 every task is a function of the shared latent only,
        with coefficients that differ only through the noise; with 0 each task
        depends only on latent features of its own.

    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each task's signal, which
        has unit variance: ``noise`` is the noise-to-signal ratio of standard
        deviations.

    nonlinear : bool, default=True
        If True, the latents are ``tanh`` of random projections of ``X``;
        otherwise the projections themselves, which makes every task linear in
        ``X``.

    missing_rate : float, default=0.0
        Probability, in ``[0, 1)``, that each label is set to NaN. Hidden labels
        are revealed again at random until every task keeps at least two observed
        labels (or all of them, if there are fewer rows).

    layout : {"wide", "long"}, default="wide"
        ``"wide"`` labels every row for every task and returns ``Y`` of shape
        ``(n_samples, n_tasks)``. ``"long"`` gives each row exactly one task and
        returns the task id in column 0 of ``X``, which skmtl estimators read with
        ``task_column=0``, and the row's label in a 1-D ``y``.

    return_latent : bool, default=False
        If True, also return the ground truth of the generative model.

    random_state : int, RandomState instance or None, default=None
        Seed of every random draw. Pass an int for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features) or (n_samples, n_features + 1)
        Input features, float64. In the long layout column 0 holds the row's task
        id, an integer in ``0 .. n_tasks - 1`` stored as float, and the features
        follow.

    Y : ndarray of shape (n_samples, n_tasks) or (n_samples,)
        Labels, float64, NaN where missing. In the long layout a 1-D array with
        the label of each row's own task.

    latent : dict
        Only returned if ``return_latent`` is True, with keys:

        - ``"shared_latent"``: ndarray of shape (n_samples, n_latent), the shared
          latent :math:`Z_0` of each row;
        - ``"task_coef"``: ndarray of shape (n_tasks, n_latent), the coefficients
          :math:`b_t` of each task on the shared latent.

    See Also
    --------
    make_multitask_classification : Classification tasks from the same model.

    Notes
    -----
    With :math:`p` = ``n_features``, :math:`k` = ``n_latent``, :math:`\rho` =
    ``shared_fraction``, :math:`\sigma` = ``noise`` and :math:`g = \tanh` if
    ``nonlinear`` else the identity, task :math:`t` is drawn as

    .. math::

        X &\sim \mathcal{N}(0, I_p) \text{ row-wise}, \qquad
        A_0, A_t \sim \mathcal{N}(0, 1/p)^{p \times k}, \\
        Z_0 &= g(X A_0), \qquad Z_t = g(X A_t), \\
        b_t &= \sqrt{\rho}\, b_0 + \sqrt{1 - \rho}\, u_t, \qquad
        b_0, u_t, c_t \sim \mathcal{N}(0, I_k), \\
        s_t &= \sqrt{\rho}\, Z_0 b_t + \sqrt{1 - \rho}\, Z_t c_t, \\
        y_t &= \frac{s_t - \bar{s}_t}{\operatorname{sd}(s_t)}
              + \sigma \varepsilon_t, \qquad
        \varepsilon_t \sim \mathcal{N}(0, I_n).

    The signal is standardized over all ``n_samples`` rows, in the long layout
    too. The labels are drawn after ``X`` and ``Y`` from the same random stream,
    so changing ``missing_rate`` with a fixed ``random_state`` hides labels of the
    same data.

    Examples
    --------
    >>> from skmtl.datasets import make_multitask_regression
    >>> X, Y = make_multitask_regression(n_samples=50, n_tasks=3, random_state=0)
    >>> X.shape, Y.shape
    ((50, 20), (50, 3))
    >>> X, y = make_multitask_regression(
    ...     n_samples=50, n_tasks=3, layout="long", random_state=0
    ... )
    >>> X.shape, y.shape
    ((50, 21), (50,))
    >>> sorted(set(X[:, 0].tolist()))
    [0.0, 1.0, 2.0]
    """
    n_samples, n_features, n_tasks, n_latent, shared_fraction, noise, missing_rate = (
        _check_common(
            n_samples,
            n_features,
            n_tasks,
            n_latent,
            shared_fraction,
            noise,
            missing_rate,
            layout,
        )
    )
    rng = check_random_state(random_state)
    X, shared_latent, task_latent = _latent_features(
        rng, n_samples, n_features, n_tasks, n_latent, nonlinear
    )
    shared_weight, own_weight = np.sqrt(shared_fraction), np.sqrt(1 - shared_fraction)
    base_coef = rng.standard_normal(n_latent)
    task_coef = shared_weight * base_coef + own_weight * rng.standard_normal(
        (n_tasks, n_latent)
    )
    own_coef = rng.standard_normal((n_tasks, n_latent))
    signal = shared_weight * shared_latent @ task_coef.T + own_weight * np.einsum(
        "tnk,tk->nt", task_latent, own_coef
    )
    signal -= signal.mean(axis=0)
    scale = signal.std(axis=0)
    # A constant signal (a single row) has nothing to scale.
    signal /= np.where(scale > 0, scale, 1.0)
    Y = signal + noise * rng.standard_normal(signal.shape)

    if layout == "wide":
        if missing_rate > 0:
            rows = [np.arange(n_samples)]
            for t in range(n_tasks):
                Y[_hide_labels(rng, n_samples, missing_rate, rows), t] = np.nan
        X_out, Y_out = X, Y
    else:
        task = _long_tasks(rng, n_samples, n_tasks)
        Y_out = Y[np.arange(n_samples), task]
        if missing_rate > 0:
            groups = [np.flatnonzero(task == t) for t in range(n_tasks)]
            Y_out[_hide_labels(rng, n_samples, missing_rate, groups)] = np.nan
        X_out = _with_task_column(task, X)

    if return_latent:
        latent = {"shared_latent": shared_latent, "task_coef": task_coef}
        return X_out, Y_out, latent
    return X_out, Y_out


def _check_n_classes(n_classes, n_tasks):
    """Return one number of classes per task."""
    if isinstance(n_classes, numbers.Integral) and not isinstance(n_classes, bool):
        return [_check_int(n_classes, "n_classes", 2)] * n_tasks
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
        _check_int(value, f"n_classes[{t}] (task {t})", 2)
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
    n_samples : int, default=200
        Number of rows.

    n_features : int, default=20
        Number of input features.

    n_tasks : int, default=5
        Number of classification tasks.

    n_classes : int or sequence of int, default=2
        Number of classes, at least 2, of every task, or one number per task.

    n_latent : int, default=5
        Dimension of the shared latent representation and of each task's own one.

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

    layout : {"wide", "long"}, default="wide"
        ``"wide"`` labels every row for every task and returns ``Y`` of shape
        ``(n_samples, n_tasks)``. ``"long"`` gives each row exactly one task and
        returns the task id in column 0 of ``X``, which skmtl estimators read with
        ``task_column=0``, and the row's label in a 1-D ``y``.

    random_state : int, RandomState instance or None, default=None
        Seed of every random draw. Pass an int for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features) or (n_samples, n_features + 1)
        Input features, float64. In the long layout column 0 holds the row's task
        id, an integer in ``0 .. n_tasks - 1`` stored as float, and the features
        follow.

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
    n_samples, n_features, n_tasks, n_latent, shared_fraction, noise, missing_rate = (
        _check_common(
            n_samples,
            n_features,
            n_tasks,
            n_latent,
            shared_fraction,
            noise,
            missing_rate,
            layout,
        )
    )
    n_classes = _check_n_classes(n_classes, n_tasks)
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

    rng = check_random_state(random_state)
    X, shared_latent, task_latent = _latent_features(
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
        Y = np.column_stack([_labels_with_every_class(s) for s in scores])
        if missing_rate > 0:
            Y = Y.astype(np.float64)
            for t in range(n_tasks):
                groups = [np.flatnonzero(Y[:, t] == k) for k in range(n_classes[t])]
                Y[_hide_labels(rng, n_samples, missing_rate, groups), t] = np.nan
        return X, Y

    task = _long_tasks(rng, n_samples, n_tasks)
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
        y[_hide_labels(rng, n_samples, missing_rate, groups)] = np.nan
    return _with_task_column(task, X), y
