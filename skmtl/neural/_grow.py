"""Adding tasks to a fitted network: new heads, the previous weights kept.

A warm-start fit (or a ``partial_fit``) whose ``y`` brings new tasks builds the
network again for all the tasks, seeded like the first build, and copies every
tensor of the previous network into the leading corner of its new counterpart:
a tensor of the same shape (a shared layer) is copied whole; a per-task tensor,
stacked task-major along its first axis, keeps the previous tasks' slices and
its new slices keep their fresh initialisation. The output width of a
classifier may grow too (a new task with more classes than any previous one):
the previous tasks' extra outputs are masked, so their predictions are
unchanged. The loss weighting's per-task state grows the same way (new
entries as at build time).

That corner copy is right for the architectures listed in :data:`GROWABLE`,
whose per-task tensors are task-major and whose tasks do not read each other.
The others raise (:func:`check_growable`): cross-stitch mixes every task's
column into every other (a new column would change the previous tasks'
predictions), as do the shared gates below the top level of PLE.
"""

import contextlib

import numpy as np
import torch

from skmtl.architectures import (
    CrossStitch,
    HardSharing,
    IndependentNetworks,
    MultiGateMixtureOfExperts,
    ProgressiveLayeredExtraction,
)
from skmtl.architectures._ensemble import EnsembleHardSharing
from skmtl.utils._random import derived_seed, seeded_torch

#: Architectures that can take new tasks (SoftSharing is an IndependentNetworks).
GROWABLE = (
    HardSharing,
    IndependentNetworks,
    MultiGateMixtureOfExperts,
    ProgressiveLayeredExtraction,
    EnsembleHardSharing,
)


def check_growable(architecture):
    """Raise a ValueError when ``architecture`` cannot take new tasks."""
    inner = getattr(architecture, "inner", architecture)
    name = type(inner).__name__
    if isinstance(inner, CrossStitch):
        reason = (
            "its cross-stitch units mix every task's column into every other, so "
            "a new task would change the previous tasks' predictions"
        )
    elif isinstance(inner, ProgressiveLayeredExtraction) and inner.n_levels > 1:
        reason = (
            "the shared gates below its top level mix every task's experts "
            f"(n_levels={inner.n_levels}); only n_levels=1 can grow"
        )
    elif not isinstance(inner, GROWABLE):
        reason = "it is not one of the architectures known to grow task by task"
    else:
        return
    raise ValueError(
        f"Cannot add tasks to a network with the {name} architecture: {reason}. "
        "Refit with warm_start=False on all the tasks, or use sharing='hard', "
        "'mmoe', 'soft', 'independent' or 'ple' with n_levels=1."
    )


def grow_network(estimator, n_features, seed):
    """Rebuild ``estimator.net_``'s module for its (more numerous) tasks.

    The new module is built as in a first fit (seeded from ``seed``), the
    previous weights and loss-weighting state copied into it; the net's
    criterion, per-task loss recorder and optimizer are set up again.

    Parameters
    ----------
    estimator : _BaseMultiTaskNeural
        Fitted; its task attributes already list the new tasks.
    n_features : int
        Width of the network's input.
    seed : int
        Seed of this fit.

    Returns
    -------
    previous_shapes : dict of str -> torch.Size
        The shape each architecture parameter had before growing, by name.
    """
    net = estimator.net_
    previous = net.module_
    check_growable(previous.architecture)
    with seeded_torch(derived_seed(seed, 2), estimator.device):
        module, dropout_generator = estimator._build_module(n_features, seed)
    module.to(net.device)
    with torch.no_grad():
        grown = module.state_dict()
        for name, value in previous.state_dict().items():
            grown[name][tuple(slice(0, n) for n in value.shape)] = value
    net.module = net.module_ = module
    net.dropout_generator = dropout_generator
    # The mixed estimator's criterion is bound to its tasks' types.
    net.criterion = estimator._criterion()
    net.criterion__n_tasks = estimator.n_tasks_
    net.initialize_criterion()
    net.task_names = tuple(estimator.task_names_)
    net.task_losses_.reset(len(net.task_names), net.device)
    return {
        name: param.shape for name, param in previous.architecture.named_parameters()
    }


def stack_per_epoch(rows, n_tasks):
    """Return per-epoch per-task arrays stacked, NaN for tasks added later.

    ``rows`` are the epochs' arrays, ``(n_tasks_then,)`` or ``(n_tasks_then,
    n_tasks_then)``; epochs before a task was added have no entry for it.
    """
    arrays = [np.asarray(row, dtype=float) for row in rows]
    if not arrays:
        return np.empty((0, n_tasks))
    shape = (n_tasks,) * arrays[0].ndim
    stacked = np.full((len(arrays), *shape), np.nan)
    for epoch, array in enumerate(arrays):
        stacked[(epoch, *(slice(0, n) for n in array.shape))] = array
    return stacked


#: The task attributes a fit that adds tasks extends.
TASK_STATE = (
    "task_names_",
    "n_tasks_",
    "_y_one_d",
    "_task_lookup",
    "_task_classes",
    "classes_",
    "_target_mean",
    "_target_scale",
    "_task_given",
    "task_types_",
    "task_metrics_",
)


@contextlib.contextmanager
def tasks_kept_on_error(estimator):
    """Restore the task attributes when a fit fails before the network grew.

    A warm-start fit extends the task attributes before it grows the network;
    an error in between (an architecture that cannot grow, a label outside a
    task's classes) must leave the fitted estimator as it was.
    """
    saved = {
        name: getattr(estimator, name)
        for name in TASK_STATE
        if hasattr(estimator, name)
    }
    try:
        yield
    except BaseException:
        net = getattr(estimator, "net_", None)
        if net is not None and len(net.task_names) != estimator.n_tasks_:
            for name, value in saved.items():
                setattr(estimator, name, value)
        raise
