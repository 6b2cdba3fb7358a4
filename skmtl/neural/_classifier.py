"""MultiTaskClassifier: a multi-task neural network for classification tasks."""

import numpy as np
import torch

from skmtl._estimator import MultiTaskClassifierMixin
from skmtl.neural._base import _BaseMultiTaskNeural
from skmtl.neural._criterion import MaskedCrossEntropy
from skmtl.neural._docs import SECTIONS
from skmtl.neural._partial import ClassifierPartialFitMixin
from skmtl.utils._docstrings import fill_doc


@fill_doc(**SECTIONS)
class MultiTaskClassifier(
    MultiTaskClassifierMixin, ClassifierPartialFitMixin, _BaseMultiTaskNeural
):
    r"""Multi-task neural network classifier trained with skorch.

    Each task has its own label set (binary or multiclass, numbers or strings),
    encoded per task. The network (by default a shared MLP trunk and one head per
    task) gives each task logits over its own classes; the loss of task
    :math:`t` is the weighted cross-entropy over its observed labels,

    .. math::

        L_t = -\frac{\sum_i w_i m_{it} \log p_t(y_{it} \mid x_i)}
                    {\sum_i w_i m_{it}},

    and the loss weighting combines the :math:`L_t` of each mini-batch (by
    default their mean over the tasks present in the batch).

    A task with a single class in the training data is kept: it gets a
    ``UserWarning`` and is always predicted as that class (probability 1).

    Parameters
    ----------
    %(network_task_column)s
    %(training)s
    %(warm_start)s
        It may add tasks (see :ref:`transfer`); the previous tasks take no new
        classes.
    %(shared_lr_scale)s
    %(precision)s
    %(tabular)s

    Attributes
    ----------
    classes_ : list of ndarray or ndarray
        The classes of each task, in the order of the columns of
        ``predict_proba``. A single array when ``fit`` got a 1-D ``y`` in the
        wide layout (one task), as for any scikit-learn classifier.
    %(fitted)s

    See Also
    --------
    MultiTaskRegressor : The same network for regression tasks.
    sklearn.multioutput.MultiOutputClassifier : One independent model per task.

    Notes
    -----
    Cross-validating with missing labels: scikit-learn's default splitter for
    classifiers inspects ``y`` and rejects NaN, so pass ``cv=KFold(...)``.

    Examples
    --------
    >>> from skmtl import MultiTaskClassifier
    >>> from skmtl.datasets import load_digits_multitask
    >>> X, Y = load_digits_multitask(return_X_y=True)
    >>> model = MultiTaskClassifier(max_epochs=5, random_state=0).fit(X / 16, Y)
    >>> [len(c) for c in model.classes_]
    [10, 2, 2]
    >>> model.predict(X[:1] / 16).shape
    (1, 3)
    """

    def _criterion(self):
        return MaskedCrossEntropy

    def _output_sizes(self):
        counts = [len(c) for c in self._task_classes]
        return max(counts), counts

    def _training_targets(self, layout, encoded, task_index, weight, *, reset):
        return torch.from_numpy(encoded)

    def _probabilities(self, features, task_index):
        """Return the softmax of the masked logits, ``(n, T, K)`` or ``(n, K)``."""
        logits = self._forward(features, task_index).astype(np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=-1, keepdims=True)

    def _task_probabilities(self, features, task_index, rows):
        probabilities = self._probabilities(features, task_index)
        outputs = []
        for t, (task_rows, classes) in enumerate(zip(rows, self._task_classes)):
            part = self._layout.take(probabilities, task_rows, t)
            outputs.append(None if part is None else part[:, : len(classes)])
        return outputs

    def _predict_from_features(self, features, task_index):
        codes = self._probabilities(features, task_index).argmax(axis=-1)
        return self._layout.labels(codes, self._task_classes, task_index)
