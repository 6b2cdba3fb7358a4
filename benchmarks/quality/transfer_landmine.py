"""Adding a task with few labels to a trained network: Landmine, one field new.

A ``MultiTaskClassifier`` (hard sharing, one hidden layer of 100 units, long
layout) is trained on 28 of the 29 minefields with all their rows; the 29th
field is then added as a new task from ``k`` labelled rows per class
(``warm_start=True``, ``y`` holding the new field's rows only). Compared, on the
same ``k`` rows and scored on the rest of the field:

* added task, frozen: ``shared_lr_scale=0`` (trunk and previous heads fixed;
  only the new head trains);
* added task, fine-tuned: ``shared_lr_scale=0.1``;
* the same network trained on the new field alone (single task);
* ``LogisticRegressionCV`` (C by stratified inner CV, ROC AUC) and
  ``HistGradientBoostingClassifier`` (``min_samples_leaf=2``) on the field alone,
  the strongest single-task baselines;
* all 29 fields trained from scratch in one multi-task fit, the new field with
  its ``k`` rows per class only.

Features are standardized with the 28 fields' rows (unlabelled information
every model gets). ``k`` in 5, 10, 20, 40; a field's positives (15 to 48 mines)
are capped at half of its mines, so ``k=40`` trains on about 20 positives. The
new field is each of the five fields with the most mines in turn (0, 1, 21, 23,
28: 39 to 48 mines; field 2 ties with 21); per seed, the ``k`` rows are drawn at
random. Metric: ROC AUC on the new field's other rows; mean ± std over fields x
seeds.

Time (2 cores): about 8 minutes for 3 seeds; ``--quick`` runs one field, one
seed, ``k=5`` and a few epochs. ``--rst PATH`` also writes the table as
reStructuredText. Data: ``<data>/landmine.npz`` (``SKMTL_DATA`` or
``../shared/data``).
"""

import pathlib
import pickle
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegressionCV
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskClassifier

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

FIELDS = (0, 1, 21, 23, 28)
BUDGETS = (5, 10, 20, 40)
MODELS = (
    "added task, frozen (shared_lr_scale=0)",
    "added task, fine-tuned (shared_lr_scale=0.1)",
    "same network, new field alone",
    "logistic regression (CV), field alone",
    "HistGradientBoosting, field alone",
    "29 tasks from scratch",
)


def few_labels(y, k, rng):
    """Return a train mask with ``k`` rows per class (positives capped at half)."""
    train = np.zeros(len(y), dtype=bool)
    for label in (0, 1):
        rows = np.flatnonzero(y == label)
        n = min(k, len(rows) // 2)
        train[rng.choice(rows, size=n, replace=False)] = True
    return train


def new_task_auc(model, Z, y, field):
    """ROC AUC of the long-layout ``model`` on rows ``Z`` of task ``field``."""
    proba = model.predict_proba(Z)[model.task_names_.index(field)]
    return float(roc_auc_score(y, proba[:, 1]))


def pretrained(Z, y, seed, epochs):
    """Return the network trained on the 28 previous fields (long layout)."""
    return MultiTaskClassifier(
        task_column=-1, random_state=seed, n_threads=1, max_epochs=epochs
    ).fit(Z, y)


def field_scores(data, base, k, seed, epochs):
    """Return model -> test AUC on the new field with ``k`` labels per class."""
    Z_old, y_old, Z_new, y_new = data
    field = int(Z_new[0, -1])
    rng = np.random.RandomState(seed)
    train = few_labels(y_new, k, rng)
    Z_train, y_train, Z_test, y_test = (
        Z_new[train],
        y_new[train],
        Z_new[~train],
        y_new[~train],
    )
    scores = {}
    for name, scale in zip(MODELS[:2], (0.0, 0.1)):
        model = pickle.loads(pickle.dumps(base)).set_params(
            warm_start=True, shared_lr_scale=scale, max_epochs=epochs["new"]
        )
        scores[name] = new_task_auc(model.fit(Z_train, y_train), Z_test, y_test, field)
    single = MultiTaskClassifier(
        random_state=seed, n_threads=1, max_epochs=epochs["new"]
    ).fit(Z_train[:, :-1], y_train)
    scores[MODELS[2]] = roc_auc_score(
        y_test, single.predict_proba(Z_test[:, :-1])[:, 1]
    )
    folds = min(3, int(np.bincount(y_train).min()))
    logistic = LogisticRegressionCV(
        Cs=[0.01, 0.1, 1.0, 10.0], cv=folds, scoring="roc_auc", max_iter=1000
    ).fit(Z_train[:, :-1], y_train)
    scores[MODELS[3]] = roc_auc_score(
        y_test, logistic.predict_proba(Z_test[:, :-1])[:, 1]
    )
    boosting = HistGradientBoostingClassifier(min_samples_leaf=2, random_state=seed)
    boosting.fit(Z_train[:, :-1], y_train)
    scores[MODELS[4]] = roc_auc_score(
        y_test, boosting.predict_proba(Z_test[:, :-1])[:, 1]
    )
    scratch = MultiTaskClassifier(
        task_column=-1, random_state=seed, n_threads=1, max_epochs=epochs["all"]
    ).fit(np.vstack([Z_old, Z_train]), np.concatenate([y_old, y_train]))
    scores[MODELS[5]] = new_task_auc(scratch, Z_test, y_test, field)
    return scores


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = _data.argument_parser(__doc__, "1 field, 1 seed, k=5", seeds=3)
    args = parser.parse_args(argv)
    arrays = _data.landmine_arrays()
    if arrays is None:
        return
    X, y, task = arrays
    fields = FIELDS[-1:] if args.quick else FIELDS
    seeds = [0] if args.quick else list(range(args.seeds))
    budgets = BUDGETS[:1] if args.quick else BUDGETS
    epochs = {"all": 2, "new": 5} if args.quick else {"all": 30, "new": 200}
    results = {(name, k): [] for name in MODELS for k in budgets}
    start = time.perf_counter()
    for field in fields:
        old = task != field
        scaler = StandardScaler().fit(X[old])
        Z = np.column_stack([scaler.transform(X), task])
        data = (Z[old], y[old], Z[~old], y[~old])
        for seed in seeds:
            with warnings.catch_warnings():
                # Single-class folds' and scikit-learn's deprecation notices.
                warnings.simplefilter("ignore", UserWarning)
                warnings.simplefilter("ignore", FutureWarning)
                base = pretrained(Z[old], y[old], seed, epochs["all"])
                for k in budgets:
                    for name, auc in field_scores(data, base, k, seed, epochs).items():
                        results[(name, k)].append(auc)
            elapsed = time.perf_counter() - start
            print(f"field {field} seed {seed} done ({elapsed:.0f} s)", file=sys.stderr)
    table = [
        [name, *[_data.mean_std(results[(name, k)]) for k in budgets]]
        for name in MODELS
    ]
    _data.report(
        "Landmine, one field added to a network trained on the other 28: test ROC "
        "AUC on the new field with k labelled rows per class; mean ± std over "
        f"{len(fields)} field(s) x {len(seeds)} seed(s) "
        f"({time.perf_counter() - start:.0f} s)",
        "Landmine: a 29th field added with k labels per class, test ROC AUC on "
        "that field",
        ["model", *[f"k={k}" for k in budgets]],
        table,
        args.rst,
    )


if __name__ == "__main__":
    main()
