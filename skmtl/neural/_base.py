"""The machinery shared by MultiTaskRegressor and MultiTaskClassifier."""

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin

from skmtl._estimator import BaseMultiTask
from skmtl.architectures import ARCHITECTURES, ArchitectureConfig
from skmtl.neural._affinity import affinity_callbacks, set_affinity_attributes
from skmtl.neural._build import OPTIMIZERS, NetBuilderMixin, training_dataset
from skmtl.neural._callbacks import TrainingDiverged
from skmtl.neural._captured import step_runner_for
from skmtl.neural._device import (
    PRECISIONS,
    check_device,
    check_precision,
    matmul_precision,
)
from skmtl.neural._distributed import process_group
from skmtl.neural._grow import grow_network, stack_per_epoch, tasks_kept_on_error
from skmtl.neural._inference import InferenceMixin, _input_tensor
from skmtl.neural._mapped_data import use_batch_iterators
from skmtl.neural._shared_lr import shared_learning_rate
from skmtl.neural._sparse_scale import split_scaled_features
from skmtl.neural._tabular import tabular_spec
from skmtl.utils._chunks import MappedRows
from skmtl.utils._docstrings import FIT_TARGETS, fill_doc
from skmtl.utils._random import derived_seed, draw_seed, seeded_torch
from skmtl.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
)
from skmtl.utils._threads import torch_threads
from skmtl.utils._worker_gc import freeze_gc_in_worker_process
from skmtl.weighting import LossWeightingConfig


