"""Compare multi-task models with single-task and pooled baselines, per task.

:func:`compare_models` cross-validates several models on the same folds and
returns a :class:`ComparisonResult` (per-fold, per-task scores, a table, paired
differences and error reductions over single-task learning, winners named only
beyond fold noise). The ``skmtl compare`` command runs
it on a CSV file. Nothing here imports matplotlib.
"""

from skmtl.compare._engine import compare_models
from skmtl.compare._mixed import mixed_models
from skmtl.compare._models import (
    BASELINE,
    PENALTY_GRID,
    SHARINGS,
    SINGLE_TASK,
    bind_task_column,
    default_models,
)
from skmtl.compare._preprocess import make_preprocessor, make_tree_preprocessor
from skmtl.compare._progress import FitProgress
from skmtl.compare._result import ComparisonResult
from skmtl.compare._split import TaskKFold

__all__ = [
    "BASELINE",
    "PENALTY_GRID",
    "SHARINGS",
    "SINGLE_TASK",
    "ComparisonResult",
    "FitProgress",
    "TaskKFold",
    "bind_task_column",
    "compare_models",
    "default_models",
    "make_preprocessor",
    "make_tree_preprocessor",
    "mixed_models",
]
