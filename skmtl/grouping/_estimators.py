"""Automatic task grouping over a neural multi-task estimator (TAG-style)."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin

from skmtl._scoring import PerTaskScoreMixin
from skmtl.grouping._base import _BaseTaskGrouping
from skmtl.utils._sklearn_compat import _num_samples, _safe_indexing


class TaskGroupingRegressor(RegressorMixin, _BaseTaskGrouping):
    """Group regression tasks by their measured affinity; one network per group.

    Measures how the tasks help each other with a short training run of a
    neural multi-task estimator, groups the tasks of high mutual affinity,
    trains one clone of the estimator per group and predicts each task with
    its group's network; optionally guards each task against negative
    transfer. See :ref:`task-relations`.

    Parameters
    ----------
    estimator : regressor estimator, default=None
        The network to train per group: a neural multi-task estimator (it
        needs the ``task_affinity`` parameter). None: ``MultiTaskRegressor()``. Its
        ``task_column`` is overridden by this estimator's; its
        ``random_state`` too, when ``random_state`` is given or it has none.
    n_groups : int or "auto", default="auto"
        Number of groups (at most the number of tasks). ``"auto"``: the
        partition, among the nested ones for 1 to ``n_tasks`` groups, with the
        best mean inner cross-validated score over tasks (ties: fewer groups).
    affinity : {"lookahead", "gradient"}, default="lookahead"
        The affinity measured by the short training run (see the neural
        estimators' ``task_affinity``): TAG's lookahead affinity, normalised
        by its diagonal, or the cosine of the tasks' gradients.
    affinity_epochs : int, default=None
        Epochs of the affinity run; None: the estimator's ``max_epochs``.
    guard : bool, default=False
        The negative-transfer guard: per task, keep the single-task network,
        the group's or the one shared by all tasks, whichever had the best
        inner cross-validated score (ties keep the single-task network).
    cv : int, default=3
        Folds of the inner cross-validation (rows, shuffled) used by
        ``n_groups="auto"`` and ``guard``; training rows only.
    task_column : int, str or None, default=None
        Long layout: the column of ``X`` holding each row's task (as for the
        neural estimators); None: wide layout.
    random_state : int, RandomState instance or None, default=None
        Seed of the inner folds and of the networks.

    Attributes
    ----------
    affinity_ : ndarray of shape (`n_tasks_`, `n_tasks_`)
        The affinity measured by the short run (``[i, j]``: effect of task
        ``i`` on task ``j``); ``[[1.0]]`` for a single task.
    similarity_ : ndarray of shape (`n_tasks_`, `n_tasks_`)
        Its symmetric form in ``[-1, 1]`` that the clustering uses.
    groups_ : list of list
        The task names of each group.
    group_labels_ : ndarray of shape (`n_tasks_`,)
        The group of each task (0, 1, ...).
    n_groups_ : int
        Number of groups.
    cv_scores_ : dict
        Only when the inner cross-validation ran: number of groups -> ndarray
        of each task's mean inner score under that partition.
    guard_scores_ : ndarray of shape (`n_tasks_`, 3)
        With ``guard``: each task's inner score under its single-task, group
        and shared network (columns in that order).
    guard_choice_ : dict
        With ``guard``: task name -> ``"single"``, ``"group"`` or ``"shared"``.
    estimators_ : dict
        Tuple of the task positions a network was fitted on -> that fitted
        network.
    task_names_ : list
        Task names, as the neural estimators name them.
    n_tasks_ : int
        Number of tasks.
    n_features_in_ : int
        Number of columns of ``X`` seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X``, when it is a DataFrame with string names.

    See Also
    --------
    skmtl.neural.TaskAffinity : How the affinity is measured.

    Notes
    -----
    The affinity of TAG (Fifty et al., 2021, "Efficiently Identifying Task
    Groupings for Multi-Task Learning", NeurIPS) is measured during one short
    run on all tasks; its symmetric form is clustered by average linkage (each
    merge joins the two groups of highest mean affinity: a greedy form of
    TAG's search for the groups of highest total affinity), which gives nested
    partitions. A group shared by several candidate partitions is fitted once
    per inner fold. Cost: the affinity run, plus with ``"auto"`` or ``guard``
    ``cv x (2 n_tasks - 1)`` networks at most, plus the final networks.

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

    def _default_estimator(self):
        from skmtl.neural import MultiTaskRegressor

        return MultiTaskRegressor()

    score = PerTaskScoreMixin.score


class TaskGroupingClassifier(ClassifierMixin, _BaseTaskGrouping):
    """Group classification tasks by their measured affinity.

    The classification form of :class:`TaskGroupingRegressor` (inner scores
    are accuracies). See :ref:`task-relations`.

    Parameters
    ----------
    estimator : classifier estimator, default=None
        The network to train per group: a neural multi-task estimator (it
        needs the ``task_affinity`` parameter). None: ``MultiTaskClassifier()``. Its
        ``task_column`` is overridden by this estimator's; its
        ``random_state`` too, when ``random_state`` is given or it has none.
    n_groups : int or "auto", default="auto"
        Number of groups (at most the number of tasks). ``"auto"``: the
        partition, among the nested ones for 1 to ``n_tasks`` groups, with the
        best mean inner cross-validated score over tasks (ties: fewer groups).
    affinity : {"lookahead", "gradient"}, default="lookahead"
        The affinity measured by the short training run (see the neural
        estimators' ``task_affinity``): TAG's lookahead affinity, normalised
        by its diagonal, or the cosine of the tasks' gradients.
    affinity_epochs : int, default=None
        Epochs of the affinity run; None: the estimator's ``max_epochs``.
    guard : bool, default=False
        The negative-transfer guard: per task, keep the single-task network,
        the group's or the one shared by all tasks, whichever had the best
        inner cross-validated score (ties keep the single-task network).
    cv : int, default=3
        Folds of the inner cross-validation (rows, shuffled) used by
        ``n_groups="auto"`` and ``guard``; training rows only.
    task_column : int, str or None, default=None
        Long layout: the column of ``X`` holding each row's task (as for the
        neural estimators); None: wide layout.
    random_state : int, RandomState instance or None, default=None
        Seed of the inner folds and of the networks.

    Attributes
    ----------
    affinity_ : ndarray of shape (`n_tasks_`, `n_tasks_`)
        The affinity measured by the short run (``[i, j]``: effect of task
        ``i`` on task ``j``); ``[[1.0]]`` for a single task.
    similarity_ : ndarray of shape (`n_tasks_`, `n_tasks_`)
        Its symmetric form in ``[-1, 1]`` that the clustering uses.
    groups_ : list of list
        The task names of each group.
    group_labels_ : ndarray of shape (`n_tasks_`,)
        The group of each task (0, 1, ...).
    n_groups_ : int
        Number of groups.
    cv_scores_ : dict
        Only when the inner cross-validation ran: number of groups -> ndarray
        of each task's mean inner score under that partition.
    guard_scores_ : ndarray of shape (`n_tasks_`, 3)
        With ``guard``: each task's inner score under its single-task, group
        and shared network (columns in that order).
    guard_choice_ : dict
        With ``guard``: task name -> ``"single"``, ``"group"`` or ``"shared"``.
    classes_ : list of ndarray, or ndarray
        Each task's classes (one array for a 1-D ``y``).
    estimators_ : dict
        Tuple of the task positions a network was fitted on -> that fitted
        network.
    task_names_ : list
        Task names, as the neural estimators name them.
    n_tasks_ : int
        Number of tasks.
    n_features_in_ : int
        Number of columns of ``X`` seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X``, when it is a DataFrame with string names.

    See Also
    --------
    skmtl.neural.TaskAffinity : How the affinity is measured.

    Notes
    -----
    The affinity of TAG (Fifty et al., 2021, "Efficiently Identifying Task
    Groupings for Multi-Task Learning", NeurIPS) is measured during one short
    run on all tasks; its symmetric form is clustered by average linkage (each
    merge joins the two groups of highest mean affinity: a greedy form of
    TAG's search for the groups of highest total affinity), which gives nested
    partitions. A group shared by several candidate partitions is fitted once
    per inner fold. Cost: the affinity run, plus with ``"auto"`` or ``guard``
    ``cv x (2 n_tasks - 1)`` networks at most, plus the final networks.
    """

    _score_metric = "accuracy"

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

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout).

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
