"""StackedTasksRegressor and StackedTasksClassifier: stacked single-target.

Stacked single-target (SST) of E. Spyromitros-Xioufis, G. Tsoumakas, W. Groves
and I. Vlahavas, "Multi-target regression via input space expansion: treating
targets as inputs", Machine Learning 104(1), 55-98, 2016, in its out-of-sample
variant: the second stage is trained on out-of-fold first-stage predictions,
which removes the train/predict discrepancy the paper describes.
"""

import numpy as np

from skmtl.ensemble._base import (
    _TaskClassifierMixin,
    _TaskRegressorMixin,
    fit_per_task,
)
from skmtl.ensemble._columns import append_columns, take_rows
from skmtl.ensemble._docs import SECTIONS
from skmtl.ensemble._out_of_fold import (
    _BaseOutOfFoldEnsemble,
    check_response_method,
    fit_out_of_fold,
    split_seed,
)
from skmtl.utils._docstrings import fill_doc


class _BaseStackedTasks(_BaseOutOfFoldEnsemble):
    """Per-task first stage, per-task second stage on inputs plus all responses."""

    def _fit(self, X, tasks, fit_params):
        check_response_method(self)
        models, responses = fit_out_of_fold(
            self,
            X,
            dict(enumerate(tasks)),
            fit_params,
            out_of_fold=dict.fromkeys(range(self.n_tasks_), True),
            random_state=split_seed(self.random_state),
            n_jobs=self.n_jobs,
        )
        self.first_stage_estimators_ = [models[t] for t in range(self.n_tasks_)]
        X_stacked = self._stack(X, [responses[t] for t in range(self.n_tasks_)])
        self.estimators_ = fit_per_task(self, X_stacked, X, tasks, fit_params)

    def _stack(self, X, responses):
        """Return ``X`` with the response columns of every task appended."""
        block = np.hstack(
            [self._response_features(r, t) for t, r in enumerate(responses)]
        )
        labels = [
            label for t in range(self.n_tasks_) for label in self._response_labels(t)
        ]
        return append_columns(X, block, labels)

    def _outputs(self, X, rows, method):
        responses = [
            self._estimator_response(model, X, t)
            for t, model in enumerate(self.first_stage_estimators_)
        ]
        X_stacked = self._stack(X, responses)
        return [
            None
            if task_rows is None
            else self._estimator_output(
                model, take_rows(X_stacked, task_rows), t, method
            )
            for t, (model, task_rows) in enumerate(zip(self.estimators_, rows))
        ]


@fill_doc(**SECTIONS)
class StackedTasksRegressor(_TaskRegressorMixin, _BaseStackedTasks):
    r"""Stacked single-target regression: each task sees every task's estimate.

    Two stages of per-task models, both clones of ``estimator``
    (Spyromitros-Xioufis et al., 2016). Stage 1 fits one model :math:`h_t` per
    task on the inputs. Stage 2 fits, for each task, a model on the inputs
    extended with the stage-1 estimates of all tasks,

    .. math::

        \hat y_t(x) = g_t\big(x, h_1(x), \dots, h_T(x)\big),

    so that a task can borrow from the tasks it is correlated with. The
    estimates stage 2 is trained on are out-of-fold (``cv``): trained on
    in-sample estimates, stage 2 would learn to trust them more than they
    deserve at predict time, the discrepancy the paper identifies. At predict
    time the stage-1 models fitted on all training rows give the estimates.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn regressor (or a Pipeline ending in one), cloned for every
        first-stage, cross-validation and second-stage model.
    %(cv_regressor)s
    %(stacked_random_state_n_jobs)s

    Attributes
    ----------
    first_stage_estimators_ : list of estimators
        The stage-1 model of each task, fitted on all its observed rows.
    estimators_ : list of estimators
        The stage-2 model of each task; its inputs are the features (without
        the task column in the long layout) followed by one estimate per task,
        named ``pred(<task>)`` in a DataFrame.
    %(task_attributes)s

    See Also
    --------
    StackedTasksClassifier : The same for classification tasks.
    ChainEnsembleRegressor : Estimates fed along random chains of tasks.
    PerTaskRegressor : Stage 1 alone.

    Notes
    -----
    Missing labels (and the long layout, where each row has one task's label):
    the stage-1 model of a task is trained on its observed rows only, and the
    cross-validation runs over those rows. Every row still needs an estimate of
    every task as input of stage 2: a row where the task's label is missing
    gets the prediction of the stage-1 model fitted on all observed rows, which
    never saw that row, so the estimate is distributed as at predict time.

    %(stacked_cost_references)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skmtl.ensemble import StackedTasksRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> Y = np.column_stack([X[:, 0], X[:, 0] + X[:, 1]])
    >>> model = StackedTasksRegressor(Ridge(), cv=3).fit(X, Y)
    >>> model.predict(X).shape
    (60, 2)
    >>> round(model.score(X, Y), 2)
    1.0
    """


@fill_doc(**SECTIONS)
class StackedTasksClassifier(_TaskClassifierMixin, _BaseStackedTasks):
    """Stacked single-target classification: tasks see every task's probabilities.

    Two stages of per-task models, both clones of ``estimator``
    (Spyromitros-Xioufis et al., 2016, for regression; stacking of binary
    relevance for multi-label classification before it). Stage 1 fits one
    classifier per task on the inputs. Stage 2 fits, for each task, a classifier
    on the inputs extended with the stage-1 predicted probabilities of all
    tasks. The probabilities stage 2 is trained on are out-of-fold (``cv``), so
    that they are as reliable as at predict time, when the stage-1 models fitted
    on all training rows give them.

    The stacked features of a task are its predicted probabilities (not its
    hard labels, which lose the confidence): one column, the probability of
    ``classes_[t][1]``, for a binary task; one column per class for a multiclass
    task. The base estimator needs ``predict_proba``.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn classifier with ``predict_proba`` (or a Pipeline ending in
        one), cloned for every first-stage, cross-validation and second-stage
        model.
    %(cv_classifier)s
    %(stacked_random_state_n_jobs)s

    Attributes
    ----------
    %(classes)s
    first_stage_estimators_ : list of estimators
        The stage-1 model of each task, fitted on all its observed rows.
    estimators_ : list of estimators
        The stage-2 model of each task; its inputs are the features (without
        the task column in the long layout) followed by the probability columns
        of every task, named ``proba(<task>=<class>)`` in a DataFrame.
    %(task_attributes)s

    See Also
    --------
    StackedTasksRegressor : The same for regression tasks.
    ChainEnsembleClassifier : Probabilities fed along random chains of tasks.
    PerTaskClassifier : Stage 1 alone.

    Notes
    -----
    Missing labels (and the long layout, where each row has one task's label):
    the stage-1 model of a task is trained on its observed rows only, and the
    cross-validation runs over those rows. Every row still needs the
    probabilities of every task as input of stage 2: a row where the task's
    label is missing gets the prediction of the stage-1 model fitted on all
    observed rows, which never saw that row. A cross-validation fold that lacks
    a class gives it probability 0.

    %(stacked_cost_references)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmtl.ensemble import StackedTasksClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> Y = np.column_stack([X[:, 0] > 0, X[:, 0] + X[:, 1] > 0]).astype(int)
    >>> model = StackedTasksClassifier(LogisticRegression(), cv=3).fit(X, Y)
    >>> model.predict(X).shape
    (60, 2)
    >>> [p.shape for p in model.predict_proba(X[:5])]
    [(5, 2), (5, 2)]
    """
