"""The machinery shared by MultiTaskRegressor and MultiTaskClassifier."""

import inspect
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from skorch.callbacks import EarlyStopping

from skmtl._base import (
    FittedInputMixin,
    fit_layout,
)
from skmtl._scoring import PerTaskScoreMixin
from skmtl.architectures import ARCHITECTURES, ArchitectureConfig
from skmtl.neural._callbacks import DivergenceGuard, TrainingDiverged
from skmtl.neural._captured import step_runner_for
from skmtl.neural._data import (
    RandomFractionSplit,
    TaskTensorDataset,
    TensorBatchIterator,
)
from skmtl.neural._device import (
    PRECISIONS,
    check_device,
    check_precision,
    computing_at,
    matmul_precision,
)
from skmtl.neural._distributed import (
    GradientAllReduce,
    ShardedBatchIterator,
    process_group,
)
from skmtl.neural._module import MultiTaskModule
from skmtl.neural._net import MultiTaskNet
from skmtl.neural._progress import progress_callbacks
from skmtl.neural._sparse_data import SparseRows, SparseTaskDataset
from skmtl.utils._doc_link import DocLinkMixin
from skmtl.utils._plugin import build_plugin
from skmtl.utils._random import (
    derived_seed,
    draw_seed,
    seeded_torch,
    use_generator_dropout,
)
from skmtl.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
)
from skmtl.utils._threads import torch_threads
from skmtl.utils._worker_gc import freeze_gc_in_worker_process
from skmtl.weighting import WEIGHTINGS, FixedWeightingConfig, LossWeightingConfig
from skmtl.weighting._fixed import check_fixed_weights

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
# Named optimizers run with torch's fused implementation where it exists: one
# kernel updates every parameter (the update rule is the same, up to float
# rounding). With the default for-loop Adam, the optimizer step was about a
# fifth of a small network's fit on CPU.
FUSED_OPTIMIZERS = frozenset({"adam", "adamw", "sgd"})
FUSED_DEVICES = frozenset({"cpu", "cuda"})

# Rows per forward pass at predict time: large enough to amortise the call
# overhead, small enough to bound the memory of the activations. A GPU needs
# larger batches to be busy, and has the memory for them.
_PREDICT_CHUNK = 8192
_PREDICT_CHUNK_ACCELERATOR = 65536
# A sparse X is densified one chunk of rows at a time: at most this many cells
# (16 MiB as float32), so a very wide X (TF-IDF) gets chunks of fewer rows.
_PREDICT_DENSE_CELLS = 2**22


def _check_layer_sizes(name, sizes):
    sizes = tuple(sizes)
    if not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes
    ):
        raise ValueError(
            f"{name} must be a sequence of positive integers, got {sizes!r}."
        )
    return tuple(int(s) for s in sizes)


