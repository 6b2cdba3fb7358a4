"""Task affinity measured while a network trains.

Two measures of how the tasks of a multi-task network interact, recorded per
epoch by the :class:`TaskAffinity` callback (the estimators' ``task_affinity``
parameter adds it):

``"gradient"``
    The cosine similarity of the per-task gradients with respect to the shared
    representation of each training batch (the Jacobian that the gradient
    weightings use, :func:`skmtl.weighting._gradients.task_jacobian`). Positive:
    the tasks pull the representation the same way; negative: they conflict. In
    the long layout, where no row carries two tasks and gradients on the rows'
    representations never overlap, the gradients are taken with respect to the
    shared parameters instead (one backward pass per task present).
``"lookahead"``
    The lookahead inter-task affinity of TAG (Fifty et al., 2021, "Efficiently
    Identifying Task Groupings for Multi-Task Learning", NeurIPS), eq. 2:
    ``Z[i, j] = 1 - L_j(theta_s - lr * grad_s L_i) / L_j(theta_s)`` on the same
    batch, where ``theta_s`` are the shared parameters (the architecture's
    ``shared_parameters()``), ``lr`` the optimizer's learning rate and the task
    heads stay fixed. Positive: a step on task ``i`` lowers task ``j``'s loss.
    The matrix is not symmetric: row ``i`` is the task stepped on.

Both are measured before each training step, on the batch of that step, with
the network in evaluation mode (no dropout draw, so the measurement does not
change the training's random stream) and without touching the gradients the
step computes. An entry is averaged over the batches where both tasks have a
label; an entry no batch measured is NaN.
"""

import numpy as np
import torch
from skorch.callbacks import Callback

from skmtl.neural._grow import stack_per_epoch
from skmtl.weighting._gradients import task_jacobian

KINDS = ("gradient", "lookahead")


def affinity_kinds(task_affinity):
    """Return the measures named by an estimator's ``task_affinity`` parameter."""
    if task_affinity is None:
        return ()
    if task_affinity == "both":
        return KINDS
    return (task_affinity,)


def affinity_callbacks(task_affinity):
    """Return the ``(name, callback)`` list that ``task_affinity`` asks for."""
    kinds = affinity_kinds(task_affinity)
    return [("task_affinity", TaskAffinity(kinds))] if kinds else []


def set_affinity_attributes(estimator):
    """Set ``<kind>_affinity_`` on a fitted estimator from its net's history.

    Each is the mean over epochs (ignoring epochs that did not measure an
    entry) of the per-epoch matrices recorded under ``<kind>_affinity`` in
    ``history_``; attributes of measures not taken are removed (a refit with
    ``task_affinity=None`` leaves none behind).
    """
    kinds = affinity_kinds(estimator.task_affinity)
    for kind in KINDS:
        name = f"{kind}_affinity_"
        if kind not in kinds:
            if hasattr(estimator, name):
                delattr(estimator, name)
            continue
        epochs = affinity_history(estimator.net_.history, kind)
        finite = np.isfinite(epochs)
        counts = finite.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(finite, epochs, 0.0).sum(axis=0) / counts
        setattr(estimator, name, np.where(counts > 0, mean, np.nan))


def affinity_history(history, kind):
    """Return the per-epoch matrices of ``kind``, shape ``(n_epochs, T, T)``."""
    # Epochs before a fit that added tasks have smaller matrices.
    rows = history[:, f"{kind}_affinity"]
    return stack_per_epoch(rows, max((len(row) for row in rows), default=0))


