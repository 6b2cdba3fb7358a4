"""The smooth data terms of the linear estimators and the problem the solver sees.

A data term is the weighted loss over the observed labels of every task,

    f(Theta) = sum over observed (i, t) of omega_it * loss(z_it, y_it),

where ``z_it`` is the linear score of row ``i`` for task ``t`` and ``omega_it``
folds together the sample weight, the observed-label mask and the task weighting.
Intercepts are either eliminated (squared loss: each task's optimal intercept is
a closed-form function of its coefficients, so the data are centered per task) or
an extra, unpenalized column of ``Theta`` (logistic loss).

Three linear maps compute the scores: dense (wide layout, every task scores every
row), blocks (long layout, a row is scored by its own task only: a sparse
block-diagonal design) and Gram (squared loss only: per-task Gram matrices
replace the rows when that is cheaper, so an iteration costs ``T d^2`` instead of
``n d T``).

``X`` may be a SciPy sparse matrix: it is then never densified nor centered in
place. The centering is applied implicitly in the products (``offsets`` of the
dense map, ``centers`` of the block map), and a Gram matrix is built only when
its iterations are cheaper than the sparse products, as ``X^T S X - s c c^T``.

Stopping: where the loss is squared and the penalty a norm (``l21``, ``lasso``,
``trace``: :meth:`Penalty.dual_norm`), :meth:`Problem.dual_value` gives a dual
value from the gradient, so the solver stops on the duality gap, as
scikit-learn's coordinate descent does.
"""

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import ArpackError, LinearOperator, eigsh
from scipy.special import expit

from skmtl.linear_model._solver import NonFiniteError

# Largest Gram matrices (in float64 entries, all tasks together) built to speed up
# the squared loss; beyond this the data term works from the rows.
_MAX_GRAM_ENTRIES = 2**25

# Up to this many unknowns the curvature's largest eigenvalue is computed densely.
_DENSE_EIGEN_SIZE = 64
_MARGIN = 1.01
# Below this fraction of used features, products skip the unused columns.
_SPARSE_FRACTION = 0.5
# Screening drops features once it can drop at least this fraction of them.
_SCREEN_FRACTION = 0.1


class _Squared:
    """Half the weighted squared error: ``sum omega * (z - y)^2 / 2``."""

    curvature = 1.0

    def __init__(self, targets, weights):
        self.targets = targets
        self.weights = weights

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


class _Logistic:
    """The weighted logistic loss ``sum omega * (log(1 + e^z) - y z)``, y in {0, 1}."""

    curvature = 0.25

    def __init__(self, targets, weights):
        self.targets = targets
        self.weights = weights

    def value(self, scores):
        losses = np.logaddexp(0.0, scores) - self.targets * scores
        return float(np.vdot(self.weights, losses))

    def value_and_derivative(self, scores):
        value = self.value(scores)
        return value, self.weights * (expit(scores) - self.targets)


