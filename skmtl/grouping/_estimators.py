"""Automatic task grouping over a neural multi-task estimator (TAG-style)."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin

from skmtl._scoring import PerTaskScoreMixin
from skmtl.grouping._base import _BaseTaskGrouping
from skmtl.grouping._docs import SECTIONS, head
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import _num_samples, _safe_indexing


@fill_doc(**SECTIONS, parameters_attributes=head("regressor", "MultiTaskRegressor"))
class TaskGroupingRegressor(RegressorMixin, _BaseTaskGrouping):
    """Group regression tasks by their measured affinity; one network per group.

    Measures how the tasks help each other with a short training run of a
    neural multi-task estimator, groups the tasks of high mutual affinity,
    trains one clone of the estimator per group and predicts each task with
    its group's network; optionally guards each task against negative
    transfer. See :ref:`task-relations`.

    %(parameters_attributes)s
    %(task_attributes)s

    %(see_also_notes)s

    Examples
    --------
    >>> from skmtl import MultiTaskRegressor, TaskGroupingRegressor
    >>> from skmtl.datasets import make_grouped_regression
    >>> X, Y, planted = make_grouped_regression(group_sizes=(2, 2), random_state=0)
    >>> network = MultiTaskRegressor(max_epochs=20, random_state=0)
    >>> model = TaskGroupingRegressor(network, n_groups=2).fit(X, Y)
    >>> model.groups_
    [['task_0', 'task_1'], ['task_2', 'task_3']]
    """

    _score_metric = "r2"
    _scoring_default = ("regressor", "r2")

    def _default_estimator(self):
        from skmtl.neural import MultiTaskRegressor

        return MultiTaskRegressor()

    score = PerTaskScoreMixin.score


@fill_doc(**SECTIONS, parameters_attributes=head("classifier", "MultiTaskClassifier"))
class TaskGroupingClassifier(ClassifierMixin, _BaseTaskGrouping):
    """Group classification tasks by their measured affinity.

    The classification form of :class:`TaskGroupingRegressor`; its inner
    scores are by default negative log losses of the predicted probabilities.
    See :ref:`task-relations`.

    %(parameters_attributes)s
    classes_ : list of ndarray, or ndarray
        Each task's classes (one array for a 1-D ``y``).
    %(task_attributes)s

    %(see_also_notes)s
    """

    _score_metric = "accuracy"
    _scoring_default = ("classifier", "neg_log_loss")

    def _default_estimator(self):
        from skmtl.neural import MultiTaskClassifier

        return MultiTaskClassifier()

    def _set_classes(self):
        """Set ``classes_``: each task's classes, from the network predicting it."""
        classes = [
            self.estimators_[tasks].classes_[tasks.index(t)]
            for t, tasks in enumerate(self._task_models)
        ]
        self.classes_ = classes[0] if self._y_one_d else classes

    def predict_proba(self, X):
        """Return each task's class probabilities from the network predicting it.

        %(features)s

        Returns
        -------
        proba : list of ndarray, or ndarray
            As :meth:`skmtl.MultiTaskClassifier.predict_proba`: one ``(n_samples,
            n_classes_t)`` array per task (one array for a 1-D ``y``); in the
            long layout the rows of other tasks are NaN.
        """
        features, task_index = self._validate_for_predict(X)
        n_samples = _num_samples(features)
        rows = np.arange(n_samples)
        if task_index is not None:
            rows_of = {t: np.flatnonzero(task_index == t) for t in range(self.n_tasks_)}
        per_task = []
        for t, tasks in enumerate(self._task_models):
            model = self.estimators_[tasks]
            if task_index is not None:
                served = np.flatnonzero(np.isin(task_index, tasks))
                proba = np.full(
                    (n_samples, len(model.classes_[tasks.index(t)])), np.nan
                )
                if len(served):
                    values = model.predict_proba(_safe_indexing(features, served))
                    proba[rows_of[t]] = values[tasks.index(t)][
                        np.isin(served, rows_of[t])
                    ]
            else:
                proba = model.predict_proba(_safe_indexing(features, rows))
                proba = proba[tasks.index(t)]
            per_task.append(proba)
        return per_task[0] if self._y_one_d else per_task

    score = PerTaskScoreMixin.score
