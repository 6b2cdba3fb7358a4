"""Building blocks shared by the architectures: activations, MLPs, stacked task layers.

A :class:`TaskLinear` holds one linear map per task as a single ``(n_tasks, in, out)``
tensor, so all task heads run as one batched matmul instead of a Python loop.
"""

import itertools
import math

import torch
from torch import nn
from torch.nn import functional as F

from ._row_linear import row_linear

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "logistic": nn.Sigmoid,
    "gelu": nn.GELU,
    "elu": nn.ELU,
    "selu": nn.SELU,
    "leaky_relu": nn.LeakyReLU,
    "identity": nn.Identity,
}


def make_activation(spec):
    """Return a new activation module from a name in ``ACTIVATIONS`` or a class."""
    if isinstance(spec, str):
        try:
            return ACTIVATIONS[spec]()
        except KeyError:
            raise ValueError(
                f"Unknown activation={spec!r}; expected one of {sorted(ACTIVATIONS)} "
                "or a torch.nn.Module subclass."
            ) from None
    if isinstance(spec, type) and issubclass(spec, nn.Module):
        return spec()
    raise TypeError(
        f"activation must be a name in {sorted(ACTIVATIONS)} or a torch.nn.Module "
        f"subclass, got {spec!r}."
    )


def mlp(n_inputs, layer_sizes, activation, dropout):
    """Return a ``Sequential`` of ``Linear -> activation -> Dropout`` blocks.

    An empty ``layer_sizes`` gives the identity, so the trunk can be skipped.
    """
    blocks = []
    for size in layer_sizes:
        blocks += [nn.Linear(n_inputs, size), make_activation(activation)]
        if dropout > 0:
            blocks.append(nn.Dropout(dropout))
        n_inputs = size
    return nn.Sequential(*blocks)


# In the long layout, computing every task's output and keeping each row's own is
# one plain matmul, cheaper than mapping each row by its own task's weights while
# the tasks are few; the work of the first grows with the number of tasks, that of
# the second does not. Measured (batch 256, forward and backward, one thread): the
# rows win from about 8 tasks with 32 outputs, 50 to 100 with 1 to 4 outputs.
_ROWS_MIN_TASKS = 16
_ROWS_MIN_OUTPUTS = 256


def use_own_task_rows(n_tasks, n_outputs):
    """Return whether a long-layout layer maps each row by its own task only."""
    return n_tasks >= _ROWS_MIN_TASKS and n_tasks * n_outputs > _ROWS_MIN_OUTPUTS


