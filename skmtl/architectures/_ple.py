"""Progressive layered extraction (PLE): shared and task experts over several levels.

Tang, H., Liu, J., Zhao, M. and Gong, X. (2020). Progressive layered extraction
(PLE): a novel multi-task learning (MTL) model for personalized recommendations.
In Proceedings of RecSys 2020, 269-278.
"""

from numbers import Integral

import torch
from torch import nn

from skmtl.architectures._base import ARCHITECTURES, Architecture, ArchitectureConfig
from skmtl.architectures._docs import SECTIONS, numbers
from skmtl.architectures._layers import TaskLinear, TaskMLP
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval


class _ExtractionLevel(nn.Module):
    """One customized gate control (CGC) level of PLE.

    Expert outputs are expert-major, ``(n_experts, batch, h)``. The task experts of
    all tasks are one stacked :class:`TaskMLP` of ``n_tasks * n_task_experts``
    members, task ``t`` owning members ``t * n_task_experts`` onwards. A task gate
    weighs its own task experts first, then the shared experts; the shared gate
    (levels below the top) weighs every task expert, then the shared experts.
    """

    def __init__(self, n_tasks, n_inputs, n_shared, n_own, mlp_options, *, top):
        super().__init__()
        self.n_tasks = n_tasks
        self.n_own = n_own
        self.shared_experts = TaskMLP(n_shared, n_inputs, *mlp_options)
        self.task_experts = (
            TaskMLP(n_tasks * n_own, n_inputs, *mlp_options) if n_own else None
        )
        self.task_gates = TaskLinear(n_tasks, n_inputs, n_own + n_shared)
        self.shared_gate = (
            None if top else nn.Linear(n_inputs, n_tasks * n_own + n_shared)
        )

    def forward(self, task_inputs, shared_input):
        """Run every task's experts and gate.

        ``task_inputs`` is ``(n_tasks, batch, d)``, or ``(batch, d)`` read by every
        task (the first level). Returns the task outputs ``(n_tasks, batch, h)``,
        the shared output ``(batch, h)`` (None at the top), the shared experts'
        outputs, the task gates ``(n_tasks, batch, n_gated)`` and the shared gate
        ``(batch, n_all)`` (None at the top).
        """
        shared = self.shared_experts(shared_input).transpose(0, 1)
        gates = torch.softmax(self.task_gates(task_inputs), dim=-1)
        outputs = torch.einsum("tbs,sbh->tbh", gates[..., self.n_own :], shared)
        own = None
        if self.task_experts is not None:
            if task_inputs.dim() == 3:
                task_inputs = task_inputs.repeat_interleave(self.n_own, dim=0)
            own = self.task_experts(task_inputs).transpose(0, 1)
            outputs = outputs + torch.einsum(
                "tbk,tkbh->tbh",
                gates[..., : self.n_own],
                own.unflatten(0, (self.n_tasks, self.n_own)),
            )
        if self.shared_gate is None:
            return outputs, None, shared, gates, None
        shared_gate = torch.softmax(self.shared_gate(shared_input), dim=-1)
        n_all_own = self.n_tasks * self.n_own
        shared_output = torch.einsum("bs,sbh->bh", shared_gate[:, n_all_own:], shared)
        if own is not None:
            shared_output = shared_output + torch.einsum(
                "be,ebh->bh", shared_gate[:, :n_all_own], own
            )
        return outputs, shared_output, shared, gates, shared_gate

    def forward_own(self, task_input, shared_input, task):
        """Run only each row's own task experts and gate (top level, long layout).

        ``task_input`` is ``(batch, d)``, each row's own task input. Returns the
        rows' outputs ``(batch, h)`` and the shared experts' outputs.
        """
        shared = self.shared_experts(shared_input).transpose(0, 1)
        gates = torch.softmax(self.task_gates(task_input, task), dim=-1)
        outputs = torch.einsum("bs,sbh->bh", gates[:, self.n_own :], shared)
        if self.task_experts is not None:
            # Row i of copy k goes through expert k of its own task.
            n_rows = task.shape[0]
            copy = torch.arange(self.n_own, device=task.device)
            expert = (task * self.n_own).repeat(self.n_own) + copy.repeat_interleave(
                n_rows
            )
            own = self.task_experts(task_input.repeat(self.n_own, 1), expert)
            outputs = outputs + torch.einsum(
                "bk,kbh->bh",
                gates[:, : self.n_own],
                own.unflatten(0, (self.n_own, n_rows)),
            )
        return outputs, shared