class TaskAffinity(Callback):
    """Record per-epoch task affinities in the net's history.

    Parameters
    ----------
    kinds : sequence of {"gradient", "lookahead"}, default=("gradient",)
        The measures to take (see the module docstring).
    lr : float or None, default=None
        Step size of the lookahead; None: the optimizer's first learning rate.

    Notes
    -----
    History keys added each epoch: ``gradient_affinity`` and/or
    ``lookahead_affinity``, a ``T x T`` nested list (NaN where no batch of the
    epoch had labels of both tasks). Cost per batch: ``"gradient"`` one extra
    forward pass and one batched backward pass to the representation;
    ``"lookahead"`` one backward pass per task present and one forward pass per
    task present.
    """

    def __init__(self, kinds=("gradient",), lr=None):
        self.kinds = kinds
        self.lr = lr

    def initialize(self):
        """Check the measures named."""
        unknown = [kind for kind in self.kinds if kind not in KINDS]
        if unknown or not self.kinds:
            raise ValueError(
                f"TaskAffinity measures {list(KINDS)}; got kinds={self.kinds!r}."
            )
        return self

    def on_epoch_begin(self, net, **kwargs):
        """Start the epoch's sums."""
        n_tasks = len(net.task_names)
        self._sums = {kind: np.zeros((n_tasks, n_tasks)) for kind in self.kinds}
        self._counts = {kind: np.zeros((n_tasks, n_tasks)) for kind in self.kinds}

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        """Measure the affinities on a training batch, before its step."""
        if not training:
            return
        module = net.module_
        was_training = module.training
        module.eval()
        try:
            self._measure(net, batch)
        finally:
            module.train(was_training)

    def on_epoch_end(self, net, **kwargs):
        """Record the epoch's mean matrices."""
        for kind in self.kinds:
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = self._sums[kind] / self._counts[kind]
            net.history.record(f"{kind}_affinity", mean.tolist())

    def _measure(self, net, batch):
        x, y = batch
        losses, totals, shared = _task_losses(net, x, y, keep_graph=True)
        present = torch.nonzero(totals > 0).squeeze(1)
        index = present.cpu().numpy()
        if len(index) == 0:
            return
        pairs = np.ix_(index, index)
        if "gradient" in self.kinds and shared is not None:
            if x.get("task") is None:
                jacobian = task_jacobian(losses[present], shared).double()
            else:
                jacobian = _parameter_jacobian(net, losses, present).double()
            norms = jacobian.norm(dim=1).clamp_min(1e-300)
            unit = jacobian / norms[:, None]
            cosine = (unit @ unit.T).cpu().numpy()
            cosine[(norms <= 1e-300).cpu().numpy()] = np.nan
            self._add("gradient", pairs, cosine)
        if "lookahead" in self.kinds:
            self._add("lookahead", pairs, self._lookahead(net, x, y, losses, present))

    def _add(self, kind, pairs, values):
        finite = np.isfinite(values)
        self._sums[kind][pairs] += np.where(finite, values, 0.0)
        self._counts[kind][pairs] += finite

    def _lookahead(self, net, x, y, losses, present):
        """Return ``Z`` (k x k) of TAG for the tasks present in the batch."""
        params = _shared_parameters(net)
        k = len(present)
        if not params:
            return np.full((k, k), np.nan)
        lr = self.lr if self.lr is not None else net.optimizer_.param_groups[0]["lr"]
        before = losses.detach()[present].double()
        affinity = np.full((k, k), np.nan)
        saved = [p.detach().clone() for p in params]
        try:
            for row, t in enumerate(present.tolist()):
                grads = torch.autograd.grad(
                    losses[t], params, retain_graph=True, allow_unused=True
                )
                with torch.no_grad():
                    for p, g in zip(params, grads):
                        if g is not None:
                            p.sub_(lr * g)
                    after = _task_losses(net, x, y, keep_graph=False)[0]
                    for p, value in zip(params, saved):
                        p.copy_(value)
                ratio = after[present].double() / before.clamp_min(1e-300)
                affinity[row] = (1.0 - ratio).cpu().numpy()
        finally:
            with torch.no_grad():
                for p, value in zip(params, saved):
                    p.copy_(value)
        affinity[:, (before <= 0).cpu().numpy()] = np.nan
        return affinity


def _shared_parameters(net):
    """Return the trainable shared parameters of the net's architecture."""
    return [p for p in net.module_.architecture.shared_parameters() if p.requires_grad]


def _parameter_jacobian(net, losses, present):
    """Return each present task's gradient on the shared parameters, one per row.

    The long layout's measure: no row carries two tasks there, so gradients on
    each row's representation never overlap and their cosine would be 0 for any
    pair of tasks. One backward pass per task present.
    """
    params = _shared_parameters(net)
    rows = []
    for t in present.tolist():
        grads = torch.autograd.grad(
            losses[t], params, retain_graph=True, allow_unused=True
        )
        rows.append(
            torch.cat(
                [
                    (torch.zeros_like(p) if g is None else g).reshape(-1)
                    for p, g in zip(params, grads)
                ]
                or [losses.new_zeros(0)]
            )
        )
    return torch.stack(rows).detach()


def _task_losses(net, x, y, *, keep_graph):
    """Return a batch's per-task losses, label totals and shared representation."""
    grad = torch.enable_grad() if keep_graph else torch.no_grad()
    with grad:
        outputs, shared = net.module_.forward_with_shared(**x)
        losses, totals = net.criterion_(
            outputs.float(),
            y["y"],
            weight=y.get("weight"),
            observed=y.get("observed"),
            task=x.get("task"),
        )
    return losses, totals, shared
