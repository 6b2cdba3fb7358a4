"""The torch module that skorch trains: an architecture plus a loss weighting."""

import torch
from torch import nn

from skmtl.architectures._ensemble import combine_members


class MultiTaskModule(nn.Module):
    """Wrap a sharing architecture and a loss weighting into one trainable module.

    Keeping the weighting inside the module means its learnable parameters are
    optimised, checkpointed and moved to the device together with the network.

    Parameters
    ----------
    architecture : skmtl.architectures.Architecture
        Maps features to per-task outputs.
    weighting : skmtl.weighting.LossWeighting
        Combines per-task losses.
    class_counts : sequence of int or None
        Classification only: the number of classes of each task. Outputs beyond a
        task's own classes are masked to ``-inf``.
    """

    def __init__(self, architecture, weighting, class_counts=None):
        super().__init__()
        self.architecture = architecture
        self.weighting = weighting
        if class_counts is None:
            self.register_buffer("class_mask", None)
        else:
            counts = torch.as_tensor(list(class_counts))
            mask = torch.arange(int(counts.max())) < counts.unsqueeze(1)
            self.register_buffer("class_mask", mask)

    def forward(self, X, task=None):
        """Return the per-task outputs (masked logits for classification)."""
        return self.forward_with_shared(X, task)[0]

    def forward_with_shared(self, X, task=None):
        """Return the per-task outputs and the shared representation."""
        outputs, shared = self.architecture.forward_with_shared(X, task)
        # An ensemble's outputs have a member axis after the batch axis: every
        # member's in training (the criterion averages their losses), their
        # combined prediction otherwise.
        members = self.architecture.n_members is not None
        if self.class_mask is not None:
            mask = self.class_mask if task is None else self.class_mask[task]
            if members and task is not None:
                mask = mask.unsqueeze(1)
            outputs = outputs.masked_fill(~mask, float("-inf"))
        if members and not self.training:
            outputs = self.combine(outputs, task)
        return outputs, shared

    def combine(self, outputs, task):
        """Return an ensemble's prediction from its members' ``outputs``.

        Averages the probabilities of a classifier's members and the values of
        a regressor's; ``task`` (each row's task in the long layout, else None)
        is for subclasses that combine each task its own way.
        """
        return combine_members(outputs, self.class_mask is not None)
