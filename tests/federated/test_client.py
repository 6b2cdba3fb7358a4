"""The federated client's local round, without Flower: what it trains and sends."""

import numpy as np
import pytest
import torch
from scipy import sparse

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from skmtl.federated import FederatedClient, load_shared_state, shared_state

FAST = {"shared_layers": (8,), "batch_size": 16, "random_state": 0, "n_threads": 1}


def _client_data(seed, n_tasks=2):
    X, Y = make_multitask_regression(
        n_samples=60, n_features=5, n_tasks=n_tasks, random_state=seed
    )
    return X[:40], Y[:40], X[40:], Y[40:]


def _close(a, b, atol):
    return (
        all(torch.allclose(a[k], b[k], atol=atol) for k in a) and a.keys() == b.keys()
    )


def test_train_sends_only_the_shared_layers():
    X, Y, X_eval, Y_eval = _client_data(0)
    client = FederatedClient(MultiTaskRegressor(**FAST), X, Y, X_eval, Y_eval)
    state, n_labels, loss = client.train(None, local_epochs=2)
    assert list(state) == ["architecture.trunk.0.weight", "architecture.trunk.0.bias"]
    assert [tuple(v.shape) for v in state.values()] == [(8, 5), (8,)]
    assert n_labels == Y.size and np.isfinite(loss)
    assert client.model_.n_iter_ == 2
    assert np.isfinite(client.evaluate(state))


def test_clients_start_from_the_same_shared_layers():
    # A near-zero learning rate keeps each client's layers at their initialisation.
    template = MultiTaskRegressor(**FAST, optimizer="sgd", lr=1e-12)
    first = FederatedClient(template, *_client_data(0, n_tasks=1)[:2])
    second = FederatedClient(template, *_client_data(1, n_tasks=3)[:2])
    assert _close(first.train(None)[0], second.train(None)[0], atol=1e-9)


def test_local_training_starts_from_the_global_layers():
    template = MultiTaskRegressor(**FAST, optimizer="sgd", lr=1e-12)
    client = FederatedClient(template, *_client_data(0)[:2])
    client.train(None)
    global_state = {
        k: torch.full_like(v, 0.25) for k, v in client.train(None)[0].items()
    }
    state, _, _ = client.train(global_state)
    assert _close(state, global_state, atol=1e-6)
    # The heads stay the client's own: they were not in the global state.
    heads = dict(client.model_.net_.module_.named_parameters())
    assert any("heads" in name for name in heads)


def test_fedprox_pull_keeps_the_layers_near_the_global_ones():
    X, Y = _client_data(0)[:2]
    moved = {}
    for mu in (0.0, 100.0):
        template = MultiTaskRegressor(**FAST, optimizer="sgd", lr=1e-2)
        client = FederatedClient(template, X, Y)
        start, _, _ = client.train(None)
        state, _, _ = client.train(start, local_epochs=3, proximal_mu=mu)
        moved[mu] = sum(float((state[k] - start[k]).norm()) for k in state)
    assert moved[100.0] < 0.5 * moved[0.0]


def test_local_state_survives_serialisation():
    data = _client_data(0)
    client = FederatedClient(MultiTaskClassifier(**FAST), data[0], data[1] > 0)
    state, _, _ = client.train(None)
    restored = FederatedClient(MultiTaskClassifier(**FAST), data[0], data[1] > 0)
    restored.load_bytes(client.to_bytes())
    np.testing.assert_array_equal(
        restored.model_.predict_proba(data[2])[0],
        client.model_.predict_proba(data[2])[0],
    )
    assert restored.train(state)[0].keys() == state.keys()


def test_shared_state_round_trip_and_errors():
    X, Y = _client_data(0)[:2]
    model = MultiTaskRegressor(**FAST, max_epochs=2).fit(X, Y)
    state = shared_state(model)
    other = MultiTaskRegressor(**{**FAST, "random_state": 1}, max_epochs=2).fit(X, Y)
    load_shared_state(other, state)
    assert _close(shared_state(other), state, atol=0)
    with pytest.raises(ValueError, match="does not match the estimator's shared"):
        load_shared_state(other, {"nope": state["architecture.trunk.0.bias"]})
    bad = dict(state, **{"architecture.trunk.0.bias": torch.zeros(3)})
    with pytest.raises(ValueError, match="has shape"):
        load_shared_state(other, bad)
    independent = MultiTaskRegressor(**FAST, max_epochs=2, sharing="independent")
    with pytest.raises(ValueError, match="nothing to average"):
        shared_state(independent.fit(X, Y))


def test_sparse_features_on_a_client_scale_of_their_own_are_refused():
    # A sparse X is max-abs scaled by the data a network is fitted on; each
    # client would divide a feature by its own largest value, and the shared
    # first layer would read that feature in different units at each client.
    X, Y = _client_data(0)[:2]
    tfidf_like = sparse.csr_matrix(np.abs(X) / 10)
    client = FederatedClient(MultiTaskRegressor(**FAST), tfidf_like, Y)
    with pytest.raises(ValueError, match="largest absolute value"):
        client.train(None)
    # Binary (one-hot-like) columns reach 1 at every client: nothing to rescale.
    binary = sparse.csr_matrix((X > 0).astype(np.float32))
    state, n_labels, _ = FederatedClient(MultiTaskRegressor(**FAST), binary, Y).train(
        None
    )
    assert state and n_labels > 0
