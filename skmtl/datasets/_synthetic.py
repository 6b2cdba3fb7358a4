r"""Synthetic multi-task data sets with a known task structure.

Every task is a function of two latent representations of the same inputs: one
shared by all tasks and one of the task's own. ``shared_fraction`` sets how much
of each task's signal comes from the shared part, so a method that shares
information between tasks should gain most when it is close to 1 and nothing when
it is 0.
"""

import numpy as np
from sklearn.utils import check_random_state

from skmtl.datasets._synthetic_classification import make_multitask_classification
from skmtl.datasets._synthetic_common import (
    SECTIONS,
    checks_common_parameters,
    hide_labels,
    latent_features,
    long_tasks,
    with_task_column,
)
from skmtl.utils._docstrings import fill_doc

__all__ = ["make_multitask_classification", "make_multitask_regression"]


@checks_common_parameters
@fill_doc(**SECTIONS)
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
    %(samples_features)s

    n_tasks : int, default=5
        Number of regression tasks.

    %(n_latent)s

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

    %(layout)s

    return_latent : bool, default=False
        If True, also return the ground truth of the generative model.

    %(random_state)s

    Returns
    -------
    %(X)s

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
    rng = check_random_state(random_state)
    X, shared_latent, task_latent = latent_features(
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
                Y[hide_labels(rng, n_samples, missing_rate, rows), t] = np.nan
        X_out, Y_out = X, Y
    else:
        task = long_tasks(rng, n_samples, n_tasks)
        Y_out = Y[np.arange(n_samples), task]
        if missing_rate > 0:
            groups = [np.flatnonzero(task == t) for t in range(n_tasks)]
            Y_out[hide_labels(rng, n_samples, missing_rate, groups)] = np.nan
        X_out = with_task_column(task, X)

    if return_latent:
        latent = {"shared_latent": shared_latent, "task_coef": task_coef}
        return X_out, Y_out, latent
    return X_out, Y_out
