"""
Regression, classification and counts in one network
=====================================================

A shop wants three things about each customer: how much they will spend
(a number), whether they will churn (yes/no) and how many times they will
visit (a count). :class:`~skmtl.MultiTaskMixedEstimator` learns the three in
one network: each task gets the loss of its type (squared error of the
standardized spend, cross-entropy of churn, Poisson likelihood of the visits),
and ``predict`` returns one column per task in its own type.
"""

# %%
# The data
# --------
# Synthetic customers: eight features, of which two latent traits drive all
# three targets. A third of the churn labels and of the spends are missing
# (NaN / None): each task learns from the rows that have its label.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from skmtl import MultiTaskMixedEstimator

rng = np.random.default_rng(0)
n = 1200
X = rng.normal(size=(n, 8)).astype(np.float32)
trait = np.tanh(X[:, 0] + 0.5 * X[:, 1]), np.tanh(X[:, 2] - 0.5 * X[:, 3])
Y = pd.DataFrame(
    {
        "spend": 50 + 20 * trait[0] + 10 * trait[1] + 5 * rng.normal(size=n),
        "churn": np.where(
            trait[0] - trait[1] + 0.3 * rng.normal(size=n) < 0, "yes", "no"
        ),
        "visits": rng.poisson(np.exp(1.0 + 0.8 * trait[0])),
    }
).astype({"churn": object})
Y.loc[rng.random(n) < 1 / 3, "spend"] = np.nan
Y.loc[rng.random(n) < 1 / 3, "churn"] = None
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=400, random_state=0)

# %%
# One network for the three tasks
# -------------------------------
# ``spend`` (non-integer numbers) and ``churn`` (strings) are inferred; the
# visits are counts, which are never inferred: we name them ``"poisson"``.
# ``task_types_`` shows what each task was trained as, ``task_metrics_`` how
# ``score_per_task`` scores it.
settings = dict(
    shared_layers=(64,),
    max_epochs=40,
    batch_size=64,
    lr=3e-3,
    task_types={"visits": "poisson"},
    n_threads=1,
    random_state=0,
)
shared = MultiTaskMixedEstimator(**settings).fit(X_train, Y_train)
print(shared.task_types_)
print(shared.task_metrics_)
print(shared.predict(X_test[:3]))
print({name: p.round(2) for name, p in shared.predict_proba(X_test[:3]).items()})

# %%
# Shared trunk versus one network per task
# ----------------------------------------
# ``sharing="independent"`` trains one complete network per task in the same
# machinery: the single-task baseline. The per-task scores (R² for spend and
# visits, accuracy for churn) say what sharing the trunk changed.
independent = MultiTaskMixedEstimator(sharing="independent", **settings)
independent.fit(X_train, Y_train)
scores = pd.DataFrame(
    {
        "shared trunk": shared.score_per_task(X_test, Y_test),
        "independent networks": independent.score_per_task(X_test, Y_test),
    }
)
print(scores.round(3))

# %%
# The scores side by side.
ax = scores.plot.bar(rot=0, figsize=(6, 3.5))
ax.set_ylabel("R² (spend, visits) / accuracy (churn)")
ax.set_title("Test scores per task")
plt.tight_layout()
plt.show()
