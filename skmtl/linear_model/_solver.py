"""Accelerated proximal gradient (FISTA) with backtracking and adaptive restart.

Beck, A. and Teboulle, M. (2009). A fast iterative shrinkage-thresholding algorithm
for linear inverse problems. SIAM Journal on Imaging Sciences, 2(1), 183-202.

O'Donoghue, B. and Candès, E. (2015). Adaptive restart for accelerated gradient
schemes. Foundations of Computational Mathematics, 15(3), 715-732.
"""

from dataclasses import dataclass

import numpy as np

# Relative size of the rounding error tolerated in the line search's sufficient
# decrease test, so that roundoff alone never shrinks the step.
_ROUNDOFF = 16 * np.finfo(np.float64).eps


@dataclass
class SolverResult:
    """What :func:`fista` returns."""

    #: The last iterate (the one with the lowest objective).
    coef: np.ndarray
    #: Number of iterations (gradient evaluations) run.
    n_iter: int
    #: Objective after each iteration, starting with the initial point's.
    objective_path: np.ndarray
    #: Whether the relative decrease of the objective fell to ``tol``.
    converged: bool
    #: The Lipschitz estimate the line search ended with.
    lipschitz: float


def fista(problem, x0, *, lipschitz, max_iter, tol):
    r"""Minimize ``f(x) + h(x)``: ``f`` smooth, ``h`` with a proximal operator.

    Each iteration takes a proximal gradient step from the extrapolated point
    ``y``. The step is ``1 / L``, where ``L`` doubles until the sufficient
    decrease condition
    :math:`f(x^+) \le f(y) + \langle \nabla f(y), x^+ - y \rangle +
    \frac{L}{2} \lVert x^+ - y \rVert^2` holds (backtracking). Momentum is reset
    (adaptive restart, O'Donoghue & Candès 2015) when the step points against the
    momentum (gradient scheme), and a step that would increase the objective is
    discarded and retaken from the current point without momentum (function
    scheme), so the recorded objective never increases. The solver stops when an
    accepted step lowers the objective by at most ``tol`` times its value (plus
    the rounding error of the values, a few ulps of the starting objective), or
    when a step without momentum cannot lower it at all.

    Parameters
    ----------
    problem : object
        Provides ``image(x)`` (a linear map of ``x`` that the other methods
        reuse, e.g. the predictions), ``smooth_value(x, image)``,
        ``smooth_value_and_gradient(x, image)``, ``nonsmooth_value(x)`` and
        ``prox(v, step)``. Momentum is applied to images too, so no image is
        computed twice.
    x0 : ndarray
        Starting point; not modified.
    lipschitz : float
        First estimate of the Lipschitz constant of the gradient of ``f``.
    max_iter : int
        Maximum number of iterations.
    tol : float
        Relative decrease of the objective at which to stop.

    Returns
    -------
    result : SolverResult
        The solution, iteration count, objective path and convergence flag.
    """
    x = np.array(x0, dtype=np.float64)
    image_x = problem.image(x)
    objective = problem.smooth_value(x, image_x) + problem.nonsmooth_value(x)
    path = [objective]
    # Rounding in the values grows with the data's scale, not with the objective:
    # changes below this floor are noise (e.g. when the objective tends to 0).
    floor = _ROUNDOFF * (abs(objective) + problem.scale)
    y, image_y = x, image_x
    t = 1.0
    momentum = False
    L = max(float(lipschitz), np.finfo(np.float64).tiny)
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 -- n_iter is returned
        f_y, gradient = problem.smooth_value_and_gradient(y, image_y)
        while True:
            step = 1.0 / L
            x_new = problem.prox(y - step * gradient, step)
            delta = x_new - y
            moved = np.vdot(delta, delta)
            image_new = problem.image(x_new)
            f_new = problem.smooth_value(x_new, image_new)
            # A step too small to move y is accepted: it is the solution, to
            # rounding, and a larger L could not change that.
            if moved == 0:
                break
            bound = f_y + np.vdot(gradient, delta) + 0.5 * L * moved
            if f_new <= bound + _ROUNDOFF * (abs(f_y) + abs(f_new)) + floor:
                break
            L *= 2.0
        objective_new = f_new + problem.nonsmooth_value(x_new)

        if objective_new > objective:
            path.append(objective)
            if not momentum:
                converged = True
                break
            y, image_y, t, momentum = x, image_x, 1.0, False
            continue

        decrease = objective - objective_new
        if np.vdot(y - x_new, x_new - x) > 0:
            t, beta = 1.0, 0.0
        else:
            t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            beta = (t - 1.0) / t_next
            t = t_next
        if beta > 0:
            y = x_new + beta * (x_new - x)
            image_y = _extrapolate(image_new, image_x, beta)
        else:
            y, image_y = x_new, image_new
        momentum = beta > 0
        x, image_x, objective = x_new, image_new, objective_new
        path.append(objective)
        if decrease <= tol * abs(objective) + floor:
            converged = True
            break
    return SolverResult(
        coef=x,
        n_iter=n_iter,
        objective_path=np.asarray(path),
        converged=converged,
        lipschitz=L,
    )


def _extrapolate(new, old, beta):
    """Return ``new + beta * (new - old)`` for arrays or tuples of arrays."""
    if isinstance(new, tuple):
        return tuple(_extrapolate(a, b, beta) for a, b in zip(new, old))
    return new + beta * (new - old)
