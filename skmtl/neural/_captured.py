"""A fixed-shape training step on static buffers, captured once per fit in a CUDA graph.

On a GPU a small network's training step is bound by Python and kernel-launch
overhead, not arithmetic: an eager step launches a few dozen kernels from Python,
each costing more than its work. :class:`StepRunner` writes the whole step
(gather of the batch rows, forward, masked per-task losses, loss weighting,
backward, optimizer update, per-task loss accumulation) so that every tensor has
the same shape and address at every batch, records it once per fit in a
:class:`torch.cuda.CUDAGraph` and replays it: one launch per batch and no host
synchronisation inside an epoch.

How the step stays fixed-shape:

* The epoch's row order lives on the device in a ``(n_batches, batch_size)``
  buffer; a device-side batch counter selects the row of the current batch, so
  the host only replays the graph.
* The last, partial batch is padded with row 0 and a row weight of 0: a padded
  row changes neither a task's loss nor its label count, so the loss equals the
  eager step's on the same rows.
* Per-task loss sums, label counts and task weights are added to device
  accumulators inside the step and read once per epoch (the per-epoch history
  entries are the same as the eager path's; no per-batch entries are recorded).

The same code runs uncaptured (one Python call per batch) wherever capture is not
possible, which is how its CPU tests exercise it.
"""

import contextlib
import math
import warnings

import torch
from skorch.callbacks import Callback, LRScheduler

from skmtl.neural._device import autocast

#: Optimizer classes whose fused update keeps its step counter on the device.
CAPTURABLE_OPTIMIZERS = (torch.optim.Adam, torch.optim.AdamW, torch.optim.SGD)
#: Device types on which the step is recorded in a graph.
_CAPTURE_DEVICE_TYPES = frozenset({"cuda"})
#: Eager steps before capture (lazy state: optimizer moments, cuBLAS workspaces).
WARMUP_STEPS = 3
_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_grad_computed")


def capture_obstacle(net, callbacks):
    """Return why this fit's training step cannot be captured, or None if it can.

    Parameters
    ----------
    net : MultiTaskNet
        The initialized net (module, criterion and optimizer built).
    callbacks : list or None
        The estimator's extra callbacks.

    Returns
    -------
    reason : str or None
        A sentence naming the parameter at fault.
    """
    weighting = net.module_.weighting
    if not weighting.capturable:
        return (
            f"loss_weighting={type(weighting).__name__} is not capturable (it "
            "needs per-task gradients, host-side state or host-side random draws "
            "at each batch)"
        )
    optimizer = net.optimizer_
    fused = all(group.get("fused") for group in optimizer.param_groups)
    if type(optimizer) not in CAPTURABLE_OPTIMIZERS or not fused:
        return (
            f"the optimizer ({type(optimizer).__name__}) is not one of the fused "
            "optimizers 'adam', 'adamw', 'sgd' that a captured step supports"
        )
    for entry in callbacks or ():
        callback = entry[1] if isinstance(entry, tuple) else entry
        if isinstance(callback, LRScheduler):
            return (
                f"callback {type(callback).__name__} changes the optimizer "
                "during the fit, which a captured step would not see"
            )
        kind = callback if isinstance(callback, type) else type(callback)
        hooks = [
            h for h in _BATCH_HOOKS if getattr(kind, h) is not getattr(Callback, h)
        ]
        if hooks:
            return (
                f"callback {kind.__name__} has per-batch hooks {hooks}, which a "
                "captured step does not call"
            )
    return None


def step_runner_for(cuda_graphs, device, net, callbacks):
    """Return the :class:`StepRunner` of a fit, or None for skorch's eager loop.

    Parameters
    ----------
    cuda_graphs : {"auto", True, False}
        The estimator's ``cuda_graphs`` parameter.
    device : torch.device
        The training device.
    net : MultiTaskNet
        The initialized net.
    callbacks : list or None
        The estimator's extra callbacks.

    Returns
    -------
    runner : StepRunner or None

    Raises
    ------
    ValueError
        If ``cuda_graphs=True`` and the step cannot be captured.
    """
    if not cuda_graphs:  # False, or a numpy False from a parameter grid
        return None
    if device.type not in _CAPTURE_DEVICE_TYPES:
        if cuda_graphs == "auto":
            return None
        raise ValueError(
            f"cuda_graphs=True records the training step in a CUDA graph, which "
            f"needs device='cuda' (got device={str(device)!r}); use "
            "cuda_graphs='auto' or False."
        )
    obstacle = capture_obstacle(net, callbacks)
    if obstacle is not None:
        if cuda_graphs == "auto":
            return None
        raise ValueError(
            f"cuda_graphs=True, but {obstacle}; use cuda_graphs='auto' to fall "
            "back to the eager training loop."
        )
    return StepRunner(capture=device.type == "cuda", precision=net.precision)


