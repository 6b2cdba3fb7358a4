"""Per-task logistic regression vs multi-task networks on product reviews.

8,000 Amazon reviews (Blitzer et al., 2007), three classification tasks on the
same texts (wide layout): ``domain`` (books, dvd, electronics, kitchen; 4
classes), ``sentiment`` (positive/negative) and ``rating`` (1, 2, 4 or 5 stars;
4 classes). Data: ``<data>/text_multitask.csv.gz`` (``SKMTL_DATA`` or
``../shared/data``).

Protocol: 5-fold CV stratified by domain x rating (``--folds``). In each fold,
on the training texts only: a ``TfidfVectorizer`` (5,000 words and bigrams,
sublinear tf, min_df=2), then ``TruncatedSVD`` (200 components) and a
``StandardScaler`` for dense inputs. Whatever is tuned is tuned by an inner
3-fold split of the training part; the test fold is only scored.

Models:

* single-task logistic (TF-IDF): one ``LogisticRegression`` per task on the
  sparse TF-IDF features, ``C`` in {1, 10} by inner CV (the baseline);
* single-task logistic (SVD): the same on the 200 dense SVD features the
  networks see;
* single-task HistGB (SVD): one ``HistGradientBoostingClassifier`` per task at
  its defaults (scikit-learn's early stopping, on from 10,000 rows, so off
  here) on the SVD features (it takes no sparse input);
* stacked tasks logistic (TF-IDF): :class:`skmtl.StackedTasksClassifier`
  around the same logistic regression (each task's second stage also reads the
  out-of-fold class probabilities of all tasks), ``C`` by inner CV;
* single-task net: :class:`skmtl.MultiTaskClassifier` with
  ``sharing="independent"`` on the SVD features, defaults otherwise;
* MTL net default: :class:`skmtl.MultiTaskClassifier`, default parameters;
* MTL net CV: ``sharing`` in {hard, mmoe, soft} x ``loss_weighting`` in
  {equal, uncertainty} by inner CV, on the first fold only by default
  (``--grid-folds``; marked ``*``).

Not run, with the reason printed: :class:`skmtl.RegularizedMultiTaskClassifier`
(binary tasks only; only ``sentiment`` is binary, so there is nothing for a
multi-task penalty to couple) and :class:`skmtl.PooledClassifier` with either
base model (the three tasks have unrelated label sets, so a pooled model has
nothing to share but the task indicator). Every network:
``random_state=fold``, ``n_threads=1``.

Metric: accuracy per task on the test fold; mean ± std over folds. Δm% and wins
compare per-task accuracy with the best single-task model of each task among
the TF-IDF logistic regression and HistGB (chosen on the test folds, which
favours the baseline).

Time (2 shared cores): about 6 minutes; ``--quick`` runs 2 folds on 1,000
reviews with 5 epochs. ``--rst PATH`` also writes the table as
reStructuredText.
"""

import argparse
import pathlib
import sys
import time

import numpy as np
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmtl import MultiTaskClassifier, PerTaskClassifier, StackedTasksClassifier

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import _data

BASELINE = "single-task logistic (TF-IDF)"
BASELINES = [BASELINE, "single-task HistGB (SVD)"]
TASKS = ("domain", "sentiment", "rating")
METRICS = ("mean accuracy",)
NOT_RUN = (
    "Not run: RegularizedMultiTaskClassifier supports binary tasks only and only "
    "'sentiment' is binary, so there is nothing for a multi-task penalty to "
    "couple; PooledClassifier (logistic or HistGB), because the three tasks have "
    "unrelated label sets "
    "(a pooled model would share only the task indicator)."
)


def features(texts_train, texts_test, seed, n_components):
    """Return sparse TF-IDF and dense SVD features, fitted on the training texts."""
    tfidf = TfidfVectorizer(
        max_features=5000, ngram_range=(1, 2), sublinear_tf=True, min_df=2
    )
    sparse_train = tfidf.fit_transform(texts_train)
    sparse_test = tfidf.transform(texts_test)
    svd = TruncatedSVD(n_components, random_state=seed)
    scaler = StandardScaler()
    dense_train = scaler.fit_transform(svd.fit_transform(sparse_train))
    dense_test = scaler.transform(svd.transform(sparse_test))
    return (sparse_train, sparse_test), (dense_train, dense_test)


def models(seed, quick, n_jobs, grid):
    """Return name -> (unfitted model, "sparse" or "dense" features)."""
    epochs = {"max_epochs": 5} if quick else {}
    inner = KFold(2 if quick else 3, shuffle=True, random_state=seed)
    net = MultiTaskClassifier(random_state=seed, n_threads=1, **epochs)
    logistic = GridSearchCV(
        PerTaskClassifier(LogisticRegression(max_iter=1000)),
        {"estimator__C": [1.0] if quick else [1.0, 10.0]},
        cv=inner,
    )
    out = {
        BASELINE: (logistic, "sparse"),
        "single-task logistic (SVD)": (clone(logistic), "dense"),
        BASELINES[1]: (
            PerTaskClassifier(HistGradientBoostingClassifier(random_state=seed)),
            "dense",
        ),
        "stacked tasks logistic (TF-IDF)": (
            GridSearchCV(
                StackedTasksClassifier(
                    LogisticRegression(max_iter=1000), random_state=seed
                ),
                {"estimator__C": [1.0] if quick else [1.0, 10.0]},
                cv=inner,
            ),
            "sparse",
        ),
        "single-task net": (clone(net).set_params(sharing="independent"), "dense"),
        "MTL net default": (net, "dense"),
    }
    if grid:
        search = GridSearchCV(
            clone(net),
            _data.net_grid("", quick),
            cv=inner,
            n_jobs=1 if quick else n_jobs,
        )
        out["MTL net (CV)"] = (search, "dense")
    return out


