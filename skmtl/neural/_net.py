"""The skorch net: skorch's override points plus one labelled speed-up mixin."""

import torch
from skorch import NeuralNet
from skorch.callbacks import EpochTimer
from skorch.dataset import unpack_data

from skmtl.neural._device import autocast
from skmtl.neural._fast_loop import FastTrainingLoopMixin
from skmtl.neural._task_losses import TaskLossRecorder


class MultiTaskNet(FastTrainingLoopMixin, NeuralNet):
    """A skorch ``NeuralNet`` that trains a :class:`MultiTaskModule`.

    Overrides skorch's override points :meth:`infer` and
    :meth:`train_step_single` (the module's shared representation goes to the
    loss with the outputs), :meth:`get_loss` (masked per-task losses combined
    by the module's loss weighting), :meth:`get_default_callbacks` and
    :meth:`initialize_callbacks` (epoch-level per-task history, accumulated by
    :class:`~skmtl.neural._task_losses.TaskLossRecorder`, instead of skorch's
    per-batch loss scoring and table printing). The speed-ups that replace
    skorch's own loop methods are in
    :class:`~skmtl.neural._fast_loop.FastTrainingLoopMixin`. The training loop,
    callbacks, device handling and checkpointing are skorch's.

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
    task_losses_ : TaskLossRecorder
        The callback that accumulates and records the per-task losses.
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

    def initialize_callbacks(self):
        """Initialise the callbacks and keep the per-task loss recorder at hand."""
        super().initialize_callbacks()
        self.task_losses_ = dict(self.callbacks_)["task_losses"]
        self.task_losses_.reset(len(self.task_names), self.device)
        return self

    def infer_with_shared(self, x, **fit_params):
        """Run the module on a batch; return its outputs and shared representation.

        Parameters
        ----------
        x : dict of Tensor
            The batch's inputs (``X`` and, in the long layout, ``task``).
        **fit_params : dict
            Passed to the module's forward pass.

        Returns
        -------
        outputs : Tensor
            The module's outputs (float32, whatever the precision).
        shared : Tensor or None
            The architecture's shared representation, if it exposes one.
        """
        x = self.batch_to_device(x)
        module = self.module_
        if self.precision == "bf16":
            with autocast(self.precision, self.device):
                outputs, shared = module.forward_with_shared(**x, **fit_params)
            # Losses and per-task gradients at the representation in float32.
            return outputs.float(), None if shared is None else shared.float()
        return module.forward_with_shared(**x, **fit_params)

    def infer(self, x, **fit_params):
        """Run the module on a batch; return its outputs."""
        return self.infer_with_shared(x, **fit_params)[0]

    def train_step_single(self, batch, **fit_params):
        """Run skorch's training step, handing the shared representation to the loss.

        Loss weightings that aggregate per-task gradients at the shared
        representation (``requires_features``) receive it through
        :meth:`get_loss`'s ``shared`` argument.
        """
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred, shared = self.infer_with_shared(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True, shared=shared)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def get_loss(self, y_pred, y_true, X=None, training=False, shared=None):
        """Return the weighted multi-task loss of a batch, recording per-task losses.

        In training the module's loss weighting combines the per-task losses; in
        validation the loss is their plain mean over the tasks in the batch.
        ``shared`` is the module's shared representation of the batch (see
        :meth:`infer_with_shared`), for weightings that need it in training.
        """
        task = X.get("task") if isinstance(X, dict) else None
        weight, observed = y_true.get("weight"), y_true.get("observed")
        weighting = self.module_.weighting
        recorder = self.task_losses_
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
                recorder.add(training, losses, float(len(y_pred)), 1 / len(losses))
            else:
                # Each label weighs 1 / (k n_t) in its batch (computed once per
                # epoch by the batch iterator), so the loss is one dot product.
                elementwise = self.criterion_.elementwise(
                    y_pred, y_true["y"], task=task
                )
                if elementwise.dim() == 1:  # long: one label per row
                    loss = torch.dot(elementwise, share)
                else:
                    loss = torch.dot(elementwise.reshape(-1), share.reshape(-1))
                recorder.add_shares(
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
            features = shared if weighting.requires_features else None
            loss, weights = weighting(losses, present, features=features)
            loss = self._add_penalty(loss)
        else:
            weights = present.to(losses.dtype) / present.sum().clamp_min(1)
            loss = (weights * losses).sum()
        recorder.add(training, losses.detach(), totals.detach(), weights.detach())
        return loss

    def _add_penalty(self, loss, scale=1.0):
        """Return ``loss`` plus ``scale`` times the architecture's penalty, if any."""
        penalty = self.module_.architecture.penalty()
        return loss if penalty is None else loss + scale * penalty