@fill_doc(**SECTIONS, numbers=numbers("every expert"))
class ProgressiveLayeredExtraction(Architecture):
    r"""Levels of shared and task-specific experts, mixed by per-task gates.

    Each of the ``n_levels`` levels holds ``n_shared_experts`` experts read by
    every task and ``n_task_experts`` experts of each task, all MLPs of hidden
    sizes ``shared_layers``. At each level, the gate of task :math:`t` (a softmax
    over a linear map of the task's input) mixes task :math:`t`'s own experts and
    the shared experts into task :math:`t`'s input of the next level; below the
    top, a shared gate mixes all the experts into the next level's shared input.
    The first level's inputs are all the features; the top level's task outputs
    feed the heads (``head_layers`` then a linear output).

    With ``n_levels=1`` this is the customized gate control (CGC) module of the
    paper; with ``n_task_experts=0`` and one level it is
    :class:`~skmtl.architectures.MultiGateMixtureOfExperts` with linear gates.
    The experts of a level, its gates and the heads are each one stacked layer
    per depth evaluated as a batched product; the only Python loop is over the
    levels.

    Parameters
    ----------
    %(numbers)s
    %(layers)s
    n_levels : int, default=1
        Number of extraction levels.
    n_shared_experts : int, default=2
        Number of shared experts in each level (at least 1).
    n_task_experts : int, default=1
        Number of experts of each task in each level (0 allowed).

    See Also
    --------
    MultiGateMixtureOfExperts : Shared experts only, one level.

    Notes
    -----
    The gate weights of a task list its own task experts first, then the shared
    experts (``n_task_experts + n_shared_experts`` columns).

    The shared tensor of :meth:`forward_with_shared` is the top level's shared
    experts' outputs, ``(n_shared_experts, batch, shared_layers[-1])``, and
    :meth:`shared_representation` returns them side by side. With one level every
    parameter before that tensor serves all tasks and every parameter after it
    serves one task. With more levels the lower levels also reach each task
    through its task experts, so gradient-level loss weightings, which aggregate
    the task gradients at the shared tensor, see the task conflicts at the top
    level's shared experts only. :meth:`shared_parameters` returns the shared
    experts and shared gates of every level.

    References
    ----------
    Tang, H., Liu, J., Zhao, M. and Gong, X. (2020). Progressive layered extraction
    (PLE): a novel multi-task learning (MTL) model for personalized
    recommendations. In Proceedings of RecSys 2020, 269-278.

    Examples
    --------
    >>> import torch
    >>> from skmtl.architectures import ProgressiveLayeredExtraction
    >>> net = ProgressiveLayeredExtraction(5, 3, 1, shared_layers=(8,), n_levels=2)
    >>> X = torch.randn(4, 5)
    >>> net(X).shape
    torch.Size([4, 3, 1])
    >>> net.summary(X)["gate_weights"].shape
    torch.Size([2, 3, 3])
    """

    name = "ple"
    # The long layout repeats each row's input per task expert, which torch's
    # sparse tensors do not support: PLE gets dense batches.
    sparse_input = False

    def __init__(
        self,
        n_features,
        n_tasks,
        n_outputs,
        *,
        n_levels=1,
        n_shared_experts=2,
        n_task_experts=1,
        **kwargs,
    ):
        n_levels, n_shared_experts = int(n_levels), int(n_shared_experts)
        n_task_experts = int(n_task_experts)
        super().__init__(n_features, n_tasks, n_outputs, **kwargs)
        self._require_layers("expert layer")
        self.n_levels = n_levels
        self.n_shared_experts = n_shared_experts
        self.n_task_experts = n_task_experts
        mlp_options = (self.shared_layers, None, self.activation, self.dropout)
        width = self.shared_layers[-1]
        self.levels = nn.ModuleList(
            _ExtractionLevel(
                n_tasks,
                n_features if level == 0 else width,
                n_shared_experts,
                n_task_experts,
                mlp_options,
                top=level == n_levels - 1,
            )
            for level in range(n_levels)
        )
        self.heads = self._task_heads(width)

    def _extract(self, X, task=None):
        """Return the top task representations, the top shared experts, the gates.

        The representations are ``(n_tasks, batch, h)``, or ``(batch, h)`` for each
        row's own task when ``task`` is given.
        """
        task_inputs = shared_input = X
        task_gates, shared_gates = [], []
        # The shared gate below the top mixes every task's experts, so the lower
        # levels run all tasks on every row even in the long layout; only the top
        # level and the heads run each row's own task alone.
        for level in self.levels[:-1]:
            task_inputs, shared_input, _, gates, shared_gate = level(
                task_inputs, shared_input
            )
            task_gates.append(gates)
            shared_gates.append(shared_gate)
        top = self.levels[-1]
        if task is None:
            representation, _, shared, gates, _ = top(task_inputs, shared_input)
            task_gates.append(gates)
            return representation, shared, task_gates, shared_gates
        if task_inputs.dim() == 3:
            rows = torch.arange(task.shape[0], device=task.device)
            task_inputs = task_inputs[task, rows]
        representation, shared = top.forward_own(task_inputs, shared_input, task)
        return representation, shared, None, None

    def forward_with_shared(self, X, task=None):
        """Run the levels and the heads for every task (or each row's own).

        Returns the outputs and the top level's shared experts' outputs.
        """
        representation, shared, _, _ = self._extract(X, task)
        return self.heads(representation, task), shared

    def shared_representation(self, X):
        """Return the top level's shared experts' outputs side by side."""
        return self._extract(X)[1].transpose(0, 1).flatten(1)

    def shared_parameters(self):
        """Return the shared experts and shared gates of every level."""
        return [
            parameter
            for level in self.levels
            for module in (level.shared_experts, level.shared_gate)
            if module is not None
            for parameter in module.parameters()
        ]

    def gate_weights(self, X):
        """Return every task gate's weights for every row and level.

        %(rows)s

        Returns
        -------
        gates : Tensor of shape (batch, n_levels, n_tasks, n_gated)
            ``n_gated = n_task_experts + n_shared_experts``: the task's own
            experts, then the shared ones; each row sums to 1.
        """
        return torch.stack(self._extract(X)[2]).permute(2, 0, 1, 3)

    def summary(self, X=None):
        """Return the mean gate weights of the task and shared gates on ``X``.

        %(gate_rows)s

        Returns
        -------
        summary : dict of str -> Tensor
            ``"gate_weights"``: ``(n_levels, n_tasks, n_gated)``, each task gate's
            weights averaged over the rows (see :meth:`gate_weights`);
            ``"gates"``: ``(batch, n_levels, n_tasks, n_gated)``, per row;
            ``"shared_gate_weights"``: ``(n_levels - 1, n_tasks * n_task_experts
            + n_shared_experts)``, the mean weights of the shared gates below the
            top (every task's experts in task order, then the shared experts).
        """
        if X is None:
            return {}
        _, _, task_gates, shared_gates = self._extract(X)
        gates = torch.stack(task_gates).permute(2, 0, 1, 3)
        n_all = self.n_tasks * self.n_task_experts + self.n_shared_experts
        shared = (
            torch.stack(shared_gates).mean(dim=1)
            if shared_gates
            else X.new_zeros(0, n_all)
        )
        return {
            "gate_weights": gates.mean(dim=0),
            "gates": gates,
            "shared_gate_weights": shared,
        }


@ARCHITECTURES.register
class ProgressiveLayeredExtractionConfig(ArchitectureConfig):
    """Configuration of :class:`ProgressiveLayeredExtraction`, ``sharing="ple"``.

    Parameters
    ----------
    n_levels : int, default=1
        Number of extraction levels, >= 1.
    n_shared_experts : int, default=2
        Shared experts per level, >= 1.
    n_task_experts : int, default=1
        Experts of each task per level, >= 0.
    """

    plugin = ProgressiveLayeredExtraction
    _parameter_constraints = {
        "n_levels": [Interval(Integral, 1, None, closed="left")],
        "n_shared_experts": [Interval(Integral, 1, None, closed="left")],
        "n_task_experts": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, n_levels=1, n_shared_experts=2, n_task_experts=1):
        self.n_levels = n_levels
        self.n_shared_experts = n_shared_experts
        self.n_task_experts = n_task_experts