class StepRunner:
    """Train epochs with one fixed-shape step, replayed from a CUDA graph.

    Bound at its first epoch to the training data of the fit (the batch
    iterator's dataset); its buffers and graph live until :meth:`release`.

    Parameters
    ----------
    capture : bool
        Record the step in a :class:`torch.cuda.CUDAGraph` (CUDA only); False
        calls it eagerly once per batch.
    precision : str, default="32"
        The forward pass's precision (see :mod:`skmtl.neural._device`).
    """

    def __init__(self, *, capture, precision="32"):
        self.capture = capture
        self.precision = precision
        self._dataset = None
        self._graph = None

    # ------------------------------------------------------------------ epochs
    def run_epoch(self, net, iterator):
        """Train one epoch over ``iterator.dataset`` and store its statistics.

        The rows are ordered as skorch's eager loop orders them (the same
        permutation from the iterator's generator) and cut into the same
        batches. The epoch's per-task loss sums, label totals and task weights
        replace the training statistics of the net's per-epoch history callback
        (:meth:`~skmtl.neural._task_losses.TaskLossRecorder.replace_training`).

        Parameters
        ----------
        net : MultiTaskNet
            The net being trained.
        iterator : TensorBatchIterator
            The training iterator skorch built for this fit.
        """
        # Train mode first: the graph records dropout as the mode has it.
        net._set_training(True)
        if self._dataset is not iterator.dataset:
            self._bind(net, iterator)
        n_rows = self._n_rows
        if iterator.shuffle:
            order = torch.randperm(n_rows, generator=iterator.generator)
        else:
            order = torch.arange(n_rows)
        self._set_order(order.to(self._order.device))
        for counter in (self._batch, self._loss_sums, self._label_totals):
            counter.zero_()
        self._weight_sums.zero_()
        for _ in range(self.n_batches):
            if self._graph is not None:
                self._graph.replay()
            else:
                self._step()
        if self._plain:  # every batch weighs each task 1 / n_tasks
            weights = self.n_batches / len(net.task_names)
        else:
            weights = self._weight_sums.clone()
        net.task_losses_.replace_training(
            self._loss_sums.clone(), self._label_totals.clone(), weights, self.n_batches
        )

    def release(self):
        """Free the graph and buffers and restore the optimizer's settings."""
        if self._dataset is None:
            return
        for group, capturable in zip(
            self._optimizer.param_groups, self._capturable, strict=True
        ):
            if capturable is not None:
                group["capturable"] = capturable
        self._optimizer.zero_grad(set_to_none=True)
        self._graph = None
        self._dataset = None

    # ------------------------------------------------------------------- setup
    def _bind(self, net, iterator):
        """Allocate the static buffers for ``iterator.dataset`` and capture."""
        self.release()
        data = iterator.dataset
        self._net = net
        self._dataset = data
        self._module = net.module_
        self._criterion = net.criterion_
        self._optimizer = net.optimizer_
        self._n_rows = n_rows = len(data)
        self.batch_size = batch_size = min(int(iterator.batch_size), n_rows)
        self.n_batches = n_batches = math.ceil(n_rows / batch_size)
        X = data.inputs["X"]
        device, n_tasks = X.device, len(net.task_names)
        self._device = device
        slots = n_batches * batch_size
        self._order = torch.zeros(slots, dtype=torch.long, device=device)
        self._row_weight = torch.zeros(slots, dtype=X.dtype, device=device)
        self._row_weight[:n_rows] = 1.0
        self._batch = torch.zeros(1, dtype=torch.long, device=device)
        self._loss_sums = torch.zeros(n_tasks, device=device)
        self._label_totals = torch.zeros(n_tasks, device=device)
        self._weight_sums = torch.zeros(n_tasks, device=device)
        # Every label observed, unit weights, a plain-mean weighting: the loss is
        # the weighted mean over the batch's labels, one matrix-vector product
        # (the eager loop's fast path; fewer kernels per step).
        self._plain = (
            net.module_.weighting.plain_mean
            and "task" not in data.inputs
            and not {"observed", "weight"} & set(data.targets)
        )
        self._capturable = [
            group.get("capturable") for group in self._optimizer.param_groups
        ]
        if self.capture:
            self._record_graph()

    def _set_order(self, order):
        """Write the epoch's row order (and row weights) into the static buffers."""
        n_rows = self._n_rows
        self._order[:n_rows].copy_(order)
        weight = self._dataset.targets.get("weight")
        if weight is not None:
            self._row_weight[:n_rows].copy_(weight.index_select(0, order))

    def _record_graph(self):
        """Warm up on a side stream, undo the warm-up's updates, capture the step."""
        module, optimizer = self._module, self._optimizer
        for group in optimizer.param_groups:
            if "capturable" in group:
                group["capturable"] = True
        saved_module = {k: v.clone() for k, v in module.state_dict().items()}
        saved_state = {
            param: {k: v.clone() if torch.is_tensor(v) else v for k, v in state.items()}
            for param, state in optimizer.state.items()
        }
        rng_state = torch.cuda.get_rng_state(self._device)
        # Dropout draws from the fit's own generators (thread-safe
        # reproducibility): their states are restored after the warm-up and
        # registered with the graph, so each replay advances them.
        generators = _dropout_generators(module)
        generator_states = [generator.get_state() for generator in generators]
        current = torch.cuda.current_stream(self._device)
        side = torch.cuda.Stream(self._device)
        side.wait_stream(current)
        with torch.cuda.stream(side), warnings.catch_warnings():
            # capturable=True warns when a step runs uncaptured, as these do.
            warnings.filterwarnings("ignore", message=".*capturable=True.*")
            for _ in range(WARMUP_STEPS):
                self._batch.zero_()
                self._step()
        current.wait_stream(side)
        with torch.no_grad():
            for key, value in module.state_dict().items():
                value.copy_(saved_module[key])
            for param, state in optimizer.state.items():
                before = saved_state.get(param)
                for key, value in state.items():
                    if not torch.is_tensor(value):
                        continue
                    # A state created by the warm-up starts at zero (Adam's
                    # moments and step count; SGD's momentum with dampening 0).
                    if before is None:
                        value.zero_()
                    else:
                        value.copy_(before[key])
        torch.cuda.set_rng_state(rng_state, self._device)
        for generator, state in zip(generators, generator_states):
            generator.set_state(state)
        optimizer.zero_grad(set_to_none=True)
        # torch.cuda.graph() would also empty the allocator's cache first, which
        # costs a new device allocation for every tensor of the next fit.
        graph = torch.cuda.CUDAGraph()
        for generator in generators:
            graph.register_generator_state(generator)
        torch.cuda.synchronize(self._device)
        with torch.cuda.stream(side):
            graph.capture_begin(capture_error_mode="global")
            try:
                self._step()
            except BaseException:
                with contextlib.suppress(RuntimeError):
                    graph.capture_end()
                raise
            graph.capture_end()
        self._graph = graph

    # -------------------------------------------------------------------- step
    def _step(self):
        """One training step on the batch the device counter points at."""
        data, batch = self._dataset, self._batch
        shape = (self.n_batches, self.batch_size)
        index = self._order.view(shape).index_select(0, batch).view(-1)
        row_weight = self._row_weight.view(shape).index_select(0, batch).view(-1)
        inputs = {k: v.index_select(0, index) for k, v in data.inputs.items()}
        targets = {
            k: data.targets[k].index_select(0, index)
            for k in ("y", "observed")
            if k in data.targets
        }
        module = self._module
        with torch.enable_grad():
            with autocast(self.precision, self._device):
                outputs, _ = module.forward_with_shared(**inputs)
            outputs = outputs.float()
            if self._plain:
                elementwise = self._criterion.elementwise(outputs, targets["y"])
                sums = row_weight @ elementwise
                n_rows = row_weight.sum()
                loss = sums.sum() / (n_rows * elementwise.shape[1])
            else:
                losses, totals = self._criterion(
                    outputs,
                    targets["y"],
                    weight=row_weight,
                    observed=targets.get("observed"),
                    task=inputs.get("task"),
                )
                loss, weights = module.weighting(losses, totals > 0)
            loss = self._net._add_penalty(loss)
            self._optimizer.zero_grad(set_to_none=True)
            loss.backward()
        self._optimizer.step()
        with torch.no_grad():
            if self._plain:
                self._loss_sums.add_(sums.detach())
                self._label_totals.add_(n_rows)
            else:
                self._loss_sums.addcmul_(losses.detach(), totals)
                self._label_totals.add_(totals)
                self._weight_sums.add_(weights.detach())
            batch.add_(1)


def _dropout_generators(module):
    """Return the distinct CUDA generators of the module's dropout layers."""
    from skmtl.utils._random import GeneratorDropout

    generators = {}
    for layer in module.modules():
        if isinstance(layer, GeneratorDropout) and layer.p > 0:
            generator = layer.generator
            if generator.device.type == "cuda":
                generators[id(generator)] = generator
    return list(generators.values())
