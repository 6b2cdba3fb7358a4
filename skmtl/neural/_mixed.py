"""MultiTaskMixedEstimator: one network for regression, classification and counts."""

from functools import partial

import numpy as np
from scipy.special import softmax
from sklearn.utils.metaestimators import available_if

from skmtl._estimator import init_adding
from skmtl._layout import common_dtype
from skmtl._scoring import PerTaskScoreMixin
from skmtl._task_types import (
    TASK_METRICS,
    categorical_targets,
    declared_classes,
    encode_task,
    given_task_types,
    new_task_type,
)
from skmtl._values import is_dataframe, python_list
from skmtl.neural._base import _BaseMultiTaskNeural
from skmtl.neural._docs import SECTIONS
from skmtl.neural._mixed_criterion import KIND_CODES, MixedTaskLoss, MixedTaskModule
from skmtl.neural._partial import PartialFitMixin
from skmtl.neural._targets import kept_scaled_targets
from skmtl.utils._docstrings import FEATURES_PARAMETER, fill_doc
from skmtl.utils._sklearn_compat import _num_samples

_MIXED_SECTIONS = {
    **SECTIONS,
    "features": FEATURES_PARAMETER,
    "task_types": """\
task_types : dict, list or None, default=None
    The type of each task: ``"regression"``, ``"classification"`` (binary or
    multiclass, decided by its classes) or ``"poisson"`` (non-negative
    counts). A dict task name -> type (tasks it leaves out are inferred), a
    list in task order, or None to infer every task. Inferred: labels of a
    boolean, categorical or string dtype, or holding strings or booleans,
    are classes; numbers with a non-integer value are a regression;
    integer-valued numbers are classes when they take at most 10 distinct
    values, else a regression. ``"poisson"`` is never inferred.""",
    "standardize_targets": """\
standardize_targets : bool, default=True
    Scale each regression task's targets to zero mean and unit variance for
    training (predictions are returned in the original units), so that its
    squared error is on the scale of the other tasks' losses.""",
}


def _has_classification(estimator):
    return any(classes is not None for classes in estimator._task_classes)


