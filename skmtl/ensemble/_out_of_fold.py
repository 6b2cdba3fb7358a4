"""Out-of-fold responses: the inputs that stacking and chains feed forward.

A model whose predictions become inputs of other models must not hand them
predictions on its own training rows: those fit the labels better than any
prediction at test time, and the later models learn to trust them too much (the
train/predict discrepancy of Spyromitros-Xioufis et al., 2016). So, for each
task, :func:`fit_out_of_fold` returns

* the model fitted on all its observed rows (used at predict time), and
* a response for every row of ``X``: on the task's observed rows, the
  prediction of the cross-validation model that did not see the row (as
  :func:`sklearn.model_selection.cross_val_predict` computes it); on the rows
  where its label is missing, the prediction of the model fitted on all observed
  rows, which never saw those rows either, so they get exactly what a test row
  gets.

The folds are fitted here rather than by ``cross_val_predict`` so that routed
metadata reaches each fold's ``fit`` as the ensemble received it (including
parameters requested under an alias) and so that every fit runs in one joblib
call.

An int ``cv`` (the default, 5) gives a *shuffled* split, seeded by the
ensemble's ``random_state``: data sets are often stored sorted (by a design
parameter, by time), and consecutive blocks would leave each fold's model
without the kind of rows it must predict, so its out-of-fold estimates, and the
models trained on them, get worse than a single-target model (issue 21).
"""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import KFold, StratifiedKFold, check_cv
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.parallel import Parallel, delayed

from skmtl.ensemble._base import (
    _BaseTaskEnsemble,
    degenerate_labels,
    fit_clone,
    task_fit_params,
    task_subject,
)
from skmtl.ensemble._columns import take_rows
from skmtl.utils._sklearn_compat import _num_samples


def _fit_fold(estimator, X, y, train, test, fit_params, method, subject, where):
    """Fit a clone on the training fold; return its raw output on the test fold.

    ``subject`` and ``where`` name the task and the fold in errors (see
    :func:`~skmtl.ensemble._base.fit_clone`).
    """
    model = fit_clone(
        estimator,
        take_rows(X, train),
        y[train],
        fit_params,
        subject=subject,
        where=where,
    )
    output = getattr(model, method)(take_rows(X, test))
    return test, output, getattr(model, "classes_", None)


class _BaseOutOfFoldEnsemble(_BaseTaskEnsemble):
    """The parameters of the ensembles whose models learn from out-of-fold responses.

    Stacking and chains both feed the responses of some tasks' models to the
    models of other tasks, computed on inner folds (``cv``, seeded by
    ``random_state``) and fitted with ``n_jobs`` workers.
    """

    _parameter_constraints = {
        **_BaseTaskEnsemble._parameter_constraints,
        "cv": ["cv_object"],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self, estimator, *, cv=5, random_state=None, task_column=None, n_jobs=None
    ):
        self.estimator = estimator
        self.cv = cv
        self.random_state = random_state
        self.task_column = task_column
        self.n_jobs = n_jobs


def check_response_method(ensemble):
    """Raise a TypeError when the base estimator cannot give the responses."""
    method = ensemble._response_method
    if not hasattr(ensemble.estimator, method):
        raise TypeError(
            f"{type(ensemble).__name__} feeds the {method} output of each task's "
            f"model to the others, but the base estimator "
            f"{type(ensemble.estimator).__name__} has no {method}; for a "
            "classifier without probabilities, wrap it in "
            "sklearn.calibration.CalibratedClassifierCV."
        )


