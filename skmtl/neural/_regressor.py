"""MultiTaskRegressor: a multi-task neural network for regression tasks."""

import numpy as np
import torch
from sklearn.base import RegressorMixin

from skmtl._targets import regression_values, task_columns
from skmtl.neural._base import _BaseMultiTaskNeural
from skmtl.neural._criterion import MaskedSquaredError
from skmtl.neural._targets import check_float32_targets, weighted_mean_and_scale


class MultiTaskRegressor(RegressorMixin, _BaseMultiTaskNeural):
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
        the next call to ``fit`` (same tasks required).
    standardize_targets : bool, default=True
        Scale each task's targets to zero mean and unit variance for training
        (predictions are returned in the original units). Keeps tasks of
        different scales from dominating the loss. The losses in ``history_`` are
        in the standardized units.
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
        ``task_weights`` and ``dur``. Slice it like ``history_[:, "train_loss"]``.
    task_weights_ : ndarray of shape (`n_iter_`, `n_tasks_`)
        Mean weight the loss weighting gave each task in each epoch.
    n_iter_ : int
        Number of epochs trained (in total, with ``warm_start``).

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
    _score_metric = "r2"

    def __init__(
        self,
        *,
        sharing="hard",
        sharing_params=None,
        shared_layers=(100,),
        head_layers=(),
        loss_weighting="equal",
        loss_weighting_params=None,
        activation="relu",
        dropout=0.0,
        batch_size=200,
        max_epochs=200,
        lr=1e-3,
        optimizer="adam",
        weight_decay=1e-2,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        task_column=None,
        random_state=None,
        device="cpu",
        n_threads=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
        precision="32",
        cuda_graphs="auto",
        standardize_targets=True,
    ):
        super().__init__(
            sharing=sharing,
            sharing_params=sharing_params,
            shared_layers=shared_layers,
            head_layers=head_layers,
            loss_weighting=loss_weighting,
            loss_weighting_params=loss_weighting_params,
            activation=activation,
            dropout=dropout,
            batch_size=batch_size,
            max_epochs=max_epochs,
            lr=lr,
            optimizer=optimizer,
            weight_decay=weight_decay,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            task_column=task_column,
            random_state=random_state,
            device=device,
            n_threads=n_threads,
            verbose=verbose,
            callbacks=callbacks,
            warm_start=warm_start,
            precision=precision,
            cuda_graphs=cuda_graphs,
        )
        self.standardize_targets = standardize_targets

    # The mixin on the left (scikit-learn's convention) would otherwise supply a
    # score that cannot handle missing labels or several tasks.
    score = _BaseMultiTaskNeural.score

    def _criterion(self):
        return MaskedSquaredError

    def _output_sizes(self):
        return 1, None

    def _encode_targets(self, Y, task_index, weight, *, reset):
        if task_index is None:
            # Column-major: each task's column is contiguous for the per-task
            # passes below (a third less time on 200,000 x 10 labels).
            Y = np.asfortranarray(Y)
        values = np.empty(Y.shape, dtype=np.float64, order="F")
        means = np.zeros(self.n_tasks_)
        scales = np.ones(self.n_tasks_)
        for t, samples, cells, column in task_columns(Y, task_index, self.n_tasks_):
            numbers = regression_values(column, self.task_names_[t])
            values[cells] = numbers
            task_weight = np.where(np.isnan(numbers), 0.0, weight[samples])
            if self.standardize_targets and task_weight.sum() > 0:
                means[t], scales[t] = weighted_mean_and_scale(numbers, task_weight)
        if reset:
            self._target_mean, self._target_scale = means, scales
        if task_index is None:
            scaled = (values - self._target_mean) / self._target_scale
        else:
            scaled = (values - self._target_mean[task_index]) / self._target_scale[
                task_index
            ]
        check_float32_targets(scaled, task_index, self.task_names_)
        return torch.from_numpy(np.ascontiguousarray(scaled, dtype=np.float32))

    def predict(self, X):
        """Predict every task's target (wide) or each row's own task (long).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout).

        Returns
        -------
        y_pred : ndarray
            ``(n_samples, n_tasks)`` in the wide layout (``(n_samples,)`` when
            ``fit`` got a 1-D ``y``); ``(n_samples,)`` in the long layout.
        """
        features, task_index = self._validate_for_predict(X)
        return self._predict_from_features(features, task_index)

    def _predict_from_features(self, features, task_index):
        outputs = self._forward(features, task_index)[..., 0].astype(np.float64)
        if task_index is None:
            prediction = outputs * self._target_scale + self._target_mean
            return prediction[:, 0] if self._y_one_d else prediction
        return outputs * self._target_scale[task_index] + self._target_mean[task_index]