def run(texts, Y, n_folds, grid_folds, quick, n_jobs):
    """Return ``{model: [fold results]}`` and the tuned choices per fold."""
    strata = Y[:, 0].astype(str) + "/" + Y[:, 2].astype(str)
    folds = StratifiedKFold(n_folds, shuffle=True, random_state=0).split(texts, strata)
    results, chosen = {}, {}
    for k, (train, test) in enumerate(folds):
        sparse, dense = features(texts[train], texts[test], k, 20 if quick else 200)
        inputs = {"sparse": sparse, "dense": dense}
        for name, (model, kind) in models(k, quick, n_jobs, k < grid_folds).items():
            X_train, X_test = inputs[kind]
            start = time.perf_counter()
            model.fit(X_train, Y[train])
            pred = np.asarray(model.predict(X_test))
            seconds = time.perf_counter() - start
            per_task = {
                task: float(np.mean(pred[:, t].astype(str) == Y[test, t].astype(str)))
                for t, task in enumerate(TASKS)
            }
            metrics = {METRICS[0]: float(np.mean(list(per_task.values())))}
            results.setdefault(name, []).append(
                {"metrics": metrics, "per_task": per_task, "seconds": seconds}
            )
            if isinstance(model, GridSearchCV):
                chosen.setdefault(name, []).append(model.best_params_)
            print(f"fold {k} {name}: {per_task} ({seconds:.0f} s)", file=sys.stderr)
    return results, chosen


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 folds, 1,000 texts")
    parser.add_argument("--folds", type=int, default=5, help="outer CV folds")
    parser.add_argument(
        "--grid-folds", type=int, default=1, help="folds that run the net grid"
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="for the net grid")
    parser.add_argument("--rst", help="also write the table as reST to this path")
    args = parser.parse_args(argv)

    absent = _data.missing("text_multitask.csv.gz")
    if absent:
        _data.skip("reviews", absent)
        return
    from skmtl.datasets import load_reviews_multitask

    bunch = load_reviews_multitask(data_home=_data.data_dir(), as_frame=True)
    texts = np.asarray(bunch.data.iloc[:, 0], dtype=object)
    Y = np.asarray(bunch.target[list(TASKS)], dtype=object)
    if args.quick:
        keep = np.random.RandomState(0).permutation(len(texts))[:1000]
        texts, Y = texts[keep], Y[keep]
    n_folds = 2 if args.quick else args.folds
    grid_folds = 1 if args.quick else min(args.grid_folds, n_folds)

    start = time.perf_counter()
    with threadpool_limits(limits=1):
        results, chosen = run(texts, Y, n_folds, grid_folds, args.quick, args.n_jobs)
    total = time.perf_counter() - start
    counts = {name: len(s) for name, s in results.items()}
    rows, gains = _data.summary_rows(
        results, BASELINES, METRICS, fmt="{:.3f}", seeds=counts
    )
    note = _data.best_baseline_note(results, BASELINES)
    for row, splits in zip(rows, results.values()):
        row[1:1] = [
            _data.mean_std([s["per_task"][t] for s in splits], "{:.3f}") for t in TASKS
        ]
    header = [
        "model",
        *TASKS,
        *METRICS,
        "Δm% vs best ST (accuracy)",
        "tasks won vs best ST",
        "s/fit",
    ]
    print(
        f"Reviews, {len(texts)} texts, {n_folds}-fold stratified CV: test accuracy "
        "per task, mean ± std over folds; Δm% and wins vs the best single-task "
        f"model of each task (* = first {grid_folds} fold(s) only)."
    )
    print(_data.markdown(header, rows))
    print(note)
    print()
    print(NOT_RUN)
    for name, picks in chosen.items():
        print(f"{name} chose: {picks}")
    print(sentences(results, gains))
    print(f"\n({n_folds} folds in {total:.0f} s)")
    if args.rst:
        caption = (
            f"Reviews, {n_folds}-fold stratified CV: test accuracy per task (mean "
            "± std over folds); Δm% and wins vs the best single-task model of "
            "each task; s/fit includes inner CV"
        )
        notes = [
            note,
            f"``*`` run on the first {grid_folds} fold(s) only, compared with "
            "single-task on the same folds. " + NOT_RUN,
        ]
        _data.write(args.rst, _data.rst(caption, header, rows, notes))


def sentences(results, gains):
    """Return an honest conclusion from the measured numbers."""
    acc = {
        name: float(np.mean([s["metrics"][METRICS[0]] for s in splits]))
        for name, splits in results.items()
    }
    best = max(acc, key=acc.get)
    listing = ", ".join(f"{name} {value:.3f}" for name, value in acc.items())
    shared, single = acc["MTL net default"], acc["single-task net"]
    return (
        f"Mean accuracy: {listing}. Best: {best}. The shared network "
        f"{'beats' if shared > single else 'does not beat'} independent networks "
        f"on the same features ({shared:.3f} vs {single:.3f}), and "
        f"{'beats' if shared > acc[BASELINE] else 'does not beat'} per-task "
        f"logistic regression on TF-IDF (Δm% vs the best single-task model of "
        f"each task {gains['MTL net default'][0]:+.1f})."
    )


if __name__ == "__main__":
    sys.exit(main())
