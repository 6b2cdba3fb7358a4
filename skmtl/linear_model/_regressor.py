"""RegularizedMultiTaskRegressor: linear regression tasks fitted jointly."""

import numpy as np
from sklearn.base import RegressorMixin

from skmtl._targets import regression_values, task_columns
from skmtl.linear_model._base import _BaseRegularizedMultiTask


class RegularizedMultiTaskRegressor(RegressorMixin, _BaseRegularizedMultiTask):
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
    penalty : str or PenaltyConfig, default="l21"
        The penalty: a name registered in
        ``skmtl.linear_model.penalties.PENALTIES``, or a penalty's configuration
        with its own hyperparameters, e.g.
        ``skmtl.linear_model.penalties.ClusteredPenaltyConfig(n_clusters=3)``,
        which are then nested parameters (``penalty__n_clusters``) that
        ``GridSearchCV`` searches. A subclass of
        :class:`skmtl.linear_model.penalties.Penalty` is accepted too.
    alpha : float, default=0.01
        Strength of the penalty, >= 0 (0: no penalty).
    penalty_params : dict, default=None
        Deprecated (FutureWarning), removed in the next release: hyperparameters
        of the penalty; give its configuration as ``penalty`` instead.
    fit_intercept : bool, default=True
        Whether each task has its own unpenalized intercept.
    task_weighting : {"per_task", "per_sample"}, default="per_task"
        How tasks with different numbers of observed labels are weighted (see
        the objective above). They agree when every task has the same labelled
        rows.
    max_iter : int, default=1000
        Maximum number of iterations of the solver.
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
    task_column : int or str, default=None
        Long layout: the column of ``X`` (position, or name for a DataFrame)
        holding each row's task id; ``y`` is then 1-D. None: wide layout.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
        Coefficients, one row per task (``n_features`` excludes the task column
        in the long layout).
    intercept_ : ndarray of shape (n_tasks,)
        Intercepts (zeros when ``fit_intercept=False``).
    n_iter_ : int
        Number of solver iterations run by the last ``fit``.
    objective_path_ : ndarray of shape (n_iter + 1,)
        The objective at the start and after each iteration; never increasing
        (beyond rounding: steps within a few ulps of the value are kept).
    n_tasks_ : int
        Number of tasks.
    task_names_ : list
        Task names: the columns of a DataFrame ``y``, the task ids in the long
        layout, else ``task_0, task_1, ...``.
    n_features_in_ : int
        Number of columns of ``X`` seen in fit (including the task column).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X``, when it is a DataFrame with string names.
    task_clusters_ : ndarray of shape (n_tasks,)
        ``penalty="clustered"`` only: the cluster of each task, numbered in
        order of first appearance.
    task_cluster_matrix_ : ndarray of shape (n_tasks, n_tasks)
        ``penalty="clustered"`` only: the learned relaxed cluster matrix
        :math:`M` (near :math:`1 / |C|` for two tasks of the same cluster
        :math:`C`, near 0 across clusters).

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
    _score_metric = "r2"

    # The mixin on the left (scikit-learn's convention) would otherwise supply a
    # score that cannot handle missing labels or several tasks.
    score = _BaseRegularizedMultiTask.score

    def _encode_targets(self, Y, task_index, *, reset):
        values = np.empty(Y.shape, dtype=np.float64)
        for t, _, cells, column in task_columns(Y, task_index, self.n_tasks_):
            values[cells] = regression_values(column, self.task_names_[t])
        observed = ~np.isnan(values)
        return np.where(observed, values, 0.0), observed

    def predict(self, X):
        """Predict every task's target (wide) or each row's own task (long).

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Features (with the task column in the long layout).

        Returns
        -------
        y_pred : ndarray
            ``(n_samples, n_tasks)`` in the wide layout (``(n_samples,)`` when
            ``fit`` got a 1-D ``y``); ``(n_samples,)`` in the long layout.
        """
        features, task_index = self._validate_for_predict(X)
        return self._predict_from_features(features, task_index)

    def _predict_from_features(self, features, task_index):
        scores = self._scores(features, task_index)
        if task_index is None and self._y_one_d:
            return scores[:, 0]
        return scores
