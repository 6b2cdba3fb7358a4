"""The models a comparison fits by default, and their adaptation to the data."""

import copy

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import GridSearchCV

from skmtl.compare._split import TaskKFold
from skmtl.ensemble import (
    PerTaskClassifier,
    PerTaskRegressor,
    PooledClassifier,
    PooledRegressor,
)
from skmtl.linear_model import (
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
)

#: The name of the linear single-task baseline among the default models.
BASELINE = "single-task"

#: The single-task baselines among the default models: each model is compared
#: with the best of them on each task.
SINGLE_TASK = (BASELINE, "single-task HistGB")

#: The penalty grid of the linear multi-task model, searched on training folds.
PENALTY_GRID = {
    "penalty": ["l21", "trace", "mean"],
    "alpha": [1e-3, 1e-2, 1e-1, 1.0],
}

#: The sharing architectures of the neural models fitted by default.
SHARINGS = ("hard", "soft", "mmoe")


def default_models(
    *,
    classification=False,
    random_state=0,
    sharings=SHARINGS,
    max_epochs=None,
    n_threads=1,
    inner_cv=3,
    boosting=True,
):
    """Return the models a comparison fits when none are given.

    In this order: the single-task baselines (one ``RidgeCV`` or
    ``LogisticRegression`` per task, and one ``HistGradientBoosting*`` per
    task at its defaults, scikit-learn's early stopping included), the pooled
    baselines (one such model on the rows of all tasks: the linear one with the
    task one-hot encoded, the boosting one with the task as one categorical
    feature), the regularized linear
    multi-task model with its penalty and strength chosen by an inner grid search
    (:data:`PENALTY_GRID`) on the training rows, and one neural multi-task model
    per sharing architecture, with default hyperparameters.

    Parameters
    ----------
    classification : bool, default=False
        Return classifiers instead of regressors.
    random_state : int or None, default=0
        Seed of the neural models, of the boosting models' early-stopping
        split and of the inner grid search's folds.
    sharings : sequence of str, default=("hard", "soft", "mmoe")
        The ``sharing`` of each neural model.
    max_epochs : int, default=None
        Training epochs of the neural models; None keeps their default.
    n_threads : int or None, default=1
        Torch threads of the neural models.
    inner_cv : int, default=3
        Number of folds of the inner grid search.
    boosting : bool, default=True
        Include the per-task and pooled gradient-boosting models.

    Returns
    -------
    models : dict
        Model name -> unfitted estimator; the task column is left unset (see
        :func:`bind_task_column`).

    Examples
    --------
    >>> from skmtl.compare import default_models
    >>> list(default_models(sharings=["hard"], boosting=False))
    ['single-task', 'pooled', 'MTL linear', 'MTL hard']
    >>> list(default_models(sharings=[]))[:4]
    ['single-task', 'single-task HistGB', 'pooled', 'pooled HistGB']
    """
    # Imported here: the command line's help and the torch-free models start
    # without torch.
    from skmtl.neural import MultiTaskClassifier, MultiTaskRegressor

    if classification:
        base, linear = LogisticRegression(), RegularizedMultiTaskClassifier()
        trees = HistGradientBoostingClassifier(random_state=random_state)
        per_task, pooled = PerTaskClassifier, PooledClassifier
        neural = MultiTaskClassifier
    else:
        base, linear = RidgeCV(), RegularizedMultiTaskRegressor()
        trees = HistGradientBoostingRegressor(random_state=random_state)
        per_task, pooled = PerTaskRegressor, PooledRegressor
        neural = MultiTaskRegressor
    models = {
        BASELINE: per_task(base),
        SINGLE_TASK[1]: per_task(trees),
        "pooled": pooled(base, task_encoding="onehot"),
        "pooled HistGB": pooled(trees, task_encoding="categorical"),
    }
    if not boosting:
        del models[SINGLE_TASK[1]], models["pooled HistGB"]
    models["MTL linear"] = GridSearchCV(
        linear,
        PENALTY_GRID,
        cv=TaskKFold(inner_cv, random_state=random_state),
        error_score=np.nan,
    )
    network = {"random_state": random_state, "n_threads": n_threads}
    if max_epochs is not None:
        network["max_epochs"] = max_epochs
    for sharing in sharings:
        models[f"MTL {sharing}"] = neural(sharing=sharing, **network)
    return models


def default_baseline(models):
    """Return the baseline of a comparison of ``models`` when none is named.

    Parameters
    ----------
    models : dict
        Model name -> estimator.

    Returns
    -------
    baseline : str or list of str
        The :data:`SINGLE_TASK` models among ``models`` (a list when there are
        several, compared per task by their best), else the first model.
    """
    present = [name for name in SINGLE_TASK if name in models]
    if not present:
        return next(iter(models))
    return present[0] if len(present) == 1 else present


def bind_task_column(estimator, task_column):
    """Return a clone of ``estimator`` reading the task column ``task_column``.

    Every parameter named ``task_column`` (also nested, ``..__task_column``) is
    set, and so is the task column of a :class:`TaskKFold` used as ``cv`` by a
    search, so that the estimator and its inner folds see the long layout.

    Parameters
    ----------
    estimator : estimator object
        An unfitted estimator, possibly a meta-estimator or a Pipeline.
    task_column : int or str or None
        The task column of the ``X`` the estimator will receive.

    Returns
    -------
    estimator : estimator object
        A new estimator.
    """
    estimator = clone(estimator)
    updates = {}
    for key, value in estimator.get_params(deep=True).items():
        if key == "task_column" or key.endswith("__task_column"):
            updates[key] = task_column
        elif isinstance(value, TaskKFold):
            updates[key] = copy.copy(value)
            updates[key].task_column = task_column
    return estimator.set_params(**updates) if updates else estimator


def _contains(estimator, kind):
    """Return True when ``estimator`` is or contains an instance of ``kind``."""
    if isinstance(estimator, kind):
        return True
    return any(
        isinstance(value, kind) for value in estimator.get_params(deep=True).values()
    )


def skip_reason(estimator, n_classes):
    """Return why ``estimator`` cannot fit these tasks, or None when it can.

    Parameters
    ----------
    estimator : estimator object
        The model.
    n_classes : dict or None
        Task name -> number of classes (classification), None for regression.

    Returns
    -------
    reason : str or None
        A sentence naming the task that the model cannot handle.
    """
    if n_classes is None or not _contains(estimator, RegularizedMultiTaskClassifier):
        return None
    multiclass = [name for name, count in n_classes.items() if count > 2]
    if not multiclass:
        return None
    name = multiclass[0]
    return (
        f"task {name!r} has {n_classes[name]} classes and "
        "RegularizedMultiTaskClassifier supports binary tasks only"
    )
