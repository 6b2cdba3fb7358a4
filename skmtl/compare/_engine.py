"""compare_models: cross-validate multi-task models against baselines, per task."""

import time
import warnings
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from skmtl._base import is_missing
from skmtl.compare._models import (
    bind_task_column,
    default_baseline,
    default_models,
    skip_reason,
)
from skmtl.compare._notices import (
    chosen_params_notice,
    error_text,
    small_folds_notice,
    warning_notices,
)
from skmtl.compare._preprocess import check_finite_features, preprocessed
from skmtl.compare._result import METRIC_LABELS, ComparisonResult
from skmtl.compare._split import TaskKFold
from skmtl.compare._tasks import check_fold_sizes, prepare_targets, standardized
from skmtl.metrics import per_task_scores
from skmtl.utils._sklearn_compat import _safe_indexing


def _folds(cv, X, data, task_column, classification, random_state):
    """Return the list of ``(train, test)`` folds and their number."""
    if isinstance(cv, Integral):
        if cv < 2:
            raise ValueError(f"cv={cv} folds; a cross-validation needs at least 2.")
        check_fold_sizes(data, cv)
        cv = TaskKFold(
            cv,
            task_column=task_column,
            stratify_labels=classification,
            random_state=random_state,
        )
    if hasattr(cv, "split"):
        return list(cv.split(X, data.Y if task_column is not None else None))
    return [(train, test) for train, test in cv]


def _named(Y, data):
    """Return wide-layout targets as a DataFrame whose columns are the task names.

    The models then know each task by its name, and so do their messages.
    """
    if data.tasks is not None:
        return Y
    try:
        import pandas as pd
    except ImportError:
        return Y
    return pd.DataFrame(Y, columns=data.names)


def _chosen_params(model):
    """Return the hyperparameters a fitted search chose, or None for other models."""
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    params = getattr(final, "best_params_", None)
    return dict(params) if params is not None else None


def _test_sizes(data, test):
    """Return the number of observed test labels of each task in ``test``."""
    observed = ~is_missing(data.Y[test])
    if data.tasks is None:
        return dict(zip(data.names, observed.sum(axis=0).tolist()))
    tasks = data.tasks[test]
    return {name: int(observed[tasks == name].sum()) for name in data.names}


