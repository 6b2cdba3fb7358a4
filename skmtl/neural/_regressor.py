"""MultiTaskRegressor: a multi-task neural network for regression tasks."""

import numpy as np

from skmtl._estimator import MultiTaskRegressorMixin, init_adding
from skmtl.neural._base import _BaseMultiTaskNeural
from skmtl.neural._criterion import MaskedSquaredError
from skmtl.neural._docs import SECTIONS
from skmtl.neural._partial import PartialFitMixin
from skmtl.neural._targets import kept_scaled_targets
from skmtl.utils._docstrings import fill_doc


@fill_doc(**SECTIONS)
class MultiTaskRegressor(
    MultiTaskRegressorMixin, PartialFitMixin, _BaseMultiTaskNeural
):
    r"""Multi-task neural network regressor trained with skorch.

    A network with a sharing architecture (by default a shared MLP trunk and one
    head per task) is trained on all tasks at once. The loss of task :math:`t` is
    the weighted mean squared error over its observed labels,

    .. math::

        L_t = \frac{\sum_i w_i m_{it} (f_t(x_i) - y_{it})^2}{\sum_i w_i m_{it}},

    with :math:`m_{it} = 1` when the label is observed, and the loss weighting
    combines the :math:`L_t` of each mini-batch (by default their mean over the
    tasks present in the batch).

    Parameters
    ----------
    %(network_task_column)s
    %(training)s
    %(warm_start)s
        It may add tasks (see :ref:`transfer`); the new tasks' target scaling
        is set from that fit.
    %(shared_lr_scale)s
    standardize_targets : bool, default=True
        Scale each task's targets to zero mean and unit variance for training
        (predictions are returned in the original units). Keeps tasks of
        different scales from dominating the loss. The losses in ``history_`` are
        in the standardized units.
    %(precision)s
    %(tabular)s

    Attributes
    ----------
    %(fitted)s

    See Also
    --------
    MultiTaskClassifier : The same network for classification tasks.
    sklearn.neural_network.MLPRegressor : A single network for all outputs.

    Examples
    --------
    >>> from skmtl import MultiTaskRegressor
    >>> from skmtl.datasets import make_multitask_regression
    >>> X, Y = make_multitask_regression(n_samples=200, n_tasks=3, random_state=0)
    >>> model = MultiTaskRegressor(max_epochs=20, random_state=0).fit(X, Y)
    >>> model.predict(X[:2]).shape
    (2, 3)
    >>> sorted(model.score_per_task(X, Y))
    ['task_0', 'task_1', 'task_2']
    """

    _parameter_constraints = {
        **_BaseMultiTaskNeural._parameter_constraints,
        "standardize_targets": ["boolean"],
    }

    __init__ = init_adding(_BaseMultiTaskNeural.__init__, standardize_targets=True)

    def _criterion(self):
        return MaskedSquaredError

    def _output_sizes(self):
        return 1, None

    def _training_targets(self, layout, encoded, task_index, weight, *, reset):
        return kept_scaled_targets(
            self, layout, encoded, task_index, weight, reset=reset
        )

    def _predict_from_features(self, features, task_index):
        layout = self._layout
        outputs = self._forward(features, task_index)[..., 0].astype(np.float64)
        prediction = outputs * layout.per_row(
            self._target_scale, task_index
        ) + layout.per_row(self._target_mean, task_index)
        return layout.output(prediction)
