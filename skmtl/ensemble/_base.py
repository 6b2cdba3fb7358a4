"""Machinery shared by the ensemble meta-estimators.

``_BaseTaskEnsemble`` owns the public methods: it validates the layout, turns
the targets into one ``Task`` per task (the rows of ``X`` where its label is
observed, and those labels), routes the fit parameters, and assembles the
per-task outputs of ``predict``. A method file implements only ``_fit`` and
``_outputs``. The target side (regression or classification) comes from
``_TaskRegressorMixin`` or ``_TaskClassifierMixin``, placed leftmost in the
public class.
"""

from abc import ABCMeta, abstractmethod
from collections import namedtuple
from numbers import Integral

import numpy as np
from sklearn import get_config
from sklearn.base import MetaEstimatorMixin, clone, is_classifier
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import has_fit_parameter

from skmtl._estimator import (
    BaseMultiTask,
    MultiTaskClassifierMixin,
    MultiTaskRegressorMixin,
)
from skmtl._layout import common_dtype
from skmtl.ensemble._columns import split_features, take_rows
from skmtl.utils._docstrings import FIT_TARGETS, fill_doc
from skmtl.utils._sklearn_compat import (
    HasMethods,
    _check_method_params,
    _check_sample_weight,
    _fit_context,
    _num_samples,
)

Task = namedtuple("Task", ["rows", "y"])
Task.__doc__ = """One task's training data: the rows of ``X`` with an observed label
(sorted int positions) and those labels."""


def degenerate_labels(y, classifier):
    """Return what makes labels ``y`` too few for a model to learn, or None.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Observed labels.
    classifier : bool
        Whether one class among them is a problem.

    Returns
    -------
    problem : str or None
        ``"no observed label"``, ``"only one observed label (v: 1 sample)"``,
        ``"only one class (c) among N observed labels"``, or None when there is
        no such problem.
    """
    if len(y) == 0:
        return "no observed label"
    if len(y) == 1:
        return f"only one observed label ({y.tolist()[0]!r}: 1 sample)"
    if classifier:
        classes = np.unique(y)
        if len(classes) == 1:
            only = classes.tolist()[0]
            return f"only one class ({only!r}) among {len(y)} observed labels"
    return None


def fit_clone(estimator, X, y, fit_params, *, subject=None, where=""):
    """Return a clone of ``estimator`` fitted on ``X``, ``y``.

    When the fit fails, ``subject`` is given (``"Task 'b'"``) and the labels are
    degenerate (see :func:`degenerate_labels`), the error becomes a ValueError
    that names the subject and says what is wrong, the base estimator's message
    kept. ``where`` says which rows ``y`` holds (e.g. ``" in the training part
    of inner cv fold 2 of 5"``). Any other error is raised unchanged.
    """
    try:
        return clone(estimator).fit(X, y, **fit_params)
    except Exception as error:
        problem = degenerate_labels(np.asarray(y), is_classifier(estimator))
        if subject is None or problem is None:
            raise
        raise ValueError(
            f"{subject} has {problem}{where}, and the base estimator "
            f"{type(estimator).__name__} cannot be fitted on it ({error}). Drop the "
            "task or give it more labels."
        ) from error


def task_subject(ensemble, t):
    """Return how errors name task ``t`` of ``ensemble``: ``"Task 'b'"``."""
    return f"Task {ensemble.task_names_[t]!r}"


def task_fit_params(X, fit_params, rows):
    """Return the fit parameters for the rows ``rows`` of ``X``.

    Parameters with one value per sample (``sample_weight``, routed metadata) are
    indexed like the rows; the others are passed as they are.
    """
    return _check_method_params(X, params=fit_params, indices=rows)


