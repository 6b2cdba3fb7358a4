"""What a neural fit shows while it trains, by ``verbose`` level."""

import math

from skorch.callbacks import Callback

from skmtl.neural._callbacks import EpochProgress, _improves


class EpochBar(Callback):
    """A tqdm progress bar over the epochs of a fit, with its ETA and losses.

    The bar advances once per epoch; its postfix shows the last training and
    validation losses and, with early stopping, the best epoch so far. With
    ``batches=True`` a second bar follows the batches of each epoch. Like
    :class:`EpochProgress`, it runs before the ``early_stopping`` callback.

    Parameters
    ----------
    batches : bool, default=False
        Also show a bar over each epoch's training batches.
    file : file object, default=None
        Where the bars are drawn; None: ``sys.stderr``.
    """

    def __init__(self, batches=False, file=None):
        self.batches = batches
        self.file = file

    def on_train_begin(self, net, **kwargs):
        """Open the bar over ``net.max_epochs`` epochs."""
        from tqdm import tqdm

        self.bar_ = tqdm(total=net.max_epochs, desc="fit", unit="epoch", file=self.file)
        self.batch_bar_ = None
        self.best_epoch_ = None

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        """Open the bar over this epoch's batches (``batches=True``)."""
        if not self.batches:
            return
        from tqdm import tqdm

        total = None
        if dataset_train is not None and net.batch_size not in (None, -1):
            total = math.ceil(len(dataset_train) / net.batch_size)
        self.batch_bar_ = tqdm(
            total=total, desc="batches", unit="batch", leave=False, file=self.file
        )

    def on_batch_end(self, net, training=False, **kwargs):
        """Advance the batch bar on a training batch."""
        if training and self.batch_bar_ is not None:
            self.batch_bar_.update()

    def on_epoch_end(self, net, **kwargs):
        """Advance the epoch bar and show the epoch's losses."""
        if self.batch_bar_ is not None:
            self.batch_bar_.close()
            self.batch_bar_ = None
        row = net.history[-1]
        if _improves(dict(net.callbacks_).get("early_stopping"), row):
            self.best_epoch_ = row["epoch"]
        postfix = {"train_loss": f"{row['train_loss']:.4f}"}
        if "valid_loss" in row:
            postfix["valid_loss"] = f"{row['valid_loss']:.4f}"
        if self.best_epoch_ is not None:
            postfix["best"] = self.best_epoch_
        self.bar_.set_postfix(postfix, refresh=False)
        self.bar_.update()

    def on_train_end(self, net, **kwargs):
        """Close the bars."""
        if self.batch_bar_ is not None:
            self.batch_bar_.close()
        self.bar_.close()


def progress_callbacks(verbose):
    """Return the ``(name, callback)`` pairs that show a fit's progress.

    Parameters
    ----------
    verbose : int
        0: none (no callback, no cost). 1: one line per epoch with the losses
        of up to 8 tasks; 2: the same with every task. 3: a progress bar over
        the epochs (ETA, losses, best epoch) on stderr instead of the lines;
        4: also a bar over each epoch's batches. Lines mark the best epoch so
        far when early stopping is on.

    Returns
    -------
    callbacks : list of (str, Callback)
        To put before the early stopping callback.
    """
    if not verbose:
        return []
    if verbose >= 3:
        return [("progress", EpochBar(batches=verbose >= 4))]
    return [("progress", EpochProgress(max_tasks=None if verbose > 1 else 8))]
