"""Multi-task metrics: per-task scores and gains over a single-task baseline."""

from skmtl.metrics._error_reduction import error_reduction
from skmtl.metrics._paired import beyond_noise, paired_difference
from skmtl.metrics._per_task import METRICS, per_task_scores
from skmtl.metrics._relative_gain import relative_gain

__all__ = [
    "METRICS",
    "beyond_noise",
    "error_reduction",
    "paired_difference",
    "per_task_scores",
    "relative_gain",
]
