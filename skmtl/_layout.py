"""The task layout of a multi-task estimator, decoded once per fit.

Two layouts reach every skmtl estimator:

* wide: ``X`` of shape ``(n, d)`` and ``Y`` of shape ``(n, T)``, one column per
  task, a missing label written as NaN (or None for object labels);
* long: the task of each row is a column of ``X`` named by ``task_column`` and
  ``y`` is 1-D.

This module is the one place that reads the task column of ``X``
(:func:`split_task_column`, :func:`read_task_column`) and the one place that
tells the layouts apart: a :class:`TaskLayout` decodes a fit's targets, maps
task ids to task indices, and assembles per-task outputs back into the
caller's shape. Nothing here modifies its inputs.
"""

import numbers

import numpy as np
import scipy.sparse as sp

from skmtl._targets import default_task_names, long_targets, wide_targets
from skmtl._values import is_dataframe, is_missing, python_list


def task_column_position(X, task_column):
    """Return the integer position of ``task_column`` in ``X``."""
    n_columns = X.shape[1]
    if is_dataframe(X) and not isinstance(task_column, numbers.Integral):
        matches = np.flatnonzero(np.asarray(X.columns == task_column))
        if len(matches) != 1:
            raise ValueError(
                f"task_column={task_column!r} is not a column of X; X has columns "
                f"{list(X.columns)}."
            )
        return int(matches[0])
    if not isinstance(task_column, numbers.Integral) or isinstance(task_column, bool):
        raise ValueError(
            f"task_column={task_column!r} names a column, but X is not a DataFrame; "
            "give the task column's integer position instead."
        )
    if not -n_columns <= task_column < n_columns:
        raise ValueError(
            f"task_column={task_column} is out of range for X with {n_columns} columns."
        )
    return int(task_column) % n_columns


def split_task_column(X, position):
    """Return ``(features, task_values)``: ``X`` without column ``position``, and it.

    ``X`` is a DataFrame, a 2-D array or a SciPy sparse matrix, and the features
    are of the same kind. With the task column first or last, the features of
    an array are a view of ``X`` (no copy: 4 MB and 2 ms for 20,000 x 50
    float32, and a smaller peak memory); a CSR matrix loses the column without
    being densified. Callers never write into the features.
    """
    if is_dataframe(X):
        keep = [i for i in range(X.shape[1]) if i != position]
        return X.iloc[:, keep], X.iloc[:, position].to_numpy()
    if sp.issparse(X):
        task_values = X[:, [position]].toarray().ravel()
        if X.format == "csr":
            return _drop_csr_column(X, position), task_values
        return X[:, np.delete(np.arange(X.shape[1]), position)], task_values
    if position == X.shape[1] - 1:
        return X[:, :-1], X[:, position]
    if position == 0:
        return X[:, 1:], X[:, position]
    return np.delete(X, position, axis=1), X[:, position]


def _drop_csr_column(X, position):
    """Return the CSR matrix ``X`` without column ``position`` (no densifying).

    One pass over the stored values: those of the column are dropped, later
    columns move one to the left, and each row pointer moves back by the number
    of values dropped before it.
    """
    dropped = X.indices == position
    indices = X.indices[~dropped]
    indices -= indices > position
    dropped_before = np.concatenate([[0], np.cumsum(dropped)])
    indptr = X.indptr - dropped_before[X.indptr]
    kind = sp.csr_array if isinstance(X, sp.sparray) else sp.csr_matrix
    return kind((X.data[~dropped], indices, indptr), shape=(X.shape[0], X.shape[1] - 1))


def read_task_column(X, task_column):
    """Return the task id of each row of ``X`` (long layout), normalized.

    For the code that needs the tasks but not the features (the splitters of
    :mod:`skmtl.compare`).
    """
    position = task_column_position(X, task_column)
    column = X.iloc[:, position] if is_dataframe(X) else np.asarray(X)[:, position]
    return normalize_task_values(np.asarray(column, dtype=object))


