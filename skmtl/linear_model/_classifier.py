"""RegularizedMultiTaskClassifier: binary logistic regression tasks fitted jointly."""

import warnings

import numpy as np
from scipy.special import expit

from skmtl._estimator import MultiTaskClassifierMixin
from skmtl.linear_model._base import _BaseRegularizedMultiTask
from skmtl.linear_model._docs import SECTIONS
from skmtl.utils._docstrings import fill_doc


@fill_doc(**SECTIONS)
class RegularizedMultiTaskClassifier(
    MultiTaskClassifierMixin, _BaseRegularizedMultiTask
):
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
    %(penalty)s
    alpha : float, default=0.01
        Strength of the penalty, >= 0 (0: no penalty; separable tasks then have
        no finite solution).
    %(penalty_params)s
    %(fit_intercept)s
    task_weighting : {"per_task", "per_sample"}, default="per_task"
        How tasks with different numbers of observed labels are weighted (see
        the objective above).
    %(max_iter)s
    tol : float, default=1e-6
        Stopping tolerance: the solver stops when a first-order bound on the
        distance to the optimal objective (from the proximal-gradient mapping)
        is at most ``tol`` times twice the loss at zero coefficients.
    warm_start : bool, default=False
        Start the next call to ``fit`` from the current solution (same tasks and
        classes required).
    %(task_column)s

    Attributes
    ----------
    classes_ : list of ndarray or ndarray
        The two classes of each task (one for a single-class task), in the order
        of the columns of ``predict_proba``. A single array when ``fit`` got a
        1-D ``y`` in the wide layout (one task).
    %(fitted_attributes)s

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

    def _loss_targets(self, encoded):
        for name, classes in zip(self.task_names_, self._task_classes):
            if len(classes) > 2:
                raise ValueError(
                    f"Only binary classification is supported. Task {name!r} has "
                    f"{len(classes)} classes {classes.tolist()}; "
                    f"{type(self).__name__} fits one logistic model per task: split "
                    "the task into one binary task per class (one-vs-rest), or use "
                    "MultiTaskClassifier."
                )
        return (encoded == 1).astype(np.float64), self._observed(encoded)

    def _left_out_tasks(self, layout, targets, observed, weight, task_index):
        """Leave out the tasks whose weighted labels all belong to one class."""
        positive = layout.task_sums(observed * targets, weight, task_index)
        total = layout.task_sums(observed, weight, task_index)
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
        row_constant = self._layout.per_row(self._constant_scores, task_index)
        return np.where(np.isnan(row_constant), scores, row_constant)

    def _task_probabilities(self, features, task_index, rows):
        positive = expit(self._decision(features, task_index))
        layout = self._layout
        outputs = []
        for t, (task_rows, classes) in enumerate(zip(rows, self._task_classes)):
            p = layout.take(positive, task_rows, t)
            if p is not None:
                single = len(classes) == 1
                p = np.ones((len(p), 1)) if single else np.column_stack([1.0 - p, p])
            outputs.append(p)
        return outputs

    def _predict_from_features(self, features, task_index):
        codes = (self._decision(features, task_index) > 0).astype(np.int64)
        return self._layout.labels(codes, self._task_classes, task_index)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
