"""RegularizedMultiTaskRegressor: linear regression tasks fitted jointly."""

import numpy as np

from skmtl._estimator import MultiTaskRegressorMixin
from skmtl.linear_model._base import _BaseRegularizedMultiTask
from skmtl.linear_model._docs import SECTIONS
from skmtl.utils._docstrings import fill_doc


@fill_doc(**SECTIONS)
class RegularizedMultiTaskRegressor(MultiTaskRegressorMixin, _BaseRegularizedMultiTask):
    r"""Linear regression of several tasks with a penalty that couples them.

    Task :math:`t` predicts :math:`x^\top w_t + b_t`. The coefficients
    :math:`W` (row :math:`t` is :math:`w_t`) and intercepts :math:`b` minimize

    .. math::

        \sum_{t=1}^{T} c_t \sum_{i} s_i m_{it} \,
        \tfrac{1}{2} (y_{it} - x_i^\top w_t - b_t)^2 \; + \; \Omega(W),

    where :math:`m_{it} = 1` when the label is observed (always, for a row's own
    task in the long layout), :math:`s_i` is the sample weight, and with
    :math:`n_t = \sum_i s_i m_{it}` the task weighting is
    :math:`c_t = 1 / n_t` (``"per_task"``: the sum over tasks of each task's mean
    loss) or :math:`c_t = T / \sum_u n_u` (``"per_sample"``: every observed label
    weighs the same). With every label observed and no sample weights both give
    :math:`\frac{1}{2n} \lVert Y - XW^\top - 1 b^\top \rVert_F^2`, the scaling of
    :class:`sklearn.linear_model.MultiTaskLasso`. The intercepts are not
    penalized. :math:`\Omega` is the ``penalty`` (strength ``alpha``):

    - ``"l21"``: :math:`\alpha \sum_j \lVert W_{:,j} \rVert_2`, joint feature
      selection; the same solution as ``MultiTaskLasso(alpha)``.
    - ``"trace"``: :math:`\alpha \lVert W \rVert_*`, low-rank tasks.
    - ``"mean"``: :math:`\alpha (\sum_t \lVert w_t - \bar w \rVert^2 + \rho T
      \lVert \bar w \rVert^2)`, tasks pulled to their mean.
    - ``"graph"``: :math:`\alpha \sum_{\{s,t\} \in E} a_{st} \lVert w_s - w_t
      \rVert^2` over a given task graph.
    - ``"clustered"``: convex clustered multi-task learning with ``n_clusters``
      clusters learned from the data.
    - ``"lasso"``: :math:`\alpha \sum_t \lVert w_t \rVert_1` and ``"ridge"``:
      :math:`\frac{\alpha}{2} \sum_t \lVert w_t \rVert^2`, independent per-task
      baselines (``Lasso(alpha)`` and ``Ridge(n_t * alpha)`` per task).

    See :mod:`skmtl.linear_model.penalties` for each penalty's formula,
    hyperparameters and source.

    Parameters
    ----------
    %(penalty)s
    alpha : float, default=0.01
        Strength of the penalty, >= 0 (0: no penalty).
    %(penalty_params)s
    %(fit_intercept)s
    task_weighting : {"per_task", "per_sample"}, default="per_task"
        How tasks with different numbers of observed labels are weighted (see
        the objective above). They agree when every task has the same labelled
        rows.
    %(max_iter)s
    tol : float, default=1e-6
        Stopping tolerance, relative to the objective's scale (twice the data
        term at zero coefficients; for the squared loss, the weighted sum of
        squares of the centered targets, scikit-learn's ``||Y||^2`` in this
        objective's scaling). With the squared loss and the ``"l21"``,
        ``"lasso"`` and ``"trace"`` penalties the solver stops when the
        duality gap is below it: the criterion of
        :class:`sklearn.linear_model.MultiTaskLasso`, so equal ``tol`` values
        mean the same accuracy. Otherwise (the logistic loss, the smooth
        penalties, ``alpha=0``) it stops when a first-order bound on the
        distance to the optimal objective, from the proximal-gradient mapping,
        is below it.
    warm_start : bool, default=False
        Start the next call to ``fit`` from the current solution (same tasks
        required), e.g. along a path of ``alpha`` values.
    %(task_column)s

    Attributes
    ----------
    %(fitted_attributes)s

    See Also
    --------
    RegularizedMultiTaskClassifier : The same penalties with the logistic loss.
    MultiTaskRegressor : Neural multi-task regression.
    sklearn.linear_model.MultiTaskLasso : The ``"l21"`` penalty, shared rows only.

    Notes
    -----
    The solver is an accelerated proximal gradient method (FISTA) with
    backtracking line search and adaptive restart, common to every penalty. For
    the squared loss, each task's intercept is eliminated in closed form (the
    data are centered per task) and, when it is cheaper, the iterations work on
    Gram matrices instead of the rows.

    ``X`` (dense, or SciPy sparse CSR/CSC) is used in float64, whatever its
    dtype: a float32 cast would merge values that differ in their 8th digit. A
    sparse ``X`` is never densified: the solver centers it implicitly. Features
    whose spreads differ by more than 1e8 are rejected with an error (scale
    them): no gradient method can fit them in float64. A fit whose objective
    overflows stops with a ValueError naming the penalty.

    Examples
    --------
    >>> from skmtl.datasets import make_multitask_regression
    >>> from skmtl.linear_model import RegularizedMultiTaskRegressor
    >>> X, Y = make_multitask_regression(n_samples=200, n_tasks=3, random_state=0)
    >>> model = RegularizedMultiTaskRegressor(penalty="l21", alpha=0.05).fit(X, Y)
    >>> model.coef_.shape
    (3, 20)
    >>> sorted(model.score_per_task(X, Y))
    ['task_0', 'task_1', 'task_2']
    """

    _loss = "squared"

    def _loss_targets(self, encoded):
        # Row-major, as the solver's scores: elementwise passes stay contiguous.
        encoded = np.ascontiguousarray(encoded)
        observed = self._observed(encoded)
        return np.where(observed, encoded, 0.0), observed

    def _predict_from_features(self, features, task_index):
        return self._layout.output(self._scores(features, task_index))