def normalize_task_values(task_values):
    """Return ``task_values`` as an array, integral floats converted to int64."""
    values = np.asarray(task_values)
    missing = is_missing(values)
    if missing.any():
        raise ValueError(
            f"The task column holds {int(missing.sum())} missing task ids (e.g. at "
            f"row {int(np.flatnonzero(missing)[0])}); every row needs its task."
        )
    if values.dtype.kind == "O":
        if all(isinstance(v, numbers.Real) for v in values):
            values = values.astype(np.float64)
    if values.dtype.kind == "f" and np.all(values == np.round(values)):
        values = values.astype(np.int64)
    return values


def task_ids(task_values):
    """Return the sorted distinct task ids of ``task_values`` (long layout).

    Float ids that are all integral (a task column read from a numeric array) are
    returned as integers. Missing ids are an error.
    """
    values = normalize_task_values(task_values)
    try:
        return np.unique(values)
    except TypeError:
        return np.asarray(list(dict.fromkeys(values.tolist())), dtype=object)


def task_lookup(task_names):
    """Return ``{task id: index}`` for ``task_names``."""
    return {name: i for i, name in enumerate(python_list(task_names))}


# Above this many rows, task ids are looked up once per distinct id (after a sort)
# rather than once per row.
_ROWS_PER_LOOKUP = 256


def encode_tasks(task_values, task_names, lookup=None):
    """Map each row's task id to its index in ``task_names``.

    ``lookup`` is ``task_lookup(task_names)`` when the caller keeps one (a fitted
    estimator does: rebuilding it cost 190 us per predict call with 1000 tasks).
    Raises a ValueError naming the ids that were not seen in fit.
    """
    values = normalize_task_values(task_values)
    index = task_lookup(task_names) if lookup is None else lookup
    codes = None
    if len(values) > _ROWS_PER_LOOKUP:
        # Many rows: look up each distinct id once (20,000 rows: 6 ms -> 1 ms).
        try:
            distinct, inverse = np.unique(values, return_inverse=True)
        except TypeError:  # ids of mixed, unorderable types
            pass
        else:
            found = [index.get(v, -1) for v in distinct.tolist()]
            codes = np.asarray(found, dtype=np.int64)[inverse.reshape(-1)]
    if codes is None:
        codes = np.fromiter(
            (index.get(v, -1) for v in values.tolist()),
            dtype=np.int64,
            count=len(values),
        )
    unknown = codes < 0
    if unknown.any():
        unseen = list(dict.fromkeys(values[unknown].tolist()))
        raise ValueError(
            f"Unknown task ids {unseen[:5]}{' ...' if len(unseen) > 5 else ''} in the "
            f"task column: the estimator was fitted on tasks {_preview(task_names)}."
        )
    return codes


def _preview(names, limit=10):
    names = python_list(names)
    if len(names) <= limit:
        return names
    return f"{names[:limit]} ... ({len(names)} tasks)"


