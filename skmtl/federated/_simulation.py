"""Run a federation of multi-task clients in Flower's simulation engine."""

import os
from dataclasses import dataclass, field

import numpy as np

from skmtl.federated._client import FederatedClient

STRATEGIES = ("fedavg", "fedprox")
STATE_KEY = "skmtl-client"


@dataclass
class FederatedResult:
    """What a federation produced, as seen by the server.

    Attributes
    ----------
    shared_state : dict of str to numpy.ndarray
        The final global shared layers.
    history : list of dict
        One entry per round: ``round``, ``train_loss`` (mean over the clients
        that trained), ``score`` (unweighted mean of the clients' evaluation
        scores, NaN when none scored) and ``client_scores`` (by client index).
    exchanged : list of dict
        Every reply the server received: ``round``, ``kind`` ("train" or
        "evaluate"), ``arrays`` (name -> shape of each array sent) and
        ``metrics`` (the names of the numbers sent): the audit that only
        parameters and summary numbers left the clients.
    """

    shared_state: dict
    history: list = field(default_factory=list)
    exchanged: list = field(default_factory=list)


def _check_options(clients, num_rounds, strategy, local_epochs, proximal_mu):
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")
    if len(clients) < 2:
        raise ValueError(f"A federation needs at least 2 clients, got {len(clients)}.")
    for name, value in (("num_rounds", num_rounds), ("local_epochs", local_epochs)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    if strategy == "fedprox" and not proximal_mu > 0:
        raise ValueError(
            f"strategy='fedprox' needs proximal_mu > 0, got {proximal_mu!r}."
        )
    if strategy == "fedavg" and proximal_mu:
        raise ValueError("proximal_mu is FedProx's: use strategy='fedprox'.")


def _client_data(client):
    if isinstance(client, dict):
        return client
    if len(client) not in (2, 4):
        raise ValueError(
            "Each client is (X, y), (X, y, X_eval, y_eval) or a dict with these "
            f"keys; got a sequence of {len(client)} items."
        )
    keys = ("X", "y", "X_eval", "y_eval")
    return dict(zip(keys, client))


def _summary(content, round_number, kind):
    arrays = {
        name: tuple(np.shape(array))
        for record in content.array_records.values()
        for name, array in record.to_torch_state_dict().items()
    }
    metrics = sorted(
        key for record in content.metric_records.values() for key in record
    )
    other = sorted(content.config_records)
    return {
        "round": round_number,
        "kind": kind,
        "arrays": arrays,
        "metrics": metrics,
        "configs": other,
    }


def _check_every_reply(replies, num_rounds, n_clients):
    """Raise if a round lost a client's reply (Flower logs the client's error)."""
    for kind in ("train", "evaluate"):
        for round_number in range(1, int(num_rounds) + 1):
            received = replies.get((kind, round_number), 0)
            if received != n_clients:
                raise RuntimeError(
                    f"Round {round_number} of the federation received {received} "
                    f"of {n_clients} {kind} replies: a client failed (its error "
                    "is in Flower's log above), so the results are incomplete."
                )


def run_federated(
    estimator,
    clients,
    *,
    num_rounds=10,
    strategy="fedavg",
    local_epochs=1,
    proximal_mu=0.0,
    scoring=None,
    backend_config=None,
):
    """Train a federation of multi-task clients in Flower's simulation engine.

    Each client (one per entry of ``clients``) holds its own tasks' data and a
    copy of ``estimator``; in every round it loads the global shared layers,
    trains ``local_epochs`` epochs on its data and sends back the shared layers
    only. The server averages them, weighted by each client's number of labels
    (FedAvg; FedProx adds the proximal pull ``proximal_mu`` to the clients' local
    training). After each round every client scores its model (global shared
    layers, its own heads) on its evaluation data.

    Parameters
    ----------
    estimator : MultiTaskRegressor or MultiTaskClassifier
        Unfitted template with shared layers (e.g. ``sharing="hard"``); give it a
        ``random_state`` so that every client starts from the same layers.
    clients : sequence
        Per client, ``(X, y)``, ``(X, y, X_eval, y_eval)`` or a dict with those
        keys.
    num_rounds : int, default=10
        Communication rounds.
    strategy : {"fedavg", "fedprox"}, default="fedavg"
        Flower's ``FedAvg`` or ``FedProx``.
    local_epochs : int, default=1
        Epochs each client trains per round.
    proximal_mu : float, default=0.0
        FedProx's proximal strength (required > 0 for ``"fedprox"``).
    scoring : callable, default=None
        ``scoring(estimator, X, y) -> float`` on a client's evaluation data;
        None uses the estimator's ``score``.
    backend_config : dict, default=None
        Flower's simulation backend configuration; the default runs clients with
        one CPU each on a local Ray instance with as many CPUs as the machine.

    Returns
    -------
    result : FederatedResult
        The final shared layers, the per-round history and the audit of what the
        clients sent.
    """
    _check_options(clients, num_rounds, strategy, local_epochs, proximal_mu)
    os.environ.setdefault("FLWR_TELEMETRY_ENABLED", "0")
    from flwr.serverapp.strategy import FedAvg, FedProx
    from flwr.simulation import run_simulation

    data = [_client_data(client) for client in clients]
    recorder = _RoundRecorder()
    n_clients = len(data)
    options = {
        "min_train_nodes": n_clients,
        "min_evaluate_nodes": n_clients,
        "min_available_nodes": n_clients,
        "train_metrics_aggr_fn": recorder.record_train,
        "evaluate_metrics_aggr_fn": recorder.record_evaluate,
    }
    strategy_object = (
        FedProx(proximal_mu=proximal_mu, **options)
        if strategy == "fedprox"
        else FedAvg(**options)
    )
    if backend_config is None:
        backend_config = {
            "client_resources": {"num_cpus": 1},
            "init_args": {"num_cpus": os.cpu_count() or 1, "include_dashboard": False},
        }
    server_app = _server_app(strategy_object, recorder.result, num_rounds, local_epochs)
    run_simulation(
        server_app=server_app,
        client_app=_client_app(estimator, scoring, data),
        num_supernodes=n_clients,
        backend_config=backend_config,
    )
    _check_every_reply(recorder.replies, num_rounds, len(data))
    return recorder.result


def _client_app(estimator, scoring, data):
    """Return the Flower client app: each client trains and scores on its data."""
    from flwr.app import ArrayRecord, ConfigRecord, Message, MetricRecord, RecordDict
    from flwr.clientapp import ClientApp

    client_app = ClientApp()

    def local_client(context):
        index = int(context.node_config["partition-id"])
        client = FederatedClient(estimator, scoring=scoring, **data[index])
        if STATE_KEY in context.state:
            client.load_bytes(context.state[STATE_KEY]["model"])
        return index, client

    def global_state(msg):
        state = msg.content["arrays"].to_torch_state_dict()
        return state or None

    @client_app.train()
    def train(msg, context):
        index, client = local_client(context)
        config = msg.content["config"]
        state, n_labels, loss = client.train(
            global_state(msg),
            local_epochs=int(config["local-epochs"]),
            proximal_mu=float(config.get("proximal-mu", 0.0)),
        )
        context.state[STATE_KEY] = ConfigRecord({"model": client.to_bytes()})
        metrics = {"num-examples": n_labels, "train-loss": loss, "client": index}
        content = RecordDict(
            {"arrays": ArrayRecord(state), "metrics": MetricRecord(metrics)}
        )
        return Message(content=content, reply_to=msg)

    @client_app.evaluate()
    def evaluate(msg, context):
        index, client = local_client(context)
        score = client.evaluate(global_state(msg))
        metrics = {"num-examples": 0 if score is None else 1, "client": index}
        if score is not None:
            metrics["score"] = score
        content = RecordDict({"metrics": MetricRecord(metrics)})
        return Message(content=content, reply_to=msg)

    return client_app


class _RoundRecorder:
    """The strategy's metric aggregation: the per-round history and the audit."""

    def __init__(self):
        self.result = FederatedResult(shared_state={})
        self.rounds = {"train": 0, "evaluate": 0}
        self.replies = {}

    def record_train(self, contents, weighted_by_key):
        """Record a training round's replies; return its mean training loss."""
        from flwr.app import MetricRecord

        rounds, result = self.rounds, self.result
        rounds["train"] += 1
        self.replies[("train", rounds["train"])] = len(contents)
        losses = []
        for content in contents:
            result.exchanged.append(_summary(content, rounds["train"], "train"))
            losses.append(content["metrics"]["train-loss"])
        result.history.append(
            {"round": rounds["train"], "train_loss": float(np.mean(losses))}
        )
        return MetricRecord({"train-loss": float(np.mean(losses))})

    def record_evaluate(self, contents, weighted_by_key):
        """Record an evaluation round's replies; return the clients' mean score."""
        from flwr.app import MetricRecord

        rounds, result = self.rounds, self.result
        rounds["evaluate"] += 1
        self.replies[("evaluate", rounds["evaluate"])] = len(contents)
        scores = {}
        for content in contents:
            result.exchanged.append(_summary(content, rounds["evaluate"], "evaluate"))
            metrics = content["metrics"]
            if "score" in metrics:
                scores[int(metrics["client"])] = float(metrics["score"])
        mean = float(np.mean(list(scores.values()))) if scores else float("nan")
        entry = result.history[rounds["evaluate"] - 1]
        entry["score"] = mean
        entry["client_scores"] = dict(sorted(scores.items()))
        return MetricRecord({"score": mean})


def _server_app(strategy, result, num_rounds, local_epochs):
    """Return the Flower server app: runs ``strategy``, keeps the final layers."""
    from flwr.app import ArrayRecord, ConfigRecord
    from flwr.serverapp import ServerApp

    server_app = ServerApp()

    @server_app.main()
    def main(grid, context):
        final = strategy.start(
            grid=grid,
            initial_arrays=ArrayRecord([]),
            num_rounds=int(num_rounds),
            train_config=ConfigRecord({"local-epochs": int(local_epochs)}),
        )
        result.shared_state = {
            name: tensor.numpy()
            for name, tensor in final.arrays.to_torch_state_dict().items()
        }

    return server_app