@fill_doc(y=FIT_TARGETS)
class _BaseMultiTaskNeural(
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    NetBuilderMixin,
    InferenceMixin,
    BaseMultiTask,
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

    A memory-mapped ``X`` (``np.memmap``, ``np.load(path, mmap_mode="r")``) is
    validated, trained on and predicted one chunk of rows at a time, never read
    into memory whole (:mod:`skmtl._mapped`, :mod:`skmtl.neural._mapped_data`).
    """

    # Categorical columns are encoded before the numeric (or chunk-wise, for a
    # memory-mapped X) validation; after a sparse fit, max-abs column scaling.
    _split_features = staticmethod(split_scaled_features)

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
        "task_affinity": [StrOptions({"gradient", "lookahead", "both"}), None],
        "warm_start": ["boolean"],
        "shared_lr_scale": [Interval(Real, 0, 1, closed="both")],
        "precision": [StrOptions(set(PRECISIONS))],
        "cuda_graphs": [StrOptions({"auto"}), "boolean"],
        "ensemble_size": [Interval(Integral, 1, None, closed="left"), None],
        "num_embeddings": [StrOptions({"piecewise", "periodic"}), None],
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
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
        task_affinity=None,
        warm_start=False,
        shared_lr_scale=1.0,
        precision="32",
        cuda_graphs="auto",
        ensemble_size=None,
        num_embeddings=None,
        categorical_features="auto",
        embedding_dim=16,
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
        self.task_affinity = task_affinity
        self.warm_start = warm_start
        self.shared_lr_scale = shared_lr_scale
        self.precision = precision
        self.cuda_graphs = cuda_graphs
        self.ensemble_size = ensemble_size
        self.num_embeddings = num_embeddings
        self.categorical_features = categorical_features
        self.embedding_dim = embedding_dim

    # ----------------------------------------------------------------- targets
    @abstractmethod
    def _training_targets(self, layout, encoded, task_index, weight, *, reset):
        """Return the network's targets as a tensor from ``_encode_targets``'."""

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
        X : array-like, sparse matrix or DataFrame of shape (n_samples, n_features)
            Features. In the long layout, the column named by ``task_column``
            holds each row's task id. A sparse ``X`` stays sparse, its columns
            divided by their largest absolute value in this fit (as
            :class:`~sklearn.preprocessing.MaxAbsScaler`; later inputs too),
            since TF-IDF values are too small for the default ``lr`` and
            ``weight_decay``. Scale a dense ``X`` yourself.
        %(y)s
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each row in its tasks' losses.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        warm = bool(self.warm_start) and hasattr(self, "net_")
        with tasks_kept_on_error(self):
            return self._fit(X, y, sample_weight, warm=warm, epochs=self.max_epochs)

    def _fit(self, X, y, sample_weight, *, warm, epochs, **encoding):
        """Fit for ``epochs`` epochs, continuing the fitted network if ``warm``.

        ``encoding`` goes to ``_encode_targets`` (``partial_fit``'s classes).
        """
        freeze_gc_in_worker_process("before fit")
        device = check_device(self.device)
        check_precision(self.precision, device)
        n_previous = self.n_tasks_ if warm else 0
        layout, features, Y, task_index = self._fit_layout(X, y, warm=warm, grow=warm)
        weight = _check_sample_weight(
            sample_weight,
            features,
            dtype=np.float32,
            ensure_non_negative=True,
            copy=True,
        )
        encoded = self._encode_targets(
            layout, Y, task_index, reset=not warm, labelled_from=n_previous, **encoding
        )
        targets = self._training_targets(
            layout, encoded, task_index, weight, reset=not warm
        )
        observed = self._observed_mask(targets)
        layout.observed_weights(observed.cpu().numpy(), weight, task_index, n_previous)

        sparse = sp.issparse(features)
        dataset = training_dataset(
            features,
            task_index,
            targets,
            observed,
            weight if sample_weight is not None else None,
            device,
            ARCHITECTURES.resolve(self.sharing) if sparse else None,
        )

        mapped = isinstance(features, MappedRows)
        if not warm:
            # The embeddings' inputs (categories, bins), kept for rebuilding the
            # network around saved weights.
            self._tabular_spec = tabular_spec(self, features)
        self._train(
            dataset,
            features.shape[1],
            device,
            warm=warm,
            sparse=sparse,
            mapped=mapped,
            epochs=epochs,
        )
        self._drop_interrupted_epoch()
        self.history_ = self.net_.history
        self.n_iter_ = len(self.history_)
        set_affinity_attributes(self)
        self.task_weights_ = stack_per_epoch(
            self.history_[:, "task_weights"], self.n_tasks_
        )
        freeze_gc_in_worker_process("after fit")
        return self

    def _train(self, dataset, n_features, device, *, warm, sparse, mapped, epochs):
        """Build the net (or reseed the warm one, adding tasks) and train it."""
        seed = draw_seed(self.random_state)
        if warm:
            seed = (seed + len(self.net_.history)) % np.iinfo(np.int32).max
        # The net still names the tasks it was built for.
        grow = warm and self.n_tasks_ > len(self.net_.task_names)
        previous_shapes = None
        with torch_threads(self.n_threads):
            if grow:
                previous_shapes = grow_network(self, n_features, seed)
            if warm:
                self.net_.prepare_warm_start(
                    shuffle_seed=seed,
                    dropout_seed=derived_seed(seed, 1),
                    max_epochs=epochs,
                )
            else:
                # Only module construction draws from torch's global generator
                # (seeded, restored and locked there); training draws from
                # generators of this fit (see skmtl.utils._random).
                with seeded_torch(seed, self.device):
                    self.net_ = self._build_net(n_features, seed)
                    self.net_.initialize()
                    self.net_.max_epochs = epochs
            self.net_.precision = self.precision
            use_batch_iterators(self.net_, mapped)
            scale = float(self.shared_lr_scale)
            with shared_learning_rate(
                self.net_,
                scale,
                rebuild=grow,
                previous_shapes=previous_shapes if scale == 0 else None,
            ):
                # Sparse batches (index arrays of varying length), chunks (a
                # short batch anywhere in the epoch) and data-parallel fits (a
                # collective call per step) are not captured.
                self._run_epochs(dataset, device, capture=not (sparse or mapped))

    def _run_epochs(self, dataset, device, *, capture):
        """Train the prepared net on ``dataset``, graph-captured where possible."""
        runner = (
            None
            if not capture or process_group() is not None
            else step_runner_for(
                self.cuda_graphs,
                device,
                self.net_,
                [*(self.callbacks or []), *affinity_callbacks(self.task_affinity)],
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

    @staticmethod
    def _observed_mask(targets):
        if targets.dtype.is_floating_point:
            return ~torch.isnan(targets)
        return targets >= 0

    # ----------------------------------------------------------------- predict
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
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Numerical embeddings and named categorical columns need dense X.
        tags.input_tags.sparse = self.num_embeddings is None and (
            self.categorical_features is None
            or isinstance(self.categorical_features, str)
        )
        return tags

    def __sklearn_is_fitted__(self):
        """Return whether ``fit`` completed (``task_weights_`` is set last).

        scikit-learn's ``check_is_fitted`` otherwise scans every attribute name,
        a measurable share of a one-row predict.
        """
        return hasattr(self, "task_weights_")
