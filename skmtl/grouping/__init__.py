"""Which tasks to train together: automatic task grouping and a transfer guard.

The estimators measure the affinity of the tasks with a short training run of
a neural multi-task estimator (:mod:`skmtl.neural._affinity`), group the tasks
that help each other and train one network per group. Torch is imported only
when they are fitted.
"""

from skmtl.grouping._estimators import TaskGroupingClassifier, TaskGroupingRegressor

__all__ = ["TaskGroupingClassifier", "TaskGroupingRegressor"]
