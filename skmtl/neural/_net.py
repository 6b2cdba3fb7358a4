"""The skorch net: customised only through skorch's override points."""

import math

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import EpochTimer
from skorch.utils import TeeGenerator, to_tensor

from skmtl.neural._callbacks import TaskLossRecorder, check_batch_loss
from skmtl.neural._device import autocast

# Optimizers whose ``step`` evaluates a closure at most once.
_CLOSURE_FREE_OPTIMIZERS = frozenset(
    {torch.optim.Adam, torch.optim.AdamW, torch.optim.SGD}
)


class MultiTaskNet(NeuralNet):
    """A skorch ``NeuralNet`` that trains a :class:`MultiTaskModule`.

    Overrides :meth:`get_loss` (masked per-task losses combined by the module's
    loss weighting) and :meth:`get_default_callbacks` (epoch-level per-task
    history instead of skorch's per-batch loss scoring and table printing). The
    training loop, callbacks, device handling and checkpointing are skorch's.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`skorch.NeuralNet`.
    task_names : sequence, default=()
        Task names used as keys of the per-task history entries.
    precision : {"32", "tf32", "bf16"}, default="32"
        ``"bf16"`` runs the forward pass under bfloat16 autocast (see
        :mod:`skmtl.neural._device`).

    Attributes
    ----------
    step_runner : StepRunner or None
        Set by the estimator for the duration of a fit whose training step is
        graph-captured (:mod:`skmtl.neural._captured`); None: skorch's loop.
    """

    step_runner = None
    # Processes of a data-parallel fit (skmtl.neural._distributed); 1 otherwise.
    world_size = 1

    def __init__(self, *args, task_names=(), precision="32", **kwargs):
        super().__init__(*args, **kwargs)
        self.task_names = tuple(task_names)
        self.precision = precision

    def get_default_callbacks(self):
        """Return the epoch timer and the per-task loss recorder."""
        return [("epoch_timer", EpochTimer()), ("task_losses", TaskLossRecorder())]

    def _set_training(self, training=True):
        """Switch train/eval mode only when it changes.

        skorch calls this before every batch, and each call walks every
        submodule (about 6% of a small network's fit, measured).
        """
        if self.module_.training != training or self.criterion_.training != training:
            super()._set_training(training)

    def infer(self, x, **fit_params):
        """Run the module on a batch, keeping its shared representation.

        In training, the representation is kept until :meth:`get_loss` for loss
        weightings that aggregate per-task gradients there, then released.
        """
        on_cpu = str(self.device) == "cpu"
        if not (
            on_cpu and isinstance(x, dict) and all(map(torch.is_tensor, x.values()))
        ):
            # The batch iterator's batches are CPU tensors already; skorch's
            # conversion walks them anyway (about 20 us per batch).
            x = to_tensor(x, device=self.device)
        module = self.module_
        if self.precision == "bf16":
            with autocast(self.precision, self.device):
                outputs, shared = module.forward_with_shared(**x, **fit_params)
            # Losses and per-task gradients at the representation in float32.
            outputs = outputs.float()
            shared = None if shared is None else shared.float()
        else:
            outputs, shared = module.forward_with_shared(**x, **fit_params)
        if module.training and module.weighting.requires_features:
            self._shared = shared
        return outputs

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Return the weighted multi-task loss of a batch, recording per-task losses.

        In training the module's loss weighting combines the per-task losses; in
        validation the loss is their plain mean over the tasks in the batch.
        """
        task = X.get("task") if isinstance(X, dict) else None
        weight, observed = y_true.get("weight"), y_true.get("observed")
        weighting = self.module_.weighting
        share = y_true.get("label_share")
        if (
            weight is None
            and (share is not None or (task is None and observed is None))
            and (weighting.plain_mean or not training)
        ):
            # Unit weights and the plain mean of the task means: computed
            # without per-task means, masks or the weighting in the graph.
            if share is None:
                # Every task has every row of the batch: the mean over all labels
                # (measured: the loss's forward and backward in half the time).
                loss, losses = self.criterion_.mean_over_labels(y_pred, y_true["y"])
                self._accumulate(training, losses, float(len(y_pred)), 1 / len(losses))
            else:
                # Each label weighs 1 / (k n_t) in its batch (computed once per
                # epoch by the batch iterator), so the loss is one dot product.
                elementwise = self.criterion_.elementwise(y_pred, y_true["y"])
                if elementwise.dim() == 1:  # long: one label per row
                    loss = torch.dot(elementwise, share)
                else:
                    loss = torch.dot(elementwise.reshape(-1), share.reshape(-1))
                self._accumulate_shares(
                    training, elementwise.detach(), share, task, observed
                )
            # Data parallel: each process's loss is its part of the batch's, and
            # the gradients are summed; the penalty must count once in the sum.
            return self._add_penalty(loss, 1 / self.world_size) if training else loss
        losses, totals = self.criterion_(
            y_pred, y_true["y"], weight=weight, observed=observed, task=task
        )
        present = totals > 0
        if training:
            features = None
            if weighting.requires_features:
                features, self._shared = self._shared, None
            loss, weights = weighting(losses, present, features=features)
            loss = self._add_penalty(loss)
        else:
            weights = present.to(losses.dtype) / present.sum().clamp_min(1)
            loss = (weights * losses).sum()
        self._accumulate(training, losses.detach(), totals.detach(), weights.detach())
        return loss

    def _add_penalty(self, loss, scale=1.0):
        """Return ``loss`` plus ``scale`` times the architecture's penalty, if any."""
        penalty = self.module_.architecture.penalty()
        return loss if penalty is None else loss + scale * penalty

    def reset_epoch_stats(self):
        """Zero the per-epoch accumulators (called at the start of each epoch).

        Loss sums are per-task tensors; label totals and weights start as plain
        numbers and stay numbers while every batch has them equal for all tasks
        (no tensor operation per batch), becoming tensors otherwise.
        """
        zeros = torch.zeros(len(self.task_names), device=self.device)
        self._stats = {
            "train_sum": zeros,
            "valid_sum": zeros.clone(),
            "train_total": 0.0,
            "valid_total": 0.0,
            "weights": 0.0,
        }
        self._stats_batches = 0

    def _accumulate(self, training, losses, totals, weights):
        """Add a batch's per-task losses, label totals and weights to the epoch's.

        ``totals`` and ``weights`` are tensors, or numbers when equal for every
        task.
        """
        if not hasattr(self, "_stats"):
            self.reset_epoch_stats()
        stats = self._stats
        prefix = "train" if training else "valid"
        if isinstance(totals, torch.Tensor):
            stats[f"{prefix}_sum"].addcmul_(losses, totals)
        else:
            stats[f"{prefix}_sum"].add_(losses, alpha=totals)
        stats[f"{prefix}_total"] = stats[f"{prefix}_total"] + totals
        if training:
            stats["weights"] = stats["weights"] + weights
            self._stats_batches += 1

    def _accumulate_shares(self, training, elementwise, share, task, observed):
        """Add a batch's label losses to the epoch's per-task statistics.

        ``share`` is each label's weight in the batch (see
        :func:`~skmtl.neural._shares.label_shares`): a task's shares add up to
        its weight in the batch. Missing labels (``observed`` False) count for
        nothing.
        """
        if not hasattr(self, "_stats"):
            self.reset_epoch_stats()
        stats = self._stats
        prefix = "train" if training else "valid"
        if observed is None:
            labels = torch.ones_like(share)
        else:
            labels = observed.to(share)
            elementwise = elementwise * labels

        def add_per_task(accumulator, values):
            # Wide: one column per task; long: each row adds to its own task.
            if task is None:
                return accumulator.add_(values.sum(0))
            return accumulator.index_add_(0, task, values)

        add_per_task(stats[f"{prefix}_sum"], elementwise)
        stats[f"{prefix}_total"] = add_per_task(
            self._per_task(stats[f"{prefix}_total"]), labels
        )
        if training:
            stats["weights"] = add_per_task(self._per_task(stats["weights"]), share)
            self._stats_batches += 1

    def _per_task(self, value):
        """Return ``value`` as a per-task tensor (a number is the same for all)."""
        if isinstance(value, torch.Tensor):
            return value
        return torch.full((len(self.task_names),), float(value), device=self.device)

    def epoch_task_losses(self, training):
        """Return this epoch's mean loss per task as a tensor (NaN: no label seen)."""
        prefix = "train" if training else "valid"
        totals = self._per_task(self._stats[f"{prefix}_total"])
        means = self._stats[f"{prefix}_sum"] / totals.clamp_min(1e-12)
        return torch.where(totals > 0, means, torch.nan)

    def epoch_losses_finite(self):
        """Return whether every loss accumulated this epoch is finite.

        Read on the host, one small copy per epoch: 1 us, where a device-side
        check (``isfinite``, ``all``, then a read anyway) took 9 us on CPU. NaN
        and infinity survive the sum (``inf - inf`` is NaN).
        """
        stats = self._stats
        total = sum(stats["train_sum"].tolist()) + sum(stats["valid_sum"].tolist())
        return math.isfinite(total)

    def epoch_stats(self):
        """Return this epoch's per-task train/valid losses and mean task weights."""
        weights = self._per_task(self._stats["weights"])
        return {
            "train": self.epoch_task_losses(True).cpu().numpy(),
            "valid": self.epoch_task_losses(False).cpu().numpy(),
            "weights": (weights / max(self._stats_batches, 1))
            .cpu()
            .numpy()
            .astype(np.float64),
        }

    def train_step(self, batch, **fit_params):
        """One optimisation step: skorch's, without the closure when none is needed.

        skorch passes a closure to ``optimizer.step`` (optimizers such as LBFGS
        evaluate the loss several times). Adam, AdamW and SGD never call it more
        than once, so for them the step runs directly: the same zeroing, forward,
        backward, ``on_grad_computed`` notification and update, without the
        closure and step-accumulator machinery (about 15 us per batch). Any
        other optimizer takes skorch's path.
        """
        optimizer = self.optimizer_
        if type(optimizer) not in _CLOSURE_FREE_OPTIMIZERS:
            return super().train_step(batch, **fit_params)
        optimizer.zero_grad()
        step = self.train_step_single(batch, **fit_params)
        self.notify(
            "on_grad_computed",
            named_parameters=TeeGenerator(self.get_all_learnable_params()),
            batch=batch,
            training=True,
        )
        optimizer.step()
        return step

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Run one epoch: skorch's loop with cheaper per-batch bookkeeping.

        The same callbacks are notified and the same entries recorded
        (``<prefix>_loss`` and ``<prefix>_batch_size`` per batch,
        ``<prefix>_batch_count`` per epoch); the batch records are written
        straight into this epoch's list instead of through ``History``
        indexing, which copies the list of epochs on every call.
        """
        if iterator is None:
            return
        if training and self.step_runner is not None:
            # Graph-captured step: epoch-level statistics only, no batch hooks.
            self.step_runner.run_epoch(self, iterator)
            self.history.record(f"{prefix}_batch_count", self.step_runner.n_batches)
            return
        batches = self.history[-1]["batches"]
        loss_key, size_key = f"{prefix}_loss", f"{prefix}_batch_size"
        batch_count = 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            record = batches[-1]
            record[loss_key] = loss = step["loss"].item()
            # Free: the loss is on the host already, for the history.
            check_batch_loss(self, loss, prefix, batch_count)
            record[size_key] = len(next(iter(batch[0].values())))
            self.notify("on_batch_end", batch=batch, training=training, **step)
            batch_count += 1
        self.history.record(f"{prefix}_batch_count", batch_count)
