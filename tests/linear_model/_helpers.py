"""Small datasets for the linear multi-task tests."""

import contextlib
import signal

import numpy as np

from skmtl.linear_model.penalties import PENALTIES

# Penalty hyperparameters for the three tasks task_0, task_1, task_2.
PENALTY_PARAMS = {
    "graph": {"task_graph": [("task_0", "task_1"), ("task_1", "task_2")]},
    "clustered": {"n_clusters": 2},
}


def penalty_config(name, params=PENALTY_PARAMS):
    """Return the configuration of penalty ``name`` with its test hyperparameters."""
    return PENALTIES.config(name).set_params(**params.get(name, {}))


def shared_data(n=60, d=8, n_tasks=3, seed=0, offset=1.5):
    """Return ``X, Y`` with every task on the same rows.

    ``X`` is float32-representable: skmtl validates features as float32 while
    scikit-learn keeps float64, and both must solve the same problem.
    """
    rng = np.random.default_rng(seed)
    X = (rng.standard_normal((n, d)) + offset).astype(np.float32).astype(np.float64)
    W = rng.standard_normal((n_tasks, d)) * (rng.random(d) < 0.6)
    Y = X @ W.T + 0.3 * rng.standard_normal((n, n_tasks)) + 2.0
    return X, Y


def long_from_wide(X, Y):
    """Return the long layout (task id in column 0) of a wide ``X, Y``."""
    rows, tasks = np.nonzero(~np.isnan(Y))
    return np.column_stack([tasks, X[rows]]), Y[rows, tasks]


@contextlib.contextmanager
def time_limit(seconds):
    """Raise TimeoutError in the block after ``seconds`` (a hang fails, not blocks).

    Uses SIGALRM, so it works in the main thread on POSIX (where pytest runs).
    """

    def _expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: the solver hangs")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