def compare_models(
    X,
    y,
    *,
    task_column=None,
    classification=False,
    task_names=None,
    models=None,
    baseline=None,
    cv=5,
    random_state=0,
    preprocessor="auto",
    standardize_targets=True,
    on_error="warn",
    progress=None,
):
    """Cross-validate several models on the same folds and score each task.

    Every model is fitted on the training rows of every fold (after the
    preprocessing, fitted on the same rows) and scored on each task's observed
    labels in the test rows: R² for regression, accuracy for classification.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_columns)
        Features; in the long layout, with the task column. Columns may be
        numeric, strings or categories, with missing values (the default
        preprocessing imputes and encodes them).
    y : array-like, Series or DataFrame
        Wide layout: ``(n_samples, n_tasks)``, one column per task, NaN (or
        None) for a missing label; a DataFrame gives the task names. Long
        layout: 1-D, each row's label for its own task.
    task_column : int or str, default=None
        Long layout: the column of ``X`` holding each row's task id. None: wide
        layout.
    classification : bool, default=False
        Whether the tasks are classification tasks.
    task_names : list, default=None
        Wide layout: names of the columns of ``y`` (default: the columns of a
        DataFrame ``y``, else ``task_0, task_1, ...``).
    models : dict, default=None
        Model name -> unfitted skmtl estimator (or a meta-estimator around one),
        in the order of the table. Parameters named ``task_column`` are set to
        the task column of the preprocessed data. None: :func:`default_models`
        (single-task, pooled, best linear penalty, neural sharing
        architectures).
    baseline : str or list of str, default=None
        The model the others are compared with, or several: then, on each
        task, the one of them with the best mean score (``"best single-task"``
        in the table; chosen on the test folds, which favours the baseline).
        None: the single-task models among ``models`` (``"single-task"`` and
        ``"single-task HistGB"`` of :func:`default_models`), else the first
        model.
    cv : int, cross-validation splitter or iterable, default=5
        An int: that many :class:`TaskKFold` folds, shuffled with
        ``random_state`` and stratified on the task (and, for classification,
        the label) in the long layout; every task then needs at least ``cv``
        labelled rows. Otherwise a splitter (``split(X, y)``) or an iterable of
        ``(train, test)`` index arrays.
    random_state : int or None, default=0
        Seed of the folds and of the default models.
    preprocessor : {"auto"} or None, default="auto"
        ``"auto"``: :func:`make_preprocessor` (impute, scale, one-hot) in a
        Pipeline before each model; before a model containing
        ``HistGradientBoosting*`` (``categorical_features="from_dtype"``),
        numbers as they are and categories ordinal-encoded for its native
        categorical support, the model told which columns they are. None: the
        models receive ``X`` as given.
    standardize_targets : bool, default=True
        Regression: standardize each task's labels with the mean and standard
        deviation of its training labels in each fold before fitting. R² is
        unchanged by it; penalty strengths and learning rates then need no
        tuning to the units of the targets.
    on_error : {"warn", "raise"}, default="warn"
        What a model failing to fit or predict on a fold does: ``"warn"``
        records a notice and NaN scores for that fold, ``"raise"`` raises.
    progress : callable, default=None
        Called as ``progress(done, total, description)`` before each fit and
        once at the end (``done == total``), e.g. a
        :class:`~skmtl.compare.FitProgress` (a tqdm bar).

    Returns
    -------
    result : ComparisonResult
        Per-fold, per-task scores of every model that ran, the test labels of
        each task per fold, the hyperparameters each inner search chose per
        fold, and notices: skipped or failed models, the warnings they raised
        (whole, deduplicated, counted), those choices, and tasks with fewer
        than 10 test labels in a fold.

    Raises
    ------
    ValueError
        When the data cannot be compared: fewer than 2 tasks, non-numeric
        regression targets, an infinite target or numeric feature value (the
        message names the column and rows), a task with a single class, a task
        with fewer labelled rows than folds, an unknown ``baseline``.

    See Also
    --------
    default_models : The models compared by default.
    TaskKFold : The default folds.

    Examples
    --------
    >>> from sklearn.linear_model import RidgeCV
    >>> from skmtl.compare import compare_models
    >>> from skmtl.datasets import make_multitask_regression
    >>> from skmtl.ensemble import PerTaskRegressor, PooledRegressor
    >>> X, Y = make_multitask_regression(n_samples=60, n_tasks=3, random_state=0)
    >>> result = compare_models(X, Y, cv=3, models={
    ...     "single-task": PerTaskRegressor(RidgeCV()),
    ...     "pooled": PooledRegressor(RidgeCV())})
    >>> result
    ComparisonResult(2 models, 3 tasks, 3 folds, metric='r2')
    >>> sorted(result.scores["pooled"])
    ['task_0', 'task_1', 'task_2']
    """
    if on_error not in ("warn", "raise"):
        raise ValueError(f"on_error={on_error!r}; expected 'warn' or 'raise'.")
    if preprocessor not in ("auto", None):
        raise ValueError(f"preprocessor={preprocessor!r}; expected 'auto' or None.")
    data = prepare_targets(
        X,
        y,
        task_column=task_column,
        classification=classification,
        task_names=task_names,
    )
    if preprocessor == "auto":
        check_finite_features(X, task_column)
    folds = _folds(cv, X, data, task_column, classification, random_state)
    if models is None:
        models = default_models(
            classification=classification, random_state=random_state
        )
    if baseline is None:
        baseline = default_baseline(models)
    baselines = [baseline] if isinstance(baseline, str) else list(baseline)
    unknown = [name for name in baselines if name not in models]
    if unknown or not baselines:
        raise ValueError(
            f"baseline={baseline!r} is not one of the models {list(models)}."
        )

    notices = []
    model_task_column = task_column
    if preprocessor == "auto" and task_column is not None:
        model_task_column = 0
    runnable = {}
    for name, estimator in models.items():
        reason = skip_reason(estimator, data.n_classes)
        if reason is not None and name not in baselines:
            notices.append(f"{name} skipped: {reason}.")
            continue
        runnable[name] = bind_task_column(estimator, model_task_column)

    metric = "accuracy" if classification else "r2"
    scores = {name: {task: [] for task in data.names} for name in runnable}
    fit_times = {name: [] for name in runnable}
    caught = {name: [] for name in runnable}
    failures = {name: {} for name in runnable}
    chosen = {name: [] for name in runnable}
    test_sizes = {task: [] for task in data.names}
    total, done = len(folds) * len(runnable), 0
    for k, (train, test) in enumerate(folds):
        Y = data.Y
        if standardize_targets and not classification:
            Y = standardized(data, train)
        X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
        for task, size in _test_sizes(data, test).items():
            test_sizes[task].append(size)
        for name, estimator in runnable.items():
            if progress is not None:
                progress(done, total, f"fold {k + 1}/{len(folds)}: {name}")
            start = time.perf_counter()
            model = clone(estimator)
            if preprocessor == "auto":
                model = preprocessed(model, X, task_column)
            with warnings.catch_warnings(record=True) as fold_warnings:
                warnings.simplefilter("always")
                try:
                    model.fit(X_train, _named(Y[train], data))
                    chosen[name].append(_chosen_params(model))
                    fold_scores = per_task_scores(
                        Y[test],
                        model.predict(X_test),
                        task=None if data.tasks is None else data.tasks[test],
                        task_names=data.names,
                        metric=metric,
                    )
                except Exception as error:
                    if on_error == "raise":
                        raise
                    failures[name].setdefault(error_text(error), []).append(k + 1)
                    if len(chosen[name]) == k:
                        chosen[name].append(None)
                    fold_scores = dict.fromkeys(data.names, float("nan"))
            caught[name].extend((k + 1, warning) for warning in fold_warnings)
            fit_times[name].append(time.perf_counter() - start)
            for task in data.names:
                scores[name][task].append(fold_scores[task])
            done += 1
    if progress is not None:
        progress(done, total, "done")
    for name in runnable:
        for message, failed in failures[name].items():
            which = ", ".join(map(str, failed))
            notices.append(f"{name} failed on fold {which} (NaN scores): {message}")
        notices.extend(warning_notices(name, caught[name]))
        notice = chosen_params_notice(name, chosen[name])
        if notice is not None:
            notices.append(notice)
    notice = small_folds_notice(test_sizes, METRIC_LABELS[metric])
    if notice is not None:
        notices.append(notice)
    return ComparisonResult(
        scores,
        metric=metric,
        baseline=baseline,
        fit_times=fit_times,
        notices=notices,
        layout="wide" if task_column is None else "long",
        test_sizes=test_sizes,
        test_train_ratio=float(
            np.mean([len(test) / len(train) for train, test in folds])
        ),
        chosen_params=chosen,
    )