class _Dense:
    """Wide layout: ``Z = X Theta^T``, column ``t`` centered by ``offsets[t]``.

    ``X`` is an ndarray or a SciPy sparse matrix (CSR).
    """

    def __init__(self, X, offsets=None):
        self.X = X
        self.offsets = offsets
        self.is_sparse = sparse.issparse(X)
        # Columns still in the problem (gap safe screening drops the others):
        # their indices and a copy of X restricted to them, None for all.
        self.active = None
        self.X_active = None

    def deactivate(self, columns):
        """Leave the (boolean mask) ``columns`` out of the gradient from now on."""
        keep = np.ones(self.X.shape[1], dtype=bool)
        if self.active is not None:
            keep[:] = False
            keep[self.active] = True
        keep[columns] = False
        self.active = np.flatnonzero(keep)
        self.X_active = self.X[:, self.active]
        if not self.is_sparse:
            self.X_active = np.ascontiguousarray(self.X_active)

    def column_curvature(self, weights):
        """Return ``a[t, j] = sum_i weights[i, t] * (x_ij - offsets[t, j])^2``."""
        squares = self.X.multiply(self.X) if self.is_sparse else self.X * self.X
        curvature = np.asarray(squares.T @ weights).T
        if self.offsets is not None:
            sums = np.asarray(self.X.T @ weights).T
            curvature += self.offsets * (
                self.offsets * weights.sum(axis=0)[:, None] - 2.0 * sums
            )
        return np.maximum(curvature, 0.0)

    def matvec(self, theta):
        X, offsets = self.X, self.offsets
        if self.active is not None:
            # Screened columns are zero in theta: the copy of the active ones
            # serves every product, with no copy per call.
            X, theta = self.X_active, theta[:, self.active]
            offsets = None if offsets is None else offsets[:, self.active]
        # Sparse penalties (l21, lasso) zero most features: the product needs only
        # the columns some task uses (measured at 500 x 2000 x 10 with 10% used:
        # the l21 fit takes about 15% less time).
        used = np.flatnonzero(theta.any(axis=0))
        if not self.is_sparse and len(used) < _SPARSE_FRACTION * theta.shape[1]:
            X, theta = X[:, used], theta[:, used]
            offsets = None if offsets is None else offsets[:, used]
        # Contiguous operands: OpenBLAS is several times slower on the transposed
        # views for these thin products (measured: 4 ms vs 0.6 ms at 500 x 2000).
        scores = np.asarray(X @ np.ascontiguousarray(theta.T))
        if offsets is not None:
            scores -= (offsets * theta).sum(axis=1)
        return scores

    def rmatvec(self, derivative):
        if self.active is not None:
            return self._active_rmatvec(derivative)
        if self.is_sparse:
            gradient = np.asarray(self.X.T @ derivative).T.copy()
        else:
            gradient = np.ascontiguousarray(derivative.T) @ self.X
        if self.offsets is not None:
            gradient -= derivative.sum(axis=0)[:, None] * self.offsets
        return gradient

    def _active_rmatvec(self, derivative):
        """Return the gradient on the active columns, zero on the screened ones."""
        X = self.X_active
        if self.is_sparse:
            part = np.asarray(X.T @ derivative).T
        else:
            part = np.ascontiguousarray(derivative.T) @ X
        if self.offsets is not None:
            part -= derivative.sum(axis=0)[:, None] * self.offsets[:, self.active]
        gradient = np.zeros((derivative.shape[1], self.X.shape[1]))
        gradient[:, self.active] = part
        return gradient


class _Blocks:
    """Long layout: ``z_i = x_i . theta_{task(i)}``, a sparse block-diagonal design.

    ``X`` is an ndarray or a SciPy sparse matrix; ``centers`` (one row per task,
    or None) is subtracted from each row's features implicitly.
    """

    def __init__(self, X, task_index, n_tasks, centers=None):
        n_rows, width = X.shape
        if sparse.issparse(X):
            X = X.tocsr()
            rows = np.repeat(np.arange(n_rows), np.diff(X.indptr))
            design = sparse.csr_matrix(
                (X.data, X.indices + task_index[rows] * width, X.indptr),
                shape=(n_rows, n_tasks * width),
            )
        else:
            columns = task_index[:, None] * width + np.arange(width)
            design = sparse.csr_matrix(
                (X.ravel(), columns.ravel(), np.arange(0, n_rows * width + 1, width)),
                shape=(n_rows, n_tasks * width),
            )
        self.design = design
        self.transposed = design.T.tocsr()
        self.shape = (n_tasks, width)
        self.task_index = task_index
        self.centers = centers

    def matvec(self, theta):
        scores = self.design @ theta.ravel()
        if self.centers is not None:
            scores -= (self.centers * theta).sum(axis=1)[self.task_index]
        return scores

    def rmatvec(self, derivative):
        gradient = (self.transposed @ derivative).reshape(self.shape)
        if self.centers is not None:
            totals = np.bincount(
                self.task_index, weights=derivative, minlength=self.shape[0]
            )
            gradient -= totals[:, None] * self.centers
        return gradient


class _RowData:
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
        return isinstance(self.loss, _Squared)

    def dual_terms(self, theta, scores):
        """Return ``sum omega r^2`` and ``sum omega r y`` (squared loss)."""
        return self.loss.dual_terms(scores)

    @property
    def can_screen(self):
        """Whether features can be dropped from the products (wide rows form)."""
        return isinstance(self.design, _Dense) and isinstance(self.loss, _Squared)

    def curvature_product(self, theta):
        """Return ``H theta`` for an upper bound ``H`` of the loss's Hessian."""
        weighted = self.loss.weights * self.design.matvec(theta)
        return self.loss.curvature * self.design.rmatvec(weighted)


class _Gram:
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
            return float(self.task_scale.max()) * _largest_eigenvalue(self.gram)
        if self.gram.shape[-1] <= _DENSE_EIGEN_SIZE:
            return float(np.linalg.eigvalsh(self.gram)[:, -1].max())
        return None


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
                largest = _largest_eigenvalue(operator)
        except (np.linalg.LinAlgError, ArpackError, ValueError):
            # Overflowing data: the solver reports the infinite curvature.
            return np.inf
        if not np.isfinite(largest):
            return np.inf
        # Lanczos approaches the eigenvalue from below: a small margin keeps the
        # first steps from failing the line search over a last-digit shortfall.
        return _MARGIN * max(largest, 0.0) + self.penalty.lipschitz()