class TaskLinear(nn.Module):
    """One linear map per task, stored stacked and applied in one batched matmul.

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    n_inputs, n_outputs : int
        Input and output sizes of each task's map.

    Notes
    -----
    Inputs and outputs use the task-major layout ``(n_tasks, batch, features)``.
    A 2-D input ``(batch, n_inputs)`` is shared by every task. With ``task`` given
    (the long layout), each row is mapped by its own task's weights only and the
    result is ``(batch, n_outputs)``. Each task's weights are initialised like a
    :class:`torch.nn.Linear` of the same size.
    """

    def __init__(self, n_tasks, n_inputs, n_outputs):
        super().__init__()
        bound = 1.0 / math.sqrt(n_inputs) if n_inputs > 0 else 0.0
        self.weight = nn.Parameter(
            torch.empty(n_tasks, n_inputs, n_outputs).uniform_(-bound, bound)
        )
        self.bias = nn.Parameter(
            torch.empty(n_tasks, n_outputs).uniform_(-bound, bound)
        )

    def forward(self, x, task=None):
        """Apply every task's map, or each row's own task map when ``task`` is given."""
        n_tasks, _, n_outputs = self.weight.shape
        if (
            task is not None
            and x.dim() == 2
            and x.layout == torch.strided  # a sparse input takes the product
            and use_own_task_rows(n_tasks, n_outputs)
        ):
            return row_linear(x, self.weight, self.bias, task)
        if x.dim() == 2:
            if task is not None and n_outputs == 1:
                # Each row's own task column of one product: (batch, 1) straight
                # from the gather, without the reshaping nodes of the general case.
                out = F.linear(x, self.weight.view(n_tasks, -1), self.bias.view(-1))
                return out.gather(1, task.unsqueeze(1))
            out = self.shared_input(x)
            if task is not None:
                # Each row's own task output; gather's backward is a plain
                # scatter-add (cheaper than advanced indexing's index_put).
                index = task.view(-1, 1, 1).expand(-1, 1, n_outputs)
                return out.gather(1, index).squeeze(1)
            return out.transpose(0, 1)
        return torch.baddbmm(self.bias.unsqueeze(1), x, self.weight)

    def shared_input(self, x):
        """Apply every task's map to one input shared by all tasks.

        Parameters
        ----------
        x : Tensor of shape (batch, n_inputs)
            The shared input.

        Returns
        -------
        out : Tensor of shape (batch, n_tasks, n_outputs)
            Every task's output, batch-major.
        """
        n_tasks, n_inputs, n_outputs = self.weight.shape
        if n_outputs == 1:
            # One output per task (regression): the stacked weights are already
            # an (n_tasks, n_inputs) matrix, so this is exactly nn.Linear, with
            # no copy of the weights and the cheapest backward (measured: forward
            # and backward 4x faster than the general path below).
            out = F.linear(x, self.weight.view(n_tasks, n_inputs), self.bias.view(-1))
            return out.unsqueeze(-1)
        # Every task at once is one plain matmul against the weights laid side by
        # side, much cheaper (forward and backward) than a batched matmul over a
        # broadcast input.
        flat = self.weight.permute(1, 0, 2).reshape(n_inputs, -1)
        out = torch.addmm(self.bias.reshape(-1), x, flat)
        return out.view(x.shape[0], n_tasks, n_outputs)

    def batch_major(self, x):
        """Apply each task's map to its own input, in the batch-major layout.

        Parameters
        ----------
        x : Tensor of shape (batch, n_tasks, n_inputs)
            Each task's input.

        Returns
        -------
        out : Tensor of shape (batch, n_tasks, n_outputs)
        """
        n_tasks, n_inputs, n_outputs = self.weight.shape
        if n_outputs == 1:
            # A weighted sum per task: cheaper than a batched matmul of
            # (batch x n_inputs) by (n_inputs x 1) matrices, forward and backward.
            out = (x * self.weight.view(n_tasks, n_inputs)).sum(-1, keepdim=True)
            return out + self.bias
        return torch.einsum("bti,tio->bto", x, self.weight) + self.bias


class TaskMLP(nn.Module):
    """A stack of :class:`TaskLinear` layers: one small MLP per task, run together.

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    n_inputs : int
        Size of the input shared by all tasks.
    layer_sizes : sequence of int
        Hidden layer sizes of every task's MLP.
    n_outputs : int or None
        Size of the final linear output layer; None ends on the last hidden layer.
    activation, dropout
        As for :func:`mlp`.
    """

    def __init__(self, n_tasks, n_inputs, layer_sizes, n_outputs, activation, dropout):
        super().__init__()
        self.n_tasks = n_tasks
        sizes = [n_inputs, *layer_sizes]
        self.hidden = nn.ModuleList(
            TaskLinear(n_tasks, a, b) for a, b in itertools.pairwise(sizes)
        )
        self.activations = nn.ModuleList(
            make_activation(activation) for _ in layer_sizes
        )
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.output = (
            None if n_outputs is None else TaskLinear(n_tasks, sizes[-1], n_outputs)
        )
        self.n_features_out = sizes[-1] if n_outputs is None else n_outputs

    def forward(self, x, task=None):
        """Return ``(batch, n_tasks, out)``, or ``(batch, out)`` given ``task``."""
        if task is None and x.dim() == 2 and (self.hidden or self.output):
            return self._shared_input(x)
        for layer, activation in zip(self.hidden, self.activations):
            x = self.dropout(activation(layer(x, task)))
        if self.output is not None:
            x = self.output(x, task)
        if task is None and x.dim() == 2:
            # No layer at all: every task sees the shared input unchanged.
            return x.unsqueeze(1).expand(-1, self.n_tasks, -1)
        if task is None:
            x = x.transpose(0, 1)
        return x

    def _shared_input(self, x):
        """Run every task's MLP on one shared input, batch-major throughout.

        The heads of hard sharing: no round trip through the task-major layout,
        and one-output layers as weighted sums (measured for 100 tasks with
        32-unit heads on a 64-unit input, batch 256: forward and backward in
        about half the time of the task-major path).
        """
        layers = [*self.hidden, *([self.output] if self.output is not None else [])]
        out = layers[0].shared_input(x)
        for index, layer in enumerate(layers):
            if index > 0:
                out = layer.batch_major(out)
            if index < len(self.hidden):
                out = self.dropout(self.activations[index](out))
        return out