def split_seed(random_state):
    """Return the int that seeds the shuffled inner splits of one fit.

    An int is used as it is, so that ``cv=5, random_state=0`` splits as
    ``KFold(5, shuffle=True, random_state=0)`` does; a RandomState instance or
    None gives one draw, so that every task and chain of the fit (and every
    joblib worker) shuffles alike.
    """
    if isinstance(random_state, Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def inner_cv(cv, y, *, classifier, random_state):
    """Return the splitter that ``cv`` means for one task's labels ``y``.

    Parameters
    ----------
    cv : int, None, cross-validation generator or iterable
        The ensemble's ``cv``. An int (None: 5) gives shuffled folds seeded by
        ``random_state``: :class:`~sklearn.model_selection.StratifiedKFold` for a
        classifier's binary or multiclass task, else
        :class:`~sklearn.model_selection.KFold`. Anything else is used as given.
    y : ndarray of shape (n_samples,)
        The task's observed labels.
    classifier : bool
        Whether the ensemble is a classifier.
    random_state : int
        The seed of the shuffled folds (see :func:`split_seed`).

    Returns
    -------
    splitter : cross-validation generator
    """
    if cv is None or isinstance(cv, Integral):
        n_splits = 5 if cv is None else cv
        stratified = classifier and type_of_target(y) in ("binary", "multiclass")
        splitter = StratifiedKFold if stratified else KFold
        return splitter(n_splits, shuffle=True, random_state=random_state)
    return check_cv(cv, y, classifier=classifier)


def cv_splits(ensemble, X, y, random_state, subject):
    """Return the ``(train, test)`` splits of ``ensemble.cv`` on ``X``, ``y``.

    ``random_state`` seeds the shuffled split an int ``cv`` stands for (see
    :func:`inner_cv`). The test folds must partition the rows, as for
    ``cross_val_predict``; a task with fewer labels than folds is an error
    that names it (``subject``).
    """
    cv = inner_cv(
        ensemble.cv, y, classifier=is_classifier(ensemble), random_state=random_state
    )
    n_splits = cv.get_n_splits(X, y)
    if len(y) < n_splits:
        problem = degenerate_labels(y, False) or f"only {len(y)} observed labels"
        raise ValueError(
            f"{subject} has {problem}, fewer than the {n_splits} folds of the "
            "inner cv that gives its out-of-fold estimates; give it more labels "
            "or pass a smaller cv."
        )
    splits = list(cv.split(X, y))
    tested = np.sort(np.concatenate([test for _, test in splits]))
    if not np.array_equal(tested, np.arange(len(y))):
        raise ValueError(
            f"cv={ensemble.cv!r} does not put every row of a task in exactly one "
            "test fold; out-of-fold predictions need a partition such as KFold."
        )
    return splits


def fit_out_of_fold(
    ensemble, X, tasks, fit_params, *, out_of_fold, random_state, n_jobs=None
):
    """Fit models for some tasks and return them with their responses on ``X``.

    Parameters
    ----------
    ensemble : _BaseTaskEnsemble
        Gives the base estimator, ``cv`` and how a task's output becomes a
        response (``_response_method``, ``_as_response``).
    X : DataFrame, sparse matrix or ndarray of shape (n_samples, n_features)
        The inputs of these models.
    tasks : dict of int -> Task
        The tasks to fit, by task index.
    fit_params : dict
        Fit parameters for all rows of ``X``.
    out_of_fold : dict of int -> bool
        Whether a task's response on its observed rows must be out-of-fold
        (it becomes an input of models trained on those rows); otherwise the
        model fitted on all rows gives every response.
    random_state : int
        Seeds the shuffled inner split of an int ``cv`` (see :func:`split_seed`).
    n_jobs : int, default=None
        Parallel fits (all folds of all tasks at once).

    Returns
    -------
    models : dict of int -> estimator
        The model of each task, fitted on all its observed rows.
    responses : dict of int -> ndarray of shape (n_samples, n_outputs)
        The response of each task for every row of ``X``.
    """
    method = ensemble._response_method
    jobs, owners = [], []
    for t, task in tasks.items():
        X_task = take_rows(X, task.rows)
        params = task_fit_params(X, fit_params, task.rows)
        subject = task_subject(ensemble, t)
        jobs.append(
            delayed(fit_clone)(
                ensemble.estimator, X_task, task.y, params, subject=subject
            )
        )
        owners.append((t, None))
        if out_of_fold[t]:
            splits = cv_splits(ensemble, X_task, task.y, random_state, subject)
            for k, (train, test) in enumerate(splits):
                fold_params = task_fit_params(X, fit_params, task.rows[train])
                where = (
                    f" in the training part of inner cv fold {k + 1} of {len(splits)}"
                )
                jobs.append(
                    delayed(_fit_fold)(
                        ensemble.estimator,
                        X_task,
                        task.y,
                        train,
                        test,
                        fold_params,
                        method,
                        subject,
                        where,
                    )
                )
                owners.append((t, test))
    results = Parallel(n_jobs=n_jobs)(jobs)

    models = {t: result for (t, fold), result in zip(owners, results) if fold is None}
    n_samples = _num_samples(X)
    responses = {}
    for t, task in tasks.items():
        model = models[t]
        others = np.arange(n_samples)
        if out_of_fold[t]:
            others = np.setdiff1d(others, task.rows, assume_unique=True)
        response = None
        if len(others):
            raw = getattr(model, method)(take_rows(X, others))
            full = ensemble._as_response(raw, getattr(model, "classes_", None), t)
            response = np.empty((n_samples, full.shape[1]))
            response[others] = full
        responses[t] = response
    for (t, fold), result in zip(owners, results):
        if fold is None:
            continue
        test, raw, classes = result
        oof = ensemble._as_response(raw, classes, t)
        if responses[t] is None:
            responses[t] = np.empty((n_samples, oof.shape[1]))
        responses[t][tasks[t].rows[test]] = oof
    return models, responses
