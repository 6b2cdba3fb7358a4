"""``partial_fit``: one epoch over the given rows, for data that come in chunks."""

from skmtl.neural._grow import tasks_kept_on_error
from skmtl.utils._sklearn_compat import _fit_context


class PartialFitMixin:
    """``partial_fit`` for the neural estimators (see :meth:`partial_fit`)."""

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train the network for one epoch on the given rows.

        The first call (on an unfitted estimator) builds the network and sets
        the task attributes from this chunk, as ``fit`` would; each later call
        continues it, whatever ``warm_start``, with one more epoch over its
        rows. A call may add tasks (new columns of ``y``, or new task ids in
        the long layout), as a warm-start ``fit`` may (see :ref:`transfer`):
        in the long layout a chunk need not hold every task. ``max_epochs``
        is not used; ``history_`` and ``n_iter_`` gain one epoch per call.

        A regressor (and the mixed estimator, for its regression tasks)
        standardizes each task's targets (``standardize_targets``)
        with the mean and scale of the first chunk that has its labels, and
        keeps them: give that chunk enough rows of each task.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features of this chunk (with the task column in the long layout).
        y : array-like or DataFrame
            Targets of this chunk, laid out as for ``fit``.
        classes : list of array-like or dict, default=None
            Classifier: the classes of every task, required on the first
            call (a chunk need not show every class) and on each call that
            brings new tasks: a list with one array-like per task, in the order
            of the tasks (the columns of ``y``; in the long layout, the task
            ids sorted, previous tasks first), or a dict task name -> classes.
            Later labels outside a task's classes are an error. Mixed
            estimator: a dict task name -> classes, for the classification
            tasks only, with the same requirements; a task it names is a
            classification. Its types are fixed by the call that brings each
            task: give ``task_types`` for a stream, since a small chunk's
            integer-valued regression targets look like classes. Regressor:
            None.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each row in its tasks' losses.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.
        """
        warm = hasattr(self, "net_")
        encoding = self._partial_classes(classes, first=not warm)
        with tasks_kept_on_error(self):
            return self._fit(X, y, sample_weight, warm=warm, epochs=1, **encoding)

    def _partial_classes(self, classes, *, first):
        """Return ``_encode_targets``' keywords for ``partial_fit``'s ``classes``.

        The regressor takes no classes.
        """
        if classes is not None:
            raise ValueError(
                f"{type(self).__name__}.partial_fit takes no classes (a regressor "
                f"has none), got classes={classes!r}."
            )
        return {}


class ClassifierPartialFitMixin(PartialFitMixin):
    """``partial_fit`` with the classes of each task declared (classifiers)."""

    def _partial_classes(self, classes, *, first):
        if first and classes is None:
            raise ValueError(
                f"{type(self).__name__}.partial_fit needs classes on its first "
                "call: a list with each task's classes (or a dict task name -> "
                "classes), since a chunk need not show every class."
            )
        # An empty declaration still asks new tasks for their classes.
        return {"classes": {} if classes is None else classes}