def fit_per_task(ensemble, X_fit, X, tasks, fit_params):
    """Fit one clone of ``ensemble.estimator`` per task, in parallel.

    Parameters
    ----------
    ensemble : _BaseTaskEnsemble
        Gives ``estimator``, ``n_jobs`` and the task names for errors.
    X_fit : array-like
        The model inputs; task ``t`` trains on its rows ``tasks[t].rows``.
    X : array-like
        The features as given, which the per-sample fit parameters follow.
    tasks : list
        Each task's rows and observed labels ``y``.
    fit_params : dict
        Fit parameters, indexed like the rows where they hold one value per
        sample.

    Returns
    -------
    estimators : list of estimators
        The fitted clone of each task.
    """
    return Parallel(n_jobs=ensemble.n_jobs)(
        delayed(fit_clone)(
            ensemble.estimator,
            take_rows(X_fit, task.rows),
            task.y,
            task_fit_params(X, fit_params, task.rows),
            subject=task_subject(ensemble, t),
        )
        for t, task in enumerate(tasks)
    )


@fill_doc(y=FIT_TARGETS)
class _BaseTaskEnsemble(MetaEstimatorMixin, BaseMultiTask, metaclass=ABCMeta):
    """Validation, targets, routing and prediction shared by the ensembles."""

    _split_features = staticmethod(split_features)
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "task_column": [Integral, str, None],
    }

    # ------------------------------------------------------------------- hooks
    @abstractmethod
    def _fit(self, X, tasks, fit_params):
        """Fit the ensemble on the features and one ``Task`` per task."""

    @abstractmethod
    def _outputs(self, X, rows, method):
        """Return the output of ``method`` for each task, on the rows it needs.

        ``rows[t]`` is None when task ``t`` needs no output, else the rows of
        ``X`` to predict for it (a slice or int positions). ``method`` is
        ``"predict"`` (1-D predictions) or ``"predict_proba"`` (probabilities
        over the task's classes).
        """

    # --------------------------------------------------------------------- fit
    @_fit_context(
        # The base estimator is validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the ensemble.

        Parameters
        ----------
        X : array-like, sparse matrix or DataFrame of shape (n_samples, n_features)
            Features, in any form the base estimator accepts. In the long layout,
            the column named by ``task_column`` holds each row's task id; it is
            split off before the base estimator sees ``X``.
        %(y)s
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row. With metadata routing disabled, it is passed to
            the base estimator's ``fit``, which must accept it. With routing
            enabled, it goes where the base estimator requests it.
        **fit_params : dict
            Further parameters of the base estimator's ``fit`` (with routing
            enabled: routed metadata). Parameters with one value per sample are
            indexed like the rows each clone is fitted on.

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        ValueError
            When a task has no observed label, has fewer labels than the folds
            of an inner ``cv``, or has labels the base estimator cannot be
            fitted on because there is only one of them or only one class
            (also in the training part of an inner cv fold); the message names
            the task and keeps the base estimator's own.
        """
        layout, features, Y, task_index = self._fit_layout(X, y, warm=False)
        tasks = self._tasks(layout, Y, task_index, _num_samples(features))
        fit_params = self._route_fit_params(features, sample_weight, fit_params)
        self._fit(features, tasks, fit_params)
        return self

    def _tasks(self, layout, Y, task_index, n_samples):
        """Return one ``Task`` per task."""
        encoded = self._encode_targets(layout, Y, task_index, reset=True)
        tasks = []
        for t, samples, _, values in layout.columns(encoded, task_index):
            observed = self._observed(values)
            rows = np.arange(n_samples)[samples][observed]
            tasks.append(Task(rows, self._task_labels(t, values[observed])))
        return tasks

    def _route_fit_params(self, X, sample_weight, fit_params):
        """Return the keyword arguments of the base estimator's ``fit``."""
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        if get_config()["enable_metadata_routing"]:
            if sample_weight is not None:
                fit_params = {**fit_params, "sample_weight": sample_weight}
            return dict(process_routing(self, "fit", **fit_params).estimator.fit)
        if sample_weight is None:
            return dict(fit_params)
        if not has_fit_parameter(self.estimator, "sample_weight"):
            raise ValueError(
                f"sample_weight was given, but the base estimator "
                f"{type(self.estimator).__name__} takes no sample_weight in fit. "
                "For a Pipeline or another meta-estimator, enable metadata "
                "routing (sklearn.set_config(enable_metadata_routing=True)) and "
                "request it with set_fit_request(sample_weight=True)."
            )
        return {**fit_params, "sample_weight": sample_weight}

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``fit`` routes its metadata (``sample_weight`` included) to the ``fit`` of
        every clone of the base estimator, indexed like the rows it is fitted on.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    # ----------------------------------------------------------------- predict
    def _predict_from_features(self, features, task_index):
        layout = self._layout
        rows = layout.task_rows(task_index)
        outputs = self._outputs(features, rows, "predict")
        return layout.assemble(
            outputs, rows, _num_samples(features), self._prediction_dtype()
        )

    # ------------------------------------------------------------------- score
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        base_tags = get_tags(self.estimator)
        tags.input_tags.sparse = base_tags.input_tags.sparse
        tags.input_tags.allow_nan = base_tags.input_tags.allow_nan
        return tags


