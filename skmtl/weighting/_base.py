"""The interface every loss weighting implements, and their registry."""

from torch import nn

from skmtl.utils._plugin import PluginConfig
from skmtl.utils._registry import Registry

#: Docstring sections shared by the weightings, for
#: :func:`skmtl.utils._docstrings.fill_doc`: ``n_tasks``, the ``random_state``
#: of the deterministic methods, and the note on
#: which gradients the gradient-based methods aggregate.
WEIGHTING_SECTIONS = {
    "n_tasks": """\
n_tasks : int
    Number of tasks.""",
    "unused_random_state": """\
random_state : int
    Unused; kept for the common signature.""",
    "gradients": """\
The gradients are those of the present tasks' losses with respect to the
shared representation; see
:class:`~skmtl.weighting._gradients.GradientAggregation`.""",
}


class LossWeighting(nn.Module):
    """Base class of the loss weightings: combine per-task losses into one loss.

    A weighting is a :class:`torch.nn.Module` living inside the trained network, so
    learnable weights (e.g. uncertainty weighting's log-variances) are optimised,
    saved, restored by early stopping and moved to the device with it. Subclasses
    set the class attribute ``name`` and implement :meth:`forward`; their own
    hyperparameters arrive as keyword arguments, given by their
    :class:`LossWeightingConfig` (which the estimators' ``loss_weighting``
    parameter takes, and which builds the weighting at fit time).

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    random_state : int
        Seed for any randomness of the method; a weighting uses no other source.
    """

    name = None
    #: Whether :meth:`forward` needs ``features``, the shared representation of the
    #: batch (gradient-level methods aggregate per-task gradients there).
    requires_features = False
    #: Whether the combined loss is always the plain mean of the losses of the
    #: tasks present in the batch (weights 1/k, as equal weighting). The training
    #: loop then skips :meth:`forward` for unweighted batches: one mean over all
    #: labels when every label is observed (wide), otherwise one dot product of
    #: the labels' losses with their weights 1/(k n_t) (same value, cheaper).
    plain_mean = False
    #: Whether :meth:`forward` is a fixed sequence of tensor operations on the
    #: device (no host reads, no host-side random draws, no extra backward
    #: passes), so that a training step using it can be recorded once in a CUDA
    #: graph and replayed (see the estimators' ``cuda_graphs``). State updated
    #: in :meth:`end_epoch` must be written in place into buffers.
    capturable = False

    def __init__(self, n_tasks, *, random_state=0):
        super().__init__()
        self.n_tasks = n_tasks
        self.random_state = random_state

    def forward(self, task_losses, present, features=None):
        """Return the combined loss of a batch and the task weights applied.

        Parameters
        ----------
        task_losses : Tensor of shape (n_tasks,)
            Mean loss of each task over its observed labels in the batch; 0 for a
            task with no label in the batch.
        present : BoolTensor of shape (n_tasks,)
            Whether each task has at least one observed label in the batch. An
            absent task must contribute nothing.
        features : Tensor or None
            The shared representation of the batch (see
            :meth:`skmtl.architectures.Architecture.forward_with_shared`), part
            of the graph of ``task_losses``; given only when
            ``requires_features`` is True.

        Returns
        -------
        loss : scalar Tensor
            The loss to back-propagate.
        weights : Tensor of shape (n_tasks,)
            The effective weight of each task's loss (recorded in
            ``task_weights_``). Gradient-level methods return the weights of the
            per-task gradients in the aggregated gradient.
        """
        raise NotImplementedError

    def end_epoch(self, epoch_task_losses):
        """Update the method's state at the end of a training epoch.

        Parameters
        ----------
        epoch_task_losses : Tensor of shape (n_tasks,)
            Mean training loss of each task over the epoch (NaN for a task with
            no label in the epoch). The default does nothing.
        """

    def set_likelihood_scales(self, scales):
        """Tell the weighting how each task's loss relates to its likelihood.

        An estimator whose tasks have losses of different kinds
        (:class:`~skmtl.neural.MultiTaskMixedEstimator`) calls this once, before
        training. A weighting derived from the tasks' likelihoods uses it (see
        :class:`UncertaintyWeighting`); the default does nothing.

        Parameters
        ----------
        scales : sequence of float of length n_tasks
            The factor of each task's loss in its likelihood term: 1 for a
            squared error (Gaussian), 2 for a cross-entropy or a Poisson
            negative log-likelihood.
        """


class LossWeightingConfig(PluginConfig):
    """Base class of the loss weightings' configurations.

    A configuration holds a weighting's own hyperparameters (the ``__init__``
    keywords of its :class:`LossWeighting` subclass, ``plugin``) and their
    ``_parameter_constraints``. Given as ``loss_weighting=``, its hyperparameters
    are nested estimator parameters (``loss_weighting__temperature``). At fit
    time the estimator calls ``build(n_tasks, random_state=seed)``, which returns
    a new weighting.
    """


#: Registry name -> loss weighting configuration; names accepted by
#: ``loss_weighting``.
WEIGHTINGS = Registry("loss weighting", LossWeighting, "loss_weighting")
