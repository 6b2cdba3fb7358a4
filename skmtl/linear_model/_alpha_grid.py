r"""The grid of penalty strengths searched by the cross-validated linear estimators.

Both grids are geometric, ``n_alphas`` values from ``alpha_max`` down to
``eps * alpha_max``, and both scale with the data, so that one default suits
any units:

* **Penalties that zero the coefficients** (``"l21"``, ``"lasso"``,
  ``"trace"``): ``alpha_max`` is the smallest strength whose solution is
  :math:`W = 0`. With :math:`G` the gradient of the data term at :math:`W = 0`
  (intercepts fitted), :math:`W = 0` is optimal exactly when :math:`-G` lies in
  :math:`\alpha` times the penalty's unit dual ball, so ``alpha_max`` is the dual
  norm of :math:`G`: the largest column (feature) 2-norm for ``"l21"`` (as
  :class:`sklearn.linear_model.MultiTaskLassoCV`), the largest absolute entry
  for ``"lasso"`` (as :class:`sklearn.linear_model.LassoCV`), the spectral norm
  for ``"trace"``.
* **Smooth penalties** (``"ridge"``, ``"mean"``, ``"graph"``, ``"clustered"``
  and penalties registered later): no strength zeroes the coefficients; what
  matters is the strength against the curvature of the data term. With
  :math:`\lambda` the largest eigenvalue of the data term's Hessian (the
  per-task weighted covariance of the features, times 1/4, the bound of the
  logistic loss's curvature, for the classifier), ``alpha_max`` is
  :math:`\lambda / \sqrt{\epsilon}`: the grid runs from a penalty that
  dominates every direction of the data by a factor :math:`1/\sqrt{\epsilon}`
  (the tasks shrunk to zero, or pulled onto their mean) down to one that
  is :math:`\sqrt{\epsilon}` of it (nearly unpenalized in the well-determined
  directions), centred on :math:`\lambda` on a log scale.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import LinearOperator, eigsh

from skmtl.utils._docstrings import fill_doc

# Penalty name -> the dual norm of the penalty's unit ball, applied to the loss
# gradient at zero: the smallest alpha at which W = 0 solves the problem.
_ZEROING_THRESHOLDS = {
    "l21": lambda G: float(np.sqrt((G * G).sum(axis=0)).max()),
    "lasso": lambda G: float(np.abs(G).max()),
    "trace": lambda G: float(np.linalg.norm(G, 2)),
}

#: ``data``, the parameter of the functions below, for
#: :func:`skmtl.utils._docstrings.fill_doc`.
DATA_PARAMETER = """\
data : DecodedData
    The decoded training data."""

# The largest curvature of the logistic loss, log(1 + e^z) - y z, over z.
_LOGISTIC_CURVATURE = 0.25


@dataclass
class DecodedData:
    """The training data of a cross-validated fit, decoded once.

    Attributes
    ----------
    features : ndarray of shape (n_samples, n_features)
        The features, without the task column.
    targets : ndarray
        Float labels (0 or 1 for the classifier): ``(n_samples, n_tasks)`` in the
        wide layout, ``(n_samples,)`` in the long layout.
    observed : ndarray of bool, the shape of ``targets``
        Which labels are observed.
    task_index : ndarray of shape (n_samples,) or None
        Each row's task (long layout), else None.
    task_scale : ndarray of shape (n_tasks,)
        The weight :math:`c_t` of each of task ``t``'s labels in the objective.
    loss : {"squared", "logistic"}
        The data term's loss.
    fit_intercept : bool
        Whether each task has a free intercept.
    """

    features: np.ndarray
    targets: np.ndarray
    observed: np.ndarray
    task_index: np.ndarray | None
    task_scale: np.ndarray
    loss: str
    fit_intercept: bool

    @property
    def n_tasks(self):
        """Return the number of tasks."""
        return len(self.task_scale)

    def task_labels(self):
        """Yield ``(task, rows, labels)``: each task's labelled rows and labels."""
        for t in range(self.n_tasks):
            if self.task_index is None:
                rows = np.flatnonzero(self.observed[:, t])
                labels = self.targets[rows, t]
            else:
                rows = np.flatnonzero((self.task_index == t) & self.observed)
                labels = self.targets[rows]
            yield t, rows, labels


