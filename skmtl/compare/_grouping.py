"""Task grouping in a comparison: the models, and what they chose per fold."""

from skmtl.grouping import TaskGroupingClassifier, TaskGroupingRegressor


def grouping_models(
    *, classification=False, random_state=0, max_epochs=None, n_threads=1
):
    """Return the grouped and the guarded model (``skmtl compare --grouping``).

    Parameters
    ----------
    classification : bool, default=False
        Return classifiers instead of regressors.
    random_state : int or None, default=0
        Seed of the networks and of the inner folds.
    max_epochs : int, default=None
        Training epochs of the networks; None keeps their default.
    n_threads : int or None, default=1
        Torch threads of the networks.

    Returns
    -------
    models : dict
        ``"MTL grouped"``: :class:`~skmtl.TaskGroupingRegressor` (or the
        classifier) over a hard-sharing network, the number of groups chosen
        by inner CV; ``"MTL guarded"``: the same with ``guard=True``.
    """
    from skmtl.neural import MultiTaskClassifier, MultiTaskRegressor

    neural = MultiTaskClassifier if classification else MultiTaskRegressor
    grouping = TaskGroupingClassifier if classification else TaskGroupingRegressor
    network = {"random_state": random_state, "n_threads": n_threads}
    if max_epochs is not None:
        network["max_epochs"] = max_epochs
    return {
        "MTL grouped": grouping(neural(**network), random_state=random_state),
        "MTL guarded": grouping(
            neural(**network), guard=True, random_state=random_state
        ),
    }


def grouping_choices(model):
    """Return what a fitted grouping model chose (for the notices), or None.

    Parameters
    ----------
    model : estimator
        A fitted model; anything without ``groups_`` gives None.

    Returns
    -------
    chosen : dict or None
        ``{"groups": "a+b | c"}``, plus ``"guard"`` (task -> model kept) for a
        guarded model.
    """
    groups = getattr(model, "groups_", None)
    if groups is None:
        return None
    chosen = {"groups": " | ".join("+".join(map(str, g)) for g in groups)}
    guard = getattr(model, "guard_choice_", None)
    if guard is not None:
        chosen["guard"] = ", ".join(f"{task}:{kind}" for task, kind in guard.items())
    return chosen
