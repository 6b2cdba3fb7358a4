"""Multi-task metrics: per-task scores and the relative gain over single-task."""

from skmtl.metrics._per_task import METRICS, per_task_scores
from skmtl.metrics._relative_gain import relative_gain

__all__ = ["METRICS", "per_task_scores", "relative_gain"]
