"""UPGrad: unconflicting projection of gradients (Jacobian descent).

Quinton, P. & Rey, V. (2024). Jacobian descent for multi-objective optimization.
arXiv:2406.16232.
"""

import numpy as np
import torch

from skmtl.utils._docstrings import fill_doc
from skmtl.weighting._base import WEIGHTING_SECTIONS, WEIGHTINGS, LossWeightingConfig
from skmtl.weighting._gradients import GradientAggregation


@fill_doc(**WEIGHTING_SECTIONS)
class UPGrad(GradientAggregation):
    """Unconflicting projection of gradients, at the shared representation.

    Each task gradient ``g_t`` is projected onto the dual cone of all the task
    gradients (the directions that increase no task's loss to first order) and
    the projections are averaged. The result never conflicts with any task
    (``g . g_t >= 0`` for every ``t``), equals the average gradient when no pair
    conflicts, and is zero only at a Pareto-stationary point. The recorded weights
    are exact: the update is ``sum_t w_t g_t``.

    %(gradients)s

    Parameters
    ----------
    %(n_tasks)s
    %(unused_random_state)s

    Notes
    -----
    The weights come from the maintained implementation,
    ``torchjd.aggregation.UPGradWeighting`` (torchjd 0.18, with qpsolvers and
    quadprog: one small quadratic program per task), applied to the ``k x k``
    Gramian, which is first scaled to unit trace: the projection weights do not
    depend on the scale, and torchjd replaces a Gramian of trace below 1e-4 by zero
    (which gives the plain average), a threshold small per-sample gradients reach.
    Measured on one CPU thread with 10 tasks, a batch of 256 x 50, a 128-128 trunk
    (a 256 x 128 representation) and Adam: a plain step took about 2.8 ms and an
    UPGrad step about 7.4 ms, of which torchjd's weighting is 0.4 ms; most of the
    rest (about 3.5 ms) is the batched backward pass to the representation that
    every gradient method shares. torchjd's own ``mtl_backward`` + ``jac_to_grad``
    aggregates over every shared parameter instead (14-18 ms per step in the
    measurement noted in the design notes) and needs distinct per-task head
    parameters, which the stacked heads are not.

    References
    ----------
    Quinton, P. & Rey, V. (2024). Jacobian descent for multi-objective
    optimization. arXiv:2406.16232.
    """

    name = "upgrad"

    def __init__(self, n_tasks, *, random_state=0):
        super().__init__(n_tasks, random_state=random_state)
        try:
            from torchjd.aggregation import UPGradWeighting

            weighting = UPGradWeighting()
        except ImportError as error:
            raise ImportError(
                "loss_weighting='upgrad' needs torchjd, qpsolvers and quadprog: "
                "pip install 'torchjd>=0.18,<0.19' qpsolvers quadprog"
            ) from error
        self._weighting = weighting

    def aggregation_weights(self, gramian, losses):
        """Return torchjd's UPGrad weights for the Gramian scaled to unit trace."""
        k = gramian.shape[0]
        trace = gramian.trace()
        if not trace > 0.0:
            return np.full(k, 1.0 / k)
        weights = self._weighting(torch.from_numpy(gramian / trace))
        return weights.numpy()


@WEIGHTINGS.register
class UPGradConfig(LossWeightingConfig):
    """Configuration of :class:`UPGrad`, ``loss_weighting="upgrad"``.

    No hyperparameters of its own.
    """

    plugin = UPGrad
