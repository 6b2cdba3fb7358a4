"""Validation of architecture hyperparameters, shared by the architecture files.

The estimators build the architecture in ``fit``, so these errors surface at fit
time, naming the ``sharing_params`` entry at fault.
"""

from numbers import Integral, Real


def check_count(name, value, minimum):
    """Return ``value`` as an int, or raise a ValueError if not an int >= minimum."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        if minimum == 0:
            kind = "a non-negative integer"
        raise ValueError(f"{name} must be {kind}, got {value!r}.")
    return int(value)


def check_real(name, value, low, high=None):
    """Return ``value`` as a float, or raise a ValueError if outside [low, high]."""
    upper = float("inf") if high is None else high
    if (
        not isinstance(value, Real)
        or isinstance(value, bool)
        or not low <= value <= upper
        or value == float("inf")
    ):
        if high is None and low == 0:
            kind = "a non-negative real number"
        elif high is None:
            kind = f"a real number >= {low}"
        else:
            kind = f"a real number in [{low}, {high}]"
        raise ValueError(f"{name} must be {kind}, got {value!r}.")
    return float(value)


def require_layers(architecture, what):
    """Raise a ValueError when ``architecture`` got ``shared_layers=()``."""
    if not architecture.shared_layers:
        raise ValueError(
            f"{type(architecture).__name__} needs at least one {what}, got "
            "shared_layers=()."
        )
