"""PooledRegressor and PooledClassifier: one model on the rows of all tasks.

The "distribution learning" baseline: the tasks are treated as one problem whose
inputs say which task a row belongs to, so a flexible base estimator can learn
what the tasks share and where they differ.
"""

import numpy as np
import scipy.sparse as sp

from skmtl._layout import common_dtype
from skmtl._values import is_dataframe
from skmtl.ensemble._base import (
    _BaseTaskEnsemble,
    _TaskClassifierMixin,
    _TaskRegressorMixin,
    fit_clone,
    task_fit_params,
)
from skmtl.ensemble._columns import append_columns, take_rows
from skmtl.ensemble._docs import SECTIONS
from skmtl.ensemble._task_encoding import (
    TASK_ENCODINGS,
    declare_task_categorical,
    resolve_task_encoding,
)
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import StrOptions, _num_samples


class _BasePooled(_BaseTaskEnsemble):
    """One clone of the base estimator on all tasks' rows, task indicator added."""

    _parameter_constraints = {
        **_BaseTaskEnsemble._parameter_constraints,
        "task_encoding": [StrOptions(TASK_ENCODINGS)],
    }

    def __init__(self, estimator, *, task_encoding="auto", task_column=None):
        self.estimator = estimator
        self.task_encoding = task_encoding
        self.task_column = task_column

    def _pooled_labels(self, tasks):
        """Return the labels of all tasks, concatenated in a dtype they all fit."""
        return np.concatenate(
            [task.y for task in tasks], dtype=common_dtype([t.y for t in tasks])
        )

    def _fit(self, X, tasks, fit_params):
        rows = np.concatenate([task.rows for task in tasks])
        codes = np.repeat(np.arange(self.n_tasks_), [len(task.rows) for task in tasks])
        y = self._pooled_labels(tasks)
        # Row by row, each row's tasks next to each other: the order of X is kept.
        order = np.lexsort((codes, rows))
        rows, codes, y = rows[order], codes[order], y[order]
        self.task_encoding_ = resolve_task_encoding(self.task_encoding, self.estimator)
        X_pooled = self._with_task(take_rows(X, rows), codes)
        estimator = self.estimator
        if self.task_encoding_ == "categorical":
            estimator = declare_task_categorical(estimator, X_pooled)
        self.estimator_ = fit_clone(
            estimator,
            X_pooled,
            y,
            task_fit_params(X, fit_params, rows),
            subject="The pooled training set of every task",
        )

    def _with_task(self, X, codes):
        """Return ``X`` with the task indicator of each row appended."""
        if self.task_encoding_ in ("ordinal", "categorical"):
            if is_dataframe(X):
                import pandas as pd

                block = pd.DataFrame(
                    {"task": pd.Categorical(codes, categories=range(self.n_tasks_))}
                )
            else:
                block = codes.astype(np.float64)[:, None]
            return append_columns(X, block, ["task"])
        n_rows = len(codes)
        if sp.issparse(X):
            # Built sparse: n_rows x n_tasks dense zeros would dwarf a sparse X.
            entries = (np.ones(n_rows), (np.arange(n_rows), codes))
            block = sp.csr_array(entries, shape=(n_rows, self.n_tasks_))
        else:
            block = np.zeros((n_rows, self.n_tasks_))
            block[np.arange(n_rows), codes] = 1.0
        return append_columns(X, block, [f"task={name}" for name in self.task_names_])

    def _outputs(self, X, rows, method):
        outputs = []
        for t, task_rows in enumerate(rows):
            if task_rows is None:
                outputs.append(None)
                continue
            X_task = take_rows(X, task_rows)
            codes = np.full(_num_samples(X_task), t)
            outputs.append(
                self._estimator_output(
                    self.estimator_, self._with_task(X_task, codes), t, method
                )
            )
        return outputs


@fill_doc(**SECTIONS)
class PooledRegressor(_TaskRegressorMixin, _BasePooled):
    """One regressor on the rows of all tasks, with the task as a feature.

    The "distribution learning" baseline: a single clone of ``estimator`` is
    fitted on the observed labels of every task, the task of each row being
    added to its features (one-hot or as one categorical column). Task ``t`` is
    predicted by the same model with the indicator of ``t``. A linear base
    estimator then learns one shared slope and a per-task intercept; trees and
    boosting can learn task-specific interactions.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn regressor (or a Pipeline ending in one), fitted once on the
        rows of all tasks.
    %(task_encoding)s

    Attributes
    ----------
    estimator_ : estimator
        The fitted pooled model. Its inputs are the features (without the task
        column in the long layout) followed by the task indicator.
    %(task_encoding_attribute)s

    See Also
    --------
    PooledClassifier : The same for classification tasks.
    PerTaskRegressor : One independent model per task.

    Notes
    -----
    %(pooled_memory)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skmtl.ensemble import PooledRegressor
    >>> X = np.arange(8.0).reshape(4, 2)
    >>> Y = np.column_stack([X[:, 0], X[:, 0] + 10])  # same slope, shifted
    >>> model = PooledRegressor(LinearRegression()).fit(X, Y)
    >>> model.predict(X[:2]).round(2)
    array([[ 0., 10.],
           [ 2., 12.]])
    """


@fill_doc(**SECTIONS)
class PooledClassifier(_TaskClassifierMixin, _BasePooled):
    """One classifier on the rows of all tasks, with the task as a feature.

    The "distribution learning" baseline: a single clone of ``estimator`` is
    fitted on the observed labels of every task, the task of each row being
    added to its features (one-hot or as one categorical column). Task ``t`` is
    predicted by the same model with the indicator of ``t``.

    Tasks may have different label sets. Labels are pooled by value: a label
    that several tasks use (``0``/``1``, ``"spam"``) is one class of the pooled
    model, so the tasks share what it means. Each task is predicted among its
    own classes only: ``predict_proba`` keeps the pooled model's probabilities
    of the task's classes and renormalises them (uniform if the model puts no
    mass on them), and ``predict`` is their argmax (the pooled model's own
    ``predict`` when the task has every pooled class). Labels must be of one
    kind across tasks (all numbers or all strings).

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn classifier (or a Pipeline ending in one), fitted once on the
        rows of all tasks.
    %(task_encoding)s

    Attributes
    ----------
    %(classes)s
    estimator_ : estimator
        The fitted pooled model; its ``classes_`` are the union of the tasks'
        classes. Its inputs are the features (without the task column in the
        long layout) followed by the task indicator.
    %(task_encoding_attribute)s

    See Also
    --------
    PooledRegressor : The same for regression tasks.
    PerTaskClassifier : One independent model per task.

    Notes
    -----
    A task whose classes are a strict subset of the pooled classes needs a base
    estimator with ``predict_proba``.

    %(pooled_memory)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmtl.ensemble import PooledClassifier
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[0, 0], [0, 1], [1, 1], [1, 2]])  # task_1 has class 2
    >>> model = PooledClassifier(LogisticRegression()).fit(X, Y)
    >>> model.classes_
    [array([0, 1]), array([0, 1, 2])]
    >>> [p.shape for p in model.predict_proba(X)]
    [(4, 2), (4, 3)]
    """

    def _pooled_labels(self, tasks):
        if common_dtype([task.y for task in tasks]).kind == "O":
            kinds = {
                name: "strings" if task.y.dtype.kind in "US" else "numbers"
                for name, task in zip(self.task_names_, tasks)
            }
            raise ValueError(
                "PooledClassifier fits one model on the labels of all tasks, so "
                f"they must be all numbers or all strings; got {kinds}."
            )
        return super()._pooled_labels(tasks)
