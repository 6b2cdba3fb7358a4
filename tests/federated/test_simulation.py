"""A federation in Flower's simulation engine: what it computes and what it sends."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression
from skmtl.federated import FederatedClient, run_federated

FAST = {"shared_layers": (8,), "batch_size": 16, "random_state": 0, "n_threads": 1}
TRUNK = {"architecture.trunk.0.weight": (8, 5), "architecture.trunk.0.bias": (8,)}


def _clients():
    clients = []
    for seed, n_tasks, n in ((0, 1, 50), (1, 2, 70), (2, 3, 60)):
        X, Y = make_multitask_regression(
            n_samples=n, n_features=5, n_tasks=n_tasks, random_state=seed
        )
        clients.append((X[:-20], Y[:-20], X[-20:], Y[-20:]))
    return clients


def _plain_fedavg(clients, rounds, local_epochs):
    """The same federation written out without Flower (the reference)."""
    local = [FederatedClient(MultiTaskRegressor(**FAST), *c) for c in clients]
    global_state = None
    for _ in range(rounds):
        sent = [client.train(global_state, local_epochs) for client in local]
        total = sum(n for _, n, _ in sent)
        global_state = {
            name: sum(state[name] * (n / total) for state, n, _ in sent)
            for name in sent[0][0]
        }
    return global_state, [client.evaluate(global_state) for client in local]


@pytest.mark.slow
def test_flower_fedavg_equals_plain_fedavg_and_sends_only_parameters():
    pytest.importorskip("flwr")
    clients = _clients()
    result = run_federated(
        MultiTaskRegressor(**FAST), clients, num_rounds=2, local_epochs=2
    )
    expected_state, expected_scores = _plain_fedavg(clients, 2, 2)
    assert set(result.shared_state) == set(TRUNK)
    for name, value in expected_state.items():
        np.testing.assert_allclose(result.shared_state[name], value.numpy(), atol=1e-6)
    assert [entry["round"] for entry in result.history] == [1, 2]
    final = result.history[-1]
    assert list(final["client_scores"]) == [0, 1, 2]
    np.testing.assert_allclose(
        list(final["client_scores"].values()), expected_scores, atol=1e-5
    )
    assert final["score"] == pytest.approx(np.mean(expected_scores))
    # The audit: 3 clients x 2 rounds x (train + evaluate) replies, each with
    # the shared layers only (train) or nothing but summary numbers.
    assert len(result.exchanged) == 12
    for reply in result.exchanged:
        if reply["kind"] == "train":
            assert reply["arrays"] == TRUNK
            assert reply["metrics"] == ["client", "num-examples", "train-loss"]
        else:
            assert reply["arrays"] == {}
            assert reply["metrics"] == ["client", "num-examples", "score"]
        assert reply["configs"] == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"strategy": "fedsgd"}, "strategy must be one of"),
        ({"strategy": "fedprox"}, "needs proximal_mu > 0"),
        ({"proximal_mu": 0.1}, "use strategy='fedprox'"),
        ({"num_rounds": 0}, "num_rounds must be a positive integer"),
        ({"local_epochs": 1.5}, "local_epochs must be a positive integer"),
    ],
)
def test_options_are_validated_before_anything_runs(options, message):
    with pytest.raises(ValueError, match=message):
        run_federated(MultiTaskRegressor(**FAST), _clients(), **options)


def test_clients_are_validated():
    clients = _clients()
    with pytest.raises(ValueError, match="at least 2 clients"):
        run_federated(MultiTaskRegressor(**FAST), clients[:1])
    with pytest.raises(ValueError, match="sequence of 3 items"):
        run_federated(MultiTaskRegressor(**FAST), [c[:3] for c in clients])


def test_plain_reference_moves_the_layers():
    state, scores = _plain_fedavg(_clients(), 1, 1)
    assert all(torch.isfinite(v).all() for v in state.values())
    assert all(np.isfinite(scores))


def _failing_score(estimator, X, y):
    raise RuntimeError("scoring failed on the client")


@pytest.mark.slow
def test_a_failing_client_stops_the_federation_loudly():
    pytest.importorskip("flwr")
    with pytest.raises(RuntimeError, match="received 0 of 3 evaluate replies"):
        run_federated(
            MultiTaskRegressor(**FAST), _clients(), num_rounds=1, scoring=_failing_score
        )
