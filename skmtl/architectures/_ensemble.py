"""Hard sharing with a parameter-efficient ensemble trunk (TabM).

Gorishniy, Y., Kotelnikov, A., & Babenko, A. (2025). TabM: Advancing tabular
deep learning with parameter-efficient ensembling. ICLR 2025.
Wen, Y., Tran, D., & Ba, J. (2020). BatchEnsemble: an alternative approach to
efficient ensemble and lifelong learning. ICLR 2020.

The layers are those of the authors' package ``tabm`` (``EnsembleView``,
``ElementwiseAffine``, ``LinearBatchEnsemble``).
"""

import torch
from torch import nn

from skmtl.architectures._base import Architecture
from skmtl.architectures._layers import make_activation
from skmtl.utils._optional import import_optional

# Name patterns (fnmatch) of the members' own scalings: the first layer's
# adapter and each BatchEnsemble layer's input and output scalings.
MEMBER_SCALINGS = ("*adapter.weight", "*blocks.*.r", "*blocks.*.s")


class EnsembleHardSharing(Architecture):
    """Hard sharing whose trunk is ``n_members`` MLPs sharing most weights.

    The first trunk layer is one linear map shared by every member (so a sparse
    ``X`` takes one sparse product), followed by each member's own elementwise
    scaling (random signs, as TabM initialises its first adapter) and bias. Every
    further layer is a ``tabm.LinearBatchEnsemble``: a shared weight matrix with
    per-member input and output scalings and biases. The task heads are shared by
    the members and read each member's representation. One forward pass runs all
    members on the batch.

    In training, :meth:`forward_with_shared` returns every member's outputs,
    ``(batch, n_members, n_tasks, n_outputs)`` (long layout: ``(batch,
    n_members, n_outputs)``), and the criterion takes the mean of the members'
    losses; :class:`~skmtl.neural._module.MultiTaskModule` averages the members'
    predictions (probabilities for classification) in evaluation.

    Parameters
    ----------
    n_features, n_tasks, n_outputs, **kwargs
        As for :class:`~skmtl.architectures.Architecture`.
    n_members : int, default=32
        Number of ensemble members (``k`` in the TabM paper).

    References
    ----------
    Gorishniy, Y., Kotelnikov, A., & Babenko, A. (2025). TabM: Advancing tabular
    deep learning with parameter-efficient ensembling. ICLR 2025.
    """

    # Not a registered architecture: the variant of "hard" that ensemble_size
    # selects (skmtl.neural._tabular.build_architecture).
    name = None
    sparse_input = True

    def __init__(self, n_features, n_tasks, n_outputs, *, n_members=32, **kwargs):
        super().__init__(n_features, n_tasks, n_outputs, **kwargs)
        tabm = import_optional("tabm", "ensemble_size", "tabular")
        # Checked by the estimator (ensemble_size >= 1).
        self.n_members = int(n_members)
        if not self.shared_layers:
            raise ValueError(
                "ensemble_size needs at least one shared layer (the members differ "
                "in their trunk), got shared_layers=()."
            )
        first, *rest = self.shared_layers
        self.first = nn.Linear(n_features, first)
        self.view = tabm.EnsembleView(k=self.n_members)
        self.adapter = tabm.ElementwiseAffine(
            (self.n_members, first), bias=True, scaling_init="random-signs"
        )
        blocks = [make_activation(self.activation)]
        if self.dropout > 0:
            blocks.append(nn.Dropout(self.dropout))
        for n_in, n_out in zip(self.shared_layers, rest):
            blocks.append(
                tabm.LinearBatchEnsemble(
                    n_in, n_out, k=self.n_members, scaling_init="ones"
                )
            )
            blocks.append(make_activation(self.activation))
            if self.dropout > 0:
                blocks.append(nn.Dropout(self.dropout))
        self.blocks = nn.Sequential(*blocks)
        self.heads = self._task_heads(self.shared_layers[-1])

    def members(self, X):
        """Return every member's trunk output, ``(batch, n_members, width)``."""
        return self.blocks(self.adapter(self.view(self.first(X))))

    def forward_with_shared(self, X, task=None):
        """Run the members' trunks, then the task heads on each member's output.

        The shared representation returned is the members' outputs stacked row
        by row, ``(batch * n_members, width)``: the tensor the heads read.
        """
        members = self.members(X)
        batch, k, width = members.shape
        shared = members.reshape(batch * k, width)
        if task is not None:
            task = task.repeat_interleave(k)
        outputs = self.heads(shared, task)
        return outputs.reshape(batch, k, *outputs.shape[1:]), shared

    def shared_representation(self, X):
        """Return the members' trunk outputs averaged, ``(batch, width)``."""
        return self.members(X).mean(1)

    def shared_parameters(self):
        """Return the trunk parameters (shared weights and member adapters)."""
        return [
            *self.first.parameters(),
            *self.adapter.parameters(),
            *self.blocks.parameters(),
        ]


def combine_members(outputs, classification):
    """Return the ensemble's prediction from every member's outputs.

    Parameters
    ----------
    outputs : Tensor of shape (batch, n_members, ...)
        Each member's outputs (classification: masked logits).
    classification : bool
        Average probabilities (returned as their logarithm, valid logits whose
        softmax is the mean probability) rather than values.

    Returns
    -------
    Tensor of shape (batch, ...)
    """
    if not classification:
        return outputs.mean(1)
    log_proba = torch.log_softmax(outputs, dim=-1)
    return torch.logsumexp(log_proba, dim=1) - torch.log(
        torch.tensor(float(outputs.shape[1]), device=outputs.device)
    )
