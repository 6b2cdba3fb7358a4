"""The main job: multi-task vs single-task learning on embedded data, per task.

Run with ``python -m skmtl demo``. Two comparisons with
:func:`skmtl.compare.compare_models` (the engine of ``skmtl compare``), each on
data that ships with the package (no download):

1. Regression on ``make_multitask_regression``: many tasks, few rows, a shared
   latent structure. Per-task ridge and per-task gradient boosting (the
   single-task baselines), pooled ridge and pooled gradient boosting (the task
   a categorical feature), the best regularized linear multi-task penalty, one
   network per task (``sharing="independent"``) and hard parameter sharing.
2. Classification on ``load_digits_multitask`` (digit, parity, > 4) with a small
   training set: per-task and pooled logistic regression and gradient
   boosting, independent networks, hard sharing.

Scores are on held-out rows; nothing is tuned on them (the linear penalty is
chosen by an inner cross-validation on the training rows, boosting keeps
scikit-learn's defaults). The models are compared with the best single-task
model on each task, chosen on the test rows: a bar set a little too high.
"""

import math
import time

from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

from skmtl.compare import compare_models, default_models
from skmtl.datasets import load_digits_multitask, make_multitask_regression
from skmtl.ensemble import PerTaskClassifier, PooledClassifier
from skmtl.metrics import relative_gain
from skmtl.neural import MultiTaskClassifier, MultiTaskRegressor

NETWORK = {
    "shared_layers": (32,),
    "max_epochs": 300,
    "lr": 3e-3,
    "weight_decay": 1e-2,
    "batch_size": 32,
    "n_threads": 1,
}

DIGITS_NETWORK = {"shared_layers": (64,), "max_epochs": 100, "n_threads": 1}


def regression_comparison(n_tasks=30, n_train=30, n_test=2000, n_splits=3):
    """Return the comparison on related regression tasks with few training rows.

    ``n_splits`` random splits of one dataset, each with ``n_train`` training
    rows and ``n_test`` test rows.
    """
    X, Y = make_multitask_regression(
        n_samples=n_train + n_test,
        n_features=10,
        n_tasks=n_tasks,
        n_latent=3,
        shared_fraction=1.0,
        noise=0.1,
        random_state=0,
    )
    splits = ShuffleSplit(
        n_splits, train_size=n_train, test_size=n_test, random_state=0
    )
    # The comparison's own baselines and linear model, renamed for the tables.
    defaults = default_models(sharings=())
    models = {
        "per-task ridge": defaults["single-task"],
        "per-task HistGB": defaults["single-task HistGB"],
        "pooled ridge": defaults["pooled"],
        "pooled HistGB": defaults["pooled HistGB"],
        "MTL linear": defaults["MTL linear"],
        "independent nets": MultiTaskRegressor(
            sharing="independent", random_state=0, **NETWORK
        ),
        "hard sharing": MultiTaskRegressor(sharing="hard", random_state=0, **NETWORK),
    }
    return compare_models(
        X,
        Y,
        models=models,
        baseline=["per-task ridge", "per-task HistGB"],
        cv=list(splits.split(X)),
    )


def classification_comparison(n_train=300, n_splits=3, seed=0):
    """Return the comparison on digits as 3 tasks, ``n_train`` training images.

    ``n_splits`` random splits, stratified on the digit; the test rows are the
    other images.
    """
    data = load_digits_multitask()
    X, Y = data.data / 16.0, data.target
    split = StratifiedShuffleSplit(n_splits, train_size=n_train, random_state=seed)
    trees = HistGradientBoostingClassifier(random_state=seed)
    models = {
        "per-task logistic": PerTaskClassifier(LogisticRegression(max_iter=1000)),
        "per-task HistGB": PerTaskClassifier(trees),
        "pooled logistic": PooledClassifier(LogisticRegression(max_iter=1000)),
        "pooled HistGB": PooledClassifier(trees),
        "independent nets": MultiTaskClassifier(
            sharing="independent", random_state=seed, **DIGITS_NETWORK
        ),
        "hard sharing": MultiTaskClassifier(
            sharing="hard", random_state=seed, **DIGITS_NETWORK
        ),
    }
    return compare_models(
        X,
        Y,
        classification=True,
        task_names=list(data.target_names),
        models=models,
        baseline=["per-task logistic", "per-task HistGB"],
        cv=list(split.split(X, Y[:, 0])),
    )


#: Gains (Δm%) smaller than this, in either direction, are reported as a tie.
TIE = 0.5


def verdict(result, model, baseline):
    """Return one honest sentence on whether ``model`` beat ``baseline`` (Δm%).

    ``baseline`` is a model, or the result's own baseline (the best single-task
    model on each task).
    """
    if baseline == result.baseline:
        gain = result.relative_gains()[model]
    else:
        means = result.mean_scores()
        gain = relative_gain(means[model], means[baseline])
    if math.isfinite(gain) and abs(gain) < TIE:
        return (
            f"{model} and {baseline} are tied here (Δm% = {gain:+.1f}%, within "
            f"±{TIE}%): sharing made no measurable difference on this data."
        )
    if math.isfinite(gain) and gain > 0:
        return f"{model} beats {baseline} by {gain:+.1f}% on average (Δm%)."
    return (
        f"{model} does NOT beat {baseline} here (Δm% = {gain:+.1f}%): sharing did not "
        "help on this data."
    )


def _report(result, comparisons):
    print(result.table())
    print()
    for model, baseline in comparisons:
        print(verdict(result, model, baseline or result.baseline))
    for notice in result.notices:
        print(f"Note: {notice}")


def main():
    """Print both comparisons."""
    start = time.perf_counter()
    print("skmtl demo: multi-task vs single-task learning (held-out scores)\n")
    print(
        "1. Regression: 30 tasks sharing a 3-dim nonlinear latent, 30 training rows, "
        "2000 test rows; 3 random splits.\n"
    )
    _report(
        regression_comparison(),
        [
            ("hard sharing", "independent nets"),
            ("hard sharing", None),
            ("MTL linear", None),
        ],
    )
    print(
        "\n2. Classification: digits as 3 tasks (digit, parity, > 4), 300 training "
        "images, accuracy on the other 1497; 3 random splits.\n"
    )
    _report(
        classification_comparison(),
        [
            ("hard sharing", "independent nets"),
            ("hard sharing", None),
        ],
    )
    print(f"\n(done in {time.perf_counter() - start:.0f} s)")
