"""The interface every penalty of the regularized linear estimators implements."""

import numpy as np

from skmtl.utils._docstrings import fill_doc
from skmtl.utils._plugin import PluginConfig
from skmtl.utils._registry import Registry

#: ``task_names``, the parameter of every penalty, for
#: :func:`skmtl.utils._docstrings.fill_doc`.
TASK_NAMES = """\
task_names : sequence
    The names of the tasks, in the order of the rows of ``W``."""

#: ``alpha`` and ``task_names``, the parameters of the plain penalties.
PENALTY_PARAMETERS = f"""\
alpha : float
    Strength of the penalty.
{TASK_NAMES}"""

#: The Parameters section of the methods that take the coefficients.
COEFFICIENTS = """\
Parameters
----------
W : ndarray of shape (n_tasks, n_features)
    Coefficients."""

#: The Parameters section of the dual norms of the data term's gradient.
GRADIENT = """\
Parameters
----------
G : ndarray of shape (n_tasks, n_features)
    The gradient of the data term with respect to the coefficients."""


@fill_doc(coefficients=COEFFICIENTS, gradient=GRADIENT)
class Penalty:
    r"""Base class of the penalties :math:`\Omega(W)` on the coefficients of all tasks.

    ``W`` has shape ``(n_tasks, n_features)``: row :math:`t` holds task
    :math:`t`'s coefficients :math:`w_t`, as in the estimators' ``coef_``. The
    intercepts are never penalized.

    The solver (accelerated proximal gradient) handles a penalty through two
    parts, either of which may be absent: a smooth part, given by
    :meth:`smooth_value_and_gradient` and the Lipschitz constant of its gradient
    (:meth:`lipschitz`), and a non-smooth part, given by :meth:`nonsmooth_value`
    and its proximal operator :meth:`prox`. Subclasses set the class attribute
    ``name`` and override what their penalty has; their own hyperparameters
    arrive as keyword arguments, given by their :class:`PenaltyConfig` (which
    the estimators' ``penalty`` parameter takes, and which builds the penalty at
    fit time).

    Parameters
    ----------
    alpha : float
        Strength of the penalty, :math:`\alpha \ge 0`.
    task_names : sequence
        The names of the tasks, in the order of the rows of ``W``.
    """

    name = None

    def __init__(self, alpha, task_names):
        self.alpha = float(alpha)
        self.task_names = list(task_names)
        self.n_tasks = len(self.task_names)

    def value(self, W):
        """Return the penalty: the smooth and the non-smooth part together.

        %(coefficients)s

        Returns
        -------
        value : float
            The penalty.
        """
        return self.smooth_value_and_gradient(W)[0] + self.nonsmooth_value(W)

    def smooth_value_and_gradient(self, W):
        """Return the smooth part's value and gradient (None: no smooth part).

        %(coefficients)s

        Returns
        -------
        value : float
            The smooth part of the penalty.
        gradient : ndarray of shape (n_tasks, n_features) or None
            Its gradient; None when the penalty has no smooth part.
        """
        return 0.0, None

    def lipschitz(self):
        """Return a Lipschitz constant of the smooth part's gradient.

        Returns
        -------
        lipschitz : float
            An upper bound (the solver's first step size uses it; a line search
            corrects an underestimate).
        """
        return 0.0

    def nonsmooth_value(self, W):
        """Return the non-smooth part of the penalty.

        %(coefficients)s

        Returns
        -------
        value : float
            The non-smooth part; 0 for a smooth penalty.
        """
        return 0.0

    def prox(self, V, step):
        r"""Return the proximal operator of ``step`` times the non-smooth part.

        .. math::

            \operatorname{prox}(V) = \arg\min_W \frac{1}{2}\lVert W - V
            \rVert_F^2 + \mathrm{step} \cdot \Omega_{\mathrm{nonsmooth}}(W).

        Parameters
        ----------
        V : ndarray of shape (n_tasks, n_features)
            The point to map; not modified.
        step : float
            The step size, > 0.

        Returns
        -------
        W : ndarray of shape (n_tasks, n_features)
            The proximal point (``V`` itself for a smooth penalty).
        """
        return V

    def dual_norm(self, G):
        r"""Return the dual norm of ``G`` when the penalty is ``alpha`` times a norm.

        The solver stops on the duality gap when this is available (squared
        loss): the dual point is the residual scaled so that the dual norm of
        the data term's gradient is at most ``alpha``. Penalties that are not
        a norm return None, and the solver stops on the proximal-gradient bound.

        %(gradient)s

        Returns
        -------
        norm : float or None
            :math:`\lVert G \rVert_*`, or None.
        """
        return None

    def column_dual_norms(self, G):
        """Return the dual norm of each column of ``G``, for a column-wise norm.

        Penalties that are a sum over features of a norm of the feature's
        coefficients in all tasks (``l21``) return one value per feature; the
        solver then drops the features that are provably zero at the optimum
        (gap safe screening). Others return None.

        %(gradient)s

        Returns
        -------
        norms : ndarray of shape (n_features,) or None
            The dual norm of each column, or None.
        """
        return None

    def fitted_attributes(self, W):
        """Return what the penalty learned at the solution, as estimator attributes.

        Parameters
        ----------
        W : ndarray of shape (n_tasks, n_features)
            The fitted coefficients.

        Returns
        -------
        attributes : dict of str -> ndarray
            Attribute name (ending in ``_``) -> value, set on the estimator after
            fit; empty for most penalties.
        """
        return {}


class PenaltyConfig(PluginConfig):
    """Base class of the penalties' configurations.

    A configuration holds a penalty's own hyperparameters (the ``__init__``
    keywords of its :class:`Penalty` subclass, ``plugin``) and their
    ``_parameter_constraints``. Given as ``penalty=``, its hyperparameters are
    nested estimator parameters (``penalty__n_clusters``). At fit time the
    estimator calls ``build(alpha, task_names)``, which returns a new penalty.
    """


#: Registry name -> penalty configuration; names accepted by ``penalty``.
PENALTIES = Registry("penalty", Penalty, "penalty")


def frobenius_squared(W):
    """Return the squared Frobenius norm of ``W``."""
    return float(np.vdot(W, W))
