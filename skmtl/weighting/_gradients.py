"""Shared machinery of the gradient-level weightings (PCGrad, MGDA, CAGrad, UPGrad).

These methods combine per-task *gradients* rather than losses. Following MGDA-UB
(Sener & Koltun, 2018, "Multi-task learning as multi-objective optimization",
NeurIPS), the per-task gradients are taken with respect to the shared
representation of the batch, not every shared parameter: one batched backward pass
to the representation gives the Jacobian, whose Gramian (``k x k`` for ``k`` tasks
present) is all that the methods need to choose their weights.
"""

import numpy as np
import torch

from skmtl.weighting._base import LossWeighting


class GradientAggregation(LossWeighting):
    """Base class of the weightings that aggregate per-task gradients.

    For the ``k`` tasks present in a batch, :meth:`forward` computes the Jacobian
    ``J`` (``k x m``) of their losses with respect to the shared representation
    (``m`` = its number of elements), asks :meth:`aggregation_weights` for weights
    ``w`` given the Gramian ``J J^T``, and returns a surrogate loss whose gradient is
    the aggregated ``g = sum_t w_t J_t`` at the representation, while each task's own
    parameters (its head) receive the plain gradient of its own loss, as in
    ``torchjd.autojac.mtl_backward``. Subclasses implement only
    :meth:`aggregation_weights`.

    Parameters
    ----------
    n_tasks : int
        Number of tasks.
    random_state : int
        Seed of :attr:`generator`, the method's only source of randomness.

    Attributes
    ----------
    generator : torch.Generator
        CPU generator seeded with ``random_state`` (PCGrad's random task orders).

    Notes
    -----
    The surrogate is ``sum_t L_t + <features, stop_grad(g - sum_t J_t)>`` over the
    present tasks: its gradient at the representation is exactly ``g``, and the
    task-specific parameters, which the second term does not reach, get
    ``dL_t/dtheta_t``. Its value is shifted by a constant to ``sum_t w_t L_t``, so the
    loss skorch records reads like a weighted loss.

    With a single task present there is nothing to aggregate: the loss is that
    task's loss, with weight 1, and no Jacobian is computed. When the
    representation does not depend on any trainable parameter (e.g. no shared
    layers) the Jacobian is zero, and a task's weight is whatever the method gives
    on a zero Gramian. Called without ``features`` (outside the estimators), the
    method aggregates the gradients with respect to the losses themselves
    (``J`` = identity) and returns ``sum_t w_t L_t``. A non-finite Jacobian
    (diverged training) gets the plain sum (weights 1) rather than a solver error,
    so the divergence shows in the losses as it does with the other weightings.

    All methods solve their small problem in float64 on the CPU; the Jacobian stays
    on the device of the representation.
    """

    requires_features = True

    def __init__(self, n_tasks, *, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        self.generator = torch.Generator().manual_seed(int(random_state))

    def aggregation_weights(self, gramian, losses):
        """Return the weight of each task's gradient in the aggregated gradient.

        Parameters
        ----------
        gramian : ndarray of shape (k, k)
            Float64 Gramian ``J J^T`` of the present tasks' gradients.
        losses : ndarray of shape (k,)
            Their losses (for methods that normalise by the loss).

        Returns
        -------
        weights : ndarray of shape (k,)
            ``w`` such that the aggregated gradient is ``sum_t w_t J_t``.
        """
        raise NotImplementedError

    def forward(self, task_losses, present, features=None):
        """Return the surrogate loss and the weights of the per-task gradients.

        See :meth:`skmtl.weighting.LossWeighting.forward`; absent tasks get
        weight 0 and contribute nothing.
        """
        index = torch.nonzero(present).squeeze(1)
        weights = torch.zeros_like(task_losses.detach())
        losses = task_losses[index]
        if index.numel() == 0:
            return (task_losses * 0.0).sum(), weights
        if index.numel() == 1:
            weights[index] = 1.0
            return losses.sum(), weights

        if features is None:
            jacobian = None
            gramian = np.eye(index.numel())
        else:
            jacobian = task_jacobian(losses, features)
            jacobian64 = jacobian.double()
            gramian = (jacobian64 @ jacobian64.T).cpu().numpy()
        if np.isfinite(gramian).all():
            w = self.aggregation_weights(
                gramian, losses.detach().double().cpu().numpy()
            )
        else:
            w = np.ones(index.numel())
        w = torch.as_tensor(w, dtype=task_losses.dtype, device=task_losses.device)
        weights[index] = w
        weighted = (w * losses).sum()
        if jacobian is None:
            return weighted, weights

        plain = losses.sum()
        correction = ((w - 1.0) @ jacobian).view_as(features)
        shift = (features * correction).sum()
        loss = plain + shift + (weighted - plain - shift).detach()
        return loss, weights


def task_jacobian(losses, features):
    """Return the gradients of ``losses`` with respect to ``features``, one per row.

    One vectorised backward pass (``is_grads_batched``) to the representation: on
    CPU with 10 tasks, a 256 x 128 representation and a 128-128 trunk it took
    about 0.6 of the time of 10 separate ``autograd.grad`` calls. The graph is
    retained for the training step's own backward pass.

    Parameters
    ----------
    losses : Tensor of shape (k,)
        Task losses, part of the graph of ``features``.
    features : Tensor
        The shared representation (any shape).

    Returns
    -------
    jacobian : Tensor of shape (k, features.numel())
        Detached; rows of zeros where a loss does not depend on ``features``.
    """
    k = losses.shape[0]
    if not features.requires_grad:
        return features.new_zeros(k, features.numel())
    eye = torch.eye(k, dtype=losses.dtype, device=losses.device)
    (jacobian,) = torch.autograd.grad(
        losses,
        features,
        grad_outputs=eye,
        is_grads_batched=True,
        retain_graph=True,
        allow_unused=True,
    )
    if jacobian is None:
        return features.new_zeros(k, features.numel())
    return jacobian.reshape(k, -1).detach()
