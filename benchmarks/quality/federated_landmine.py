"""Federated multi-task learning on Landmine: AUC over communication rounds.

Each of the 29 minefields is one client of a federation with its own task (its
data never leave it); the clients share the trunk of a ``MultiTaskClassifier``
(hard sharing, default layers) through Flower's simulation engine and keep
their task head. Compared, on the same splits:

* centralized multi-task: the default ``MultiTaskClassifier`` trained on all
  fields' rows (long layout), features standardized over all fields, as in
  ``landmine.py``;
* local-only single-task: each field alone, either the same network (defaults)
  or ``LogisticRegressionCV`` (C by 3-fold inner CV on the field's training rows,
  ROC AUC);
* federated FedAvg, and FedProx with ``proximal_mu=0.1`` (not tuned), each
  client standardizing its own features; mean per-field test AUC after rounds
  1, 5, 10, 20 and 40, with 75 local epochs per round (a field's ~100 training
  rows are one batch, so 40 rounds give each client the 3,000 optimizer steps
  of the centralized default: 15 batches x 200 epochs); ``--local-epochs`` and
  ``--mu`` change them.

Protocol (as ``landmine.py``): per seed, 20% of each field's rows, stratified by
label, train; the other 80% test. Metric: ROC AUC per field on its test rows,
averaged over the 29 fields; mean ± std over seeds. Data: ``<data>/landmine.npz``
(``SKMTL_DATA`` or ``../shared/data``). Needs ``skmtl[federated]``.

Time (2 cores): about 17 minutes for 3 seeds; ``--quick`` runs 3 fields, 1
seed and 2 rounds of FedAvg only. ``--rst PATH`` also writes the table as
reStructuredText.
"""

import argparse
import importlib.util
import pathlib
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegressionCV
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data
from quality.landmine import within_task_split

ROUNDS = (1, 5, 10, 20, 40)
# The centralized default's number of optimizer steps per client over 40 rounds:
# 15 batches x 200 epochs = 3,000 = 40 rounds x 75 local epochs (one batch each).
LOCAL_EPOCHS = 75
PROXIMAL_MU = 0.1


def field_auc(estimator, X, y):
    """ROC AUC of a one-task classifier (a client's own field)."""
    proba = estimator.predict_proba(X)
    positive = proba[0][:, 1] if isinstance(proba, list) else proba[:, 1]
    return float(roc_auc_score(y, positive))


def client_data(X, y, task, train, fields):
    """Per field: (X_train, y_train, X_test, y_test), scaled by the field's own rows."""
    clients = []
    for t in fields:
        rows_train, rows_test = train & (task == t), ~train & (task == t)
        scaler = StandardScaler().fit(X[rows_train])
        clients.append(
            (
                scaler.transform(X[rows_train]),
                y[rows_train],
                scaler.transform(X[rows_test]),
                y[rows_test],
            )
        )
    return clients


def centralized_auc(X, y, task, train, fields, seed, epochs):
    """Mean per-field test AUC of the default network trained on all fields."""
    keep = np.isin(task, fields)
    scaler = StandardScaler().fit(X[train & keep])
    Z = np.column_stack([scaler.transform(X), task])
    net = MultiTaskClassifier(task_column=-1, random_state=seed, n_threads=1, **epochs)
    net.fit(Z[train & keep], y[train & keep])
    aucs = []
    for t in fields:
        rows = ~train & (task == t)
        proba = net.predict_proba(Z[rows])
        positive = np.nanmax(np.column_stack([p[:, -1] for p in proba]), axis=1)
        aucs.append(roc_auc_score(y[rows], positive))
    return float(np.mean(aucs))


def local_aucs(clients, seed, epochs):
    """Mean per-field test AUC of each field alone: the network and logistic CV."""
    net, logistic = [], []
    for X_train, y_train, X_test, y_test in clients:
        model = MultiTaskClassifier(random_state=seed, n_threads=1, **epochs)
        net.append(field_auc(model.fit(X_train, y_train), X_test, y_test))
        cv = LogisticRegressionCV(
            Cs=[0.001, 0.01, 0.1, 1.0], cv=3, scoring="roc_auc", max_iter=1000
        )
        logistic.append(field_auc(cv.fit(X_train, y_train), X_test, y_test))
    return float(np.mean(net)), float(np.mean(logistic))


