"""Cross-validated regularized multi-task estimators: the penalty strength chosen.

:class:`RegularizedMultiTaskRegressorCV` and :class:`RegularizedMultiTaskClassifierCV`
fit, on every cross-validation fold, a warm-started path of penalty strengths from
the largest down, score each on the held-out rows, and refit the strength with the
best mean score on all rows (as :class:`sklearn.linear_model.MultiTaskLassoCV` and
:class:`sklearn.linear_model.LogisticRegressionCV` do).
"""

from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.metaestimators import available_if

from skmtl.linear_model._classifier import RegularizedMultiTaskClassifier
from skmtl.linear_model._cv_base import _BaseRegularizedMultiTaskCV, refit_has
from skmtl.linear_model._cv_docs import SECTIONS
from skmtl.linear_model._regressor import RegularizedMultiTaskRegressor
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import check_is_fitted


@fill_doc(**SECTIONS)
class RegularizedMultiTaskRegressorCV(RegressorMixin, _BaseRegularizedMultiTaskCV):
    """Regularized multi-task regression, ``alpha`` chosen by cross-validation.

    :class:`RegularizedMultiTaskRegressor` with a cross-validated ``alpha``.
    %(path)s
    As :class:`sklearn.linear_model.MultiTaskLassoCV` for ``penalty="l21"``,
    for every penalty, both layouts and missing labels.

    %(parameters)s

    %(attributes)s

    See Also
    --------
    RegularizedMultiTaskRegressor : The estimator at a given ``alpha``.
    sklearn.linear_model.MultiTaskLassoCV : The ``"l21"`` penalty, shared rows.

    %(notes)s

    Examples
    --------
    >>> from skmtl.datasets import make_multitask_regression
    >>> from skmtl.linear_model import RegularizedMultiTaskRegressorCV
    >>> X, Y = make_multitask_regression(n_samples=200, n_tasks=3, random_state=0)
    >>> model = RegularizedMultiTaskRegressorCV(penalty="mean", random_state=0)
    >>> model.fit(X, Y).cv_scores_.shape
    (20, 5)
    >>> model.predict(X[:2]).shape
    (2, 3)
    """

    _estimator_class = RegularizedMultiTaskRegressor

    # The mixin on the left would otherwise supply a single-output score.
    score = _BaseRegularizedMultiTaskCV.score


@fill_doc(**SECTIONS)
class RegularizedMultiTaskClassifierCV(ClassifierMixin, _BaseRegularizedMultiTaskCV):
    """Regularized multi-task classification, ``alpha`` chosen by cross-validation.

    :class:`RegularizedMultiTaskClassifier` with a cross-validated ``alpha``.
    %(path)s
    Binary tasks, as the base estimator. With missing labels in the wide
    layout, a task must keep labels of both classes in every training fold.

    %(parameters)s

    %(attributes)s
    classes_ : list of ndarray or ndarray
        The classes of each task (one array for a 1-D ``y``).

    See Also
    --------
    RegularizedMultiTaskClassifier : The estimator at a given ``alpha``.
    sklearn.linear_model.LogisticRegressionCV : One task at a time.

    %(notes)s

    Examples
    --------
    >>> from skmtl.datasets import make_multitask_classification
    >>> from skmtl.linear_model import RegularizedMultiTaskClassifierCV
    >>> X, Y = make_multitask_classification(
    ...     n_samples=200, n_tasks=3, random_state=0)
    >>> model = RegularizedMultiTaskClassifierCV(alphas=5, cv=3, random_state=0)
    >>> model.fit(X, Y).predict(X[:2]).shape
    (2, 3)
    >>> [len(c) for c in model.classes_]
    [2, 2, 2]
    """

    _estimator_class = RegularizedMultiTaskClassifier

    # The mixin on the left would otherwise supply a single-output score.
    score = _BaseRegularizedMultiTaskCV.score

    @available_if(refit_has("predict_proba"))
    def predict_proba(self, X):
        """Return the refitted estimator's class probabilities per task.

        %(features)s

        Returns
        -------
        proba : list of ndarray, or ndarray
            As :meth:`RegularizedMultiTaskClassifier.predict_proba`.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(refit_has("decision_function"))
    def decision_function(self, X):
        """Return the refitted estimator's decision function.

        %(features)s

        Returns
        -------
        scores : ndarray
            As the base estimator's ``decision_function``.
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = True
        return tags
