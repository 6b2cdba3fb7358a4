"""
Federated multi-task learning: minefields that keep their data
==============================================================

In the Landmine data each of 29 minefields is a binary classification task
(mine or clutter). Suppose each field's sensor data may not leave it. With
:func:`skmtl.federated.run_federated`, every field is a client of a
`Flower <https://flower.ai>`_ federation: it trains its copy of a
:class:`~skmtl.MultiTaskClassifier` on its own rows and sends only the shared
trunk's parameters; the server averages them (FedAvg) and every field keeps its
own task head. We compare with each field trained alone, on a few fields to
keep the example fast (``benchmarks/quality/federated_landmine.py`` runs all
29).

The data is read from the folder named by the ``SKMTL_DATA`` environment
variable (see :func:`~skmtl.datasets.load_landmine`). Without it, the example
runs on generated tasks instead and says so. Needs ``skmtl[federated]``.
"""

# %%
# One client per field
# --------------------
# Each client standardizes its own features and keeps 30% of its rows to
# score its model on.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier
from skmtl.datasets import load_landmine, make_multitask_classification
from skmtl.federated import run_federated

try:
    bunch = load_landmine()
    X, y, field = bunch.data[:, :-1], bunch.target.astype(int), bunch.task
except FileNotFoundError:
    print(
        "The Landmine data was not found (set SKMTL_DATA to the folder holding "
        "landmine.npz): using generated data instead."
    )
    X, y = make_multitask_classification(
        n_samples=600, n_features=9, n_tasks=3, layout="long", random_state=0
    )
    X, field = X[:, 1:], X[:, 0]  # the generated task id is the first column

clients = []
for t in np.unique(field)[:3]:
    X_train, X_test, y_train, y_test = train_test_split(
        X[field == t],
        y[field == t],
        test_size=0.3,
        stratify=y[field == t],
        random_state=0,
    )
    scaler = StandardScaler().fit(X_train)
    clients.append(
        (scaler.transform(X_train), y_train, scaler.transform(X_test), y_test)
    )
print(f"{len(clients)} clients with {[len(c[1]) for c in clients]} training rows")


def auc(model, X, y):
    """ROC AUC of a client's one-task model on its own rows."""
    return roc_auc_score(y, model.predict_proba(X)[:, 1])


# %%
# Federated training
# ------------------
# Every client starts from the same trunk (same ``random_state``), trains 10
# epochs per round and sends its trunk; ``result.exchanged`` records what each
# client sent: arrays of the trunk's shapes and a few summary numbers.
template = MultiTaskClassifier(
    shared_layers=(32,), lr=0.01, random_state=0, n_threads=1
)
result = run_federated(template, clients, num_rounds=4, local_epochs=10, scoring=auc)
for entry in result.history:
    print(f"round {entry['round']}: mean AUC {entry['score']:.3f}")
sent = result.exchanged[0]
print(f"a client sent arrays {sent['arrays']} and numbers {sent['metrics']}")

# %%
# Each field alone
# ----------------
# The same network trained on one field's rows only, for as many epochs (4
# rounds x 10 local epochs).
alone = [
    auc(
        MultiTaskClassifier(**template.get_params())
        .set_params(max_epochs=40)
        .fit(X_tr, y_tr),
        X_te,
        y_te,
    )
    for X_tr, y_tr, X_te, y_te in clients
]
print(f"each field alone: mean AUC {np.mean(alone):.3f}")

fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(
    [e["round"] for e in result.history],
    [e["score"] for e in result.history],
    marker="o",
    label="federated (FedAvg)",
)
ax.axhline(np.mean(alone), color="grey", linestyle="--", label="each field alone")
ax.set_xlabel("communication round")
ax.set_ylabel("mean test ROC AUC")
ax.legend(loc="lower right")
fig.tight_layout()