class LinearFit:
    """The problem of one fit, and the maps between its variable and the estimator.

    Parameters
    ----------
    loss : {"squared", "logistic"}
        The loss.
    X : ndarray or sparse matrix of shape (n_samples, n_features), float64
        Features; an ndarray is owned by this object (centered in place), a
        sparse matrix (CSR) is neither densified nor modified.
    targets : ndarray of shape (n_samples, n_tasks) or (n_samples,)
        Labels (any finite value where not observed), wide or long layout;
        logistic: 0 or 1.
    observed : ndarray of bool, same shape as ``targets``
        Which labels are observed.
    sample_weight : ndarray of shape (n_samples,)
        Weight of each row.
    task_scale : ndarray of shape (n_tasks,)
        Weight of each task's labels (the task weighting); 0 leaves a task out.
    task_index : ndarray of shape (n_samples,) or None
        Long layout: each row's task; None: wide layout.
    penalty : Penalty
        The penalty on the coefficients.
    fit_intercept : bool
        Whether each task has an (unpenalized) intercept.
    """

    def __init__(
        self,
        loss,
        X,
        targets,
        observed,
        sample_weight,
        task_scale,
        task_index,
        penalty,
        fit_intercept,
    ):
        n_features = X.shape[1]
        n_tasks = len(task_scale)
        self.fit_intercept = fit_intercept
        self.n_features = n_features
        if task_index is None:
            weights = sample_weight[:, None] * observed * task_scale
        else:
            weights = sample_weight * observed * task_scale[task_index]
        targets = np.where(observed, targets, 0.0)
        # The coefficients act on x - centers[t]: intercept_t is the free
        # intercept (logistic) or the target mean (squared) minus centers[t] . w_t.
        self.centers = np.zeros((n_tasks, n_features))
        self.offsets = np.zeros(n_tasks)
        self.free_intercept = loss == "logistic" and fit_intercept
        if task_index is None:
            data = self._wide(
                loss,
                X,
                targets,
                weights,
                bool(observed.all()),
                sample_weight,
                task_scale,
            )
        else:
            data = self._long(loss, X, targets, weights, task_index, n_tasks)
        self.problem = Problem(data, penalty, n_features)
        self.shape = (n_tasks, n_features + self.free_intercept)
        zero = np.zeros(self.shape)
        self.problem.tol_scale = 2.0 * data.value(zero, data.image(zero))

    def _wide(self, loss, X, targets, weights, shared_rows, sample_weight, task_scale):
        n_samples, n_features = X.shape
        is_sparse = sparse.issparse(X)
        offsets = None
        if self.fit_intercept:
            overall = _weighted_mean(X, weights.sum(axis=1))
            if not is_sparse:
                X -= overall
            self.centers[:] = overall
            if loss == "squared":
                totals = weights.sum(axis=0)
                self.offsets = _safe_divide((weights * targets).sum(axis=0), totals)
                targets = targets - self.offsets
                if not shared_rows:
                    task_means = _safe_divide(
                        np.asarray(X.T @ weights).T, totals[:, None]
                    )
                    if is_sparse:
                        self.centers = np.where(totals[:, None] > 0, task_means, 0.0)
                    else:
                        offsets = task_means
                        self.centers += offsets
            if is_sparse:
                offsets = self.centers
        if loss == "logistic":
            if self.fit_intercept:
                X = _append_ones(X)
                if offsets is not None:
                    offsets = np.hstack([offsets, np.zeros((len(offsets), 1))])
            return _RowData(_Dense(X, offsets), _Logistic(targets, weights))
        if (
            shared_rows
            and n_features <= n_samples
            and _fits(n_features**2)
            and (not is_sparse or n_features**2 <= 2 * X.nnz)
        ):
            center = self.centers[0] if is_sparse and self.fit_intercept else None
            gram = _weighted_gram(X, sample_weight, center)
            weighted = np.asarray(X.T @ (sample_weight[:, None] * targets)).T
            # Centered targets: the centering of X cancels in the cross term.
            cross = task_scale[:, None] * weighted
            constant = 0.5 * float(task_scale @ (sample_weight @ (targets * targets)))
            return _Gram(gram, cross, constant, task_scale)
        return _RowData(_Dense(X, offsets), _Squared(targets, weights))

    def _long(self, loss, X, targets, weights, task_index, n_tasks):
        n_samples, n_features = X.shape
        is_sparse = sparse.issparse(X)
        centers = None
        if self.fit_intercept:
            totals = np.bincount(task_index, weights=weights, minlength=n_tasks)
            self.centers = _safe_divide(
                _task_sums(X, weights, task_index, n_tasks), totals[:, None]
            )
            if is_sparse:
                centers = self.centers
            else:
                X -= self.centers[task_index]
            if loss == "squared":
                self.offsets = _safe_divide(
                    np.bincount(
                        task_index, weights=weights * targets, minlength=n_tasks
                    ),
                    totals,
                )
                targets = targets - self.offsets[task_index]
        if loss == "logistic":
            if self.fit_intercept:
                X = _append_ones(X)
                if centers is not None:
                    centers = np.hstack([centers, np.zeros((n_tasks, 1))])
            return _RowData(
                _Blocks(X, task_index, n_tasks, centers), _Logistic(targets, weights)
            )
        if (
            n_tasks * n_features <= n_samples
            and _fits(n_tasks * n_features**2)
            and (not is_sparse or n_tasks * n_features**2 <= 2 * X.nnz)
        ):
            order = np.argsort(task_index, kind="stable")
            bounds = np.searchsorted(task_index[order], np.arange(n_tasks + 1))
            gram = np.empty((n_tasks, n_features, n_features))
            cross = np.empty((n_tasks, n_features))
            for t in range(n_tasks):
                rows = order[bounds[t] : bounds[t + 1]]
                center = None if centers is None else centers[t]
                gram[t] = _weighted_gram(X[rows], weights[rows], center)
                cross[t] = np.asarray(X[rows].T @ (weights[rows] * targets[rows]))
            constant = 0.5 * float(np.vdot(weights * targets, targets))
            return _Gram(gram, cross, constant)
        return _RowData(
            _Blocks(X, task_index, n_tasks, centers), _Squared(targets, weights)
        )

    def to_variable(self, coef, intercept):
        """Return the solver's variable for ``coef_`` and ``intercept_``."""
        coef = np.asarray(coef, dtype=np.float64)
        if not self.free_intercept:
            return coef.copy()
        free = np.asarray(intercept, dtype=np.float64) + (self.centers * coef).sum(1)
        return np.hstack([coef, free[:, None]])

    def from_variable(self, theta):
        """Return ``(coef, intercept)`` for the solver's variable ``theta``."""
        coef = np.ascontiguousarray(theta[:, : self.n_features])
        if not self.fit_intercept:
            return coef, np.zeros(len(coef))
        free = theta[:, -1] if self.free_intercept else self.offsets
        return coef, free - (self.centers * coef).sum(axis=1)


