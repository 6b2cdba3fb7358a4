"""RegularizedMultiTaskClassifier: binary logistic regression tasks fitted jointly."""

import warnings

import numpy as np
from scipy.special import expit
from sklearn.base import ClassifierMixin

from skmtl._targets import (
    class_codes,
    decode_labels,
    task_columns,
)
from skmtl.linear_model._base import _BaseRegularizedMultiTask


class RegularizedMultiTaskClassifier(ClassifierMixin, _BaseRegularizedMultiTask):
    r"""Binary logistic regression of several tasks with a penalty that couples them.

    Every task is binary, with its own two labels (numbers or strings, encoded
    per task: ``classes_[t][1]`` is the positive class). Task :math:`t` scores
    :math:`z = x^\top w_t + b_t`, predicts ``classes_[t][1]`` when
    :math:`z > 0`, and the coefficients :math:`W` (row :math:`t` is
    :math:`w_t`) and intercepts :math:`b` minimize

    .. math::

        \sum_{t=1}^{T} c_t \sum_{i} s_i m_{it} \,
        \big( \log(1 + e^{z_{it}}) - y_{it} z_{it} \big) \; + \; \Omega(W),

    with :math:`y_{it} \in \{0, 1\}`, :math:`m_{it} = 1` when the label is
    observed, :math:`s_i` the sample weight, and the task weighting
    :math:`c_t = 1 / n_t` (``"per_task"``: the sum of the tasks' mean losses) or
    :math:`c_t = T / \sum_u n_u` (``"per_sample"``), where
    :math:`n_t = \sum_i s_i m_{it}`. The intercepts are not penalized.
    :math:`\Omega` is the ``penalty`` (strength ``alpha``), as for
    :class:`RegularizedMultiTaskRegressor`: ``"l21"``, ``"trace"``, ``"mean"``,
    ``"graph"``, ``"clustered"``, ``"lasso"`` or ``"ridge"``. For one task of
    :math:`n` rows, ``"ridge"`` and ``"lasso"`` give
    :class:`sklearn.linear_model.LogisticRegression` with
    ``C = 1 / (n * alpha)`` and the l2 or l1 penalty.

    Multiclass tasks are not supported: ``fit`` raises a ``ValueError`` naming
    the task. Split such a task into one binary task per class (one-vs-rest) or
    use :class:`~skmtl.MultiTaskClassifier`. A task whose labels with a positive
    sample weight all belong to one class gets a ``UserWarning``, is left out of
    the loss, and is always predicted as that class (probability 1); its row of
    ``coef_`` is then set by the penalty alone.

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
        Strength of the penalty, >= 0 (0: no penalty; separable tasks then have
        no finite solution).
    penalty_params : dict, default=None
        Deprecated (FutureWarning), removed in the next release: hyperparameters
        of the penalty; give its configuration as ``penalty`` instead.
    fit_intercept : bool, default=True
        Whether each task has its own unpenalized intercept.
    task_weighting : {"per_task", "per_sample"}, default="per_task"
        How tasks with different numbers of observed labels are weighted (see
        the objective above).
    max_iter : int, default=1000
        Maximum number of iterations of the solver.
    tol : float, default=1e-6
        Stopping tolerance: the solver stops when a first-order bound on the
        distance to the optimal objective (from the proximal-gradient mapping)
        is at most ``tol`` times twice the loss at zero coefficients.
    warm_start : bool, default=False
        Start the next call to ``fit`` from the current solution (same tasks and
        classes required).
    task_column : int or str, default=None
        Long layout: the column of ``X`` (position, or name for a DataFrame)
        holding each row's task id; ``y`` is then 1-D. None: wide layout.

    Attributes
    ----------
    classes_ : list of ndarray or ndarray
        The two classes of each task (one for a single-class task), in the order
        of the columns of ``predict_proba``. A single array when ``fit`` got a
        1-D ``y`` in the wide layout (one task).
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
        ``penalty="clustered"`` only: the cluster of each task.
    task_cluster_matrix_ : ndarray of shape (n_tasks, n_tasks)
        ``penalty="clustered"`` only: the learned relaxed cluster matrix.

    See Also
    --------
    RegularizedMultiTaskRegressor : The same penalties with the squared loss.
    MultiTaskClassifier : Neural multi-task classification, multiclass included.
    sklearn.linear_model.LogisticRegression : One task at a time.

    Notes
    -----
    Solved by the accelerated proximal gradient method (FISTA) with backtracking
    line search and adaptive restart shared by every penalty; the intercept is an
    unpenalized extra coefficient on centered features.
    ``X`` (dense, or SciPy sparse CSR/CSC) is used in float64 and a sparse
    ``X`` is never densified, as for :class:`RegularizedMultiTaskRegressor`.

    Cross-validating with missing labels: scikit-learn's default splitter for
    classifiers inspects ``y`` and rejects NaN, so pass ``cv=KFold(...)``.

    Examples
    --------
    >>> from skmtl.datasets import make_multitask_classification
    >>> from skmtl.linear_model import RegularizedMultiTaskClassifier
    >>> X, Y = make_multitask_classification(
    ...     n_samples=200, n_tasks=3, random_state=0)
    >>> model = RegularizedMultiTaskClassifier(penalty="trace", alpha=0.01)
    >>> model.fit(X, Y).predict(X[:2]).shape
    (2, 3)
    >>> [len(c) for c in model.classes_]
    [2, 2, 2]
    """

    _loss = "logistic"
    _score_metric = "accuracy"

    # The mixin on the left (scikit-learn's convention) would otherwise supply a
    # score that cannot handle missing labels or several tasks.
    score = _BaseRegularizedMultiTask.score

    def _encode_targets(self, Y, task_index, *, reset):
        targets = np.zeros(Y.shape)
        observed = np.zeros(Y.shape, dtype=bool)
        classes = []
        for t, _, cells, column in task_columns(Y, task_index, self.n_tasks_):
            name = self.task_names_[t]
            known = None if reset else self._task_classes[t]
            codes, task_classes = class_codes(column, name, known)
            if len(task_classes) > 2:
                raise ValueError(
                    f"Only binary classification is supported. Task {name!r} has "
                    f"{len(task_classes)} classes {task_classes.tolist()}; "
                    f"{type(self).__name__} fits one logistic model per task: split "
                    "the task into one binary task per class (one-vs-rest), or use "
                    "MultiTaskClassifier."
                )
            targets[cells] = codes == 1
            observed[cells] = codes >= 0
            classes.append(task_classes)
        if reset:
            self._task_classes = classes
            self.classes_ = classes[0] if self._y_one_d else classes
        return targets, observed

    def _left_out_tasks(self, targets, observed, weight, task_index):
        """Leave out the tasks whose weighted labels all belong to one class."""
        label_weight = observed * (weight[:, None] if task_index is None else weight)
        if task_index is None:
            positive = (label_weight * targets).sum(axis=0)
            total = label_weight.sum(axis=0)
        else:
            positive = np.bincount(
                task_index, weights=label_weight * targets, minlength=self.n_tasks_
            )
            total = np.bincount(
                task_index, weights=label_weight, minlength=self.n_tasks_
            )
        constant = np.full(self.n_tasks_, np.nan)
        constant[positive <= 0] = -np.inf
        constant[positive >= total] = np.inf
        for t in np.flatnonzero(~np.isnan(constant)):
            classes = self._task_classes[t]
            if len(classes) == 2:
                only = classes[int(constant[t] > 0)].item()
                warnings.warn(
                    f"Task {self.task_names_[t]!r} has labels of a single class "
                    f"({only!r}) among those with a positive sample weight; it will "
                    "always be predicted.",
                    UserWarning,
                    stacklevel=4,
                )
        self._constant_scores = constant
        return ~np.isnan(constant)

    def _decision(self, features, task_index):
        """Return the linear scores, +-inf for the tasks predicted constant."""
        scores = self._scores(features, task_index)
        constant = self._constant_scores
        if task_index is None:
            fixed = ~np.isnan(constant)
            scores[:, fixed] = constant[fixed]
            return scores
        row_constant = constant[task_index]
        return np.where(np.isnan(row_constant), scores, row_constant)

    def predict_proba(self, X):
        """Return class probabilities per task.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Features (with the task column in the long layout).

        Returns
        -------
        proba : list of ndarray, or ndarray
            One ``(n_samples, n_classes_t)`` array per task, columns in the order
            of ``classes_[t]``. A single array when ``fit`` got a 1-D ``y`` in the
            wide layout. In the long layout, the rows of other tasks are NaN in
            each task's array.
        """
        features, task_index = self._validate_for_predict(X)
        positive = expit(self._decision(features, task_index))
        per_task = []
        for t, classes in enumerate(self._task_classes):
            if task_index is None:
                p = positive[:, t]
            else:
                p = np.where(task_index == t, positive, np.nan)
            if len(classes) == 1:
                proba = np.where(np.isnan(p), np.nan, 1.0)[:, None]
            else:
                proba = np.column_stack([1.0 - p, p])
            per_task.append(proba)
        if task_index is None and self._y_one_d:
            return per_task[0]
        return per_task

    def predict(self, X):
        """Predict each task's label (wide) or each row's own task label (long).

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Features (with the task column in the long layout).

        Returns
        -------
        y_pred : ndarray
            Original labels: ``(n_samples, n_tasks)`` in the wide layout
            (``(n_samples,)`` when ``fit`` got a 1-D ``y``), ``(n_samples,)`` in
            the long layout.
        """
        features, task_index = self._validate_for_predict(X)
        return self._predict_from_features(features, task_index)

    def _predict_from_features(self, features, task_index):
        codes = (self._decision(features, task_index) > 0).astype(np.int64)
        return decode_labels(codes, self._task_classes, task_index, self._y_one_d)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = True
        return tags
