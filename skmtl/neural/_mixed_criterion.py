"""The loss and the module of a network whose tasks are of different types.

Each task has a kind code (:data:`KIND_CODES`): squared error for a regression
task (standardized targets, output column 0), cross-entropy for a
classification task (masked logits, the label a class code), Poisson negative
log-likelihood for a count task (output column 0 is the log-rate). The loss of
every label is computed for every kind on the whole batch and the label's own
kind is selected with ``torch.where``: no Python loop over tasks or rows, in
the wide layout (one kind per column) as in the long one (one kind per row,
looked up by its task).
"""

import torch
from torch.nn import functional as F

from skmtl.architectures._ensemble import combine_members
from skmtl.neural._criterion import _has_members, per_task_means
from skmtl.neural._module import MultiTaskModule

#: The code of each fitted task type in the kind vector.
KIND_CODES = {"regression": 0, "binary": 1, "multiclass": 1, "poisson": 2}
_CLASSES = 1
_COUNTS = 2


class MixedTaskLoss(torch.nn.Module):
    """Per-task losses for tasks of mixed types; NaN targets are missing labels.

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    task_kinds : sequence of int
        Each task's kind code (:data:`KIND_CODES`).
    """

    def __init__(self, n_tasks, task_kinds):
        super().__init__()
        self.n_tasks = n_tasks
        self.register_buffer("task_kinds", torch.as_tensor(list(task_kinds)))

    def forward(self, y_pred, y, weight=None, observed=None, task=None):
        """Return ``(losses, totals)`` as in :func:`per_task_means`."""
        if observed is not None:
            y = torch.nan_to_num(y)
        return per_task_means(
            self.elementwise(y_pred, y, task), weight, observed, task, self.n_tasks
        )

    def elementwise(self, y_pred, y, task=None):
        """Return the loss of each label (none may be missing).

        Parameters
        ----------
        y_pred : Tensor
            The module's outputs: ``(batch, n_tasks, width)`` (wide) or
            ``(batch, width)`` (long), with a member axis after the batch axis
            for an ensemble in training.
        y : Tensor
            Targets: ``(batch, n_tasks)`` (wide) or ``(batch,)`` (long); class
            codes as floats for classification tasks.
        task : LongTensor of shape (batch,) or None
            Each row's task (long layout).

        Returns
        -------
        Tensor, shaped like ``y``
        """
        kinds = self.task_kinds.to(y.device)
        kind = kinds if task is None else kinds[task]
        if _has_members(y_pred, y):
            # An ensemble's loss is the mean of its members' losses (TabM).
            y = y.unsqueeze(1).expand(y_pred.shape[:-1])
            kind = kind.unsqueeze(0) if task is None else kind.unsqueeze(1)
            return _label_losses(y_pred, y, kind).mean(1)
        return _label_losses(y_pred, y, kind)

    def mean_over_labels(self, y_pred, y):
        """Return the mean loss over every label and each task's mean (detached).

        See :meth:`~skmtl.neural._criterion.MaskedSquaredError.mean_over_labels`.
        """
        elementwise = self.elementwise(y_pred, y)
        return elementwise.mean(), elementwise.detach().mean(0).view(-1)


def _label_losses(y_pred, y, kind):
    """Return each label's loss by its kind; ``kind`` broadcasts against ``y``."""
    value = y_pred[..., 0]
    squared = (value - y).square()
    # exp(eta) - y eta: the Poisson negative log-likelihood of the log-rate eta,
    # up to the term log(y!) that does not depend on the network.
    # Computed on 0 for the labels of other kinds: an overflowing exp there
    # would turn the zero gradient torch.where gives them into NaN.
    is_counts = kind == _COUNTS
    log_rate = torch.where(is_counts, value, 0.0)
    poisson = F.poisson_nll_loss(
        log_rate, y, log_input=True, full=False, reduction="none"
    )
    is_class = kind == _CLASSES
    # A label of another kind indexes class 0, which every task has.
    code = torch.where(is_class, y, 0.0).long().unsqueeze(-1)
    nll = -F.log_softmax(y_pred, dim=-1).gather(-1, code).squeeze(-1)
    return torch.where(is_class, nll, torch.where(is_counts, poisson, squared))


class MixedTaskModule(MultiTaskModule):
    """A :class:`MultiTaskModule` whose ensemble members combine per task kind.

    Members average their probabilities for a classification task, their
    predicted rates for a count task, their values for a regression task.

    Parameters
    ----------
    architecture, weighting, class_counts
        As for :class:`MultiTaskModule`.
    task_kinds : sequence of int
        Each task's kind code (:data:`KIND_CODES`).
    """

    def __init__(self, architecture, weighting, class_counts, task_kinds):
        super().__init__(architecture, weighting, class_counts)
        self.register_buffer("task_kinds", torch.as_tensor(list(task_kinds)))

    def combine(self, outputs, task):
        """Return the ensemble's prediction from its members' ``outputs``."""
        kind = self.task_kinds if task is None else self.task_kinds[task]
        kind = kind.unsqueeze(-1)  # broadcasts over the output axis
        count = torch.tensor(float(outputs.shape[1]), device=outputs.device)
        return torch.where(
            kind == _CLASSES,
            combine_members(outputs, True),
            torch.where(
                kind == _COUNTS,
                torch.logsumexp(outputs, dim=1) - torch.log(count),
                outputs.mean(1),
            ),
        )
