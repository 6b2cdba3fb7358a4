"""The skeleton of every multi-task estimator: one base, two target mixins.

:class:`BaseMultiTask` owns what does not depend on the family or on the kind
of target: the validation of ``X`` and the task layout of a fit, ``predict``
and the tags. :class:`MultiTaskRegressorMixin` and
:class:`MultiTaskClassifierMixin` carry what depends on the kind of target: the
metric of ``score`` and ``score_per_task``, the encoding of the labels (one
signature for every family) and, for the classifiers, ``predict_proba``. A
public estimator is ``class Name(MultiTaskRegressorMixin, _FamilyBase)``, the
mixin on the left as in scikit-learn; a family's base subclasses
:class:`BaseMultiTask` and implements ``fit`` and
``_predict_from_features(features, task_index)``.
"""

import inspect

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.metaestimators import available_if

from skmtl._base import validate_features
from skmtl._grow_layout import decode_grown
from skmtl._layout import TaskLayout
from skmtl._scoring import PerTaskScoreMixin
from skmtl._targets import class_codes, given_classes, regression_values
from skmtl.utils._doc_link import DocLinkMixin
from skmtl.utils._docstrings import SPARSE_FEATURES_PARAMETER, fill_doc
from skmtl.utils._sklearn_compat import _num_samples, check_is_fitted
from skmtl.utils._tags import multi_task_tags


def init_adding(base_init, **extra):
    """Return an ``__init__`` taking ``base_init``'s parameters and ``extra`` ones.

    scikit-learn reads an estimator's parameters from the signature of its
    ``__init__`` (``get_params``, ``clone``, the HTML diagram, the docs): the
    returned function carries the full signature, ``base_init``'s keyword-only
    parameters then ``extra``'s, so a subclass adds a parameter without
    repeating the others.

    Parameters
    ----------
    base_init : callable
        The base class's ``__init__`` (keyword-only parameters).
    **extra : object
        Each added keyword-only parameter and its default.

    Returns
    -------
    __init__ : callable
        Stores the added parameters and passes the others to ``base_init``.
    """

    def __init__(self, **params):
        for name, default in extra.items():
            setattr(self, name, params.pop(name, default))
        base_init(self, **params)

    signature = inspect.signature(base_init)
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
        for name, default in extra.items()
    ]
    __init__.__signature__ = signature.replace(
        parameters=[*signature.parameters.values(), *added]
    )
    return __init__


@fill_doc(features=SPARSE_FEATURES_PARAMETER)
class BaseMultiTask(DocLinkMixin, BaseEstimator):
    """Validation, the task layout, ``predict`` and tags of a multi-task estimator.

    ``_split_features(estimator, X, reset=...)`` validates ``X`` and splits off the
    task column: :func:`~skmtl._base.validate_features` (finite float32
    features) unless a family sets another (the linear models ask for float64,
    the ensembles leave values to their base estimator).
    """

    _split_features = staticmethod(validate_features)

    @property
    def _layout(self):
        """The fitted :class:`~skmtl._layout.TaskLayout`."""
        return TaskLayout.of(self)

    def _fit_layout(self, X, y, *, warm, grow=False):
        """Validate ``X`` and ``y`` for a fit; decode the layout.

        Sets the task attributes on a fresh fit; with ``warm`` (continuing a
        previous fit) checks instead that ``y`` has the same tasks, or with
        ``grow`` extends them with the new tasks of ``y`` (see
        :func:`~skmtl._grow_layout.grown_targets`).

        Returns
        -------
        layout : TaskLayout
            The layout of the fit.
        features : ndarray, sparse matrix or DataFrame of shape (n_samples, n_features)
            As returned by ``_split_features``.
        Y : ndarray
            The targets: (n_samples, n_tasks) in the wide layout, (n_samples,) in
            the long layout.
        task_index : ndarray of shape (n_samples,) or None
            Each row's task index (long layout), else None.
        """
        features, task_values = self._split_features(self, X, reset=not warm)
        n_samples = _num_samples(features)
        if warm and grow:
            decoded = decode_grown(
                self.task_column, y, task_values, n_samples, self._layout
            )
        else:
            decoded = TaskLayout.decode(
                self.task_column,
                y,
                task_values,
                n_samples,
                previous=self._layout if warm else None,
            )
        layout, Y, task_index = decoded
        if not warm or grow:
            layout.store(self)
        return layout, features, Y, task_index

    def _validate_for_predict(self, X):
        """Return ``(features, task_index or None)`` for a fitted estimator."""
        check_is_fitted(self)
        features, task_values = self._split_features(self, X, reset=False)
        return features, self._layout.task_index(task_values)

    def predict(self, X):
        """Predict every task (wide layout) or each row's own task (long layout).

        %(features)s

        Returns
        -------
        y_pred : ndarray
            ``(n_samples, n_tasks)`` in the wide layout (``(n_samples,)`` when
            ``fit`` got a 1-D ``y``); ``(n_samples,)`` in the long layout. A
            classifier predicts the original labels.
        """
        features, task_index = self._validate_for_predict(X)
        return self._predict_from_features(features, task_index)

    def __sklearn_tags__(self):
        return multi_task_tags(super().__sklearn_tags__(), sparse=True)


