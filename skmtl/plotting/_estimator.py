"""Find the fitted multi-task network behind a Pipeline or a search."""

import sys

from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline

#: The Raises section of the plots of a fitted network's training history.
HISTORY_RAISES = """\
Raises
------
ImportError
    If matplotlib is not installed.
sklearn.exceptions.NotFittedError
    If the estimator is not fitted.
ValueError
    If ``tasks`` names an unknown task."""


def fitted_network(estimator, attribute):
    """Return the fitted estimator that holds ``attribute``.

    Parameters
    ----------
    estimator : estimator
        A fitted :class:`~skmtl.MultiTaskRegressor` or
        :class:`~skmtl.MultiTaskClassifier`, a :class:`~sklearn.pipeline.Pipeline`
        ending in one, or a fitted search (``GridSearchCV``...) over either.
    attribute : str
        The fitted attribute the caller needs, e.g. ``"history_"``.

    Returns
    -------
    estimator : estimator
        The multi-task estimator that has ``attribute``.

    Raises
    ------
    NotFittedError
        If the estimator is not fitted.
    TypeError
        If the estimator is not one that records ``attribute``.
    """
    given = estimator
    while True:
        if isinstance(estimator, Pipeline):
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        else:
            break
    if hasattr(estimator, attribute) and hasattr(estimator, "task_names_"):
        return estimator
    # A neural estimator exists only once skmtl.neural (and torch) is imported.
    neural = sys.modules.get("skmtl.neural")
    if neural is not None and isinstance(
        estimator, neural.MultiTaskClassifier | neural.MultiTaskRegressor
    ):
        raise NotFittedError(
            f"This {type(estimator).__name__} is not fitted yet: call fit before "
            f"plotting its `{attribute}`."
        )
    raise TypeError(
        f"Expected a fitted skmtl MultiTaskRegressor or MultiTaskClassifier (or a "
        f"Pipeline or search ending in one) that has `{attribute}`, got "
        f"{type(given).__name__}"
        + (f" ending in {type(estimator).__name__}." if estimator is not given else ".")
    )


def select_tasks(task_names, tasks):
    """Return the positions of ``tasks`` among ``task_names``.

    Parameters
    ----------
    task_names : list
        The estimator's ``task_names_``.
    tasks : sequence or None
        Task names to keep, in the order to draw them; None keeps all.

    Returns
    -------
    positions : list of int
        Position of each selected task in ``task_names``.

    Raises
    ------
    ValueError
        If a requested task is unknown, or none is requested.
    """
    names = list(task_names)
    if tasks is None:
        return list(range(len(names)))
    if isinstance(tasks, str):
        tasks = [tasks]
    tasks = list(tasks)
    unknown = [task for task in tasks if task not in names]
    if unknown:
        raise ValueError(f"Unknown tasks {unknown}; the estimator's tasks are {names}.")
    if not tasks:
        raise ValueError(f"tasks is empty; choose some of {names} (or None for all).")
    return [names.index(task) for task in tasks]
