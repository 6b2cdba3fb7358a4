"""The problem the solver sees: a smooth data term plus a penalty.

Stopping: where the loss is squared and the penalty a norm (``l21``, ``lasso``,
``trace``: :meth:`Penalty.dual_norm`), :meth:`Problem.dual_value` gives a dual
value from the gradient, so the solver stops on the duality gap, as
scikit-learn's coordinate descent does.
"""

import numpy as np
from scipy.sparse.linalg import ArpackError, LinearOperator

from skmtl.linear_model._data_terms import largest_eigenvalue
from skmtl.linear_model._solver import NonFiniteError

_MARGIN = 1.01
# Screening drops features once it can drop at least this fraction of them.
_SCREEN_FRACTION = 0.1


class Problem:
    """Data term plus penalty, in the form :func:`~._solver.fista` expects.

    ``Theta`` has one row per task: the coefficients, then the intercept when the
    loss keeps it as a variable. The penalty sees the coefficients only.

    Values that overflow come out as infinity or NaN, never as a numpy error (a
    penalty's eigen-decomposition of non-finite values is reported as an infinite
    value, or as :class:`~._solver.NonFiniteError` where a gradient is needed),
    so the solver can stop with a clear message.
    """

    def __init__(self, data, penalty, n_features):
        self.data = data
        self.penalty = penalty
        self.n_features = n_features
        self.scale = data.scale
        #: What the solver's ``tol`` is relative to: twice the data term at zero
        #: coefficients (the squared loss: the weighted sum of squares of the
        #: centered targets, scikit-learn's ``||Y||^2`` scaled as our loss).
        self.tol_scale = 0.0
        #: Whether :meth:`dual_value` gives a dual value (squared loss, a norm
        #: penalty with ``alpha > 0``): the solver then stops on the duality gap.
        self.has_dual = (
            penalty.alpha > 0
            and penalty.dual_norm(np.zeros((1, 1))) is not None
            and getattr(data, "has_dual", True)
        )
        self._can_screen = (
            self.has_dual
            and getattr(data, "can_screen", False)
            and penalty.column_dual_norms(np.zeros((1, 1))) is not None
        )
        self._curvature = None

    def _coef(self, theta):
        return (
            theta if theta.shape[1] == self.n_features else theta[:, : self.n_features]
        )

    def image(self, theta):
        return self.data.image(theta)

    def smooth_value(self, theta, image):
        try:
            penalty_value, _ = self.penalty.smooth_value_and_gradient(self._coef(theta))
        except np.linalg.LinAlgError:
            return np.inf
        return self.data.value(theta, image) + penalty_value

    def smooth_value_and_gradient(self, theta, image):
        value, gradient = self.data.value_and_gradient(theta, image)
        try:
            penalty_value, penalty_gradient = self.penalty.smooth_value_and_gradient(
                self._coef(theta)
            )
        except np.linalg.LinAlgError as error:
            raise NonFiniteError(
                f"the penalty's gradient could not be computed ({error})"
            ) from None
        if penalty_gradient is not None:
            gradient[:, : self.n_features] += penalty_gradient
        return value + penalty_value, gradient

    def nonsmooth_value(self, theta):
        try:
            return self.penalty.nonsmooth_value(self._coef(theta))
        except np.linalg.LinAlgError:
            return np.inf

    def prox(self, values, step):
        try:
            if values.shape[1] == self.n_features:
                return self.penalty.prox(values, step)
            out = values.copy()
            out[:, : self.n_features] = self.penalty.prox(
                values[:, : self.n_features], step
            )
        except np.linalg.LinAlgError:
            return np.full_like(values, np.nan)
        return out

    def dual_value(self, theta, image, gradient):
        r"""Return a lower bound of the optimal objective, or None.

        For the squared loss :math:`f(Z) = \frac12 \sum \omega (z - y)^2` and a
        penalty :math:`\alpha \lVert W \rVert` (a norm with dual norm
        :math:`\lVert \cdot \rVert_*`), the Fenchel dual at
        :math:`U = s\, \omega r` (residual :math:`r = z - y` at ``theta``,
        :math:`s = \min(1, \alpha / \lVert \nabla f \rVert_*)` so that the
        dual is feasible) is
        :math:`D = -\frac{s^2}{2} \sum \omega r^2 - s \sum \omega r y`:
        the dual of scikit-learn's coordinate descent. None for the logistic
        loss, for penalties that are not norms and for ``alpha = 0``.
        """
        if not self.has_dual:
            return None
        alpha = self.penalty.alpha
        dual_norm = self.penalty.dual_norm(gradient)
        squares, cross = self.data.dual_terms(theta, image)
        s = 1.0 if dual_norm <= alpha else alpha / dual_norm
        value = -0.5 * s * s * squares - s * cross
        self._dual_point = (value, s, gradient)
        return value

    def screen(self, objective, x, previous):
        r"""Drop the features that are zero at the optimum (gap safe screening).

        Ndiaye, E., Fercoq, O., Gramfort, A. and Salmon, J. (2017). Gap safe
        screening rules for sparsity enforcing penalties. JMLR, 18(128), 1-33.

        With the dual point :math:`U` of the last :meth:`dual_value` and the
        gap :math:`g = P - D(U)`, strong concavity of the dual gives
        :math:`\sum_{it} (u_{it} - u^\star_{it})^2 / \omega_{it} \le 2 g`, so
        :math:`\lVert (X^\top U^\star)_{:,j} \rVert \le \lVert (X^\top U)_{:,j}
        \rVert + \sqrt{2 g \max_t a_{tj}}` with :math:`a_{tj} = \sum_i
        \omega_{it} x_{ij}^2` (centered). Below ``alpha``, feature ``j`` is zero
        in every task at the optimum (l21): it is left out of the products. Only
        features already zero in ``x`` and the ``previous`` iterate are dropped
        (momentum keeps them zero), so the iterates and the objective do not
        change.
        """
        point = getattr(self, "_dual_point", None)
        if point is None or not self._can_screen:
            return
        value, s, gradient = point
        gap = max(objective - value, 0.0)
        norms = s * self.penalty.column_dual_norms(gradient)
        if self._curvature is None:
            self._curvature = self.data.design.column_curvature(
                self.data.loss.weights
            ).max(axis=0)
        zero = ~(x.any(axis=0) | previous.any(axis=0))
        design = self.data.design
        active = np.ones(len(norms), dtype=bool)
        if design.active is not None:
            active[:] = False
            active[design.active] = True
        drop = (
            active
            & zero
            & (norms + np.sqrt(2.0 * gap * self._curvature) < self.penalty.alpha)
        )
        # Copying the active columns costs a product: only for a real gain.
        if drop.sum() >= _SCREEN_FRACTION * active.sum():
            design.deactivate(drop)

    def objective(self, theta):
        """Return the full objective at ``theta``."""
        image = self.image(theta)
        return self.smooth_value(theta, image) + self.nonsmooth_value(theta)

    def lipschitz(self, shape):
        """Estimate the Lipschitz constant of the smooth part's gradient.

        The largest eigenvalue of the data term's curvature bound (Lanczos from a
        fixed start, so fits are deterministic) plus the penalty's own constant;
        the solver's line search corrects an underestimate.
        """
        try:
            largest = getattr(self.data, "largest_curvature", lambda: None)()
            if largest is None:
                size = int(np.prod(shape))

                def product(vector):
                    return self.data.curvature_product(vector.reshape(shape)).ravel()

                operator = LinearOperator(
                    (size, size), matvec=product, dtype=np.float64
                )
                largest = largest_eigenvalue(operator)
        except (np.linalg.LinAlgError, ArpackError, ValueError):
            # Overflowing data: the solver reports the infinite curvature.
            return np.inf
        if not np.isfinite(largest):
            return np.inf
        # Lanczos approaches the eigenvalue from below: a small margin keeps the
        # first steps from failing the line search over a last-digit shortfall.
        return _MARGIN * max(largest, 0.0) + self.penalty.lipschitz()
