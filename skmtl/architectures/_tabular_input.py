"""Embeddings of tabular inputs in front of any sharing architecture.

Numerical features: piecewise-linear or periodic embeddings (Gorishniy, Y.,
Rubachev, I., & Babenko, A. (2022). On embeddings for numerical features in
tabular deep learning. NeurIPS 2022), from the authors' package
``rtdl_num_embeddings``. Categorical features: one learned vector per category,
index 0 of each column reserved for categories not seen in training.
"""

import torch
from torch import nn

from skmtl.architectures._base import Architecture
from skmtl.utils._optional import import_optional

NUM_EMBEDDINGS = ("piecewise", "periodic")
# The number of bins of the piecewise-linear embeddings, as in the TabM paper's
# experiments (quantile bins, "version B" parametrization).
N_BINS = 48


class TabularInput(nn.Module):
    """Map a row of raw features to the dense vector the architecture reads.

    The columns of ``X`` are of three kinds: categorical (float codes, 0 for an
    unknown category, ``1..cardinality - 1`` for the known ones), embedded
    numerical (``num_embeddings``) and plain numerical (passed as they are). The
    output is the plain columns, then each embedded column's and each
    categorical column's vector, side by side.

    Parameters
    ----------
    n_features : int
        Number of columns of ``X``.
    categorical : dict of int -> int
        Position of each categorical column -> its number of codes (the known
        categories plus the reserved 0).
    num_embeddings : {None, "piecewise", "periodic"}
        How the numerical columns ``embedded`` are embedded.
    embedded : list of int
        Positions of the numerical columns to embed (those with at least two
        distinct training values).
    bins : list of ndarray or None
        Piecewise-linear only: the bin edges of each embedded column, from
        ``rtdl_num_embeddings.compute_bins`` on the training rows.
    embedding_dim : int
        Size of every embedding vector.
    """

    def __init__(
        self, n_features, *, categorical, num_embeddings, embedded, bins, embedding_dim
    ):
        super().__init__()
        self.n_features = n_features
        categorical_positions = sorted(categorical)
        embedded = [] if num_embeddings is None else list(embedded)
        plain = [
            i
            for i in range(n_features)
            if i not in categorical and i not in set(embedded)
        ]
        self.register_buffer("plain", torch.tensor(plain, dtype=torch.long))
        self.register_buffer("embedded", torch.tensor(embedded, dtype=torch.long))
        self.register_buffer(
            "categorical", torch.tensor(categorical_positions, dtype=torch.long)
        )
        cardinalities = [int(categorical[i]) for i in categorical_positions]
        offsets = torch.tensor([0, *cardinalities[:-1]], dtype=torch.long).cumsum(0)
        self.register_buffer("offsets", offsets[: len(cardinalities)])
        self.categories = (
            nn.Embedding(sum(cardinalities), embedding_dim) if cardinalities else None
        )
        self.numerical = _numerical_embeddings(
            num_embeddings, len(embedded), bins, embedding_dim
        )
        self.n_features_out = len(plain) + embedding_dim * (
            len(embedded) + len(cardinalities)
        )

    def forward(self, X):
        """Return ``(batch, n_features_out)``."""
        parts = [X[:, self.plain]]
        if self.numerical is not None:
            parts.append(self.numerical(X[:, self.embedded]).flatten(1))
        if self.categories is not None:
            codes = X[:, self.categorical].long() + self.offsets
            parts.append(self.categories(codes).flatten(1))
        return torch.cat(parts, dim=1)


def _numerical_embeddings(kind, n_embedded, bins, embedding_dim):
    """Return the ``rtdl_num_embeddings`` module of ``kind``, or None."""
    if kind is None or n_embedded == 0:
        return None
    rtdl = import_optional("rtdl_num_embeddings", "num_embeddings", "tabular")
    if kind == "piecewise":
        # Version "B" (the TabM paper's): starts as a linear embedding, the
        # piecewise part learnt during training.
        bins = [torch.as_tensor(edges) for edges in bins]
        return rtdl.PiecewiseLinearEmbeddings(
            bins, embedding_dim, activation=False, version="B"
        )
    return rtdl.PeriodicEmbeddings(n_embedded, embedding_dim, lite=False)


def piecewise_bins(X, embedded):
    """Return the quantile bin edges of the columns ``embedded`` of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The training features.
    embedded : list of int
        Columns with at least two distinct values.

    Returns
    -------
    bins : list of ndarray
        As ``rtdl_num_embeddings.compute_bins`` returns them (deterministic:
        quantiles of the training rows), as arrays (an estimator attribute
        that the safe persistence format stores).
    """
    rtdl = import_optional("rtdl_num_embeddings", "num_embeddings", "tabular")
    n_bins = max(2, min(N_BINS, X.shape[0] - 1))
    bins = rtdl.compute_bins(torch.as_tensor(X[:, embedded]), n_bins=n_bins)
    return [edges.numpy() for edges in bins]


class TabularArchitecture(Architecture):
    """A sharing architecture reading the output of a :class:`TabularInput`.

    The embeddings belong to the shared parameters: every task reads them.

    Parameters
    ----------
    inputs : TabularInput
        The embeddings of the raw columns.
    inner : Architecture
        The sharing architecture, built for ``inputs.n_features_out`` features.
    """

    sparse_input = False

    def __init__(self, inputs, inner):
        super().__init__(
            inputs.n_features,
            inner.n_tasks,
            inner.n_outputs,
            shared_layers=inner.shared_layers,
            head_layers=inner.head_layers,
            activation=inner.activation,
            dropout=inner.dropout,
        )
        self.name = inner.name
        self.n_members = getattr(inner, "n_members", None)
        self.inputs = inputs
        self.inner = inner

    def forward_with_shared(self, X, task=None):
        """Embed the columns, then run the inner architecture."""
        return self.inner.forward_with_shared(self.inputs(X), task)

    def shared_representation(self, X):
        """Return the inner architecture's shared representation."""
        return self.inner.shared_representation(self.inputs(X))

    def shared_parameters(self):
        """Return the embeddings' and the inner shared parameters."""
        return [*self.inputs.parameters(), *self.inner.shared_parameters()]

    def penalty(self):
        """Return the inner architecture's penalty."""
        return self.inner.penalty()

    def summary(self, X=None):
        """Return the inner architecture's summary."""
        return self.inner.summary(None if X is None else self.inputs(X))