class TaskLayout:
    """The tasks of a fitted estimator and how its data lay them out.

    Built by :meth:`decode` from a fit's targets; a fitted estimator keeps its
    parts as ``task_names_``, ``n_tasks_``, ``_y_one_d`` and ``_task_lookup``
    (plain attributes, which persistence stores) and rebuilds the layout from
    them with :meth:`of`.

    Arrays laid out by task are ``(n_samples, n_tasks, ...)`` in the wide layout
    (every task of every row) and ``(n_samples, ...)`` in the long layout (each
    row's own task); ``task_index`` is each row's task index in the long layout
    and None in the wide one.

    Parameters
    ----------
    task_column : int, str or None
        The task column of ``X``; None for the wide layout.
    task_names : list
        The task names, in task-index order.
    one_d : bool, default=False
        Whether the fit got a 1-D ``y`` in the wide layout (one task): outputs
        are then 1-D too.
    lookup : dict, default=None
        ``task_lookup(task_names)``, when already built.
    """

    def __init__(self, task_column, task_names, *, one_d=False, lookup=None):
        self.task_column = task_column
        self.task_names = task_names
        self.one_d = one_d
        self.lookup = task_lookup(task_names) if lookup is None else lookup

    @property
    def long(self):
        """Whether each row of ``X`` names its task (``task_column`` is set)."""
        return self.task_column is not None

    @property
    def n_tasks(self):
        """The number of tasks."""
        return len(self.task_names)

    @classmethod
    def of(cls, estimator):
        """Return the layout a fitted ``estimator`` was fitted on."""
        return cls(
            estimator.task_column,
            estimator.task_names_,
            one_d=estimator._y_one_d,
            lookup=estimator._task_lookup,
        )

    @classmethod
    def decode(cls, task_column, y, task_values, n_samples, *, previous=None):
        """Decode a fit's targets; return ``(layout, Y, task_index)``.

        ``Y`` is ``(n_samples, n_tasks)`` (wide) or ``(n_samples,)`` (long), as
        given. ``previous`` is the layout of the fit being continued (warm
        start): ``y`` must then have the same tasks.
        """
        if task_column is None:
            Y, names, one_d = wide_targets(y, n_samples)
        else:
            Y = long_targets(y, n_samples, task_column)
            names = task_ids(task_values) if previous is None else previous.task_names
            one_d = False
        names = python_list(names)
        if previous is not None and names != list(previous.task_names):
            raise ValueError(
                f"warm_start=True continues a fit on tasks {previous.task_names}, "
                f"but y now has tasks {names}; refit with warm_start=False."
            )
        layout = cls(task_column, names, one_d=one_d)
        return layout, Y, layout.task_index(task_values)

    def store(self, estimator):
        """Set the task attributes of ``estimator`` (see :meth:`of`)."""
        estimator.task_names_ = self.task_names
        estimator.n_tasks_ = self.n_tasks
        estimator._y_one_d = self.one_d
        estimator._task_lookup = self.lookup

    def task_index(self, task_values):
        """Return each row's task index (long layout), else None."""
        if not self.long:
            return None
        return encode_tasks(task_values, self.task_names, self.lookup)

    def score_inputs(self, y, y_pred, task_index, n_samples):
        """Return ``(y_true, y_pred, task)`` for :func:`skmtl.metrics.per_task_scores`.

        ``y`` are the true labels in this layout, ``y_pred`` a prediction in the
        caller's shape; ``task`` is each row's task name (long layout) or None.
        """
        if self.long:
            y_true = long_targets(y, n_samples, self.task_column)
            task = np.asarray(self.task_names, dtype=object)[task_index]
            return y_true, y_pred, task
        y_true = wide_targets(self._columns_in_task_order(y), n_samples)[0]
        return y_true, y_pred.reshape(n_samples, -1), None

    def _columns_in_task_order(self, y):
        """Return a wide DataFrame ``y`` with its columns in task order.

        Its columns are paired with the tasks by name, so a reordered frame
        scores each task on its own labels. A fit on an array (tasks named
        ``task_0``, ...) pairs them by position, as before.
        """
        if not is_dataframe(y) or self.task_names == default_task_names(self.n_tasks):
            return y
        columns = python_list(y.columns)
        if columns == self.task_names:
            return y
        unknown = [c for c in columns if c not in self.lookup]
        missing = [t for t in self.task_names if t not in set(columns)]
        if unknown or missing:
            raise ValueError(
                f"y's columns {unknown} are not tasks of the estimator, and its "
                f"tasks {missing} are not columns of y; y's columns are paired "
                f"with the tasks {self.task_names} by name."
            )
        return y[self.task_names]

    # ------------------------------------------------------------ per task
    def columns(self, Y, task_index):
        """Yield each task's labels: ``(t, samples, cells, values)``.

        The task index, the rows of ``X`` labelled for it, the index of its
        labels in ``Y`` and the labels themselves.
        """
        if task_index is None:
            for t in range(self.n_tasks):
                yield t, slice(None), (slice(None), t), Y[:, t]
            return
        for t, rows in enumerate(self._grouped_rows(task_index)):
            yield t, rows, rows, Y[rows]

    def _grouped_rows(self, task_index):
        """Return each task's rows (sorted positions) in the long layout.

        One stable sort instead of a pass over the rows per task (1000 tasks of
        100,000 rows: 6 ms instead of 90 ms).
        """
        order = np.argsort(task_index, kind="stable")
        bounds = np.searchsorted(task_index[order], np.arange(self.n_tasks + 1))
        return [order[bounds[t] : bounds[t + 1]] for t in range(self.n_tasks)]

    def task_rows(self, task_index):
        """Return the rows each task predicts: all (wide) or its own (long).

        A task without rows (long layout) gets None.
        """
        if task_index is None:
            return [slice(None)] * self.n_tasks
        return [r if len(r) else None for r in self._grouped_rows(task_index)]

    def task_sums(self, values, weight, task_index):
        """Return each task's sum of ``weight``-weighted ``values`` laid out by task."""
        if task_index is None:
            return weight @ values
        return np.bincount(task_index, weights=values * weight, minlength=self.n_tasks)

    def observed_weights(self, observed, weight, task_index, labelled_from=0):
        """Return each task's total weight of observed labels; error if any is 0.

        Tasks before ``labelled_from`` (those of a fit being continued) may
        have none.
        """
        totals = self.task_sums(observed, weight, task_index)
        unlabelled = np.flatnonzero(totals <= 0)
        empty = [self.task_names[t] for t in unlabelled[unlabelled >= labelled_from]]
        if empty:
            raise ValueError(
                f"Tasks {empty} have no observed label with a positive sample weight "
                "(every label is missing); drop these tasks or provide labels."
            )
        return totals

    def per_row(self, values, task_index):
        """Return per-task ``values`` for each row: as they are (wide) or indexed.

        In the wide layout the result broadcasts against arrays laid out by task.
        """
        return values if task_index is None else values[task_index]

    def take(self, values, rows, t):
        """Return task ``t``'s part of ``values`` laid out by task.

        ``rows`` are the task's rows (see :meth:`task_rows`): in the long layout,
        its rows of ``values``, None when it has none.
        """
        if not self.long:
            return values[:, t]
        return None if rows is None else values[rows]

    # ----------------------------------------------------- caller's shape
    def output(self, prediction):
        """Return a prediction laid out by task in the caller's shape."""
        if self.one_d and not self.long:
            return prediction[:, 0]
        return prediction

    def per_task(self, outputs):
        """Return a per-task list (``classes_``, probabilities) in the caller's shape.

        The single item when the fit got a 1-D ``y`` (one task), as scikit-learn
        returns for a single-output estimator.
        """
        return outputs[0] if self.one_d and not self.long else outputs

    def assemble(self, outputs, rows, n_samples, dtype):
        """Return a prediction from each task's outputs on its ``rows``."""
        if not self.long:
            prediction = np.empty((n_samples, self.n_tasks), dtype=dtype)
            for t, output in enumerate(outputs):
                prediction[:, t] = np.asarray(output).reshape(n_samples)
            return self.output(prediction)
        prediction = np.empty(n_samples, dtype=dtype)
        for task_rows, output in zip(rows, outputs):
            if task_rows is not None:
                prediction[task_rows] = np.asarray(output).reshape(len(task_rows))
        return prediction

    def spread(self, outputs, rows, n_samples, widths):
        """Return each task's 2-D outputs on all rows (probabilities per task).

        ``outputs[t]`` is task ``t``'s ``(rows, widths[t])`` array on its
        ``rows[t]`` (None when it has none). In the long layout, the rows of
        other tasks are NaN in each task's array. The per-task list is in the
        caller's shape (see :meth:`per_task`).
        """
        if not self.long:
            return self.per_task(list(outputs))
        per_task = []
        for task_rows, output, width in zip(rows, outputs, widths):
            full = np.full((n_samples, width), np.nan)
            if task_rows is not None:
                full[task_rows] = output
            per_task.append(full)
        return per_task

    def labels(self, codes, task_classes, task_index):
        """Return the original labels of per-task class ``codes``.

        ``codes`` are laid out by task: ``(n_samples, n_tasks)`` class indices
        (wide) or each row's index in its own task's classes (long).
        """
        dtype = common_dtype(task_classes)
        if not self.long:
            labels = np.empty(codes.shape, dtype=dtype)
            for t, classes in enumerate(task_classes):
                labels[:, t] = classes[codes[:, t]]
            return self.output(labels)
        labels = np.empty(len(codes), dtype=dtype)
        for t, classes in enumerate(task_classes):
            rows = task_index == t
            labels[rows] = classes[codes[rows]]
        return labels


def common_dtype(arrays):
    """Return the promoted dtype of ``arrays``, object when numbers meet strings."""
    kinds = {a.dtype.kind for a in arrays}
    if len(kinds & {"U", "S", "O"}) and len(kinds - {"U", "S"}):
        return np.dtype(object)
    try:
        return np.result_type(*[a.dtype for a in arrays])
    except TypeError:
        return np.dtype(object)
