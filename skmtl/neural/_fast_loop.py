"""The skorch overrides that buy training speed, in one labelled place.

skorch's ``NeuralNet`` pays a fixed cost per batch (mode switches, tensor
conversion, the optimizer closure, ``History`` indexing) that is small next to a
large network's step and a large share of a small one's. Each override below
was measured when it was added (numbers in its docstring); together with the
batch iterators and the loss shortcuts they keep a 128-128 network's fit on
20,000 x 50 rows within about 1.15x a hand-written loop with fused Adam, where
plain ``skorch.NeuralNetRegressor`` takes about 2.3x a plain loop
(``benchmarks/speed/fit_vs_alternatives.py``, 2 CPU cores). Every other
customisation of :class:`~skmtl.neural._net.MultiTaskNet` goes through skorch's
documented override points (``infer``, ``get_loss``, ``train_step_single``,
``get_default_callbacks``, ``initialize_callbacks``).

``tests/neural/test_fast_loop.py`` trains the same network through these
methods and through skorch's own and asserts the same history (keys, values,
epoch and batch structure), the same callback calls and the same predictions;
it also pins the signatures of the skorch methods overridden here and the
``set_params`` behaviour :meth:`FastTrainingLoopMixin.prepare_warm_start` works
around, so a skorch release that changes what they rely on fails a test instead
of the fits.
"""

import torch
from skorch.utils import TeeGenerator, to_tensor

from skmtl.neural._callbacks import check_batch_loss

# Optimizers whose ``step`` evaluates a closure at most once.
_CLOSURE_FREE_OPTIMIZERS = frozenset(
    {torch.optim.Adam, torch.optim.AdamW, torch.optim.SGD}
)


class FastTrainingLoopMixin:
    """Faster stand-ins for skorch ``NeuralNet`` methods, same observable behaviour.

    Each method replaces skorch's method of the same name, keeping what it
    notifies and records, except :meth:`batch_to_device` (stands in for the
    ``to_tensor`` call of skorch's ``infer``) and :meth:`prepare_warm_start`
    (does what ``set_params`` refuses to):

    * :meth:`_set_training`: switches train/eval mode only when it changes.
      skorch calls it before every batch and each call walks every submodule
      (about 6% of a small network's fit, measured).
    * :meth:`batch_to_device`: skips ``skorch.utils.to_tensor`` for batches that
      are CPU tensors already (about 20 us per batch), used by ``infer``.
    * :meth:`train_step`: runs the step without the optimizer closure for
      optimizers that call it at most once (Adam, AdamW, SGD; about 15 us per
      batch); any other optimizer (e.g. LBFGS) takes skorch's closure path.
    * :meth:`run_single_epoch`: writes the per-batch history records straight
      into the epoch's list; ``History`` indexing copies the list of epochs on
      every call (with the loss shortcuts: wide fit / fused-Adam loop 1.23 ->
      1.13). It also checks each batch loss for divergence (the loss is on the
      host already) and hands the epoch to a graph-captured step runner
      (:mod:`skmtl.neural._captured`) when the fit has one.
    * :meth:`prepare_warm_start`: reseeds the continued fit's generators and
      sets its epoch count as plain attributes: skorch's ``set_params`` raises
      for an iterator parameter of an initialised net (skorch 1.4).
    """

    def _set_training(self, training=True):
        """Switch train/eval mode only when it changes (skorch: every batch)."""
        if self.module_.training != training or self.criterion_.training != training:
            super()._set_training(training)

    def batch_to_device(self, x):
        """Return the batch ``x`` as tensors on the net's device.

        The batch iterators' batches are dicts of CPU tensors already; skorch's
        ``to_tensor`` walks them anyway (about 20 us per batch).
        """
        if (
            str(self.device) == "cpu"
            and isinstance(x, dict)
            and all(map(torch.is_tensor, x.values()))
        ):
            return x
        return to_tensor(x, device=self.device)

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
        straight into this epoch's list (which skorch's ``on_batch_begin``
        opens) instead of through ``History`` indexing, which copies the list
        of epochs on every call.
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

    def prepare_warm_start(self, *, shuffle_seed, dropout_seed, max_epochs):
        """Set up a fitted net to continue training for ``max_epochs`` epochs.

        Plain attributes: skorch's ``set_params`` raises for an iterator
        parameter of an initialised net; skorch reads the attributes when it
        builds the next fit's iterator.

        Parameters
        ----------
        shuffle_seed : int
            Seed of the training iterator's shuffling generator.
        dropout_seed : int
            Seed of the dropout layers' generator (``dropout_generator``).
        max_epochs : int
            Number of epochs of the continued fit.
        """
        self.iterator_train__generator = torch.Generator().manual_seed(shuffle_seed)
        self.dropout_generator.manual_seed(dropout_seed)
        self.max_epochs = max_epochs
