"""compare_models: cross-validate multi-task models against baselines, per task."""

from numbers import Integral

import numpy as np

from skmtl.compare._mixed import bind_task_types, mixed_models, mixed_notice
from skmtl.compare._models import (
    bind_task_column,
    default_baseline,
    default_models,
    skip_reason,
)
from skmtl.compare._preprocess import check_finite_features
from skmtl.compare._result import ComparisonResult
from skmtl.compare._runs import FoldRuns
from skmtl.compare._split import TaskKFold
from skmtl.compare._tasks import check_fold_sizes, prepare_targets, standardized
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
        Whether the tasks are classification tasks. True treats every
        target's labels as classes, numbers included. False: regression,
        unless, in the wide layout, some target columns hold text (or
        boolean, categorical) labels and the others numbers: then the targets
        are of mixed types, and each task's type follows the rule of
        :class:`~skmtl.MultiTaskMixedEstimator` (text labels, and integers
        with at most 10 levels, are classes; other numbers a regression). Each
        task is then scored by its type's metric, the regression targets alone
        are standardized, the folds are not stratified on labels, every
        unset ``task_types`` parameter of the models is set to the detected
        types, and the default models are :func:`mixed_models`.
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
        Regression (and the regression tasks of targets of mixed types):
        standardize each task's labels with the mean and standard
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
    _check_options(on_error, preprocessor)
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
    mixed = data.task_types is not None
    if models is None and mixed:
        models = mixed_models(random_state=random_state)
    elif models is None:
        models = default_models(
            classification=classification, random_state=random_state
        )
    baseline = _check_baseline(baseline, models)
    model_task_column = task_column
    if preprocessor == "auto" and task_column is not None:
        model_task_column = 0
    runnable, notices = _runnable(models, baseline, data, model_task_column)

    metric = "accuracy" if classification else "r2"
    if mixed:
        metric = "mixed"
        notices.insert(0, mixed_notice(data.task_types))
    runs = FoldRuns(runnable, data, X, task_column, metric, preprocessor, on_error)
    total, done = len(folds) * len(runnable), 0
    for k, (train, test) in enumerate(folds):
        Y = data.Y
        if standardize_targets and not classification:
            Y = standardized(data, train)
        fold = (train, test, _safe_indexing(X, train), _safe_indexing(X, test))
        runs.record_test_sizes(test)
        for name in runnable:
            if progress is not None:
                progress(done, total, f"fold {k + 1}/{len(folds)}: {name}")
            runs.fit(name, k, fold, Y)
            done += 1
    if progress is not None:
        progress(done, total, "done")
    return ComparisonResult(
        runs.scores,
        metric=metric,
        baseline=baseline,
        fit_times=runs.fit_times,
        notices=notices + runs.notices(),
        layout="wide" if task_column is None else "long",
        test_sizes=runs.test_sizes,
        test_train_ratio=float(
            np.mean([len(test) / len(train) for train, test in folds])
        ),
        chosen_params=runs.chosen,
        task_types=data.task_types,
    )


def _check_options(on_error, preprocessor):
    """Raise a ValueError for an unknown ``on_error`` or ``preprocessor``."""
    if on_error not in ("warn", "raise"):
        raise ValueError(f"on_error={on_error!r}; expected 'warn' or 'raise'.")
    if preprocessor not in ("auto", None):
        raise ValueError(f"preprocessor={preprocessor!r}; expected 'auto' or None.")


def _check_baseline(baseline, models):
    """Return the baseline (a name or a list), checked, or the default one."""
    if baseline is None:
        return default_baseline(models)
    baselines = [baseline] if isinstance(baseline, str) else list(baseline)
    if not baselines or any(name not in models for name in baselines):
        raise ValueError(
            f"baseline={baseline!r} is not one of the models {list(models)}."
        )
    return baseline


def _runnable(models, baseline, data, task_column):
    """Return the models that can run, bound to ``task_column``, and skip notices."""
    runnable, notices = {}, []
    for name, estimator in models.items():
        reason = skip_reason(estimator, data.n_classes)
        baselines = [baseline] if isinstance(baseline, str) else baseline
        if reason is not None and name not in baselines:
            notices.append(f"{name} skipped: {reason}.")
            continue
        runnable[name] = bind_task_column(estimator, task_column)
        if data.task_types is not None:
            runnable[name] = bind_task_types(runnable[name], data.task_types)
    return runnable, notices
