"""The interface every sharing architecture implements, and their registry."""

import torch
from torch import nn

from skmtl.architectures._docs import SECTIONS
from skmtl.architectures._layers import TaskMLP
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._plugin import PluginConfig
from skmtl.utils._registry import Registry


@fill_doc(**SECTIONS)
class Architecture(nn.Module):
    """Base class of the sharing architectures: maps features to per-task outputs.

    Subclasses set the class attribute ``name`` (their registry name), build their
    layers in ``__init__`` from the arguments below plus their own keyword
    hyperparameters (held by their :class:`ArchitectureConfig`, which the
    estimators' ``sharing`` parameter takes and which builds the module at fit
    time), and implement :meth:`forward_with_shared` (``forward`` is derived from it),
    :meth:`shared_representation` and :meth:`shared_parameters`; optionally
    :meth:`penalty` and :meth:`summary`. An architecture that only multiplies
    ``X`` by weight matrices sets ``sparse_input = True``: it is then handed a
    sparse ``X`` as a torch sparse COO tensor (one sparse matrix product instead
    of a product with a densified batch); otherwise it gets dense batches.

    Parameters
    ----------
    n_features : int
        Number of input features.
    n_tasks : int
        Number of tasks.
    n_outputs : int
        Outputs per task: 1 for regression, the largest number of classes over
        the tasks for classification (tasks with fewer classes are masked).
    shared_layers : tuple of int, default=(100,)
        Hidden layer sizes of the shared part (of each task's tower when nothing
        is shared).
    %(layers)s
    """

    name = None
    sparse_input = False
    #: Whether :meth:`forward_with_shared` returns a shared tensor (not None), at
    #: which gradient-level loss weightings aggregate the per-task gradients.
    exposes_shared = True
    #: Ensemble members whose outputs the module combines (None: not an ensemble;
    #: a class attribute, so the check per forward pass is a plain lookup).
    n_members = None

    def __init__(
        self,
        n_features,
        n_tasks,
        n_outputs,
        *,
        shared_layers=(100,),
        head_layers=(),
        activation="relu",
        dropout=0.0,
    ):
        super().__init__()
        self.n_features = n_features
        self.n_tasks = n_tasks
        self.n_outputs = n_outputs
        self.shared_layers = tuple(shared_layers)
        self.head_layers = tuple(head_layers)
        self.activation = activation
        self.dropout = dropout

    def forward(self, X, task=None):
        """Return the outputs of every task, or of each row's own task.

        %(rows)s
        task : LongTensor of shape (batch,) or None
            Task index of each row (long layout). None computes every task.

        Returns
        -------
        Tensor
            ``(batch, n_tasks, n_outputs)`` when ``task`` is None, else
            ``(batch, n_outputs)``.
        """
        return self.forward_with_shared(X, task)[0]

    def forward_with_shared(self, X, task=None):
        """Return ``(outputs, shared)``: the outputs and the shared representation.

        ``shared`` is the tensor that every task's output is computed from (the
        trunk output for hard sharing). Gradient-level loss weightings aggregate
        the per-task gradients at this tensor. Subclasses implement this method;
        ``outputs`` is as returned by :meth:`forward`.
        """
        raise NotImplementedError

    @staticmethod
    def own_task(per_task, task):
        """Return each row's own task's part of a tensor computed for every task.

        Lets an architecture compute ``per_task`` of shape ``(n_tasks, batch,
        ...)`` in both layouts without branching on them: with ``task`` None
        (every task wanted) it is returned as it is, else row ``i`` keeps
        ``per_task[task[i], i]``, giving ``(batch, ...)``.
        """
        if task is None:
            return per_task
        return per_task[task, torch.arange(task.shape[0], device=task.device)]

    def shared_representation(self, X):
        """Return the representation the tasks share, ``(batch, n_components)``."""
        raise NotImplementedError

    def shared_parameters(self):
        """Return the parameters used by more than one task (a list).

        Federated training averages exactly these between clients, and
        :func:`skmtl.export.prune` with ``scope="shared"`` prunes them.
        """
        raise NotImplementedError

    def penalty(self):
        """Return a regularization term added to the training loss, or None.

        Soft parameter sharing, for instance, pulls the task towers together with
        a penalty. The default is None (no penalty).
        """
        return None

    def summary(self, X=None):
        """Return what the architecture learned about the tasks, as named arrays.

        Parameters
        ----------
        X : Tensor of shape (batch, n_features) or None
            Inputs for input-dependent quantities (e.g. gate weights); None
            returns only input-independent ones.

        Returns
        -------
        summary : dict of str -> ndarray
            E.g. a task-similarity matrix or per-task gate weights. Empty by
            default.
        """
        return {}

    def _require_layers(self, what):
        """Raise a ValueError when the estimator gave ``shared_layers=()``."""
        if not self.shared_layers:
            raise ValueError(
                f"{type(self).__name__} needs at least one {what}, got "
                "shared_layers=()."
            )

    def _task_heads(self, n_inputs):
        """Return the task heads: one MLP per task from ``n_inputs`` features.

        Parameters
        ----------
        n_inputs : int
            Width of each task's representation.

        Returns
        -------
        heads : TaskMLP
            ``head_layers`` hidden layers and ``n_outputs`` outputs per task.
        """
        return TaskMLP(
            self.n_tasks,
            n_inputs,
            self.head_layers,
            self.n_outputs,
            self.activation,
            self.dropout,
        )


class ArchitectureConfig(PluginConfig):
    """Base class of the sharing architectures' configurations.

    A configuration holds an architecture's own hyperparameters (the
    ``__init__`` keywords of its :class:`Architecture` subclass, ``plugin``) and
    their ``_parameter_constraints``. Given as ``sharing=``, its hyperparameters
    are nested estimator parameters (``sharing__n_experts``), so ``GridSearchCV``
    searches them. At fit time the estimator calls
    ``build(n_features, n_tasks, n_outputs, shared_layers=..., head_layers=...,
    activation=..., dropout=...)``, which returns a new module.
    """


#: Registry name -> architecture configuration; names accepted by ``sharing``.
ARCHITECTURES = Registry("sharing architecture", Architecture, "sharing")
