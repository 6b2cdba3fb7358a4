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
# Most halvings of the step in one line search: 2**-100 is below any step that a
# finite, representable problem needs, so more means the values are not finite.
_MAX_BACKTRACKS = 100


class NonFiniteError(ArithmeticError):
    """The objective, its gradient or the curvature is not finite (overflow).

    Raised by :func:`fista` instead of looping or returning a wrong solution;
    the estimators turn it into a ValueError naming the penalty.
    """


@dataclass
class SolverResult:
    """What :func:`fista` returns."""

    #: The last iterate (the one with the lowest objective).
    coef: np.ndarray
    #: Number of iterations (gradient evaluations) run.
    n_iter: int
    #: Objective after each iteration, starting with the initial point's.
    objective_path: np.ndarray
    #: Whether the stopping measure fell to ``tol`` (or to the rounding floor).
    converged: bool
    #: The Lipschitz estimate the line search ended with.
    lipschitz: float
    #: The last stopping measure, relative to ``problem.tol_scale``: the duality
    #: gap where the problem has a dual, else the proximal-gradient bound.
    stopping_measure: float


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
    scheme), so the recorded objective never increases beyond rounding (a step
    within the rounding of the values is kept).

    Stopping rule. Where the problem provides a dual (``problem.dual_value``
    returns a number), the solver stops when the duality gap, the objective
    minus the best dual value seen, is at most ``tol * problem.tol_scale``: a
    certified bound on the distance to the optimal objective, scikit-learn's
    coordinate-descent criterion. Otherwise it stops when the first-order bound
    :math:`\lVert G \rVert (\lVert x^+ \rVert + \lVert y - x^+ \rVert)` on
    the suboptimality (:math:`G = L (y - x^+)`, the proximal-gradient mapping:
    :math:`F(x^+) - F^\star \le \langle G, y - x^\star \rangle`, with the
    distance to the solution estimated from the iterate's size) is at most
    ``tol * problem.tol_scale``. It also stops when a step without momentum
    raises the objective beyond rounding (the solution, to rounding).

    Parameters
    ----------
    problem : object
        Provides ``image(x)`` (a linear map of ``x`` that the other methods
        reuse, e.g. the predictions), ``smooth_value(x, image)``,
        ``smooth_value_and_gradient(x, image)``, ``nonsmooth_value(x)``,
        ``prox(v, step)``, ``dual_value(x, image, gradient)`` (a lower bound of
        the optimal objective built from the gradient at ``x``, or None),
        ``tol_scale`` (the objective's scale that ``tol`` is relative to) and
        ``scale`` (the size of the rounding errors in the values); optionally
        ``screen(objective, x, previous)``, called after each accepted step
        with a dual value, to drop variables that are zero at the optimum. Momentum is
        applied to images too, so no image is computed twice.
    x0 : ndarray
        Starting point; not modified.
    lipschitz : float
        First estimate of the Lipschitz constant of the gradient of ``f``.
    max_iter : int
        Maximum number of iterations.
    tol : float
        The duality gap (or proximal-gradient bound) at which to stop, relative
        to ``problem.tol_scale``.

    Returns
    -------
    result : SolverResult
        The solution, iteration count, objective path and convergence flag.

    Raises
    ------
    NonFiniteError
        When the objective, the gradient or the Lipschitz estimate is not
        finite, or the line search cannot find a step with finite values.
    """
    x, image_x, objective = _start(problem, x0, lipschitz)
    path = [objective]
    # Rounding in the values grows with the data's scale, not with the objective:
    # changes below this floor are noise (e.g. when the objective tends to 0).
    floor = _ROUNDOFF * (abs(objective) + problem.scale)
    threshold = tol * problem.tol_scale + floor
    y, image_y = x, image_x
    t = 1.0
    momentum = False
    L = max(float(lipschitz), np.finfo(np.float64).tiny)
    converged = False
    best_dual = -np.inf
    measure = np.inf
    screen = getattr(problem, "screen", None)
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 -- n_iter is returned
        f_y, gradient = problem.smooth_value_and_gradient(y, image_y)
        if not (np.isfinite(f_y) and np.isfinite(gradient).all()):
            raise NonFiniteError(f"the smooth part or its gradient is {f_y}")
        x_new, image_new, f_new, moved, L = _line_search(
            problem, y, f_y, gradient, L, floor
        )
        objective_new = f_new + problem.nonsmooth_value(x_new)
        if not np.isfinite(objective_new):
            raise NonFiniteError(f"the objective is {objective_new}")

        dual = problem.dual_value(y, image_y, gradient)
        if dual is not None:
            best_dual = max(best_dual, dual)

        # Within rounding of the current value a step is kept: its gradient
        # information is sound, and rejecting it would stop the solver at the
        # rounding level of the objective rather than at tol.
        if objective_new > objective + floor:
            path.append(objective)
            if not momentum:
                converged = True
                break
            y, image_y, t, momentum = x, image_x, 1.0, False
            continue

        if dual is not None:
            measure = objective_new - best_dual
            if screen is not None:
                screen(objective_new, x_new, x)
        else:
            measure = _mapping_measure(L, moved, x_new)
        t, beta = _momentum(t, y, x_new, x)
        if beta > 0:
            y = x_new + beta * (x_new - x)
            image_y = _extrapolate(image_new, image_x, beta)
        else:
            y, image_y = x_new, image_new
        momentum = beta > 0
        x, image_x, objective = x_new, image_new, objective_new
        path.append(objective)
        if measure <= threshold:
            converged = True
            break
    return SolverResult(
        coef=x,
        n_iter=n_iter,
        objective_path=np.asarray(path),
        converged=converged,
        lipschitz=L,
        stopping_measure=measure / problem.tol_scale if problem.tol_scale else 0.0,
    )


def _start(problem, x0, lipschitz):
    """Return the starting point, its image and objective, checked finite."""
    x = np.array(x0, dtype=np.float64)
    if not np.isfinite(lipschitz):
        raise NonFiniteError(
            f"the curvature of the data term is not finite ({lipschitz})"
        )
    image_x = problem.image(x)
    objective = problem.smooth_value(x, image_x) + problem.nonsmooth_value(x)
    if not np.isfinite(objective):
        raise NonFiniteError(f"the objective at the start is {objective}")
    return x, image_x, objective


def _mapping_measure(L, moved, x_new):
    """Return the gradient mapping's stopping measure of a step of squared size."""
    step_norm = np.sqrt(moved)
    size = np.linalg.norm(x_new)
    # Minus the rounding of the mapping G = L (y - x+): about eps L |x|.
    return L * step_norm * (size + step_norm) - _ROUNDOFF * L * size**2


def _momentum(t, y, x_new, x):
    """Return the next FISTA momentum parameter ``t`` and extrapolation ``beta``.

    The momentum restarts (O'Donoghue & Candes) when the step turns back.
    """
    if np.vdot(y - x_new, x_new - x) > 0:
        return 1.0, 0.0
    t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
    return t_next, (t - 1.0) / t_next


def _line_search(problem, y, f_y, gradient, L, floor):
    """Return the accepted step from ``y``.

    Doubles ``L`` until the sufficient decrease condition holds (to rounding:
    ``floor`` is the rounding of the values); a step whose values are not finite
    (overflow far from ``y``) counts as a failed test.

    Returns
    -------
    x_new, image_new, f_new, moved, L
        The new point, its image and smooth value, ``|x_new - y|^2`` and the
        Lipschitz estimate that was accepted.
    """
    for _ in range(_MAX_BACKTRACKS):
        step = 1.0 / L
        moved_to = y - step * gradient
        if np.isfinite(moved_to).all():
            x_new = problem.prox(moved_to, step)
            delta = x_new - y
            moved = float(np.vdot(delta, delta))
            image_new = problem.image(x_new)
            f_new = problem.smooth_value(x_new, image_new)
            # A step too small to move y is accepted: it is the solution, to
            # rounding, and a larger L could not change that.
            if moved == 0:
                return x_new, image_new, f_new, moved, L
            if np.isfinite(f_new) and np.isfinite(moved):
                bound = f_y + np.vdot(gradient, delta) + 0.5 * L * moved
                slack = _ROUNDOFF * (abs(f_y) + abs(f_new))
                if f_new <= bound + slack + floor:
                    return x_new, image_new, f_new, moved, L
        L *= 2.0
    raise NonFiniteError(
        f"the line search found no step with finite values after {_MAX_BACKTRACKS} "
        f"halvings (Lipschitz estimate {L:.3g})"
    )


def _extrapolate(new, old, beta):
    """Return ``new + beta * (new - old)`` for arrays or tuples of arrays."""
    if isinstance(new, tuple):
        return tuple(_extrapolate(a, b, beta) for a, b in zip(new, old))
    return new + beta * (new - old)
