"""Cross-stitch networks: task columns mixed by learned linear units after each layer.

Misra, I., Shrivastava, A., Gupta, A. and Hebert, M. (2016). Cross-stitch networks
for multi-task learning. In Proceedings of CVPR 2016, 3994-4003.
"""

import itertools
from numbers import Real

import torch
from torch import nn

from skmtl.architectures._base import ARCHITECTURES, Architecture, ArchitectureConfig
from skmtl.architectures._docs import SECTIONS, numbers
from skmtl.architectures._layers import TaskLinear, make_activation
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval


@fill_doc(**SECTIONS, numbers=numbers("every task's column"))
class CrossStitch(Architecture):
    r"""One MLP column per task, mixed by a cross-stitch unit after each layer.

    Each task has its own column of hidden layers (``shared_layers``). After hidden
    layer :math:`l`, a cross-stitch unit replaces every column's activations by a
    learned linear combination of all columns,

    .. math::

        \tilde h^{(l)}_t = \sum_{s=1}^{T} \alpha^{(l)}_{ts}\, h^{(l)}_s,

    and the mixed activations feed the next layer; the top ones feed the task's
    head (``head_layers`` then a linear output). The learned :math:`T \times T`
    matrices :math:`\alpha^{(l)}` decide how much the tasks share, layer by
    layer. The columns are stacked layers and each unit is one ``einsum``, so
    the cost does not involve a Python loop over tasks.

    Parameters
    ----------
    %(numbers)s
    %(head_activation)s
    dropout : float, default=0.0
        Dropout probability after each hidden layer (in each column, before
        the cross-stitch unit).
    self_weight : float, default=0.9
        Initial weight in ``[0, 1]`` of a column on itself: each
        :math:`\alpha^{(l)}` starts with ``self_weight`` on the diagonal and
        ``(1 - self_weight) / (n_tasks - 1)`` elsewhere, so each initial row sums
        to 1 (the identity for a single task). 1 starts from independent columns.

    See Also
    --------
    SoftSharing : Separate towers tied by a penalty instead of mixing.
    IndependentNetworks : The columns without cross-stitch units.

    Notes
    -----
    :meth:`shared_parameters` returns the cross-stitch matrices, the only
    parameters that belong to no task; a column's layers belong to its task but
    reach the others through the units. The shared tensor of
    :meth:`forward_with_shared` is the columns' activations entering the last
    cross-stitch unit, ``(n_tasks, batch, shared_layers[-1])``: every task reads
    all of it through its row of the last matrix, and what comes after it (that
    row, the task's head) serves one task. :meth:`shared_representation` returns
    these activations side by side. :meth:`summary` reports the matrices.

    References
    ----------
    Misra, I., Shrivastava, A., Gupta, A. and Hebert, M. (2016). Cross-stitch
    networks for multi-task learning. In Proceedings of CVPR 2016, 3994-4003.

    Examples
    --------
    >>> import torch
    >>> from skmtl.architectures import CrossStitch
    >>> net = CrossStitch(5, 2, 1, shared_layers=(8, 8), self_weight=0.8)
    >>> net(torch.randn(4, 5)).shape
    torch.Size([4, 2, 1])
    >>> net.stitch_matrices()[0]
    tensor([[0.8000, 0.2000],
            [0.2000, 0.8000]])
    """

    name = "cross_stitch"
    sparse_input = True

    def __init__(self, n_features, n_tasks, n_outputs, *, self_weight=0.9, **kwargs):
        super().__init__(n_features, n_tasks, n_outputs, **kwargs)
        self._require_layers("column layer to stitch")
        self.self_weight = float(self_weight)
        sizes = [n_features, *self.shared_layers]
        self.columns = nn.ModuleList(
            TaskLinear(n_tasks, a, b) for a, b in itertools.pairwise(sizes)
        )
        self.activations = nn.ModuleList(
            make_activation(self.activation) for _ in self.shared_layers
        )
        self.column_dropout = (
            nn.Dropout(self.dropout) if self.dropout > 0 else nn.Identity()
        )
        if n_tasks == 1:
            initial = torch.ones(1, 1)
        else:
            initial = torch.full((n_tasks, n_tasks), (1 - self_weight) / (n_tasks - 1))
            initial.fill_diagonal_(self_weight)
        self.alpha = nn.Parameter(
            initial.expand(len(self.shared_layers), -1, -1).clone()
        )
        self.heads = self._task_heads(self.shared_layers[-1])

    def _columns(self, X):
        """Return the top activations before and after the last unit, task-major."""
        mixed = X
        for layer, activation, alpha in zip(self.columns, self.activations, self.alpha):
            before = self.column_dropout(activation(layer(mixed)))
            mixed = torch.einsum("ts,sbh->tbh", alpha, before)
        return before, mixed

    def forward_with_shared(self, X, task=None):
        """Run the stitched columns, then every task's head (or each row's own).

        Returns the outputs and the columns' activations entering the last
        cross-stitch unit (the shared tensor).
        """
        # Every unit reads all columns, so the long layout runs all of them and
        # then keeps each row's own column for its head.
        before, mixed = self._columns(X)
        return self.heads(self.own_task(mixed, task), task), before

    def shared_representation(self, X):
        """Return the activations entering the last unit, ``(batch, n_tasks * h)``."""
        return self._columns(X)[0].transpose(0, 1).flatten(1)

    def shared_parameters(self):
        """Return the cross-stitch matrices (one parameter of all the layers)."""
        return [self.alpha]

    def stitch_matrices(self):
        """Return a copy of the cross-stitch matrices.

        Returns
        -------
        alpha : Tensor of shape (n_layers, n_tasks, n_tasks)
            ``alpha[l, t, s]``: the weight of column ``s`` in task ``t``'s mixed
            activations after hidden layer ``l``.
        """
        return self.alpha.detach().clone()

    def summary(self, X=None):
        """Return the cross-stitch matrices.

        Parameters
        ----------
        X : Tensor or None
            Unused: the matrices do not depend on the input.

        Returns
        -------
        summary : dict of str -> Tensor
            ``"stitch_matrices"``: ``(n_layers, n_tasks, n_tasks)``, see
            :meth:`stitch_matrices`.
        """
        return {"stitch_matrices": self.stitch_matrices()}


@ARCHITECTURES.register
class CrossStitchConfig(ArchitectureConfig):
    """Configuration of :class:`CrossStitch`, ``sharing="cross_stitch"``.

    Parameters
    ----------
    self_weight : float, default=0.9
        Initial weight of each column on itself in the cross-stitch units, in
        [0, 1].
    """

    plugin = CrossStitch
    _parameter_constraints = {"self_weight": [Interval(Real, 0, 1, closed="both")]}

    def __init__(self, self_weight=0.9):
        self.self_weight = self_weight