class MultiTaskRegressorMixin(PerTaskScoreMixin, RegressorMixin):
    """The regression side: R² scores and float targets.

    ``score`` is the per-task one (:class:`~skmtl._scoring.PerTaskScoreMixin`),
    not scikit-learn's, which cannot handle missing labels or several tasks.
    """

    _score_metric = "r2"

    def _encode_targets(self, layout, Y, task_index, *, reset, labelled_from=0):
        """Return the labels as float64 laid out by task, NaN where missing.

        Tasks before ``labelled_from`` (those of the fit being continued) may
        have no label.
        """
        # Column-major: each task's column is contiguous for the per-task passes
        # (a third less time on 200,000 x 10 labels; a no-op when 1-D).
        Y = np.asfortranarray(Y)
        values = np.empty(Y.shape, dtype=np.float64, order="F")
        for t, _, cells, column in layout.columns(Y, task_index):
            values[cells] = regression_values(
                column, layout.task_names[t], required=t >= labelled_from
            )
        return values

    @staticmethod
    def _observed(encoded):
        """Return where :meth:`_encode_targets`' output holds a label."""
        return ~np.isnan(encoded)

    def _task_labels(self, t, encoded):
        """Return task ``t``'s labels from its encoded ones."""
        return encoded


def _has_probabilities(estimator):
    return estimator._has_probabilities()


@fill_doc(features=SPARSE_FEATURES_PARAMETER)
class MultiTaskClassifierMixin(PerTaskScoreMixin, ClassifierMixin):
    """The classification side: accuracy, per-task classes, ``predict_proba``.

    A family implements ``_task_probabilities(features, task_index, rows)``:
    each task's ``(len(rows[t]), n_classes_t)`` probabilities on its rows
    (None for a task without rows).
    """

    _score_metric = "accuracy"

    def _encode_targets(
        self, layout, Y, task_index, *, reset, labelled_from=0, classes=None
    ):
        """Return class codes laid out by task, -1 where missing.

        Sets ``_task_classes`` and ``classes_`` when ``reset`` or when ``y``
        adds tasks; otherwise labels outside the classes of the first fit are
        an error. ``classes`` (``partial_fit``) gives the classes of the tasks
        (see :func:`~skmtl._targets.given_classes`); tasks before
        ``labelled_from`` may have no label.
        """
        codes = np.full(Y.shape, -1, dtype=np.int64)
        previous = [] if reset else self._task_classes
        known = previous
        if classes is not None:
            known = given_classes(classes, layout.task_names, previous)
        task_classes = []
        for t, _, cells, column in layout.columns(Y, task_index):
            codes[cells], found = class_codes(
                column,
                layout.task_names[t],
                known[t] if t < len(known) else None,
                required=t >= labelled_from,
            )
            task_classes.append(found)
        if reset or len(task_classes) > len(previous):
            self._task_classes = task_classes
            self.classes_ = layout.per_task(task_classes)
        return codes

    @staticmethod
    def _observed(encoded):
        """Return where :meth:`_encode_targets`' output holds a label."""
        return encoded >= 0

    def _task_labels(self, t, encoded):
        """Return task ``t``'s labels from its class codes."""
        return self._task_classes[t][encoded]

    def _has_probabilities(self):
        """Return whether ``predict_proba`` is available."""
        return True

    @available_if(_has_probabilities)
    def predict_proba(self, X):
        """Return class probabilities per task.

        %(features)s

        Returns
        -------
        proba : list of ndarray, or ndarray
            One ``(n_samples, n_classes_t)`` array per task, columns in the order
            of ``classes_[t]``. A single array when ``fit`` got a 1-D ``y`` in the
            wide layout. In the long layout, the rows of other tasks are NaN in
            each task's array.
        """
        features, task_index = self._validate_for_predict(X)
        layout = self._layout
        rows = layout.task_rows(task_index)
        outputs = self._task_probabilities(features, task_index, rows)
        widths = [len(classes) for classes in self._task_classes]
        return layout.spread(outputs, rows, _num_samples(features), widths)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
