"""CAGrad: conflict-averse gradient descent.

Liu, B., Liu, X., Jin, X., Stone, P. & Liu, Q. (2021). Conflict-averse gradient
descent for multi-task learning. Advances in Neural Information Processing Systems
34 (NeurIPS 2021).
"""

from numbers import Real

import numpy as np
from scipy.optimize import minimize

from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval
from skmtl.weighting._base import WEIGHTING_SECTIONS, WEIGHTINGS, LossWeightingConfig
from skmtl.weighting._gradients import GradientAggregation


@fill_doc(**WEIGHTING_SECTIONS)
class CAGrad(GradientAggregation):
    """Conflict-averse gradient descent, at the shared representation.

    CAGrad looks for the update ``d`` that maximises the worst improvement
    ``min_t g_t . d`` over the tasks while staying in a ball around the average
    gradient ``g_0``: ``||d - g_0|| <= c ||g_0||``. Through its dual, with
    ``phi = c^2 ||g_0||^2``,

    ``w* = argmin_{w in simplex} g_w . g_0 + sqrt(phi) ||g_w||``,
    ``g_w = sum_t w_t g_t``,

    the update is ``d = g_0 + sqrt(phi) / ||g_w*|| g_w*``, rescaled by
    ``1 / (1 + c^2)`` as in the authors' code. ``c = 0`` gives the average gradient;
    larger ``c`` moves towards the worst-off task. The recorded weights are exact:
    ``w_t = (1/k + sqrt(phi) / ||g_w*|| w*_t) / (1 + c^2)`` for ``k`` present tasks.

    %(gradients)s

    Parameters
    ----------
    %(n_tasks)s
    c : float, default=0.4
        Radius of the ball around the average gradient, relative to its norm.
    %(unused_random_state)s

    Notes
    -----
    The dual is solved on the Gramian (scaled to a unit mean squared norm) by
    ``scipy.optimize.minimize`` with SLSQP, as in the authors' code, but with the
    analytic gradient and ``ftol=1e-12`` (about 0.8 ms for 10 tasks; the authors'
    finite-difference call at the default tolerance takes 0.5 ms and stops near
    1e-6). ``torchjd.aggregation.CAGradWeighting`` needs cvxpy and clarabel,
    heavy dependencies for a 10-variable problem, and omits the ``1 / (1 + c^2)``
    rescaling. When ``||g_w*||`` vanishes (the average is Pareto-stationary) the
    update is the rescaled average gradient.

    References
    ----------
    Liu, B., Liu, X., Jin, X., Stone, P. & Liu, Q. (2021). Conflict-averse gradient
    descent for multi-task learning. NeurIPS 34.
    """

    name = "cagrad"

    def __init__(self, n_tasks, *, c=0.4, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        self.c = float(c)

    def aggregation_weights(self, gramian, losses):
        """Return the weights of the rescaled CAGrad update."""
        k = gramian.shape[0]
        uniform = np.full(k, 1.0 / k)
        mean_squared_norm = gramian.trace() / k
        weights = uniform
        if self.c > 0.0 and mean_squared_norm > 0.0:
            q = gramian / mean_squared_norm
            to_average = q @ uniform
            radius = self.c * np.sqrt(max(uniform @ to_average, 0.0))
            dual = _solve_dual(q, to_average, radius)
            norm = np.sqrt(max(dual @ q @ dual, 0.0))
            if radius > 0.0 and norm > 1e-8:
                weights = uniform + (radius / norm) * dual
        return weights / (1.0 + self.c**2)


def _solve_dual(q, to_average, radius):
    """Minimise ``w . to_average + radius * sqrt(w^T q w)`` over the simplex."""
    k = q.shape[0]

    def objective(w):
        qw = q @ w
        norm = np.sqrt(max(w @ qw, 0.0) + 1e-16)
        return w @ to_average + radius * norm, to_average + radius * qw / norm

    result = minimize(
        objective,
        np.full(k, 1.0 / k),
        jac=True,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * k,
        constraints=(
            {"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(k)},
        ),
        options={"ftol": 1e-12, "maxiter": 200},
    )
    w = np.clip(result.x, 0.0, None)
    return w / w.sum()


@WEIGHTINGS.register
class CAGradConfig(LossWeightingConfig):
    """Configuration of :class:`CAGrad`, ``loss_weighting="cagrad"``.

    Parameters
    ----------
    c : float, default=0.4
        Radius of the conflict-averse ball around the mean gradient, >= 0 (0
        gives the mean gradient).
    """

    plugin = CAGrad
    _parameter_constraints = {"c": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, c=0.4):
        self.c = c