def _largest_eigenvalue(operator):
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


def _fits(n_entries):
    return n_entries <= _MAX_GRAM_ENTRIES


def _weighted_mean(X, weights):
    total = weights.sum()
    if total <= 0:
        return np.zeros(X.shape[1])
    return np.asarray(X.T @ weights).ravel() / total


def _weighted_gram(X, weights, center=None):
    """Return ``(X - c)^T diag(weights) (X - c)``, dense, for ``c`` = ``center``.

    A dense ``X`` comes centered (``center`` None). A sparse one stays as it is:
    ``X^T S X - s c c^T`` with ``s`` the total weight, where ``c`` is the
    weighted mean of the rows (so the cross terms reduce to ``s c c^T``).
    """
    if not sparse.issparse(X):
        return (X * weights[:, None]).T @ X
    gram = (X.T @ X.multiply(weights[:, None]).tocsc()).toarray()
    if center is not None:
        gram -= weights.sum() * np.outer(center, center)
    return gram


def _append_ones(X):
    """Return ``X`` with a column of ones appended (the logistic intercept)."""
    ones = np.ones((X.shape[0], 1))
    if sparse.issparse(X):
        return sparse.hstack([X, ones], format="csr")
    return np.hstack([X, ones])


def _safe_divide(numerator, denominator):
    """Return numerator / denominator, 0 where the denominator is 0."""
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, 0.0)


def _task_sums(values, weights, task_index, n_tasks):
    """Return the per-task weighted sums of the rows of ``values`` (dense or sparse).

    The result is dense, of shape (n_tasks, width).
    """
    indicator = sparse.csr_matrix(
        (weights, (task_index, np.arange(len(task_index)))),
        shape=(n_tasks, len(task_index)),
    )
    sums = indicator @ values
    return sums.toarray() if sparse.issparse(sums) else np.asarray(sums)