class _TaskRegressorMixin(MultiTaskRegressorMixin):
    """The regression side: predictions as responses."""

    _response_method = "predict"

    def _prediction_dtype(self):
        return np.float64

    def _as_response(self, output, estimator_classes, t):
        """Return a prediction as a ``(n_samples, 1)`` float array."""
        output = np.asarray(output, dtype=np.float64)
        return output.reshape(output.shape[0], -1)

    def _estimator_response(self, estimator, X, t):
        return self._as_response(estimator.predict(X), None, t)

    def _estimator_output(self, estimator, X, t, method):
        return self._estimator_response(estimator, X, t)[:, 0]

    def _response_features(self, response, t):
        """Return the columns a response adds to the inputs of other models."""
        return response

    def _response_labels(self, t):
        return [f"pred({self.task_names_[t]})"]

    def _decide(self, response, t):
        """Return the predictions of task ``t`` from its (averaged) response."""
        return response[:, 0]


class _TaskClassifierMixin(MultiTaskClassifierMixin):
    """The classification side: probabilities as responses."""

    _response_method = "predict_proba"

    def _has_probabilities(self):
        return hasattr(self.estimator, "predict_proba")

    def _task_probabilities(self, features, task_index, rows):
        return self._outputs(features, rows, "predict_proba")

    def _prediction_dtype(self):
        return common_dtype(self._task_classes)

    def _as_response(self, output, estimator_classes, t):
        """Return probabilities over the classes of task ``t``.

        Columns follow ``classes_[t]``. A class the estimator never saw (a
        cross-validation fold without it) gets probability 0. Classes of other
        tasks (a pooled model) are dropped and the rest renormalised; a row with
        no mass left on the task's classes gets uniform probabilities.
        """
        output = np.asarray(output, dtype=np.float64)
        classes = self._task_classes[t]
        estimator_classes = np.asarray(estimator_classes)
        if np.array_equal(estimator_classes, classes):
            return output
        proba = np.zeros((output.shape[0], len(classes)))
        for j, label in enumerate(classes):
            match = np.flatnonzero(estimator_classes == label)
            if len(match):
                proba[:, j] = output[:, match[0]]
        if np.isin(estimator_classes, classes).all():
            return proba
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / len(classes))
        return np.divide(proba, total, out=uniform, where=total > 0)

    def _estimator_response(self, estimator, X, t):
        return self._as_response(estimator.predict_proba(X), estimator.classes_, t)

    def _estimator_output(self, estimator, X, t, method):
        if method == "predict_proba":
            return self._estimator_response(estimator, X, t)
        if np.array_equal(np.asarray(estimator.classes_), self._task_classes[t]):
            return estimator.predict(X)
        return self._decide(self._estimator_response(estimator, X, t), t)

    def _response_features(self, response, t):
        """Return the probability columns a task adds to other models' inputs.

        One column (the probability of the second class) for a binary task, one
        per class otherwise.
        """
        return response[:, 1:] if response.shape[1] == 2 else response

    def _response_labels(self, t):
        name, classes = self.task_names_[t], self._task_classes[t].tolist()
        if len(classes) == 2:
            classes = classes[1:]
        return [f"proba({name}={label})" for label in classes]

    def _decide(self, response, t):
        return self._task_classes[t][np.argmax(response, axis=1)]
