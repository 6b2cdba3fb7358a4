"""The skorch net: customised only through skorch's override points."""

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import EpochTimer
from skorch.utils import to_tensor

from skmtl.neural._callbacks import TaskLossRecorder


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
    """

    def __init__(self, *args, task_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.task_names = tuple(task_names)

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

        The representation is kept until :meth:`get_loss` for loss weightings
        that aggregate per-task gradients there, then released.
        """
        x = to_tensor(x, device=self.device)
        outputs, self._shared = self.module_.forward_with_shared(**x, **fit_params)
        return outputs

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Return the weighted multi-task loss of a batch, recording per-task losses.

        In training the module's loss weighting combines the per-task losses; in
        validation the loss is their plain mean over the tasks in the batch.
        """
        task = X.get("task") if isinstance(X, dict) else None
        shared, self._shared = getattr(self, "_shared", None), None
        losses, totals = self.criterion_(
            y_pred,
            y_true["y"],
            weight=y_true.get("weight"),
            observed=y_true.get("observed"),
            task=task,
        )
        present = totals > 0
        if training:
            weighting = self.module_.weighting
            features = shared if weighting.requires_features else None
            loss, weights = weighting(losses, present, features=features)
            penalty = self.module_.architecture.penalty()
            if penalty is not None:
                loss = loss + penalty
        else:
            weights = present.to(losses.dtype) / present.sum().clamp_min(1)
            loss = (weights * losses).sum()
        self._accumulate(training, losses.detach(), totals.detach(), weights.detach())
        return loss

    def reset_epoch_stats(self):
        """Zero the per-epoch accumulators (called at the start of each epoch)."""
        n_tasks = len(self.task_names)
        self._stats = {
            key: torch.zeros(n_tasks, device=self.device)
            for key in (
                "train_sum",
                "train_total",
                "valid_sum",
                "valid_total",
                "weights",
            )
        }
        self._stats_batches = 0

    def _accumulate(self, training, losses, totals, weights):
        if not hasattr(self, "_stats"):
            self.reset_epoch_stats()
        stats = self._stats
        if training:
            stats["train_sum"].addcmul_(losses, totals)
            stats["train_total"] += totals
            stats["weights"] += weights
            self._stats_batches += 1
        else:
            stats["valid_sum"].addcmul_(losses, totals)
            stats["valid_total"] += totals

    def epoch_task_losses(self, training):
        """Return this epoch's mean loss per task as a tensor (NaN: no label seen)."""
        prefix = "train" if training else "valid"
        totals = self._stats[f"{prefix}_total"]
        means = self._stats[f"{prefix}_sum"] / totals.clamp_min(1e-12)
        return torch.where(totals > 0, means, torch.nan)

    def epoch_stats(self):
        """Return this epoch's per-task train/valid losses and mean task weights."""
        return {
            "train": self.epoch_task_losses(True).cpu().numpy(),
            "valid": self.epoch_task_losses(False).cpu().numpy(),
            "weights": (self._stats["weights"] / max(self._stats_batches, 1))
            .cpu()
            .numpy()
            .astype(np.float64),
        }
