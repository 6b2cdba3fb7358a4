"""MultiTaskClassifier: a multi-task neural network for classification tasks."""

import numpy as np
import torch
from sklearn.base import ClassifierMixin

from skmtl._targets import (
    class_codes,
    decode_labels,
    task_columns,
)
from skmtl.neural._base import _BaseMultiTaskNeural
from skmtl.neural._criterion import MaskedCrossEntropy


class MultiTaskClassifier(ClassifierMixin, _BaseMultiTaskNeural):
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
    sharing : str or ArchitectureConfig, default="hard"
        How the tasks share parameters: a name registered in
        ``skmtl.architectures.ARCHITECTURES`` (``"hard"``: shared trunk and
        per-task heads; ``"independent"``: one full network per task, the
        single-task baseline), or an architecture's configuration with its own
        hyperparameters, e.g.
        ``skmtl.architectures.MultiGateMixtureOfExpertsConfig(n_experts=8)``,
        which are then nested parameters (``sharing__n_experts``) that
        ``GridSearchCV`` searches. A subclass of
        :class:`skmtl.architectures.Architecture` is accepted too.
    sharing_params : dict, default=None
        Deprecated (FutureWarning), removed in the next release: hyperparameters
        of the architecture; give its configuration as ``sharing`` instead.
    shared_layers : tuple of int, default=(100,)
        Hidden layer sizes of the shared trunk (of each task's tower when
        ``sharing="independent"``).
    head_layers : tuple of int, default=()
        Hidden layer sizes of each task head; empty gives linear heads.
    loss_weighting : str or LossWeightingConfig, default="equal"
        How the per-task losses are combined: a name registered in
        ``skmtl.weighting.WEIGHTINGS``, or a weighting's configuration with its
        own hyperparameters (e.g.
        ``skmtl.weighting.DynamicWeightAverageConfig(temperature=4.0)``), which
        are then nested parameters (``loss_weighting__temperature``). A subclass
        of :class:`skmtl.weighting.LossWeighting` is accepted too.
    loss_weighting_params : dict, default=None
        Deprecated (FutureWarning), removed in the next release: hyperparameters
        of the loss weighting; give its configuration as ``loss_weighting``
        instead.
    activation : str or type, default="relu"
        Activation after each hidden layer: ``"relu"``, ``"tanh"``,
        ``"logistic"``, ``"gelu"``, ``"elu"``, ``"selu"``, ``"leaky_relu"``,
        ``"identity"`` or a :class:`torch.nn.Module` subclass.
    dropout : float, default=0.0
        Dropout probability after each hidden layer.
    batch_size : int, default=200
        Rows per mini-batch.
    max_epochs : int, default=200
        Passes over the training data (per call to ``fit`` with ``warm_start``).
    lr : float, default=1e-3
        Learning rate.
    optimizer : str or torch optimizer class, default="adam"
        The optimizer: ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"`` or a
        :class:`torch.optim.Optimizer` subclass. On CPU and CUDA, ``"adam"``,
        ``"adamw"`` and ``"sgd"`` use torch's fused implementation (``fused=True``:
        one kernel updates all parameters; the same update up to float
        rounding); a class is used with its own defaults.
    weight_decay : float, default=1e-2
        Weight decay (L2 penalty) passed to the optimizer. The default was
        chosen by inner cross-validation on the School data and four Mulan sets,
        where no weight decay overfitted (many tasks with few rows each); 0
        turns it off (and is needed with an optimizer class that has no
        ``weight_decay`` argument, such as LBFGS).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows and stop when the validation
        loss has not improved by ``tol`` for ``n_iter_no_change`` epochs; the
        weights of the best epoch are restored.
    validation_fraction : float, default=0.1
        Share of the rows held out for early stopping (a random split).
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Smallest decrease of the validation loss counted as an improvement.
    task_column : int or str, default=None
        Long layout: the column of ``X`` (position, or name for a DataFrame)
        holding each row's task id; ``y`` is then 1-D. None: wide layout.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout, the validation split and
        the loss weighting. An int gives bit-identical predictions for the same
        data, machine and thread count. torch's global generator is left as it
        was.
    device : str or torch.device, default="cpu"
        Where the network is trained, e.g. ``"cuda"``.
    n_threads : int, default=None
        torch threads during fit and predict, restored afterwards. None: one
        thread inside a joblib worker (``GridSearchCV(n_jobs>1)``), else torch's
        current setting.
    verbose : int, default=0
        0 trains silently (no progress callback at all). 1 prints one line
        per epoch with the losses of up to 8 tasks, 2 with every task; with
        early stopping, the best epoch so far is marked ``*best``. 3 shows a
        tqdm progress bar over the epochs on stderr instead (ETA, losses, best
        epoch); 4 adds a bar over each epoch's batches.
    callbacks : list of skorch callbacks, default=None
        Extra skorch callbacks (instances or ``(name, callback)`` pairs), used as
        given and run after skmtl's own.
    warm_start : bool, default=False
        Continue training the fitted network for ``max_epochs`` more epochs on
        the next call to ``fit`` (same tasks, no new classes).
    precision : {"32", "tf32", "bf16"}, default="32"
        Arithmetic of the network: ``"32"`` float32; ``"tf32"`` float32 tensors
        with matrix products on the TensorFloat-32 units of NVIDIA GPUs (CUDA
        only; a ValueError elsewhere); ``"bf16"`` the forward pass under
        bfloat16 autocast, with float32 weights, optimizer state and losses (CPU
        and CUDA). Applies to fit and predict. See :ref:`gpu-training` for the
        measured differences from float32.
    cuda_graphs : {"auto", True, False}, default="auto"
        Record the whole training step (batch gather, forward, per-task losses,
        backward, optimizer update) once per fit in a CUDA graph and replay it
        for every batch. ``"auto"``: on ``device="cuda"`` when the loss
        weighting, optimizer and callbacks allow it, else skorch's eager loop;
        True: the same, raising a ValueError when capture is not possible;
        False: always the eager loop. A captured fit records per-epoch history
        only (no per-batch entries or batch callbacks). See :ref:`gpu-training`.

    Attributes
    ----------
    classes_ : list of ndarray or ndarray
        The classes of each task, in the order of the columns of
        ``predict_proba``. A single array when ``fit`` got a 1-D ``y`` in the
        wide layout (one task), as for any scikit-learn classifier.
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module.
    n_tasks_ : int
        Number of tasks.
    task_names_ : list
        Task names: the columns of a DataFrame ``y``, the task ids in the long
        layout, else ``task_0, task_1, ...``.
    n_features_in_ : int
        Number of columns of ``X`` seen in fit (including the task column).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X``, when it is a DataFrame with string names.
    history_ : skorch.History
        Per-epoch records: ``train_loss``, ``train_task_loss`` (task -> loss),
        ``valid_loss`` and ``valid_task_loss`` with early stopping,
        ``task_weights`` and ``dur``.
    task_weights_ : ndarray of shape (`n_iter_`, `n_tasks_`)
        Mean weight the loss weighting gave each task in each epoch.
    n_iter_ : int
        Number of epochs trained (in total, with ``warm_start``).

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

    _score_metric = "accuracy"

    # The mixin on the left (scikit-learn's convention) would otherwise supply a
    # score that cannot handle missing labels or several tasks.
    score = _BaseMultiTaskNeural.score

    def _criterion(self):
        return MaskedCrossEntropy

    def _output_sizes(self):
        counts = [len(c) for c in self._task_classes]
        return max(counts), counts

    def _encode_targets(self, Y, task_index, weight, *, reset):
        codes = np.full(Y.shape, -1, dtype=np.int64)
        classes = []
        for t, _, cells, column in task_columns(Y, task_index, self.n_tasks_):
            known = None if reset else self._task_classes[t]
            codes[cells], task_classes = class_codes(column, self.task_names_[t], known)
            classes.append(task_classes)
        if reset:
            self._task_classes = classes
            self.classes_ = classes[0] if self._y_one_d else classes
        return torch.from_numpy(codes)

    def _probabilities(self, features, task_index):
        """Return the softmax of the masked logits, ``(n, T, K)`` or ``(n, K)``."""
        logits = self._forward(features, task_index).astype(np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=-1, keepdims=True)

    def predict_proba(self, X):
        """Return class probabilities per task.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout).

        Returns
        -------
        proba : list of ndarray, or ndarray
            One ``(n_samples, n_classes_t)`` array per task, columns in the order
            of ``classes_[t]``. A single array when ``fit`` got a 1-D ``y`` in the
            wide layout. In the long layout, the rows of other tasks are NaN in
            each task's array.
        """
        features, task_index = self._validate_for_predict(X)
        probabilities = self._probabilities(features, task_index)
        counts = [len(c) for c in self._task_classes]
        if task_index is None:
            per_task = [probabilities[:, t, :k] for t, k in enumerate(counts)]
            return per_task[0] if self._y_one_d else per_task
        per_task = []
        for t, k in enumerate(counts):
            proba = np.full((len(task_index), k), np.nan)
            rows = task_index == t
            proba[rows] = probabilities[rows, :k]
            per_task.append(proba)
        return per_task

    def predict(self, X):
        """Predict each task's label (wide) or each row's own task label (long).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout).

        Returns
        -------
        y_pred : ndarray
            Original labels: ``(n_samples, n_tasks)`` in the wide layout
            (``(n_samples,)`` when ``fit`` got a 1-D ``y``), ``(n_samples,)`` in
            the long layout.
        """
        features, task_index = self._validate_for_predict(X)
        return self._predict_from_features(features, task_index)

    def _predict_from_features(self, features, task_index):
        codes = self._probabilities(features, task_index).argmax(axis=-1)
        return decode_labels(codes, self._task_classes, task_index, self._y_one_d)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
