"""The learning rate of the shared layers: scaled, or frozen, for one fit.

``shared_lr_scale`` multiplies the learning rate of the parameters that the
architecture's ``shared_parameters()`` returns: the optimizer then has two
parameter groups per group it would have had (the shared ones with
``lr * shared_lr_scale``, marked by a ``shared_lr_scale`` entry). A scale of 0
leaves the shared parameters out of the optimizer and out of autograd
(``requires_grad=False`` for the fit), so they stay bit-identical. With the
default 1.0 the optimizer is skorch's, unchanged.

A warm-start fit that adds tasks with ``shared_lr_scale=0`` also keeps the
previous tasks' weights fixed: every architecture parameter that did not grow
is frozen as above, and the previous tasks' slices of those that grew are
written back after each optimizer step, so the previous tasks' weights are
unchanged to the bit (their predictions to float32 rounding: the fused heads'
product is wider after growth).
"""

import contextlib

import torch


def _scaled_groups(net, scale, frozen):
    """Return the optimizer's parameter groups and keyword arguments."""
    named = [(n, p) for n, p in net.get_all_learnable_params() if p not in frozen]
    (groups,), kwargs = net.get_params_for_optimizer("optimizer", named)
    shared = set(net.module_.architecture.shared_parameters())
    scaled = []
    for group in groups:
        for in_shared in (False, True):
            params = [p for p in group["params"] if (p in shared) == in_shared]
            if not params:
                continue
            extra = {}
            if in_shared:
                extra = {
                    "lr": group.get("lr", kwargs["lr"]) * scale,
                    "shared_lr_scale": scale,
                }
            scaled.append({**group, "params": params, **extra})
    if not scaled:
        raise ValueError(
            "Nothing is left to train: shared_lr_scale=0 freezes the shared "
            "parameters and, when adding tasks, the previous tasks' weights, and "
            "no other parameter remains."
        )
    return scaled, kwargs


def _is_scaled(optimizer):
    return any("shared_lr_scale" in group for group in optimizer.param_groups)


@contextlib.contextmanager
def shared_learning_rate(net, scale, *, rebuild, previous_shapes=None):
    """Set up ``net``'s optimizer for a fit with ``shared_lr_scale=scale``.

    Parameters
    ----------
    net : MultiTaskNet
        The initialised net about to be trained.
    scale : float
        The shared parameters' learning-rate multiplier, in [0, 1].
    rebuild : bool
        Whether the optimizer must be built again anyway (the parameters
        changed: tasks were added).
    previous_shapes : dict of str -> torch.Size, default=None
        When adding tasks with ``scale`` 0: the architecture parameters' shapes
        before, whose previous parts are kept fixed.

    Yields
    ------
    None
        The frozen parameters are released (``requires_grad`` set back) and
        the write-back hook removed on exit.
    """
    architecture = net.module_.architecture
    frozen = set(architecture.shared_parameters()) if scale == 0 else set()
    corners = []
    if previous_shapes is not None:
        for name, param in architecture.named_parameters():
            shape = previous_shapes.get(name)
            if shape == param.shape:
                frozen.add(param)
            elif shape is not None:
                corner = tuple(slice(0, n) for n in shape)
                corners.append((param, corner, param.detach()[corner].clone()))
    if scale != 1 or corners:
        groups, kwargs = _scaled_groups(net, scale, frozen)
        net.optimizer_ = net.optimizer(groups, **kwargs)
    elif rebuild or _is_scaled(net.optimizer_):
        net.initialize_optimizer()
    for param in frozen:
        param.requires_grad_(False)
    hook = None
    if corners:

        def restore(optimizer, args, kwargs):
            with torch.no_grad():
                for param, corner, value in corners:
                    param[corner] = value

        hook = net.optimizer_.register_step_post_hook(restore)
    try:
        yield
    finally:
        if hook is not None:
            hook.remove()
        for param in frozen:
            param.requires_grad_(True)
