"""The machinery shared by the regularized linear multi-task estimators."""

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning

from skmtl._base import validate_features
from skmtl._estimator import BaseMultiTask
from skmtl.linear_model._objective import LinearFit
from skmtl.linear_model._solver import NonFiniteError, fista
from skmtl.linear_model.penalties import PENALTIES, PenaltyConfig
from skmtl.utils._docstrings import FIT_TARGETS, fill_doc
from skmtl.utils._plugin import build_plugin
from skmtl.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from skmtl.utils._threads import single_blas_thread


def validate_linear_features(estimator, X, *, reset):
    """Validate ``X`` as float64, SciPy sparse CSR/CSC accepted (kept sparse).

    The linear models compute in float64 whatever the input's dtype (as the
    solver always has): a float32 cast would merge nearby values (a feature
    offset by 1e8 keeps one value) and turn finite values above 3.4e38 into
    infinity. See :func:`skmtl._base.validate_features`.
    """
    return validate_features(
        estimator, X, reset=reset, dtype=np.float64, accept_sparse=("csr", "csc")
    )


@fill_doc(y=FIT_TARGETS)
class _BaseRegularizedMultiTask(BaseMultiTask, metaclass=ABCMeta):
    """Shared fit/predict logic; subclasses turn the labels into the loss's targets."""

    _split_features = staticmethod(validate_linear_features)

    _parameter_constraints = {
        "penalty": [str, type, PenaltyConfig],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "penalty_params": [dict, None],
        "fit_intercept": ["boolean"],
        "task_weighting": [StrOptions({"per_task", "per_sample"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "task_column": [Integral, str, None],
    }

    #: The loss of the data term: "squared" or "logistic".
    _loss = None

    def __init__(
        self,
        *,
        penalty="l21",
        alpha=0.01,
        penalty_params=None,
        fit_intercept=True,
        task_weighting="per_task",
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        task_column=None,
    ):
        self.penalty = penalty
        self.alpha = alpha
        self.penalty_params = penalty_params
        self.fit_intercept = fit_intercept
        self.task_weighting = task_weighting
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.task_column = task_column

    # ----------------------------------------------------------------- targets
    def _left_out_tasks(self, layout, targets, observed, weight, task_index):
        """Return a boolean mask of the tasks left out of the loss (none here)."""
        return np.zeros(self.n_tasks_, dtype=bool)

    @abstractmethod
    def _loss_targets(self, encoded):
        """Return ``(targets, observed)``: float labels and the observed mask.

        ``encoded`` is the output of ``_encode_targets`` (the target mixin's).
        """

    # --------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the coefficients of every task jointly.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Features. In the long layout, the column named by ``task_column``
            holds each row's task id.
        %(y)s
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each row in its tasks' losses (in the wide
            layout, of all the row's labels).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        warm = bool(self.warm_start) and hasattr(self, "coef_")
        layout, features, Y, task_index = self._fit_layout(X, y, warm=warm)
        weight = _check_sample_weight(
            sample_weight,
            features,
            dtype=np.float64,
            ensure_non_negative=True,
            copy=True,
        )
        _check_feature_scales(features, self.fit_intercept)
        targets, observed = self._loss_targets(
            self._encode_targets(layout, Y, task_index, reset=not warm)
        )
        task_weight = layout.observed_weights(observed, weight, task_index)
        left_out = self._left_out_tasks(layout, targets, observed, weight, task_index)
        penalty = self._build_penalty()

        # One BLAS thread: the solver's products are thin (one row per task), where
        # threads gain little and, on busy cores, cost up to ten times more
        # (measured on 2 shared cores: 0.3 s instead of 0.04 s for one fit).
        # Overflow shows up as non-finite values, which the solver reports.
        with single_blas_thread(), np.errstate(all="ignore"):
            fit = LinearFit(
                self._loss,
                _owned_float64(features),
                targets,
                observed,
                weight,
                self._task_scale(task_weight, left_out),
                task_index,
                penalty,
                self.fit_intercept,
            )
            start = (
                fit.to_variable(self.coef_, self.intercept_)
                if warm
                else np.zeros(fit.shape)
            )
            try:
                result = fista(
                    fit.problem,
                    start,
                    lipschitz=fit.problem.lipschitz(fit.shape),
                    max_iter=self.max_iter,
                    tol=self.tol,
                )
            except NonFiniteError as error:
                raise ValueError(
                    f"{type(self).__name__}(penalty={penalty.name!r}) stopped: the "
                    f"objective is not finite in float64 ({error}). The features or "
                    "targets are too large: scale them (e.g. StandardScaler on X, "
                    "and divide y by its standard deviation)."
                ) from None
        self._set_fitted(fit, result, penalty)
        return self

    def _set_fitted(self, fit, result, penalty):
        """Set the fitted attributes from the solver's result; warn if unfinished."""
        if not result.converged:
            measure = (
                "duality gap" if fit.problem.has_dual else "proximal-gradient bound"
            )
            warnings.warn(
                f"{type(self).__name__} did not converge in max_iter={self.max_iter} "
                f"iterations: the last {measure} relative to the objective's scale "
                f"was {result.stopping_measure:.2e} > tol={self.tol}. Increase "
                "max_iter, raise tol, or scale the features (e.g. StandardScaler).",
                ConvergenceWarning,
                stacklevel=4,
            )
        self.coef_, self.intercept_ = fit.from_variable(result.coef)
        self.n_iter_ = result.n_iter
        self.objective_path_ = result.objective_path
        for name in getattr(self, "_penalty_attributes", ()):
            vars(self).pop(name, None)
        learned = penalty.fitted_attributes(self.coef_)
        for name, value in learned.items():
            setattr(self, name, value)
        self._penalty_attributes = tuple(learned)

    def _task_scale(self, task_weight, left_out):
        """Return the weight of each label of each task in the objective."""
        kept = ~left_out
        scale = np.zeros(self.n_tasks_)
        if self.task_weighting == "per_task":
            scale[kept] = 1.0 / task_weight[kept]
        elif kept.any():
            scale[kept] = kept.sum() / task_weight[kept].sum()
        return scale

    def _build_penalty(self):
        params = self.penalty_params
        clash = sorted({"alpha", "task_names"} & set(params or {}))
        if clash:
            raise ValueError(
                f"penalty_params may not set {clash}: alpha is an estimator "
                "parameter and the task names come from the data."
            )
        return build_plugin(
            PENALTIES,
            self.penalty,
            "penalty_params",
            params,
            self.alpha,
            self.task_names_,
        )

    # ----------------------------------------------------------------- predict
    def _scores(self, features, task_index):
        """Return the linear scores: ``(n, T)`` (wide) or each row's task (long)."""
        X = features.astype(np.float64, copy=False)
        if task_index is None:
            return np.asarray(X @ self.coef_.T) + self.intercept_
        if sparse.issparse(X):
            X = X.tocsr()
            rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
            products = X.data * self.coef_[task_index[rows], X.indices]
            return (
                np.bincount(rows, weights=products, minlength=X.shape[0])
                + self.intercept_[task_index]
            )
        return (
            np.einsum("ij,ij->i", X, self.coef_[task_index])
            + self.intercept_[task_index]
        )


# Largest ratio of two features' spreads that the gradient solver can fit: beyond
# it the curvature ratio exceeds 1 / eps, so steps on the small feature are below
# the rounding of the large one's and the fit stalls (measured: R^2 0.00 with a
# value of 1e39 among standard normal features).
_MAX_SCALE_RATIO = 1e8


def _check_feature_scales(features, centered):
    """Raise a ValueError when the features' spreads are too far apart to fit.

    The spread of a column is its standard deviation (``centered``, i.e. with
    intercepts) or its root mean square; columns constant to rounding are left
    out.
    """
    n_samples = features.shape[0]
    with np.errstate(all="ignore"):
        if sparse.issparse(features):
            mean = np.asarray(features.mean(axis=0)).ravel()
            squares = np.asarray(features.multiply(features).mean(axis=0)).ravel()
        else:
            # Two passes without temporaries: a copy of X would cost more than
            # the check (measured: 35 ms of a 130 ms fit at 20,000 x 100).
            mean = features.sum(axis=0) / n_samples
            squares = np.einsum("ij,ij->j", features, features) / n_samples
        spread = np.sqrt(np.maximum(squares - mean**2, 0.0) if centered else squares)
        # Spreads at the rounding level of the values are constant columns.
        varying = spread > 1e3 * np.finfo(np.float64).eps * np.sqrt(squares)
    if not np.isfinite(spread).all():
        column = int(np.flatnonzero(~np.isfinite(spread))[0])
        raise ValueError(
            f"Feature column {column} is too large for float64 arithmetic (its "
            "squares overflow); scale the features (e.g. StandardScaler)."
        )
    if varying.sum() < 2:
        return
    columns = np.flatnonzero(varying)
    high = columns[np.argmax(spread[columns])]
    low = columns[np.argmin(spread[columns])]
    ratio = spread[high] / spread[low]
    if ratio > _MAX_SCALE_RATIO:
        raise ValueError(
            f"The spread of feature column {high} ({spread[high]:.3g}) is "
            f"{ratio:.2g} times that of column {low} ({spread[low]:.3g}): the solver "
            f"cannot fit features whose scales differ by more than "
            f"{_MAX_SCALE_RATIO:g}. Scale the features (e.g. StandardScaler). "
            "(Columns are counted without the task column.)"
        )


def _owned_float64(features):
    """Return a float64 copy the solver may center in place (CSR when sparse)."""
    if sparse.issparse(features):
        return features.astype(np.float64).tocsr()
    return np.array(features, dtype=np.float64, order="C")
