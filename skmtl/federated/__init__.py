"""Federated multi-task learning on Flower: shared layers averaged, heads private.

Each client holds the data of its own tasks, trains its copy of a neural
multi-task estimator locally and sends only the shared layers' parameters; the
server averages them (FedAvg) or averages them with a proximal pull on the
clients' updates (FedProx) through `Flower <https://flower.ai>`_; every client
keeps its task heads. Needs the optional extra ``skmtl[federated]``; this module
imports Flower only when a federation runs.
"""

from skmtl.federated._client import FederatedClient
from skmtl.federated._shared_state import load_shared_state, shared_state
from skmtl.federated._simulation import FederatedResult, run_federated

__all__ = [
    "FederatedClient",
    "FederatedResult",
    "load_shared_state",
    "run_federated",
    "shared_state",
]
