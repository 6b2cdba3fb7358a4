"""The shared layers of a fitted neural estimator, as a named state."""

from collections import OrderedDict

import torch


def named_shared_parameters(module):
    """Return ``(name, parameter)`` for each shared parameter of a network module."""
    shared = {id(p) for p in module.architecture.shared_parameters()}
    return [(name, p) for name, p in module.named_parameters() if id(p) in shared]


def _named_shared_parameters(estimator):
    """Return the fitted estimator's shared parameters; error if it has none."""
    named = named_shared_parameters(estimator.net_.module_)
    if not named:
        raise ValueError(
            f"sharing={estimator.sharing!r} has no parameters shared by the tasks, "
            "so a federation would have nothing to average; use an architecture "
            "with shared layers (e.g. sharing='hard')."
        )
    return named


def shared_state(estimator):
    """Return the shared layers' parameters of a fitted neural estimator.

    Parameters
    ----------
    estimator : MultiTaskRegressor or MultiTaskClassifier
        A fitted estimator.

    Returns
    -------
    state : OrderedDict of str to torch.Tensor
        Detached CPU copies, by parameter name (the task heads are not included).
    """
    return OrderedDict(
        (name, p.detach().to("cpu", copy=True))
        for name, p in _named_shared_parameters(estimator)
    )


def load_shared_state(estimator, state):
    """Copy shared-layer parameters into a fitted neural estimator, in place.

    Parameters
    ----------
    estimator : MultiTaskRegressor or MultiTaskClassifier
        A fitted estimator with the same shared layers as the state's source.
    state : mapping of str to tensor or array
        As returned by :func:`shared_state`.

    Returns
    -------
    estimator : object
        The same estimator.
    """
    named = dict(_named_shared_parameters(estimator))
    if set(named) != set(state):
        raise ValueError(
            "The shared state does not match the estimator's shared layers: "
            f"expected {sorted(named)}, got {sorted(state)}."
        )
    with torch.no_grad():
        for name, parameter in named.items():
            value = torch.as_tensor(state[name])
            if value.shape != parameter.shape:
                raise ValueError(
                    f"Shared parameter {name!r} has shape {tuple(value.shape)} in "
                    f"the state but {tuple(parameter.shape)} in the estimator."
                )
            parameter.copy_(value.to(parameter.device, parameter.dtype))
    return estimator