@fill_doc(data=DATA_PARAMETER)
def alpha_grid(penalty_name, data, n_alphas, eps):
    """Return ``n_alphas`` strengths from ``alpha_max`` down to ``eps * alpha_max``.

    Parameters
    ----------
    penalty_name : str or None
        The registry name of the penalty (None for an unregistered class).
    %(data)s
    n_alphas : int
        Number of strengths.
    eps : float
        Ratio of the smallest strength to the largest, in (0, 1).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        Decreasing strengths. When the data term is flat (constant features or
        targets: every strength gives zero coefficients) ``alpha_max`` is 1.
    """
    threshold = _ZEROING_THRESHOLDS.get(penalty_name)
    if threshold is not None:
        alpha_max = threshold(loss_gradient_at_zero(data))
    else:
        alpha_max = largest_curvature(data) / np.sqrt(eps)
    if not np.isfinite(alpha_max) or alpha_max <= 0:
        # Nothing to fit (constant features or targets): any strength gives the
        # same coefficients, zero.
        alpha_max = 1.0
    return np.geomspace(alpha_max, alpha_max * eps, num=n_alphas)


@fill_doc(data=DATA_PARAMETER)
def loss_gradient_at_zero(data):
    r"""Return the gradient of the data term at :math:`W = 0`, intercepts fitted.

    With the intercepts at their optimum for :math:`W = 0` (each task's mean
    target, or its log-odds for the logistic loss) both losses have gradient
    :math:`-c_t \sum_i m_{it} x_i (y_{it} - \bar y_t)` for task :math:`t`: the
    residuals sum to zero over the task's labels, so centering the features
    would change nothing. Without intercepts the residual is :math:`y_{it}`
    (squared) or :math:`y_{it} - 1/2` (logistic).

    Parameters
    ----------
    %(data)s

    Returns
    -------
    gradient : ndarray of shape (n_tasks, n_features)
        The gradient, one row per task (up to its sign).
    """
    residuals = []
    for t, rows, labels in data.task_labels():
        if data.fit_intercept:
            centre = labels.mean()
        else:
            centre = 0.5 if data.loss == "logistic" else 0.0
        residuals.append((rows, data.task_scale[t] * (labels - centre)))
    gradient = np.zeros((data.n_tasks, data.features.shape[1]))
    for t, (rows, residual) in enumerate(residuals):
        gradient[t] = residual @ data.features[rows]
    return gradient


@fill_doc(data=DATA_PARAMETER)
def largest_curvature(data):
    r"""Return the largest eigenvalue of the data term's Hessian (a bound for logistic).

    The Hessian is block diagonal with one block
    :math:`c_t X_t^\top X_t` per task (:math:`X_t`: the task's labelled rows,
    centered when intercepts are fitted), times 1/4 for the logistic loss.

    Parameters
    ----------
    %(data)s

    Returns
    -------
    curvature : float
        The largest eigenvalue over the tasks' blocks.
    """
    largest = 0.0
    seen = {}
    for t, rows, _ in data.task_labels():
        # Tasks labelled on the same rows (wide layout, nothing missing) share
        # their block up to the scale c_t: compute it once.
        key = rows.tobytes()
        if key not in seen:
            seen[key] = _squared_spectral_norm(
                data.features[rows], centered=data.fit_intercept
            )
        largest = max(largest, data.task_scale[t] * seen[key])
    if data.loss == "logistic":
        largest *= _LOGISTIC_CURVATURE
    return float(largest)


def _squared_spectral_norm(block, *, centered):
    """Return the largest eigenvalue of ``B^T B``, ``B`` the block (centered or not).

    A sparse block is never densified (nor centered: the centering enters the
    product as a rank-one correction), so a TF-IDF matrix costs its own size.
    """
    if block.shape[0] == 0 or block.shape[1] == 0:
        return 0.0
    if not sparse.issparse(block):
        if centered:
            block = block - block.mean(axis=0)
        return float(np.linalg.norm(block, 2) ** 2)
    n_rows = block.shape[0]
    mean = np.asarray(block.mean(axis=0)).ravel() if centered else None

    def gram_product(vector):
        product = block.T @ (block @ vector)
        if mean is not None:
            product = product - n_rows * mean * (mean @ vector)
        return product

    n_features = block.shape[1]
    if n_features <= 2:
        columns = np.column_stack([gram_product(e) for e in np.eye(n_features)])
        return float(np.linalg.eigvalsh(columns)[-1])
    operator = LinearOperator(
        (n_features, n_features), matvec=gram_product, dtype=np.float64
    )
    largest = eigsh(operator, k=1, which="LA", return_eigenvectors=False)
    return float(max(largest[0], 0.0))
