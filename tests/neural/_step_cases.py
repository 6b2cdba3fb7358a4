"""Fits compared between the fixed-shape (captured) step and skorch's eager loop.

Shared by the CPU tests (the step run uncaptured) and the CUDA tests (captured).
"""

import numpy as np

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.datasets import make_multitask_classification, make_multitask_regression
from skmtl.neural import _captured

# 150 rows in batches of 32: the last batch holds 22 rows (padding is exercised).
SMALL = {"shared_layers": (16,), "max_epochs": 4, "batch_size": 32, "random_state": 0}
LAYOUTS = ("wide", "missing", "long", "weighted", "classifier", "classifier_wide")


def make_case(layout, seed=0):
    """Return ``(estimator class, extra params, X, y, fit kwargs)`` for a layout.

    ``wide``: every label observed; ``missing``: a quarter of the labels NaN;
    ``long``: one task per row (``task_column``); ``weighted``: missing labels
    and sample weights; ``classifier``: binary and multiclass tasks with
    missing labels; ``classifier_wide``: the same, every label observed.
    """
    if layout.startswith("classifier"):
        X, Y = make_multitask_classification(
            n_samples=150,
            n_features=6,
            n_tasks=3,
            n_classes=[2, 3, 2],
            missing_rate=0.2 if layout == "classifier" else 0.0,
            random_state=seed,
        )
        return MultiTaskClassifier, {}, X, Y, {}
    if layout == "long":
        X, y = make_multitask_regression(
            n_samples=150, n_features=6, n_tasks=4, layout="long", random_state=seed
        )
        return MultiTaskRegressor, {"task_column": 0}, X, y, {}
    missing_rate = 0.0 if layout == "wide" else 0.25
    X, Y = make_multitask_regression(
        n_samples=150,
        n_features=6,
        n_tasks=3,
        missing_rate=missing_rate,
        random_state=seed,
    )
    fit_kwargs = {}
    if layout == "weighted":
        weights = np.random.RandomState(seed).uniform(0.2, 2.0, size=len(X))
        fit_kwargs["sample_weight"] = weights
    return MultiTaskRegressor, {}, X, Y, fit_kwargs


def predictions(model, X):
    """Return what the model predicts (probabilities for a classifier)."""
    if isinstance(model, MultiTaskClassifier):
        return np.hstack(model.predict_proba(X))
    return model.predict(X)


def record_runners(monkeypatch):
    """Make every StepRunner the fits create land in the returned list."""
    made = []
    original = _captured.StepRunner

    def recording_runner(**kwargs):
        runner = original(**kwargs)
        made.append(runner)
        return runner

    monkeypatch.setattr(_captured, "StepRunner", recording_runner)
    return made
