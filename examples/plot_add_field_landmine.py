"""
A new minefield with few labels: adding a task on Landmine
==========================================================

In the Landmine data each of 29 minefields is a binary task (mine or clutter).
Suppose a network has been trained on 28 fields and a 29th is surveyed with
only 20 labelled readings per class. A warm-start ``fit`` whose ``y`` names the
new field adds a head for it; ``shared_lr_scale=0`` keeps the trunk and the 28
previous heads fixed (they predict exactly as before), ``shared_lr_scale=0.1``
fine-tunes the trunk gently. We compare with models of the new field alone.
``benchmarks/quality/transfer_landmine.py`` runs five fields, 5 to 40 labels per
class and several seeds; on Landmine transfer does not beat the single-task
models beyond the spread over fields (see the user guide's transfer page).

The data is read from the folder named by the ``SKMTL_DATA`` environment
variable (see :func:`~skmtl.datasets.load_landmine`). Without it, the example
runs on generated tasks instead and says so.
"""

# %%
# 28 fields to pretrain on, one new field
# ---------------------------------------
import copy

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier
from skmtl.datasets import load_landmine, make_multitask_classification

try:
    bunch = load_landmine()
    X, y, field = bunch.data[:, :-1], bunch.target.astype(int), bunch.task
except FileNotFoundError:
    print(
        "The Landmine data was not found (set SKMTL_DATA to the folder holding "
        "landmine.npz): using generated data instead."
    )
    X, y = make_multitask_classification(
        n_samples=3000, n_features=9, n_tasks=6, layout="long", random_state=0
    )
    X, field = X[:, 1:], X[:, 0]  # the generated task id is the first column
    y = y.astype(int)

new = field == np.unique(field)[-1]
scaler = StandardScaler().fit(X[~new])
Z = np.column_stack([scaler.transform(X), field])  # task id as the last column

rng = np.random.RandomState(0)
labelled = np.zeros(new.sum(), dtype=bool)
for label in (0, 1):
    rows = np.flatnonzero(y[new] == label)
    labelled[rng.choice(rows, size=min(20, len(rows) // 2), replace=False)] = True
Z_new, y_new = Z[new][labelled], y[new][labelled]
Z_test, y_test = Z[new][~labelled], y[new][~labelled]
print(f"pretraining rows: {(~new).sum()}, new field: {len(y_new)} labelled rows")

# %%
# Pretraining, then adding the field
# ----------------------------------
network = dict(task_column=-1, random_state=0, n_threads=1)
base = MultiTaskClassifier(max_epochs=10, **network).fit(Z[~new], y[~new])
before = base.predict(Z[~new][:200])

scores = {}
for name, scale in [("added, frozen", 0.0), ("added, fine-tuned", 0.1)]:
    model = copy.deepcopy(base).set_params(
        warm_start=True, shared_lr_scale=scale, max_epochs=100
    )
    model.fit(Z_new, y_new)
    proba = model.predict_proba(Z_test)[-1][:, 1]  # the new task comes last
    scores[name] = roc_auc_score(y_test, proba)
    if scale == 0.0:
        unchanged = np.array_equal(model.predict(Z[~new][:200]), before)
        print(f"previous fields' predictions unchanged: {unchanged}")

# %%
# Against models of the new field alone
# -------------------------------------
alone = MultiTaskClassifier(max_epochs=100, random_state=0, n_threads=1)
alone.fit(Z_new[:, :-1], y_new)
scores["same network, alone"] = roc_auc_score(
    y_test, alone.predict_proba(Z_test[:, :-1])[:, 1]
)
logistic = LogisticRegression(max_iter=1000).fit(Z_new[:, :-1], y_new)
scores["logistic, alone"] = roc_auc_score(
    y_test, logistic.predict_proba(Z_test[:, :-1])[:, 1]
)
for name, score in scores.items():
    print(f"{name:>20}: AUC = {score:.3f}")

fig, ax = plt.subplots(figsize=(6, 2.5))
ax.barh(list(scores), list(scores.values()))
ax.set_xlim(0.5, 1.0)
ax.set_xlabel("test ROC AUC of the new field")
fig.tight_layout()
plt.show()
