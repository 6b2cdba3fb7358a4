"""Plots of multi-task models: learning curves, task weights, similarities, scores.

Needs matplotlib (``pip install skmtl[plot]``), which is imported only when a
function of this module is called, so ``import skmtl`` never imports it. Every
function draws on the ``ax`` it is given, or on a new figure, and returns the
matplotlib Axes.
"""

from skmtl.plotting._comparison import plot_comparison
from skmtl.plotting._learning_curves import plot_learning_curves
from skmtl.plotting._task_affinity import plot_task_affinity
from skmtl.plotting._task_similarity import plot_task_similarity
from skmtl.plotting._task_weights import plot_task_weights

__all__ = [
    "plot_comparison",
    "plot_learning_curves",
    "plot_task_affinity",
    "plot_task_similarity",
    "plot_task_weights",
]
