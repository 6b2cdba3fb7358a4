"""The smooth data terms: a loss on the rows' scores, or Gram matrices.

A data term is the weighted loss over the observed labels of every task,

    f(Theta) = sum over observed (i, t) of omega_it * loss(z_it, y_it),

where ``z_it`` is the linear score of row ``i`` for task ``t`` (see
:mod:`skmtl.linear_model._design`) and ``omega_it`` folds together the sample
weight, the observed-label mask and the task weighting. ``GramData`` (squared
loss only) replaces the rows by per-task Gram matrices when that is cheaper, so
an iteration costs ``T d^2`` instead of ``n d T``.
"""

import numpy as np
from scipy.sparse.linalg import ArpackError, LinearOperator, eigsh
from scipy.special import expit

from skmtl.linear_model._design import DenseDesign

# Up to this many unknowns the curvature's largest eigenvalue is computed densely.
_DENSE_EIGEN_SIZE = 64


class _WeightedLoss:
    """A loss on the scores ``z`` of the observed labels ``y``, weighted by ``omega``.

    ``curvature`` bounds the second derivative of the loss of one score.
    """

    curvature = None

    def __init__(self, targets, weights):
        self.targets = targets
        self.weights = weights


class SquaredLoss(_WeightedLoss):
    """Half the weighted squared error: ``sum omega * (z - y)^2 / 2``."""

    curvature = 1.0

    def value(self, scores):
        residual = scores - self.targets
        return 0.5 * float(np.vdot(self.weights * residual, residual))

    def value_and_derivative(self, scores):
        residual = scores - self.targets
        weighted = self.weights * residual
        return 0.5 * float(np.vdot(weighted, residual)), weighted

    def dual_terms(self, scores):
        """Return ``sum omega r^2`` and ``sum omega r y`` for the residual ``r``."""
        weighted = self.weights * (scores - self.targets)
        return float(np.vdot(weighted, scores - self.targets)), float(
            np.vdot(weighted, self.targets)
        )


class LogisticLoss(_WeightedLoss):
    """The weighted logistic loss ``sum omega * (log(1 + e^z) - y z)``, y in {0, 1}."""

    curvature = 0.25

    def value(self, scores):
        losses = np.logaddexp(0.0, scores) - self.targets * scores
        return float(np.vdot(self.weights, losses))

    def value_and_derivative(self, scores):
        value = self.value(scores)
        return value, self.weights * (expit(scores) - self.targets)


class RowData:
    """A loss evaluated on the scores of a dense or block design."""

    scale = 0.0

    def __init__(self, design, loss):
        self.design = design
        self.loss = loss

    def image(self, theta):
        return self.design.matvec(theta)

    def value(self, theta, scores):
        return self.loss.value(scores)

    def value_and_gradient(self, theta, scores):
        value, derivative = self.loss.value_and_derivative(scores)
        return value, self.design.rmatvec(derivative)

    @property
    def has_dual(self):
        """Whether the loss has the dual the solver's gap needs (squared only)."""
        return isinstance(self.loss, SquaredLoss)

    def dual_terms(self, theta, scores):
        """Return ``sum omega r^2`` and ``sum omega r y`` (squared loss)."""
        return self.loss.dual_terms(scores)

    @property
    def can_screen(self):
        """Whether features can be dropped from the products (wide rows form)."""
        return isinstance(self.design, DenseDesign) and isinstance(
            self.loss, SquaredLoss
        )

    def curvature_product(self, theta):
        """Return ``H theta`` for an upper bound ``H`` of the loss's Hessian."""
        weighted = self.loss.weights * self.design.matvec(theta)
        return self.loss.curvature * self.design.rmatvec(weighted)


class GramData:
    """Squared loss from Gram matrices: ``sum_t theta_t G_t theta_t / 2 - C_t theta_t``.

    ``gram`` is one ``(d, d)`` matrix scaled per task by ``task_scale`` (every
    task sees the same rows) or a ``(T, d, d)`` stack.
    """

    def __init__(self, gram, cross, constant, task_scale=None):
        self.gram = gram
        self.cross = cross
        self.constant = constant
        self.task_scale = task_scale
        # The value subtracts terms of the constant's size: rounding is relative
        # to it.
        self.scale = abs(constant)

    def image(self, theta):
        if self.gram.ndim == 2:
            return self.task_scale[:, None] * (theta @ self.gram)
        return np.matmul(self.gram, theta[:, :, None])[:, :, 0]

    def value(self, theta, image):
        return float(
            0.5 * np.vdot(theta, image) - np.vdot(theta, self.cross) + self.constant
        )

    def value_and_gradient(self, theta, image):
        return self.value(theta, image), image - self.cross

    def dual_terms(self, theta, image):
        """Return ``sum omega r^2`` and ``sum omega r y`` from the Gram form."""
        value = self.value(theta, image)
        return 2.0 * value, float(np.vdot(theta, self.cross)) - 2.0 * self.constant

    def curvature_product(self, theta):
        return self.image(theta)

    def largest_curvature(self):
        """Return the largest eigenvalue of the Hessian, or None if costly.

        The Hessian is block diagonal with one (scaled) Gram matrix per task, so
        its largest eigenvalue is the largest over the blocks: far cheaper than
        Lanczos on the whole ``T * d`` variable.
        """
        if self.gram.ndim == 2:
            return float(self.task_scale.max()) * largest_eigenvalue(self.gram)
        if self.gram.shape[-1] <= _DENSE_EIGEN_SIZE:
            return float(np.linalg.eigvalsh(self.gram)[:, -1].max())
        return None


def largest_eigenvalue(operator):
    """Return the largest eigenvalue of a symmetric matrix or LinearOperator.

    Dense for small sizes; otherwise Lanczos from a fixed start, so fits are
    deterministic, to 1% (the solver's line search corrects an underestimate).
    """
    size = operator.shape[0]
    if size <= _DENSE_EIGEN_SIZE:
        if isinstance(operator, LinearOperator):
            operator = operator.matmat(np.eye(size))
        return float(np.linalg.eigvalsh(0.5 * (operator + operator.T))[-1])
    start = np.random.default_rng(0).standard_normal(size)
    try:
        values = eigsh(
            operator, k=1, which="LA", v0=start, tol=1e-2, return_eigenvectors=False
        )
    except ArpackError:
        # ARPACK stops when the operator maps its start to zero: no curvature
        # (e.g. a logistic fit whose tasks each have a single class).
        if not np.any(operator @ start):
            return 0.0
        raise
    return float(values[0])
