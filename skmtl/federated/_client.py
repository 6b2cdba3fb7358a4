"""One client of a federation: its own tasks' data, its own heads."""

import pickle

import numpy as np
from sklearn.base import clone

from skmtl.federated._round_callback import FederatedRound
from skmtl.federated._shared_state import load_shared_state, shared_state


class FederatedClient:
    """Train and evaluate a client's copy of a neural multi-task estimator.

    The client's data never leave it: :meth:`train` returns the shared layers'
    parameters, the number of labels they were trained on and the training
    loss; :meth:`evaluate` returns a score. The task heads, the optimizer's state
    and the data stay in the client (:meth:`to_bytes` serialises that local
    state for the client's own storage between rounds).

    Parameters
    ----------
    estimator : MultiTaskRegressor or MultiTaskClassifier
        Unfitted template (cloned). Every client must use the same
        ``random_state``, ``shared_layers`` and ``sharing`` and the same features,
        so that all start from the same shared layers.
    X, y : array-like
        The client's training data (its own tasks, either layout).
    X_eval, y_eval : array-like, default=None
        The client's evaluation data; None scores nothing.
    scoring : callable, default=None
        ``scoring(estimator, X, y) -> float``; None uses ``estimator.score``.
    """

    def __init__(self, estimator, X, y, X_eval=None, y_eval=None, scoring=None):
        self.estimator = estimator
        self.X, self.y = X, y
        self.X_eval, self.y_eval = X_eval, y_eval
        self.scoring = scoring
        self.model_ = None

    def train(self, global_state, local_epochs=1, proximal_mu=0.0):
        """Train locally for ``local_epochs``, starting from the global shared layers.

        Parameters
        ----------
        global_state : mapping of str to tensor, or None
            The server's shared layers; None (the first round) starts from the
            estimator's own initialisation, the same for every client with the
            same ``random_state``.
        local_epochs : int, default=1
            Epochs over the client's data in this round.
        proximal_mu : float, default=0.0
            FedProx's proximal strength (0: FedAvg's plain local training).

        Returns
        -------
        state : OrderedDict of str to torch.Tensor
            The shared layers after local training.
        n_labels : int
            Number of observed labels trained on (FedAvg's weight).
        loss : float
            Training loss of the last local epoch.
        """
        if self.model_ is None:
            self.model_ = clone(self.estimator).set_params(
                warm_start=True,
                callbacks=[*(self.estimator.callbacks or []), FederatedRound()],
            )
        self.model_.set_params(max_epochs=int(local_epochs))
        round_callback = self._round_callback()
        round_callback.global_state = global_state or None
        round_callback.proximal_mu = float(proximal_mu)
        self.model_.fit(self.X, self.y)
        _check_common_feature_scale(self.model_)
        loss = float(self.model_.history_[-1, "train_loss"])
        return shared_state(self.model_), self._n_labels(), loss

    def evaluate(self, global_state):
        """Score the client's model with the global shared layers and its own heads.

        Parameters
        ----------
        global_state : mapping of str to tensor, or None
            The server's shared layers; None keeps the local ones.

        Returns
        -------
        score : float or None
            None when the client has no evaluation data or has not trained yet
            (it has no heads).
        """
        if self.model_ is None or self.X_eval is None:
            return None
        if global_state:
            load_shared_state(self.model_, global_state)
        if self.scoring is None:
            return float(self.model_.score(self.X_eval, self.y_eval))
        return float(self.scoring(self.model_, self.X_eval, self.y_eval))

    def to_bytes(self):
        """Serialise the client's local model (heads included) for its own storage."""
        return pickle.dumps(self.model_)

    def load_bytes(self, data):
        """Restore the local model written by :meth:`to_bytes`."""
        # The client's own bytes, written by to_bytes on the same client.
        self.model_ = pickle.loads(data)
        return self

    def _round_callback(self):
        """Return this client's :class:`FederatedRound` callback instance."""
        callbacks = (
            [c for _, c in self.model_.net_.callbacks_]
            if hasattr(self.model_, "net_")
            else self.model_.callbacks  # before the first fit
        )
        return next(c for c in callbacks if isinstance(c, FederatedRound))

    def _n_labels(self):
        """Return the number of observed (non-missing) training labels."""
        y = np.asarray(self.y, dtype=object).ravel()
        return int(sum(value is not None and value == value for value in y))


def _check_common_feature_scale(model):
    """Raise a ValueError when the client's network rescaled its sparse features.

    A neural estimator divides each column of a sparse ``X`` by its largest
    absolute value in the data it is fitted on (``skmtl.neural._sparse_scale``).
    Each client would take its own maxima, and the shared first layer would read
    a feature in different units at different clients. Columns whose largest
    absolute value is 1 (binary, one-hot) are left as they are, the same at
    every client, and pass.
    """
    scale = getattr(model, "_feature_scale", None)
    if scale is None or np.all(scale == 1):
        return
    columns = np.flatnonzero(scale != 1)
    raise ValueError(
        f"This client's sparse X has columns whose largest absolute value is not "
        f"1 (columns {columns[:5].tolist()}{' ...' if len(columns) > 5 else ''}). "
        "A neural estimator divides such columns by their largest value in the "
        "data it is fitted on, so every client would scale them differently and "
        "the shared layers would read each feature in different units. Put the "
        "features on a scale agreed between the clients and pass them dense "
        "(X.toarray()), or as sparse columns whose largest absolute value is 1."
    )
