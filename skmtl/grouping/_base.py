"""The machinery of the task-grouping estimators: affinity, groups, guard."""

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    clone,
)
from sklearn.model_selection import KFold
from sklearn.utils import check_array, check_random_state, get_tags

from skmtl._layout import TaskLayout, encode_tasks, read_task_column
from skmtl._scoring import PerTaskScoreMixin
from skmtl._values import is_dataframe
from skmtl.grouping._guard import fold_mean, guard_choices
from skmtl.grouping._number import fewest_groups_within_one_se
from skmtl.grouping._partition import (
    eigengap_groups,
    groups_of,
    nested_partitions,
    task_similarity,
)
from skmtl.grouping._scores import SCORINGS, check_scoring
from skmtl.grouping._tasks import TaskData, assemble_predictions
from skmtl.utils._doc_link import DocLinkMixin
from skmtl.utils._docstrings import FEATURES_PARAMETER, fill_doc
from skmtl.utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    _num_samples,
    _safe_indexing,
    check_is_fitted,
    validate_data,
)
from skmtl.utils._tags import multi_task_tags


@fill_doc(features=FEATURES_PARAMETER)
class _BaseTaskGrouping(
    PerTaskScoreMixin, DocLinkMixin, MetaEstimatorMixin, BaseEstimator
):
    """Measure task affinity, choose groups, fit one network per group."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict", "set_params"]), None],
        "n_groups": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto", "eigengap"}),
        ],
        "affinity": [StrOptions({"lookahead", "gradient"})],
        "affinity_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "guard": ["boolean"],
        "scoring": [
            StrOptions(set(SCORINGS["regressor"] + SCORINGS["classifier"])),
            None,
        ],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "task_column": [Integral, str, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_groups="auto",
        affinity="lookahead",
        affinity_epochs=None,
        guard=False,
        scoring=None,
        cv=3,
        task_column=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.n_groups = n_groups
        self.affinity = affinity
        self.affinity_epochs = affinity_epochs
        self.guard = guard
        self.scoring = scoring
        self.cv = cv
        self.task_column = task_column
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Measure the affinity, choose the groups and fit one model per group.

        %(features)s
        y : array-like or DataFrame
            Wide layout: (n_samples, n_tasks), NaN (or None) for a missing
            label; long layout: 1-D.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X = self._check_X(X, reset=True)
        kind, default = self._scoring_default
        self._inner_scoring = check_scoring(self.scoring, kind, default)
        data = TaskData(X, y, self.task_column)
        self.task_names_, self.n_tasks_ = data.names, len(data.names)
        self._y_one_d = data.one_d
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        base = self._configured(seed)
        self.affinity_ = self._measure(base, X, y)
        self.similarity_ = task_similarity(self.affinity_, self.affinity)
        partitions = nested_partitions(self.similarity_)
        if self.n_groups == "auto":
            wanted = sorted(partitions)
        elif self.n_groups == "eigengap":
            wanted = [eigengap_groups(self.similarity_)]
        else:
            wanted = [min(self.n_groups, self.n_tasks_)]
        candidates = sorted(set(wanted) | ({1, self.n_tasks_} if self.guard else set()))
        fold_scores = {}
        if len(candidates) > 1:
            fold_scores = self._cross_validate(base, data, partitions, candidates, seed)
            self.cv_fold_scores_ = fold_scores
            self.cv_scores_ = {k: fold_mean(fold_scores[k]) for k in candidates}
        k = wanted[0]
        if len(wanted) > 1:
            k = fewest_groups_within_one_se({n: fold_scores[n] for n in wanted})
        labels = partitions[k]
        self.group_labels_ = labels
        self.n_groups_ = int(labels.max()) + 1
        self.groups_ = [[self.task_names_[t] for t in g] for g in groups_of(labels)]
        assignment = self._assignment(labels, fold_scores, k)
        self.estimators_ = {}
        for tasks in dict.fromkeys(assignment):
            self.estimators_[tasks] = clone(base).fit(*data.subset(list(tasks)))
        self._task_models = assignment
        self._set_classes()
        return self

    def _set_classes(self):
        """Set ``classes_`` from the networks (classifier only)."""

    def _configured(self, seed):
        """Return the unfitted base estimator, seeded and in this layout."""
        if self.estimator is None:
            base = self._default_estimator()
        else:
            base = clone(self.estimator)
        params = base.get_params(deep=False)
        if "task_affinity" not in params:
            raise TypeError(
                f"estimator={type(base).__name__} has no task_affinity parameter; "
                "give a neural multi-task estimator (MultiTaskRegressor or "
                "MultiTaskClassifier)."
            )
        updates = {"task_column": self.task_column, "task_affinity": None}
        if self.random_state is not None or params.get("random_state") is None:
            updates["random_state"] = seed
        return base.set_params(**updates)

    def _measure(self, base, X, y):
        """Return the affinity matrix of a short training run on all tasks."""
        if self.n_tasks_ == 1:
            return np.ones((1, 1))
        probe = clone(base).set_params(task_affinity=self.affinity)
        if self.affinity_epochs is not None:
            probe.set_params(max_epochs=self.affinity_epochs)
        probe.fit(X, y)
        return getattr(probe, f"{self.affinity}_affinity_")

    def _cross_validate(self, base, data, partitions, candidates, seed):
        """Return ``k -> (n_folds, n_tasks)`` inner scores of each partition.

        A group that several partitions share is fitted once per fold.
        """
        folds = KFold(self.cv, shuffle=True, random_state=seed % (2**31))
        splits = list(folds.split(np.zeros((len(data.Y), 1))))
        metric = self._inner_scoring
        cache = {}
        results = {}
        for k in candidates:
            per_fold = np.full((len(splits), self.n_tasks_), np.nan)
            for f, (train, valid) in enumerate(splits):
                for group in groups_of(partitions[k]):
                    key = (f, tuple(group))
                    if key not in cache:
                        model = clone(base).fit(*data.subset(group, train))
                        cache[key] = data.scores(model, group, valid, metric)
                    per_fold[f, group] = cache[key]
            results[k] = per_fold
        return results

    def _assignment(self, labels, fold_scores, k):
        """Return each task's model (the tuple of tasks it is fitted on)."""
        groups = [tuple(g) for g in groups_of(labels)]
        own_group = [groups[labels[t]] for t in range(self.n_tasks_)]
        if not self.guard:
            return own_group
        # One task: nothing was cross-validated, the task keeps its own network.
        unmeasured = np.full((self.cv, self.n_tasks_), np.nan)
        folds = np.stack(
            [fold_scores.get(n, unmeasured) for n in (self.n_tasks_, k, 1)], axis=-1
        )
        choices, self.guard_default_ = guard_choices(folds)
        self.guard_fold_scores_ = folds
        self.guard_scores_ = fold_mean(folds)
        self.guard_choice_ = dict(zip(self.task_names_, choices))
        everything = tuple(range(self.n_tasks_))
        models = {"single": lambda t: (t,), "group": own_group.__getitem__}
        models["shared"] = lambda t: everything
        return [models[choice](t) for t, choice in enumerate(choices)]

    def _check_X(self, X, *, reset):
        """Return ``X`` as a 2-D array, DataFrame or sparse matrix; record its width.

        The values are the networks' to validate; a DataFrame stays one (its
        task column may hold strings).
        """
        if not is_dataframe(X):
            X = check_array(
                X, accept_sparse=["csr", "csc"], dtype=None, ensure_all_finite=False
            )
        validate_data(self, X, reset=reset, skip_check_array=True)
        return X

    @property
    def _layout(self):
        """The fitted :class:`~skmtl._layout.TaskLayout` (for per-task scoring)."""
        return TaskLayout(
            self.task_column,
            self.task_names_,
            one_d=self._y_one_d,
            lookup=getattr(self, "_task_lookup", None),
        )

    def _validate_for_predict(self, X):
        """Return ``X`` and each row's task index (None in the wide layout)."""
        check_is_fitted(self)
        X = self._check_X(X, reset=False)
        if self.task_column is None:
            return X, None
        return X, encode_tasks(
            read_task_column(X, self.task_column),
            self.task_names_,
            getattr(self, "_task_lookup", None),
        )

    def _models(self, X):
        """Return ``[(tasks, predict)]``: each fitted model, the tasks it serves.

        ``predict(rows)`` returns the model's predictions of those tasks on
        ``rows`` of ``X`` (wide: one column per task served).
        """
        served = {}
        for t, tasks in enumerate(self._task_models):
            served.setdefault(tasks, []).append(t)
        models = []
        for fitted, tasks in served.items():
            columns = [fitted.index(t) for t in tasks]

            def predict(rows, model=self.estimators_[fitted], columns=columns):
                values = model.predict(_safe_indexing(X, rows))
                if self.task_column is not None:
                    return values
                return np.asarray(values).reshape(len(rows), -1)[:, columns]

            models.append((tasks, predict))
        return models

    def _predict_from_features(self, X, task_index):
        return assemble_predictions(
            self._models(X), _num_samples(X), task_index, self._y_one_d
        )

    def predict(self, X):
        """Return each task's prediction by the model chosen for it.

        %(features)s

        Returns
        -------
        y_pred : ndarray
            Wide: (n_samples, n_tasks) (1-D if fitted on a 1-D ``y``); long:
            (n_samples,), each row predicted for its own task.
        """
        features, task_index = self._validate_for_predict(X)
        return self._predict_from_features(features, task_index)

    def __sklearn_tags__(self):
        # The networks take sparse X; another estimator says for itself.
        sparse = self.estimator is None or get_tags(self.estimator).input_tags.sparse
        return multi_task_tags(super().__sklearn_tags__(), sparse=sparse)