def federated_scores(clients, seed, strategy, rounds, local_epochs, mu):
    """Mean per-field test AUC after each round (list, round 1 first)."""
    from skmtl.federated import run_federated

    template = MultiTaskClassifier(random_state=seed, n_threads=1)
    result = run_federated(
        template,
        clients,
        num_rounds=rounds,
        strategy=strategy,
        local_epochs=local_epochs,
        proximal_mu=mu if strategy == "fedprox" else 0.0,
        scoring=field_auc,
    )
    return [entry["score"] for entry in result.history]


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 fields, 2 rounds")
    parser.add_argument("--seeds", type=int, default=3, help="number of splits")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    parser.add_argument(
        "--local-epochs",
        type=int,
        default=LOCAL_EPOCHS,
        help="epochs per client per round (default 75: the centralized default's "
        "number of optimizer steps, 15 batches x 200 epochs, over 40 rounds)",
    )
    parser.add_argument(
        "--mu", type=float, default=PROXIMAL_MU, help="FedProx's proximal_mu"
    )
    args = parser.parse_args(argv)
    if importlib.util.find_spec("flwr") is None:
        print("SKIPPED: Flower is not installed (pip install 'skmtl[federated]').")
        return
    absent = _data.missing("landmine.npz")
    if absent:
        _data.skip("landmine", absent)
        return
    from skmtl.datasets import load_landmine

    bunch = load_landmine(data_home=_data.data_dir())
    # The task id is the last column of ``data`` (long layout).
    X, y, task = bunch.data[:, :-1], bunch.target.astype(int), bunch.task.astype(int)
    fields = np.unique(task)[:3] if args.quick else np.unique(task)
    seeds = [0] if args.quick else list(range(args.seeds))
    rounds = (1, 2) if args.quick else ROUNDS
    local_epochs = 1 if args.quick else args.local_epochs
    epochs = {"max_epochs": 2} if args.quick else {}

    rows = {"centralized multi-task (default net)": [], "local net": []}
    rows["local logistic (CV)"] = []
    curves = {"FedAvg": []}
    if not args.quick:  # one federation is enough to check the script runs
        curves[f"FedProx (mu={args.mu})"] = []
    start = time.perf_counter()
    for seed in seeds:
        train = within_task_split(task, y, 0.2, seed)
        clients = client_data(X, y, task, train, fields)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            rows["centralized multi-task (default net)"].append(
                centralized_auc(X, y, task, train, fields, seed, epochs)
            )
            net, logistic = local_aucs(clients, seed, epochs)
        rows["local net"].append(net)
        rows["local logistic (CV)"].append(logistic)
        for name, strategy in zip(curves, ("fedavg", "fedprox")):
            curves[name].append(
                federated_scores(
                    clients, seed, strategy, rounds[-1], local_epochs, args.mu
                )
            )
        elapsed = time.perf_counter() - start
        print(f"seed {seed} done ({elapsed:.0f} s)", file=sys.stderr)

    header = ["model", *[f"round {r}" for r in rounds]]
    table = []
    for name, values in rows.items():
        cell = f"{np.mean(values):.3f} ± {np.std(values):.3f}"
        table.append([name, *([""] * (len(rounds) - 1)), cell])
    for name, per_seed in curves.items():
        curve = np.asarray(per_seed)  # seeds x rounds
        table.append(
            [
                name,
                *[
                    f"{curve[:, r - 1].mean():.3f} ± {curve[:, r - 1].std():.3f}"
                    for r in rounds
                ],
            ]
        )
    print(
        f"Landmine federated: {len(fields)} clients (one field each), "
        f"{len(seeds)} split(s) with 20% of each field training; mean ± std over "
        f"splits of the mean per-field test ROC AUC; {local_epochs} local epochs "
        f"per round ({time.perf_counter() - start:.0f} s)\n"
    )
    print(_data.markdown(header, table))
    if args.rst:
        caption = (
            "Federated Landmine: mean per-field test ROC AUC by communication round "
            "(non-federated models: final value)"
        )
        _data.write(args.rst, _data.rst(caption, header, table))


if __name__ == "__main__":
    main()