@fill_doc(**_MIXED_SECTIONS)
class MultiTaskMixedEstimator(PerTaskScoreMixin, PartialFitMixin, _BaseMultiTaskNeural):
    r"""Multi-task neural network for tasks of different types, trained together.

    Regression, binary, multiclass and count tasks share one network (by
    default a shared MLP trunk and one head per task). Each task gets the loss
    of its type over its observed labels: the squared error of its
    standardized targets (regression), the cross-entropy of its classes
    (classification), the Poisson negative log-likelihood
    :math:`e^{\eta} - y\,\eta` of the predicted log-rate :math:`\eta`
    (counts). As for the other neural estimators the loss of task :math:`t`
    is the weighted mean over its labels,

    .. math::

        L_t = \frac{\sum_i w_i m_{it} \ell_t(f_t(x_i), y_{it})}
                    {\sum_i w_i m_{it}},

    and the loss weighting combines the :math:`L_t` of each mini-batch.
    ``loss_weighting="uncertainty"`` uses each type's likelihood (see
    :class:`~skmtl.weighting.UncertaintyWeighting`).

    Parameters
    ----------
    %(network_task_column)s
    %(task_types)s
    %(training)s
    %(warm_start)s
        Its tasks keep their types, classes and scaling; new tasks in ``y``
        are added, their types from ``task_types`` or inferred (see
        :ref:`transfer`).
    %(shared_lr_scale)s
    %(standardize_targets)s
    %(precision)s
    %(tabular)s

    Attributes
    ----------
    task_types_ : dict
        Task name -> ``"regression"``, ``"binary"``, ``"multiclass"`` or
        ``"poisson"``: the type each task was trained as.
    task_metrics_ : dict
        Task name -> ``"r2"`` (regression, counts) or ``"accuracy"``
        (classification): the metric of :meth:`score_per_task`.
    classes_ : dict
        Task name -> classes, for the classification tasks, in the order of
        the columns of :meth:`predict_proba`.
    %(fitted)s

    See Also
    --------
    MultiTaskRegressor : The same network for regression tasks only.
    MultiTaskClassifier : The same network for classification tasks only.

    Notes
    -----
    :meth:`predict` returns one column per task. When ``fit`` got a
    DataFrame ``y`` (wide layout), a DataFrame with the task names as
    columns, each of its task's type: float for regression and counts, the
    dtype of the task's classes for classification. Otherwise an ndarray
    ``(n_samples, n_tasks)`` (``(n_samples,)`` for a 1-D ``y`` or the long
    layout, where each row gets its own task's prediction) of the tasks'
    common dtype: float64 when every task predicts numbers, object when
    string classes meet numbers.

    Cross-validating with missing labels: pass ``cv=KFold(...)`` as for the
    classifier.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skmtl import MultiTaskMixedEstimator
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4)).astype(np.float32)
    >>> Y = pd.DataFrame({
    ...     "spend": 3 * X[:, 0] + rng.normal(size=200),
    ...     "churn": np.where(X[:, 1] > 0, "yes", "no"),
    ... })
    >>> model = MultiTaskMixedEstimator(max_epochs=20, random_state=0).fit(X, Y)
    >>> model.task_types_
    {'spend': 'regression', 'churn': 'binary'}
    >>> prediction = model.predict(X[:2])
    >>> prediction["spend"].dtype, set(prediction["churn"]) <= {"yes", "no"}
    (dtype('float64'), True)
    >>> sorted(model.predict_proba(X[:2]))
    ['churn']
    """

    _parameter_constraints = {
        **_BaseMultiTaskNeural._parameter_constraints,
        "standardize_targets": ["boolean"],
        "task_types": [dict, list, tuple, None],
    }

    __init__ = init_adding(
        _BaseMultiTaskNeural.__init__, standardize_targets=True, task_types=None
    )

    def _fit_layout(self, X, y, *, warm, grow=False):
        """Keep ``y``'s dtypes and kind, then decode the layout as the base does.

        A warm start (or ``partial_fit``) may add tasks (``grow``).
        """
        # Read before the targets become one array (a DataFrame's columns an
        # object array): categorical dtypes make classes.
        categorical = categorical_targets(y)
        self._y_frame = is_dataframe(y) and self.task_column is None
        decoded = super()._fit_layout(X, y, warm=warm, grow=grow)
        if isinstance(categorical, list) and self._y_frame:
            # By task: a continued fit puts the previous tasks first.
            lookup = dict(zip(python_list(y.columns), categorical))
            categorical = [lookup[name] for name in python_list(self.task_names_)]
        self._y_categorical = categorical
        return decoded

    # ----------------------------------------------------------------- targets
    @property
    def _score_metric(self):
        return self.task_metrics_

    def _partial_classes(self, classes, *, first):
        """Return ``_encode_targets``' keywords: new tasks need declared classes."""
        return {"classes": {} if classes is None else classes}

    def _encode_targets(
        self, layout, Y, task_index, *, reset, labelled_from=0, classes=None
    ):
        """Return the labels as float64 laid out by task, class codes for classes.

        The tasks of a fresh fit, and those a continued fit adds, get their
        types (``task_types`` or inferred) and classes; the previous tasks
        keep theirs and may have no label (those before ``labelled_from``).
        ``classes`` (``partial_fit``): a dict task name -> classes, which every
        new classification task needs.
        """
        encoded = np.full(Y.shape, np.nan)
        names = layout.task_names
        n_known = 0 if reset else len(self._task_given)
        previous = [] if reset else self._task_classes
        declared = declared_classes(classes, names, previous)
        types = self.task_types
        if declared is not None and isinstance(types, dict):
            # A chunk need not hold every task the stream's task_types names.
            types = {k: v for k, v in types.items() if k in python_list(names)}
        given = given_task_types(types, names) if n_known < len(names) else None
        fitted, task_classes = [], []
        for t, _, cells, column in layout.columns(Y, task_index):
            categorical = self._y_categorical
            if isinstance(categorical, list):
                categorical = categorical[t]
            if t < n_known:
                kind, known = self._task_given[t], previous[t]
            else:
                kind, known = new_task_type(
                    column, names[t], given[t], categorical, declared
                )
            try:
                encoded[cells], task_type, found = encode_task(
                    column,
                    names[t],
                    kind,
                    known,
                    categorical=categorical,
                    required=t >= labelled_from,
                )
            except ValueError as error:
                if t >= n_known:
                    raise
                raise ValueError(
                    f"{error} Task {names[t]!r} was fitted as "
                    f"{self.task_types_[names[t]]!r}; if that is not its type, "
                    "name it in task_types and fit again."
                ) from error
            fitted.append(task_type)
            task_classes.append(found)
        if n_known < len(names):
            self._set_task_types(names, fitted, task_classes)
        return encoded

    def _set_task_types(self, names, fitted, classes):
        """Set the type and classes attributes of every task."""
        self._task_given = [
            "classification" if c is not None else k for k, c in zip(fitted, classes)
        ]
        self._task_classes = classes
        self.task_types_ = dict(zip(names, fitted))
        self.task_metrics_ = {n: TASK_METRICS[k] for n, k in zip(names, fitted)}
        self.classes_ = {n: c for n, c in zip(names, classes) if c is not None}

    def _training_targets(self, layout, encoded, task_index, weight, *, reset):
        standardized = np.array([k == "regression" for k in self._task_given])
        return kept_scaled_targets(
            self,
            layout,
            encoded,
            task_index,
            weight,
            reset=reset,
            standardized=standardized,
        )

    # ----------------------------------------------------------------- network
    def _kind_codes(self):
        return [KIND_CODES[self.task_types_[name]] for name in self.task_names_]

    def _criterion(self):
        return partial(MixedTaskLoss, task_kinds=self._kind_codes())

    def _output_sizes(self):
        counts = [1 if c is None else len(c) for c in self._task_classes]
        return max(counts), counts

    def _build_module(self, n_features, seed):
        """Return the module, combining ensemble members per task kind."""
        module, dropout_generator = super()._build_module(n_features, seed)
        kinds = self._kind_codes()
        # Kendall et al.'s factor of each loss in its likelihood: squared error
        # (Gaussian) 1, cross-entropy and Poisson 2.
        module.weighting.set_likelihood_scales(
            [1.0 if k == KIND_CODES["regression"] else 2.0 for k in kinds]
        )
        mixed = MixedTaskModule(
            module.architecture, module.weighting, self._output_sizes()[1], kinds
        )
        return mixed, dropout_generator

    # ----------------------------------------------------------------- predict
    def _task_outputs(self, features, task_index):
        """Return each task's predictions on its rows, and the rows."""
        layout = self._layout
        outputs = self._forward(features, task_index)
        rows = layout.task_rows(task_index)
        predictions = []
        for t, task_rows in enumerate(rows):
            part = layout.take(outputs, task_rows, t)
            predictions.append(None if part is None else self._decode(t, part))
        return predictions, rows

    def _decode(self, t, outputs):
        """Return task ``t``'s predictions from its ``(n, width)`` outputs."""
        classes = self._task_classes[t]
        if classes is not None:
            return classes[outputs[:, : len(classes)].argmax(axis=1)]
        value = outputs[:, 0].astype(np.float64)
        if self._task_given[t] == "poisson":
            return np.exp(value)
        return value * self._target_scale[t] + self._target_mean[t]

    def _predict_from_features(self, features, task_index):
        predictions, rows = self._task_outputs(features, task_index)
        dtype = common_dtype(
            [np.empty(0) if c is None else c for c in self._task_classes]
        )
        return self._layout.assemble(predictions, rows, _num_samples(features), dtype)

    def predict(self, X):
        """Predict every task (wide layout) or each row's own task (long layout).

        %(features)s

        Returns
        -------
        y_pred : DataFrame or ndarray
            A DataFrame with one column per task, each of its task's dtype, when
            ``fit`` got a DataFrame ``y`` in the wide layout (indexed like a
            DataFrame ``X``); else an ndarray of the tasks' common dtype (see
            Notes): ``(n_samples, n_tasks)``, ``(n_samples,)`` for a 1-D ``y``
            or in the long layout.
        """
        features, task_index = self._validate_for_predict(X)
        if not self._y_frame:
            return self._predict_from_features(features, task_index)
        import pandas as pd

        predictions, _ = self._task_outputs(features, task_index)
        index = X.index if is_dataframe(X) else None
        columns = dict(zip(self.task_names_, predictions))
        return pd.DataFrame(columns, index=index, columns=self.task_names_)

    @available_if(_has_classification)
    def predict_proba(self, X):
        """Return the class probabilities of each classification task.

        %(features)s

        Returns
        -------
        proba : dict
            Classification task name -> ``(n_samples, n_classes)`` array, columns
            in the order of ``classes_[name]``. In the long layout the rows of
            other tasks are NaN. Only available when a task is a classification.
        """
        features, task_index = self._validate_for_predict(X)
        layout = self._layout
        outputs = self._forward(features, task_index).astype(np.float64)
        rows = layout.task_rows(task_index)
        chosen = [t for t, c in enumerate(self._task_classes) if c is not None]
        widths = [len(self._task_classes[t]) for t in chosen]
        probabilities = []
        for t, width in zip(chosen, widths):
            part = layout.take(outputs, rows[t], t)
            probabilities.append(
                None if part is None else softmax(part[:, :width], axis=1)
            )
        if layout.long:
            probabilities = layout.spread(
                probabilities, [rows[t] for t in chosen], len(outputs), widths
            )
        return {self.task_names_[t]: p for t, p in zip(chosen, probabilities)}
