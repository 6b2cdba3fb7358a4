"""A warm-start fit's tasks: the previous ones, then those ``y`` adds.

The one place that decodes the layout of a fit that may add tasks (the neural
estimators' warm start and ``partial_fit``); :mod:`skmtl._layout` decodes every
other fit.
"""

from skmtl._layout import TaskLayout, task_ids, task_lookup
from skmtl._values import python_list


def decode_grown(task_column, y, task_values, n_samples, previous):
    """Decode a fit's targets that may add tasks; return ``(layout, Y, task_index)``.

    As :meth:`TaskLayout.decode`, with ``previous`` the layout of the fit being
    continued: its tasks keep their indices and ``y``'s new tasks follow (see
    :func:`grown_targets`).
    """
    layout, Y, _ = TaskLayout.decode(task_column, y, task_values, n_samples)
    names, Y = grown_targets(previous, layout.task_names, Y, task_values)
    grown = TaskLayout(task_column, names, one_d=layout.one_d and len(names) == 1)
    return grown, Y, grown.task_index(task_values)


def grown_targets(previous, names, Y, task_values):
    """Return the task names and targets of a fit that may add tasks.

    The previous tasks keep their indices; new tasks follow, in the order of
    the columns of ``y`` (wide) or sorted (long). In the wide layout ``y`` must
    still have a column for every previous task (all-NaN when it has no
    labels); its columns are reordered to the task order.
    """
    old = python_list(previous.task_names)
    if not previous.long:
        missing = [name for name in old if name not in names]
        if missing:
            raise ValueError(
                f"warm_start=True continues a fit on tasks {old}, but y has no "
                f"column for tasks {missing}; give them as all-NaN columns (a new "
                "fit may add tasks, never drop them)."
            )
        grown = old + [name for name in names if name not in old]
        position = task_lookup(names)
        return grown, Y[:, [position[name] for name in grown]]
    known = set(old)
    added = [name for name in python_list(task_ids(task_values)) if name not in known]
    return old + added, Y