class _BaseMultiTaskNeural(
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    FittedInputMixin,
    PerTaskScoreMixin,
    DocLinkMixin,
    BaseEstimator,
    metaclass=ABCMeta,
):
    """Shared fit/predict logic; subclasses encode and decode the targets.

    A transformer too: :meth:`transform` returns the shared representation,
    whose units :meth:`get_feature_names_out` names ``<class name
    lowercased><i>`` (scikit-learn's ``ClassNamePrefixFeaturesOutMixin``), so
    ``set_output(transform="pandas")`` works on the estimator and on pipelines
    that end in it. ``TransformerMixin`` sits here, not on the public classes,
    because scikit-learn's output wrapping only wraps a ``transform`` defined by
    the class that subclasses it.
    """

    _parameter_constraints = {
        "sharing": [str, type, ArchitectureConfig],
        "sharing_params": [dict, None],
        "shared_layers": ["array-like"],
        "head_layers": ["array-like"],
        "loss_weighting": [str, type, LossWeightingConfig, dict, "array-like"],
        "loss_weighting_params": [dict, None],
        "activation": [str, type],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "task_column": [Integral, str, None],
        "random_state": ["random_state"],
        "device": [str, torch.device],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "verbose": ["verbose"],
        "callbacks": [list, tuple, None],
        "warm_start": ["boolean"],
        "precision": [StrOptions(set(PRECISIONS))],
        "cuda_graphs": [StrOptions({"auto"}), "boolean"],
    }

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
    ):
        self.sharing = sharing
        self.sharing_params = sharing_params
        self.shared_layers = shared_layers
        self.head_layers = head_layers
        self.loss_weighting = loss_weighting
        self.loss_weighting_params = loss_weighting_params
        self.activation = activation
        self.dropout = dropout
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.task_column = task_column
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.precision = precision
        self.cuda_graphs = cuda_graphs

    # ----------------------------------------------------------------- targets
    @abstractmethod
    def _encode_targets(self, Y, task_index, weight, *, reset):
        """Return the training targets as a tensor (subclass: regression/classes)."""

    @abstractmethod
    def _criterion(self):
        """Return the criterion class."""

    @abstractmethod
    def _output_sizes(self):
        """Return ``(n_outputs, class_counts or None)`` for the module."""

    # --------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the multi-task network.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features. In the long layout, the column named by ``task_column``
            holds each row's task id.
        y : array-like or DataFrame
            Wide layout: shape (n_samples, n_tasks), NaN (or None) for a missing
            label; a 1-D ``y`` is a single task. Long layout: 1-D, the label of
            each row for its own task.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each row in its tasks' losses.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        freeze_gc_in_worker_process("before fit")
        device = check_device(self.device)
        check_precision(self.precision, device)
        warm = bool(self.warm_start) and hasattr(self, "net_")
        features, Y, task_index = fit_layout(self, X, y, warm=warm)
        weight = _check_sample_weight(
            sample_weight,
            features,
            dtype=np.float32,
            ensure_non_negative=True,
            copy=True,
        )
        targets = self._encode_targets(Y, task_index, weight, reset=not warm)
        observed = self._observed_mask(targets)
        self._check_every_task_observed(observed, task_index, weight)

        sparse = sp.issparse(features)
        if sparse:
            # The CSR arrays become tensors; batches are sparse tensors for an
            # architecture that takes them, else densified one at a time.
            architecture = ARCHITECTURES.resolve(self.sharing)
            inputs = {
                "X": SparseRows.from_scipy(
                    features, device, dense=not architecture.sparse_input
                )
            }
        else:
            inputs = {"X": torch.from_numpy(features).to(device)}
        if task_index is not None:
            inputs["task"] = torch.from_numpy(task_index).to(device)
        # The mask and the weights travel only when they carry information: the
        # criterion then skips their per-batch operations.
        target_tensors = {}
        if not bool(observed.all()):
            # A missing label (NaN, or class code -1) becomes 0: the mask keeps it
            # out of the loss, and its loss term stays finite (times a weight of 0).
            # ``targets`` is this fit's own tensor, so it is filled in place.
            targets.masked_fill_(~observed, 0)
            target_tensors["observed"] = observed.to(device)
        target_tensors["y"] = targets.to(device)
        if sample_weight is not None:
            target_tensors["weight"] = torch.from_numpy(weight).to(device)
        dataset_class = SparseTaskDataset if sparse else TaskTensorDataset
        dataset = dataset_class(inputs, target_tensors)

        seed = draw_seed(self.random_state)
        if warm:
            seed = (seed + len(self.net_.history)) % np.iinfo(np.int32).max
        with torch_threads(self.n_threads):
            if warm:
                self.net_.prepare_warm_start(
                    shuffle_seed=seed,
                    dropout_seed=derived_seed(seed, 1),
                    max_epochs=self.max_epochs,
                )
            else:
                # Only module construction draws from torch's global generator
                # (seeded, restored and locked there); training draws from
                # generators of this fit (see skmtl.utils._random).
                with seeded_torch(seed, self.device):
                    self.net_ = self._build_net(features.shape[1], seed)
                    self.net_.initialize()
            self.net_.precision = self.precision
            # Sparse batches (index arrays of varying length) and data-parallel
            # fits (a collective call per step) are not captured.
            runner = (
                None
                if sparse or process_group() is not None
                else step_runner_for(
                    self.cuda_graphs, device, self.net_, self.callbacks
                )
            )
            self.net_.step_runner = runner
            try:
                with matmul_precision(self.precision):
                    self.net_.partial_fit(dataset)
            except TrainingDiverged as error:
                raise ValueError(str(error)) from None
            finally:
                self.net_.step_runner = None
                if runner is not None:
                    runner.release()
        self._drop_interrupted_epoch()
        self.history_ = self.net_.history
        self.n_iter_ = len(self.history_)
        self.task_weights_ = np.asarray(self.history_[:, "task_weights"], dtype=float)
        freeze_gc_in_worker_process("after fit")
        return self

    def _drop_interrupted_epoch(self):
        """Drop the history row of an epoch cut short by KeyboardInterrupt.

        skorch ends training quietly on KeyboardInterrupt; the epoch in progress
        then has a history row without its losses and task weights. Dropping it
        keeps ``history_``, ``n_iter_`` and ``task_weights_`` in step.
        """
        history = self.net_.history
        if history and "task_weights" not in history[-1]:
            history.pop()
            warnings.warn(
                f"The fit was interrupted during epoch {len(history) + 1}: the "
                "network's weights include that epoch's updates so far, but "
                f"history_, n_iter_ and task_weights_ count the {len(history)} "
                "completed epochs only.",
                UserWarning,
                stacklevel=3,
            )

    def _check_every_task_observed(self, observed, task_index, weight):
        observed = observed.cpu().numpy()
        if task_index is None:
            totals = (observed * weight[:, None]).sum(axis=0)
        else:
            totals = np.bincount(
                task_index, weights=observed * weight, minlength=self.n_tasks_
            )
        empty = [self.task_names_[t] for t in np.flatnonzero(totals <= 0)]
        if empty:
            raise ValueError(
                f"Tasks {empty} have no observed label with a positive sample weight "
                "(every label is missing); drop these tasks or provide labels."
            )

    @staticmethod
    def _observed_mask(targets):
        if targets.dtype.is_floating_point:
            return ~torch.isnan(targets)
        return targets >= 0

    def _build_net(self, n_features, seed):
        n_outputs, class_counts = self._output_sizes()
        architecture = build_plugin(
            ARCHITECTURES,
            self.sharing,
            "sharing_params",
            self.sharing_params,
            n_features,
            self.n_tasks_,
            n_outputs,
            shared_layers=_check_layer_sizes("shared_layers", self.shared_layers),
            head_layers=_check_layer_sizes("head_layers", self.head_layers),
            activation=self.activation,
            dropout=self.dropout,
        )
        weighting = self.loss_weighting
        if not isinstance(weighting, str | type | LossWeightingConfig):
            weighting = FixedWeightingConfig(weights=self._fixed_task_weights())
        weighting = build_plugin(
            WEIGHTINGS,
            weighting,
            "loss_weighting_params",
            self.loss_weighting_params,
            self.n_tasks_,
            random_state=seed,
        )
        if weighting.requires_features and not architecture.exposes_shared:
            raise ValueError(
                f"loss_weighting={self.loss_weighting!r} aggregates per-task "
                "gradients at the shared representation, which the "
                f"{type(architecture).__name__} architecture does not expose."
            )
        module = MultiTaskModule(architecture, weighting, class_counts)
        device = torch.device(self.device)
        dropout_generator = torch.Generator(device=device).manual_seed(
            derived_seed(seed, 1)
        )
        use_generator_dropout(module, dropout_generator)

        callbacks = [("divergence_guard", DivergenceGuard(self._divergence_hints()))]
        # Before early stopping, which ends training by raising at an epoch's end.
        callbacks.extend(progress_callbacks(self.verbose))
        train_split = None
        if self.early_stopping:
            train_split = RandomFractionSplit(self.validation_fraction, seed)
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="valid_loss",
                        patience=self.n_iter_no_change,
                        threshold=self.tol,
                        threshold_mode="abs",
                        load_best=True,
                    ),
                )
            )
        callbacks.extend(self.callbacks or [])
        optimizer, optimizer_params = self.optimizer, {}
        if isinstance(optimizer, str):
            if (
                optimizer in FUSED_OPTIMIZERS
                and torch.device(self.device).type in FUSED_DEVICES
            ):
                optimizer_params["optimizer__fused"] = True
            optimizer = OPTIMIZERS[optimizer]
        if self.weight_decay:
            _check_takes_weight_decay(optimizer)
            optimizer_params["optimizer__weight_decay"] = self.weight_decay
        # Fitted in every process of a torch.distributed group: each process
        # trains on its rows of every batch, gradients summed over processes.
        distributed_params, group = {}, process_group()
        if group is not None:
            rank, world_size = group
            distributed_params = {
                "iterator_train": ShardedBatchIterator,
                "iterator_train__rank": rank,
                "iterator_train__world_size": world_size,
            }
            callbacks.insert(0, ("distributed_gradients", GradientAllReduce()))
        net = MultiTaskNet(
            module=module,
            criterion=self._criterion(),
            criterion__n_tasks=self.n_tasks_,
            optimizer=optimizer,
            lr=self.lr,
            **optimizer_params,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            **{"iterator_train": TensorBatchIterator, **distributed_params},
            iterator_train__shuffle=True,
            iterator_train__generator=torch.Generator().manual_seed(seed),
            iterator_valid=TensorBatchIterator,
            train_split=train_split,
            callbacks=callbacks,
            device=self.device,
            verbose=self.verbose,
            task_names=self.task_names_,
            precision=self.precision,
        )
        # The dropout layers' generator, reseeded by a warm start (kept with the
        # network it belongs to, not as an estimator attribute).
        net.dropout_generator = dropout_generator
        net.world_size = 1 if group is None else group[1]
        return net

    def _divergence_hints(self):
        """Return the likely fixes named when training diverges."""
        optimizer = getattr(self.optimizer, "__name__", self.optimizer)
        hints = [
            f"a smaller learning rate (lr={float(self.lr)!r} with "
            f"optimizer={optimizer!r})",
            "scale the features (e.g. StandardScaler in a Pipeline; very large "
            "feature values overflow float32 arithmetic)",
        ]
        if not getattr(self, "standardize_targets", True):
            hints.append(
                "standardize_targets=True (the targets' scale makes the squared "
                "error overflow float32)"
            )
        return hints

    def _fixed_task_weights(self):
        """Return the per-task weights given as a dict or array in loss_weighting."""
        given = self.loss_weighting
        if isinstance(given, dict):
            unknown = [name for name in given if name not in self.task_names_]
            missing = [name for name in self.task_names_ if name not in given]
            if unknown or missing:
                raise ValueError(
                    f"loss_weighting gives weights by task name; unknown tasks "
                    f"{unknown}, tasks without a weight {missing} (tasks: "
                    f"{self.task_names_})."
                )
            weights = [given[name] for name in self.task_names_]
        else:
            weights = np.asarray(given, dtype=float).reshape(-1)
            if weights.shape[0] != self.n_tasks_:
                raise ValueError(
                    f"loss_weighting has {weights.shape[0]} weights for "
                    f"{self.n_tasks_} tasks {self.task_names_}."
                )
        return check_fixed_weights(weights, self.n_tasks_, "loss_weighting").tolist()

    # ----------------------------------------------------------------- predict
    def _forward(self, features, task_index=None, *, representation=False):
        """Run the trained module on ``features`` in inference mode; numpy out."""
        module = self.net_.module_
        device = torch.device(self.net_.device)
        # Left in eval mode: skorch switches to train mode at every training step,
        # and toggling the mode at each call costs as much as a one-row forward.
        if module.training:
            module.eval()
        outputs = []
        chunk = _PREDICT_CHUNK if device.type == "cpu" else _PREDICT_CHUNK_ACCELERATOR
        sparse = sp.issparse(features)
        keep_sparse = sparse and module.architecture.sparse_input
        if sparse and not keep_sparse:
            chunk = max(1, min(chunk, _PREDICT_DENSE_CELLS // features.shape[1]))
        precision = getattr(self.net_, "precision", "32")
        with (
            torch_threads(self.n_threads),
            torch.inference_mode(),
            computing_at(precision, device),
        ):
            for start in range(0, features.shape[0], chunk):
                rows = slice(start, start + chunk)
                if sparse:
                    X = _input_tensor(features[rows], device, keep_sparse)
                else:
                    X = torch.from_numpy(features[rows]).to(device)
                if representation:
                    out = module.architecture.shared_representation(X)
                else:
                    task = None
                    if task_index is not None:
                        task = torch.from_numpy(task_index[rows]).to(device)
                    out = module(X, task)
                # Kept on the device until the end: one transfer, one sync.
                outputs.append(out.float())
        outputs = torch.cat(outputs).cpu().numpy()
        _check_finite_outputs(
            outputs, classification=module.class_mask is not None and not representation
        )
        return outputs

    def transform(self, X):
        """Return the shared representation learned by the network.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Features (with the task column in the long layout; it is not used).

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            The output of the shared part of the network (for
            ``sharing="independent"``, the task towers' features side by side).
        """
        features, _ = self._validate_for_predict(X)
        return self._forward(features, representation=True).astype(np.float64)

    @property
    def _n_features_out(self):
        """Width of the shared representation (read by ``get_feature_names_out``).

        Probed on one row of zeros; an AttributeError before ``fit`` (no
        ``net_``) makes scikit-learn's fitted check report the estimator as not
        fitted.
        """
        probe = np.zeros((1, self.net_.module_.architecture.n_features), np.float32)
        return self._forward(probe, representation=True).shape[1]

    def sharing_summary(self, X=None):
        """Return what the sharing architecture learned about the tasks.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features), default=None
            Inputs for input-dependent quantities such as the gate weights of a
            mixture of experts; None returns only input-independent ones.

        Returns
        -------
        summary : dict of str -> ndarray
            Architecture-specific arrays, e.g. ``"task_similarity"`` for soft
            sharing. Empty for architectures with nothing to report (``"hard"``,
            ``"independent"``).
        """
        check_is_fitted(self)
        architecture = self.net_.module_.architecture
        inputs = None
        if X is not None:
            features, _ = self._validate_for_predict(X)
            inputs = _input_tensor(
                features, torch.device(self.net_.device), architecture.sparse_input
            )
        was_training = architecture.training
        architecture.eval()
        try:
            with torch.inference_mode():
                summary = architecture.summary(inputs)
        finally:
            architecture.train(was_training)
        return {
            key: value.detach().cpu().numpy().copy()
            if torch.is_tensor(value)
            else np.array(value, copy=True)
            for key, value in summary.items()
        }

    # ------------------------------------------------------------------- score
    def __sklearn_is_fitted__(self):
        """Return whether ``fit`` completed (``task_weights_`` is set last).

        scikit-learn's ``check_is_fitted`` otherwise scans every attribute name,
        a measurable share of a one-row predict.
        """
        return hasattr(self, "task_weights_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True
        return tags


def _check_finite_outputs(outputs, *, classification):
    """Raise a ValueError if the network's outputs hold NaN or infinity.

    A classifier's logits of the classes a task does not have are ``-inf`` by
    design; any other non-finite output means the features overflowed float32
    arithmetic (or the weights are not finite).
    """
    bad = np.isnan(outputs) | (outputs == np.inf)
    if not classification:
        bad |= outputs == -np.inf
    if bad.any():
        rows = np.flatnonzero(bad.reshape(len(outputs), -1).any(axis=1))
        raise ValueError(
            f"The network's outputs are non-finite for {len(rows)} rows (e.g. row "
            f"{int(rows[0])}): their features are too large for the network's "
            "float32 arithmetic. Scale the features as in training (e.g. "
            "StandardScaler in a Pipeline)."
        )


def _input_tensor(features, device, keep_sparse):
    """Return the rows ``features`` (an array or a sparse matrix) as a tensor.

    A sparse matrix becomes a sparse COO tensor when ``keep_sparse`` (the
    architecture takes one), else it is densified.
    """
    if not sp.issparse(features):
        return torch.from_numpy(features).to(device)
    if not keep_sparse:
        return torch.from_numpy(features.toarray()).to(device)
    coo = features.tocoo()
    indices = np.vstack([coo.row, coo.col]).astype(np.int64)
    return torch.sparse_coo_tensor(
        torch.from_numpy(indices),
        torch.from_numpy(coo.data),
        coo.shape,
        check_invariants=False,  # valid by construction (SciPy's own arrays)
    ).to(device)


def _check_takes_weight_decay(optimizer):
    """Raise a ValueError if the optimizer class has no ``weight_decay`` argument."""
    parameters = inspect.signature(optimizer).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    if "weight_decay" not in parameters and not takes_any:
        raise ValueError(
            f"optimizer={optimizer.__name__} takes no weight_decay argument, but "
            "weight_decay is set (default 1e-2): pass weight_decay=0 with this "
            "optimizer."
        )
