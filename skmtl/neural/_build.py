"""Construction of a neural estimator's skorch net and training data.

The architecture and loss weighting plugins, the callbacks (divergence guard,
progress, early stopping, data-parallel gradients), the optimizer and the
batch iterators: :meth:`NetBuilderMixin._build_net` turns the estimator's
parameters into an uninitialized :class:`~skmtl.neural._net.MultiTaskNet`.
"""

import inspect
from numbers import Integral

import numpy as np
import scipy.sparse as sp
import torch
from skorch.callbacks import EarlyStopping

from skmtl.architectures import ARCHITECTURES
from skmtl.architectures._ensemble import MEMBER_SCALINGS
from skmtl.neural._affinity import affinity_callbacks
from skmtl.neural._callbacks import DivergenceGuard
from skmtl.neural._data import (
    RandomFractionSplit,
    TaskTensorDataset,
    TensorBatchIterator,
)
from skmtl.neural._distributed import (
    GradientAllReduce,
    ShardedBatchIterator,
    process_group,
)
from skmtl.neural._mapped_data import MappedTaskDataset
from skmtl.neural._module import MultiTaskModule
from skmtl.neural._net import MultiTaskNet
from skmtl.neural._progress import progress_callbacks
from skmtl.neural._sparse_data import SparseRows, SparseTaskDataset
from skmtl.neural._tabular import build_architecture
from skmtl.utils._chunks import MappedRows
from skmtl.utils._plugin import build_plugin
from skmtl.utils._random import derived_seed, use_generator_dropout
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


def _check_layer_sizes(name, sizes):
    sizes = tuple(sizes)
    if not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes
    ):
        raise ValueError(
            f"{name} must be a sequence of positive integers, got {sizes!r}."
        )
    return tuple(int(s) for s in sizes)


class NetBuilderMixin:
    """``_build_net`` and its helpers, for the neural estimators' base class."""

    def _build_net(self, n_features, seed):
        module, dropout_generator = self._build_module(n_features, seed)
        callbacks, train_split = self._training_callbacks(seed)
        optimizer, optimizer_params = self._optimizer_settings()
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

    def _build_module(self, n_features, seed):
        """Return the module (architecture, weighting) and its dropout generator."""
        n_outputs, class_counts = self._output_sizes()
        shared_layers = _check_layer_sizes("shared_layers", self.shared_layers)
        head_layers = _check_layer_sizes("head_layers", self.head_layers)
        architecture_cls = ARCHITECTURES.resolve(self.sharing)

        def construct(cls, n_inputs, **extra):
            # The user's architecture through its configuration; another class
            # (the ensemble variant) called directly.
            return build_plugin(
                ARCHITECTURES,
                self.sharing if cls is architecture_cls else cls,
                "sharing_params",
                self.sharing_params,
                n_inputs,
                self.n_tasks_,
                n_outputs,
                shared_layers=shared_layers,
                head_layers=head_layers,
                activation=self.activation,
                dropout=self.dropout,
                **extra,
            )

        architecture = build_architecture(
            self,
            architecture_cls,
            n_features,
            construct,
            getattr(self, "_tabular_spec", None),
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
        return module, dropout_generator

    def _training_callbacks(self, seed):
        """Return the callbacks and the validation split of a fit."""
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
        callbacks.extend(affinity_callbacks(self.task_affinity))
        return callbacks, train_split

    def _optimizer_settings(self):
        """Return the optimizer class and its skorch ``optimizer__*`` settings."""
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
            if self.ensemble_size is not None:
                # The members' scalings start at +-1 and multiply: decayed
                # towards 0, they would shrink every member to the same one.
                optimizer_params["optimizer__param_groups"] = [
                    (pattern, {"weight_decay": 0.0}) for pattern in MEMBER_SCALINGS
                ]
        return optimizer, optimizer_params

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


def training_dataset(
    features, task_index, targets, observed, weight, device, sparse_as
):
    """Return the training data of a fit as tensors on ``device``.

    Parameters
    ----------
    features : ndarray, scipy.sparse.csr_matrix or MappedRows of shape \
            (n_samples, n_features)
        The validated features; a memory-mapped ``X``'s rows
        (:class:`~skmtl.utils._chunks.MappedRows`) are read one chunk at a time
        by the batch iterator.
    task_index : ndarray of shape (n_samples,) or None
        Each row's task (long layout).
    targets : Tensor
        The network's targets; missing labels are set to 0 here (the tensor is
        the fit's own).
    observed : Tensor of bool
        Where ``targets`` holds a label.
    weight : ndarray of shape (n_samples,) or None
        The sample weights, None when not given.
    device : torch.device
        Where the tensors go.
    sparse_as : Architecture subclass or None
        For a sparse ``features``, the architecture: batches are sparse tensors
        when it takes them (``sparse_input``), else densified one at a time.

    Returns
    -------
    dataset : TaskTensorDataset, SparseTaskDataset or MappedTaskDataset
        Inputs ``X`` (and ``task``), targets ``y`` (and ``observed``, ``weight``).
    """
    sparse = sp.issparse(features)
    mapped = isinstance(features, MappedRows)
    if mapped:
        # Read one chunk at a time by the batch iterator (MappedTaskDataset).
        inputs = {"X": features}
    elif sparse:
        # The CSR arrays become tensors; batches are sparse tensors for an
        # architecture that takes them, else densified one at a time.
        inputs = {
            "X": SparseRows.from_scipy(
                features, device, dense=not sparse_as.sparse_input
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
    if weight is not None:
        target_tensors["weight"] = torch.from_numpy(weight).to(device)
    if mapped:
        return MappedTaskDataset(inputs, target_tensors)
    dataset_class = SparseTaskDataset if sparse else TaskTensorDataset
    return dataset_class(inputs, target_tensors)
