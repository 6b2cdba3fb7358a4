"""What the synthetic generators share: doc sections, checks, latents, layouts."""

import functools
import inspect
import numbers

import numpy as np

_LAYOUTS = ("wide", "long")

#: The docstring sections of the two generators, for
#: :func:`skmtl.utils._docstrings.fill_doc`.
SECTIONS = {
    "samples_features": """\
n_samples : int, default=200
    Number of rows.

n_features : int, default=20
    Number of input features.""",
    "n_latent": """\
n_latent : int, default=5
    Dimension of the shared latent representation and of each task's own one.""",
    "layout": """\
layout : {"wide", "long"}, default="wide"
    ``"wide"`` labels every row for every task and returns ``Y`` of shape
    ``(n_samples, n_tasks)``. ``"long"`` gives each row exactly one task and
    returns the task id in column 0 of ``X``, which skmtl estimators read with
    ``task_column=0``, and the row's label in a 1-D ``y``.""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
    Seed of every random draw. Pass an int for reproducible output.""",
    "X": """\
X : ndarray of shape (n_samples, n_features) or (n_samples, n_features + 1)
    Input features, float64. In the long layout column 0 holds the row's task
    id, an integer in ``0 .. n_tasks - 1`` stored as float, and the features
    follow.""",
}


def check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}.")
    return int(value)


def check_real(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {value!r} of type "
            f"{type(value).__name__}."
        )
    return float(value)


def checks_common_parameters(generator):
    """Decorate a generator so that it receives the shared parameters checked.

    ``n_samples``, ``n_features``, ``n_tasks`` and ``n_latent`` come as ints,
    ``shared_fraction``, ``noise`` and ``missing_rate`` as floats, each checked
    (with its name in the error) before the generator runs.
    """
    signature = inspect.signature(generator)

    @functools.wraps(generator)
    def checked(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        bound.arguments.update(_check_common(**bound.arguments))
        return generator(*bound.args, **bound.kwargs)

    return checked


def _check_common(
    n_samples,
    n_features,
    n_tasks,
    n_latent,
    shared_fraction,
    noise,
    missing_rate,
    layout,
    **others,
):
    """Validate the parameters both generators share and return them cleaned."""
    n_samples = check_int(n_samples, "n_samples", 1)
    n_features = check_int(n_features, "n_features", 1)
    n_tasks = check_int(n_tasks, "n_tasks", 1)
    n_latent = check_int(n_latent, "n_latent", 1)
    shared_fraction = check_real(shared_fraction, "shared_fraction")
    # Written as negated ranges so that NaN fails every check.
    if not 0.0 <= shared_fraction <= 1.0:
        raise ValueError(f"shared_fraction must be in [0, 1], got {shared_fraction}.")
    noise = check_real(noise, "noise")
    if not noise >= 0.0:
        raise ValueError(f"noise must be >= 0, got {noise}.")
    missing_rate = check_real(missing_rate, "missing_rate")
    if not 0.0 <= missing_rate < 1.0:
        raise ValueError(f"missing_rate must be in [0, 1), got {missing_rate}.")
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be one of {_LAYOUTS}, got {layout!r}.")
    if layout == "long" and n_samples < 2 * n_tasks:
        raise ValueError(
            f"The long layout needs n_samples >= 2 * n_tasks = {2 * n_tasks} so that "
            f"every task has at least two rows, got n_samples={n_samples}."
        )
    return {
        "n_samples": n_samples,
        "n_features": n_features,
        "n_tasks": n_tasks,
        "n_latent": n_latent,
        "shared_fraction": shared_fraction,
        "noise": noise,
        "missing_rate": missing_rate,
    }


def latent_features(rng, n_samples, n_features, n_tasks, n_latent, nonlinear):
    """Draw ``X``, the shared latent ``Z0`` and the per-task latents ``Z[t]``."""
    X = rng.standard_normal((n_samples, n_features))
    # Scaling by 1/sqrt(n_features) gives every latent pre-activation unit variance,
    # so tanh neither saturates nor stays linear whatever the number of features.
    scale = 1.0 / np.sqrt(n_features)
    shared_proj = rng.standard_normal((n_features, n_latent)) * scale
    task_proj = rng.standard_normal((n_tasks, n_features, n_latent)) * scale
    shared_latent = X @ shared_proj
    task_latent = X @ task_proj
    if nonlinear:
        shared_latent = np.tanh(shared_latent)
        task_latent = np.tanh(task_latent)
    return X, shared_latent, task_latent


def long_tasks(rng, n_samples, n_tasks):
    """Give each row one task, as evenly as possible, in random order."""
    return rng.permutation(np.arange(n_samples) % n_tasks)


def hide_labels(rng, n_rows, missing_rate, groups, min_observed=2):
    """Draw which of ``n_rows`` labels to hide.

    Each label is hidden with probability ``missing_rate``; hidden labels are then
    revealed at random until every group of row indices in ``groups`` keeps
    ``min_observed`` labels (or all of them, if the group is smaller).
    """
    hidden = rng.random_sample(n_rows) < missing_rate
    for group in groups:
        lacking = min(min_observed, len(group)) - np.count_nonzero(~hidden[group])
        if lacking > 0:
            shown = rng.choice(group[hidden[group]], size=lacking, replace=False)
            hidden[shown] = False
    return hidden


def with_task_column(task, X):
    return np.column_stack([task.astype(np.float64), X])
