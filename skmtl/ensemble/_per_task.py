"""PerTaskRegressor and PerTaskClassifier: one independent model per task."""

from numbers import Integral

from skmtl.ensemble._base import (
    _BaseTaskEnsemble,
    _TaskClassifierMixin,
    _TaskRegressorMixin,
    fit_per_task,
)
from skmtl.ensemble._columns import take_rows
from skmtl.ensemble._docs import SECTIONS
from skmtl.utils._docstrings import fill_doc


class _BasePerTask(_BaseTaskEnsemble):
    """One clone of the base estimator per task, fitted on its observed labels."""

    _parameter_constraints = {
        **_BaseTaskEnsemble._parameter_constraints,
        "n_jobs": [Integral, None],
    }

    def __init__(self, estimator, *, task_column=None, n_jobs=None):
        self.estimator = estimator
        self.task_column = task_column
        self.n_jobs = n_jobs

    def _fit(self, X, tasks, fit_params):
        self.estimators_ = fit_per_task(self, X, X, tasks, fit_params)

    def _outputs(self, X, rows, method):
        return [
            None
            if task_rows is None
            else self._estimator_output(estimator, take_rows(X, task_rows), t, method)
            for t, (estimator, task_rows) in enumerate(zip(self.estimators_, rows))
        ]


@fill_doc(**SECTIONS)
class PerTaskRegressor(_TaskRegressorMixin, _BasePerTask):
    """One independent regressor per task: the single-task baseline.

    A clone of ``estimator`` is fitted on the rows where each task's label is
    observed (wide layout) or on the rows of each task (long layout); nothing is
    shared between tasks. Unlike :class:`sklearn.multioutput.MultiOutputRegressor`
    it accepts missing labels, the long layout and per-task scores.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn regressor (or a Pipeline ending in one), cloned once per
        task.
    %(per_task_n_jobs)s

    Attributes
    ----------
    %(per_task_estimators)s

    See Also
    --------
    PerTaskClassifier : The same for classification tasks.
    PooledRegressor : One model on the rows of all tasks.
    sklearn.multioutput.MultiOutputRegressor : One model per target column,
        without missing labels.

    Notes
    -----
    ``X`` is passed to the base estimator as it is given (a DataFrame stays a
    DataFrame, minus the task column in the long layout), so a Pipeline with a
    ColumnTransformer can encode non-numeric columns; the meta-estimator checks
    only the shape and the column names.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skmtl.ensemble import PerTaskRegressor
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> Y = np.column_stack([X[:, 0], -X[:, 1]])
    >>> Y[0, 1] = np.nan  # a missing label
    >>> model = PerTaskRegressor(Ridge(alpha=1e-6)).fit(X, Y)
    >>> model.predict(X[:2]).round(2)
    array([[ 0., -1.],
           [ 2., -3.]])
    """


@fill_doc(**SECTIONS)
class PerTaskClassifier(_TaskClassifierMixin, _BasePerTask):
    """One independent classifier per task: the single-task baseline.

    A clone of ``estimator`` is fitted on the rows where each task's label is
    observed (wide layout) or on the rows of each task (long layout); nothing is
    shared between tasks. Each task has its own label set.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn classifier (or a Pipeline ending in one), cloned once per
        task.
    %(per_task_n_jobs)s

    Attributes
    ----------
    %(classes)s
    %(per_task_estimators)s

    See Also
    --------
    PerTaskRegressor : The same for regression tasks.
    PooledClassifier : One model on the rows of all tasks.
    sklearn.multioutput.MultiOutputClassifier : One model per target column,
        without missing labels.

    Notes
    -----
    ``predict`` uses each clone's own ``predict``; ``predict_proba`` (available
    when the base estimator has it) its ``predict_proba``. A task seen with a
    single class gets a warning; whether the base estimator can be fitted on it
    is up to the base estimator. Cross-validating with missing labels:
    scikit-learn's default splitter for classifiers inspects ``y`` and rejects
    NaN, so pass ``cv=KFold(...)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmtl.ensemble import PerTaskClassifier
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([["a", 0], ["a", 0], ["b", 1], ["b", 1]], dtype=object)
    >>> model = PerTaskClassifier(LogisticRegression()).fit(X, Y)
    >>> model.classes_
    [array(['a', 'b'], dtype='<U1'), array([0, 1])]
    >>> model.predict(np.array([[0.0], [3.0]]))
    array([['a', 0],
           ['b', 1]], dtype=object)
    """
