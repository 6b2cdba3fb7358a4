"""
Looking inside a multi-task network: losses, task weights and task relations
=============================================================================

A fitted :class:`~skmtl.MultiTaskRegressor` records each task's loss per epoch
(``history_``) and the weight its loss got (``task_weights_``), and
``sharing_summary`` reports what the sharing architecture learned about the
tasks: the similarity of the soft-sharing towers, or how each task's gate uses
the experts of a mixture of experts. The functions of :mod:`skmtl.plotting` draw
all of them.
"""

# %%
# Related and unrelated tasks
# ---------------------------
# Four *related* tasks (the same function of a shared latent, each with its own
# noise) and two *unrelated* tasks that each depend only on a latent of their
# own. Both groups come from the generator with the same ``random_state``, which
# gives the same ``X``: the unrelated tasks are the last two of a six-task draw
# with ``shared_fraction=0``, whose own latents the related draw does not use.
# The correlation of the labels shows the structure a model could discover.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skmtl import MultiTaskRegressor
from skmtl.architectures import MultiGateMixtureOfExpertsConfig, SoftSharingConfig
from skmtl.datasets import make_multitask_regression
from skmtl.plotting import (
    plot_comparison,
    plot_learning_curves,
    plot_task_similarity,
    plot_task_weights,
)

common = dict(n_samples=400, n_features=20, n_latent=2, noise=0.2, random_state=0)
X, related = make_multitask_regression(n_tasks=4, shared_fraction=1.0, **common)
X_again, own = make_multitask_regression(n_tasks=6, shared_fraction=0.0, **common)
assert np.array_equal(X, X_again)
Y = pd.DataFrame(
    np.column_stack([related, own[:, 4:]]),
    columns=[f"related_{t}" for t in range(4)] + ["unrelated_0", "unrelated_1"],
)
names = list(Y.columns)
label_correlation = Y.corr().to_numpy()
print(Y.corr().round(2).to_string())

# %%
# Learning curves and task weights
# --------------------------------
# Soft sharing gives every task its own tower and pulls the towers together;
# uncertainty weighting learns one weight per task loss. ``early_stopping=True``
# holds out 10% of the rows, so the curves show validation losses (dashed) too;
# ``n_iter_no_change`` is large enough that all 60 epochs run.
soft = MultiTaskRegressor(
    sharing=SoftSharingConfig(penalty_strength=0.001),
    loss_weighting="uncertainty",
    shared_layers=(16,),
    max_epochs=60,
    batch_size=64,
    lr=5e-3,
    early_stopping=True,
    n_iter_no_change=60,
    n_threads=1,
    random_state=0,
).fit(X, Y)

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
plot_learning_curves(soft, ax=left)
plot_task_weights(soft, ax=right)

final = soft.history_[-1]
print("final validation loss per task:")
for task, loss in final["valid_task_loss"].items():
    print(f"  {task:<12} {loss:.3f}")
print("final task weights:", np.round(soft.task_weights_[-1], 2).tolist())

# %%
# Uncertainty weighting (Kendall et al., 2018) weights each task's loss by the
# inverse of a learned noise variance, so the weights grow as the losses fall.
# In this short fit they grow together: the learned variances have not yet
# separated the tasks, and every task keeps a similar share of the loss.
#
# Task similarity learned by soft sharing
# ---------------------------------------
# ``sharing_summary()["task_similarity"]`` is the cosine similarity of the
# towers' parameters, next to the correlation of the labels. A weak pull
# (``penalty_strength=0.001``) lets the towers drift apart where their tasks
# differ; with a strong one every pair of towers ends up nearly identical.
similarity = soft.sharing_summary()["task_similarity"]
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
plot_task_similarity(label_correlation, names, ax=left, title="Label correlation")
plot_task_similarity(similarity, names, ax=right, title="Tower similarity (soft)")

related_pairs = similarity[:4, :4][np.triu_indices(4, k=1)]
mixed_pairs = similarity[:4, 4:].ravel()
print(f"mean tower similarity, related pairs: {related_pairs.mean():.3f}")
print(f"mean tower similarity, related-unrelated pairs: {mixed_pairs.mean():.3f}")

# %%
# Expert usage of a multi-gate mixture of experts
# -----------------------------------------------
# With ``sharing="mmoe"`` every task mixes the same experts through a gate of
# its own; ``sharing_summary(X)["gate_weights"]`` is each task's mean gate
# weight over the rows of ``X``. :func:`~skmtl.plotting.plot_comparison` draws
# one bar per expert and task.
mmoe = MultiTaskRegressor(
    sharing=MultiGateMixtureOfExpertsConfig(n_experts=3),
    shared_layers=(16,),
    max_epochs=60,
    batch_size=64,
    lr=5e-3,
    n_threads=1,
    random_state=0,
).fit(X, Y)
gates = mmoe.sharing_summary(X)["gate_weights"]
usage = {
    f"expert {e}": dict(zip(names, gates[:, e].tolist())) for e in range(gates.shape[1])
}
print(pd.DataFrame(usage).round(2).to_string())
ax = plot_comparison(
    usage, ylabel="mean gate weight", legend_title=None, title="Expert usage (MMoE)"
)

# %%
# What the summaries show, and what they do not
# ---------------------------------------------
# In our run the related towers were more alike than the related-unrelated
# pairs, and the four related tasks' gates used the experts in nearly the same
# proportions while the unrelated tasks' gates differed. The contrasts are
# modest: the towers start from independent random weights, which dominate
# their cosine similarity, and the gate weights are not a clustering of the
# tasks. Read these summaries as hints about the task structure, to be checked
# against held-out scores, not as a measurement of it.
