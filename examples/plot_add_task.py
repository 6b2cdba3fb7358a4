"""
Adding a task to a trained network
==================================

A network trained on several tasks has learned a representation that a new,
related task can reuse. Here a :class:`~skmtl.MultiTaskRegressor` is trained on
five tasks, then a sixth task arrives with only 20 labelled rows: a warm-start
``fit`` whose ``y`` names the new task adds a head for it. With
``shared_lr_scale=0`` the shared trunk and the five previous heads stay fixed,
so the previous tasks predict exactly as before, and only the new head trains.
"""

# %%
# Five tasks with plenty of labels, a sixth with 20
# -------------------------------------------------
# The six tasks are nonlinear functions of the same 2-dimensional latent.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score

from skmtl import MultiTaskRegressor
from skmtl.datasets import make_multitask_regression

latent = dict(n_latent=2, shared_fraction=1.0, random_state=0)
X, Y = make_multitask_regression(1400, 10, 6, **latent)
X_old, Y_old = X[:400], Y[:400, :5]
X_new, y_new = X[400:420], Y[400:420, 5]
X_test, y_test = X[420:], Y[420:, 5]

network = dict(shared_layers=(64,), batch_size=64, random_state=0)
model = MultiTaskRegressor(max_epochs=150, **network).fit(X_old, Y_old)
before = model.predict(X_test)

# %%
# Adding the task
# ---------------
# In the wide layout the new ``y`` keeps a column for each previous task: all
# NaN here, since the new rows have no labels for them.
Y_add = np.full((len(y_new), 6), np.nan)
Y_add[:, 5] = y_new
model.set_params(warm_start=True, shared_lr_scale=0.0, max_epochs=300)
model.fit(X_new, Y_add)
print("tasks:", model.task_names_)
after = model.predict(X_test)
np.testing.assert_array_equal(after[:, :5], before)
print("previous tasks' predictions unchanged: True")

# %%
# Compared with single-task models on the 20 rows
# -----------------------------------------------
# The same network trained on the new task alone, and a ridge regression.
alone = MultiTaskRegressor(max_epochs=300, **network).fit(X_new, y_new)
ridge = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(X_new, y_new)
scores = {
    "added task (frozen trunk)": r2_score(y_test, after[:, 5]),
    "same network, alone": r2_score(y_test, alone.predict(X_test)),
    "ridge, alone": r2_score(y_test, ridge.predict(X_test)),
}
for name, score in scores.items():
    print(f"{name:>26}: R2 = {score:.2f}")

fig, ax = plt.subplots(figsize=(6, 2.5))
ax.barh(list(scores), list(scores.values()))
ax.set_xlabel("test R² of the new task (20 training rows)")
fig.tight_layout()
