"""Multi-gate mixture of experts (MMoE): shared experts, one softmax gate per task.

Ma, J., Zhao, Z., Yi, X., Chen, J., Hong, L. and Chi, E. H. (2018). Modeling task
relationships in multi-task learning with multi-gate mixture-of-experts. In
Proceedings of KDD 2018, 1930-1939.
"""

from numbers import Integral

import torch

from skmtl.architectures._base import ARCHITECTURES, Architecture, ArchitectureConfig
from skmtl.architectures._docs import SECTIONS, numbers
from skmtl.architectures._layers import TaskLinear, TaskMLP
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval


@fill_doc(**SECTIONS, numbers=numbers("every expert"))
class MultiGateMixtureOfExperts(Architecture):
    r"""Experts shared by all tasks, mixed by a softmax gate of each task.

    ``n_experts`` MLPs (hidden sizes ``shared_layers``) read the input; each task
    :math:`t` mixes their outputs with its own gate, a softmax over a linear map
    of the input, and feeds the mixture to its head (``head_layers`` then a
    linear output):

    .. math::

        f_t(x) = h_t\Big(\sum_{e=1}^{E} g_{t,e}(x)\, f_e(x)\Big), \qquad
        g_t(x) = \operatorname{softmax}(W_t x + b_t).

    The gates learn how much each task relies on each expert, so related tasks
    can share experts and unrelated ones can keep apart. The experts, the gates
    and the heads are each one stacked layer per depth, evaluated as batched
    matrix products (no Python loop over experts or tasks).

    Parameters
    ----------
    %(numbers)s
    %(layers)s
    n_experts : int, default=4
        Number of experts.

    See Also
    --------
    ProgressiveLayeredExtraction : Adds task-specific experts and several levels.
    HardSharing : A single expert that every task uses fully.

    Notes
    -----
    The shared tensor of :meth:`forward_with_shared` is the experts' outputs,
    ``(n_experts, batch, shared_layers[-1])``: every parameter before it (the
    experts, :meth:`shared_parameters`) serves all tasks, every parameter after
    it (a gate, a head) serves one task. :meth:`shared_representation` returns
    the same outputs side by side. :meth:`summary` reports the gate weights of
    each task.

    References
    ----------
    Ma, J., Zhao, Z., Yi, X., Chen, J., Hong, L. and Chi, E. H. (2018). Modeling
    task relationships in multi-task learning with multi-gate mixture-of-experts.
    In Proceedings of KDD 2018, 1930-1939.

    Examples
    --------
    >>> import torch
    >>> from skmtl.architectures import MultiGateMixtureOfExperts
    >>> net = MultiGateMixtureOfExperts(5, 3, 1, shared_layers=(8,), n_experts=2)
    >>> X = torch.randn(4, 5)
    >>> net(X).shape
    torch.Size([4, 3, 1])
    >>> net.summary(X)["gate_weights"].shape
    torch.Size([3, 2])
    """

    name = "mmoe"
    sparse_input = True

    def __init__(self, n_features, n_tasks, n_outputs, *, n_experts=4, **kwargs):
        super().__init__(n_features, n_tasks, n_outputs, **kwargs)
        self._require_layers("expert layer")
        self.n_experts = int(n_experts)
        self.experts = TaskMLP(
            self.n_experts,
            n_features,
            self.shared_layers,
            None,
            self.activation,
            self.dropout,
        )
        self.gates = TaskLinear(n_tasks, n_features, self.n_experts)
        self.heads = self._task_heads(self.shared_layers[-1])

    def expert_outputs(self, X):
        """Return every expert's output.

        %(rows)s

        Returns
        -------
        experts : Tensor of shape (n_experts, batch, shared_layers[-1])
            Expert-major, as the gates consume them.
        """
        return self.experts(X).transpose(0, 1)

    def gate_weights(self, X):
        """Return each task's softmax weights over the experts for every row.

        %(rows)s

        Returns
        -------
        gates : Tensor of shape (batch, n_tasks, n_experts)
            Non-negative, summing to 1 over the experts.
        """
        return torch.softmax(self.gates(X), dim=-1).transpose(0, 1)

    def forward_with_shared(self, X, task=None):
        """Mix the experts with every task's gate (or each row's own) and run the heads.

        Returns the outputs and the experts' outputs (the shared tensor).
        """
        experts = self.expert_outputs(X)
        if task is None:
            gates = torch.softmax(self.gates(X), dim=-1)
            mixed = torch.einsum("tbe,ebh->tbh", gates, experts)
        else:
            gates = torch.softmax(self.gates(X, task), dim=-1)
            mixed = torch.einsum("be,ebh->bh", gates, experts)
        return self.heads(mixed, task), experts

    def shared_representation(self, X):
        """Return the experts' outputs side by side, ``(batch, n_experts * h)``."""
        return self.experts(X).flatten(1)

    def shared_parameters(self):
        """Return the experts' parameters."""
        return list(self.experts.parameters())

    def summary(self, X=None):
        """Return the gate weights of every task on ``X``.

        %(gate_rows)s

        Returns
        -------
        summary : dict of str -> Tensor
            ``"gate_weights"``: ``(n_tasks, n_experts)``, each task's gate weights
            averaged over the rows of ``X``; ``"gates"``: ``(batch, n_tasks,
            n_experts)``, the gate weights of every row (see
            :meth:`gate_weights`).
        """
        if X is None:
            return {}
        gates = self.gate_weights(X)
        return {"gate_weights": gates.mean(dim=0), "gates": gates}


@ARCHITECTURES.register
class MultiGateMixtureOfExpertsConfig(ArchitectureConfig):
    """Configuration of :class:`MultiGateMixtureOfExperts`, ``sharing="mmoe"``.

    Parameters
    ----------
    n_experts : int, default=4
        Number of experts, >= 1.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skmtl import MultiTaskRegressor
    >>> from skmtl.architectures import MultiGateMixtureOfExpertsConfig
    >>> model = MultiTaskRegressor(sharing=MultiGateMixtureOfExpertsConfig())
    >>> search = GridSearchCV(model, {"sharing__n_experts": [2, 4, 8]})
    """

    plugin = MultiGateMixtureOfExperts
    _parameter_constraints = {"n_experts": [Interval(Integral, 1, None, closed="left")]}

    def __init__(self, n_experts=4):
        self.n_experts = n_experts
