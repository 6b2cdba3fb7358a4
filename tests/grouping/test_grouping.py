"""Automatic task grouping and the negative-transfer guard."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import (
    MultiTaskClassifier,
    MultiTaskRegressor,
    TaskGroupingClassifier,
    TaskGroupingRegressor,
)
from skmtl.datasets import make_grouped_regression, make_multitask_classification
from skmtl.grouping._guard import guard_choices
from skmtl.grouping._number import fewest_groups_within_one_se
from skmtl.grouping._partition import (
    eigengap_groups,
    nested_partitions,
    task_similarity,
)

NET = {"shared_layers": (16,), "max_epochs": 15, "batch_size": 32, "random_state": 0}


@pytest.fixture(scope="module")
def planted():
    return make_grouped_regression(
        n_samples=200, n_features=8, group_sizes=(2, 2), noise=0.1, random_state=0
    )


def test_recovers_planted_groups_and_predicts_every_task(planted):
    X, Y, groups = planted
    model = TaskGroupingRegressor(MultiTaskRegressor(**NET), n_groups=2)
    model.fit(X, Y)
    assert adjusted_rand_score(groups, model.group_labels_) == 1.0
    assert model.groups_ == [["task_0", "task_1"], ["task_2", "task_3"]]
    assert len(model.estimators_) == 2
    # Each task is predicted by its group's network.
    network = model.estimators_[(2, 3)]
    np.testing.assert_array_equal(model.predict(X)[:, 2:], network.predict(X))
    assert model.affinity_.shape == (4, 4) and model.similarity_.shape == (4, 4)


def test_auto_number_of_groups_by_inner_cv(planted):
    X, Y, _ = planted
    model = TaskGroupingRegressor(MultiTaskRegressor(**NET), cv=2, random_state=0)
    model.fit(X, Y)
    assert sorted(model.cv_scores_) == [1, 2, 3, 4]
    assert model.cv_fold_scores_[2].shape == (2, 4)
    expected = fewest_groups_within_one_se(model.cv_fold_scores_)
    assert model.n_groups_ == expected


def test_the_number_of_groups_follows_the_one_standard_error_rule():
    folds = np.array([[0.50, 0.52], [0.60, 0.61], [0.40, 0.45]])
    # Two groups are better on every fold by more than the spread: chosen.
    clear = {1: folds[:, :1] - 0.1, 2: folds[:, :1], 3: folds[:, :1] - 0.01}
    assert fewest_groups_within_one_se(clear) == 2
    # One group is behind the best by less than the standard error: chosen.
    noisy = {1: folds[:, :1] + [[0.02], [-0.03], [0.0]], 2: folds[:, :1]}
    assert fewest_groups_within_one_se(noisy) == 1
    # A task not measured under every k (NaN) is left out of every fold mean.
    with_nan = {1: np.c_[folds[:, :1] - 0.1, [np.nan] * 3], 2: folds}
    assert fewest_groups_within_one_se(with_nan) == 2
    # No fold measured: the fewest groups.
    empty = {1: np.full((3, 1), np.nan), 4: np.full((3, 1), np.nan)}
    assert fewest_groups_within_one_se(empty) == 1


def test_guard_records_its_evidence_and_follows_its_rule(planted):
    X, Y, _ = planted
    model = TaskGroupingRegressor(
        MultiTaskRegressor(**NET), n_groups=2, guard=True, cv=2, random_state=0
    ).fit(X, Y)
    assert model.guard_fold_scores_.shape == (2, 4, 3)
    np.testing.assert_allclose(
        model.guard_scores_, model.guard_fold_scores_.mean(axis=0)
    )
    assert set(model.guard_choice_) == {"task_0", "task_1", "task_2", "task_3"}
    choices, default = guard_choices(model.guard_fold_scores_)
    assert list(model.guard_choice_.values()) == choices
    assert model.guard_default_ == default
    # The default validated best on average over the tasks.
    column = ["single", "group", "shared"].index(default)
    means = model.guard_scores_.mean(axis=0)
    assert means[column] == means.max()
    assert model.predict(X).shape == Y.shape


def _folds(*tasks):
    """Stack per-task ``(n_folds, 3)`` scores into ``(n_folds, n_tasks, 3)``."""
    return np.stack([np.asarray(t, dtype=float) for t in tasks], axis=1)


def test_guard_default_is_the_best_candidate_on_average_and_ties_keep_single():
    tied = [[0.5, 0.5, 0.5], [0.6, 0.6, 0.6]]
    assert guard_choices(_folds(tied, tied)) == (["single", "single"], "single")
    # Shared wins on average; a task whose single-task gain is within noise
    # (folds disagree) keeps the shared network.
    shared_better = [[0.2, 0.3, 0.5], [0.2, 0.3, 0.6]]
    noisy = [[0.6, 0.3, 0.4], [0.3, 0.3, 0.5]]
    choices, default = guard_choices(_folds(shared_better, noisy))
    assert default == "shared" and choices == ["shared", "shared"]


def test_guard_leaves_the_default_only_for_a_gain_beyond_its_standard_error():
    shared_better = [[0.2, 0.3, 0.6], [0.2, 0.3, 0.5], [0.2, 0.3, 0.7]]
    # Single beats shared by 0.3 on every fold: beyond any noise.
    hurt = [[0.8, 0.6, 0.5], [0.7, 0.5, 0.4], [0.9, 0.7, 0.6]]
    choices, default = guard_choices(_folds(shared_better, shared_better, hurt))
    assert default == "shared"
    assert choices == ["shared", "shared", "single"]
    # Of two candidates better beyond noise, the larger gain wins.
    both = [[0.8, 0.9, 0.5], [0.7, 0.8, 0.4], [0.9, 1.0, 0.6]]
    assert guard_choices(_folds(shared_better, shared_better, both))[0][2] == "group"


def test_guard_with_unmeasured_candidates():
    nan = np.nan
    # Task 1 was never scored under the default: its best measured candidate.
    shared_better = [[0.2, 0.3, 0.6], [0.2, 0.3, 0.5]]
    partial = [[0.4, 0.1, nan], [0.5, 0.2, nan]]
    unscored = [[nan, nan, nan], [nan, nan, nan]]
    choices, default = guard_choices(_folds(shared_better, partial, unscored))
    assert default == "shared"
    assert choices == ["shared", "single", "single"]
    # A gain measured on one fold only has no standard error: no move.
    clearly_shared = [[0.1, 0.3, 0.9], [0.1, 0.3, 0.8]]
    one_fold = [[0.9, 0.3, 0.5], [nan, 0.3, 0.6]]
    choices, default = guard_choices(_folds(clearly_shared, one_fold))
    assert default == "shared" and choices == ["shared", "shared"]


def test_missing_labels_and_dataframe_task_names(planted):
    X, Y, _ = planted
    Y = Y.copy()
    Y[np.random.RandomState(0).rand(*Y.shape) < 0.3] = np.nan
    frame = pd.DataFrame(Y, columns=["a", "b", "c", "d"])
    model = TaskGroupingRegressor(MultiTaskRegressor(**NET), n_groups=2).fit(X, frame)
    assert model.task_names_ == ["a", "b", "c", "d"]
    assert np.isfinite(model.predict(X)).all()
    assert set(model.score_per_task(X, frame)) == {"a", "b", "c", "d"}


def test_long_layout(planted):
    X, Y, _ = planted
    rows, tasks = np.nonzero(np.isfinite(Y[:100]))
    X_long = np.column_stack([tasks, X[rows]])
    y_long = Y[rows, tasks]
    model = TaskGroupingRegressor(
        MultiTaskRegressor(**NET), n_groups=2, task_column=0
    ).fit(X_long, y_long)
    assert sorted(t for group in model.groups_ for t in group) == [0, 1, 2, 3]
    prediction = model.predict(X_long)
    assert prediction.shape == y_long.shape
    # Each row comes from its own task's group network.
    group = next(g for g in model.estimators_ if 0 in g)
    rows0 = tasks == 0
    np.testing.assert_allclose(
        prediction[rows0], model.estimators_[group].predict(X_long[rows0])
    )


def test_classifier_wide_with_pipeline_and_pickle():
    X, Y = make_multitask_classification(
        n_samples=120, n_features=6, n_tasks=3, random_state=0
    )
    model = make_pipeline(
        StandardScaler(),
        TaskGroupingClassifier(MultiTaskClassifier(**NET), n_groups=2),
    ).fit(X, Y)
    prediction = model.predict(X)
    assert prediction.shape == Y.shape
    assert 0.0 <= model.score(X, Y) <= 1.0
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), prediction)


def test_grid_search_over_n_groups(planted):
    X, Y, _ = planted
    search = GridSearchCV(
        TaskGroupingRegressor(MultiTaskRegressor(**NET)),
        {"n_groups": [1, 2]},
        cv=KFold(2),
    ).fit(X, Y)
    assert search.best_params_["n_groups"] in (1, 2)


def test_an_estimator_without_task_affinity_is_rejected(planted):
    from sklearn.linear_model import Ridge

    X, Y, _ = planted
    with pytest.raises(TypeError, match="task_affinity"):
        TaskGroupingRegressor(Ridge()).fit(X, Y)


def test_partitions_are_nested_and_follow_the_affinity():
    similarity = task_similarity(
        np.array(
            [
                [1.0, 0.8, 0.0, 0.1],
                [0.8, 1.0, 0.1, 0.0],
                [0.0, 0.1, 1.0, 0.6],
                [0.1, 0.0, 0.6, 1.0],
            ]
        ),
        "gradient",
    )
    partitions = nested_partitions(similarity)
    assert partitions[1].tolist() == [0, 0, 0, 0]
    assert partitions[2].tolist() == [0, 0, 1, 1]
    assert partitions[3].tolist() == [0, 0, 1, 2]
    assert partitions[4].tolist() == [0, 1, 2, 3]


def test_a_negative_pair_does_not_isolate_a_task_from_its_group():
    # Task 2 has positive affinity to its group (3) and a strongly negative
    # one to task 0 of the other group; counted as it is, that pair made task
    # 2 a group of its own and merged the two planted groups.
    similarity = np.array(
        [
            [1.0, 0.3, -0.9, 0.0],
            [0.3, 1.0, 0.0, 0.0],
            [-0.9, 0.0, 1.0, 0.2],
            [0.0, 0.0, 0.2, 1.0],
        ]
    )
    assert nested_partitions(similarity)[2].tolist() == [0, 0, 1, 1]


@pytest.mark.parametrize(
    "sizes, expected", [((4, 4, 4), 3), ((2, 3), 2), ((6,), 1), ((3, 3, 2, 2), 4)]
)
def test_eigengap_counts_well_separated_groups(sizes, expected):
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(len(sizes)), sizes)
    within = labels[:, None] == labels[None, :]
    noise = rng.normal(scale=0.02, size=within.shape)
    similarity = np.where(within, 0.3, 0.0) + (noise + noise.T) / 2
    np.fill_diagonal(similarity, 1.0)
    assert eigengap_groups(similarity) == expected
    assert eigengap_groups(np.ones((1, 1))) == 1


def test_eigengap_needs_at_least_the_disconnected_parts():
    # Two tasks with no positive affinity cannot share a group.
    assert eigengap_groups(np.array([[1.0, -0.2], [-0.2, 1.0]])) == 2
    assert eigengap_groups(np.array([[1.0, 0.4], [0.4, 1.0]])) == 1


def test_eigengap_number_of_groups_in_the_estimator():
    X, Y, groups = make_grouped_regression(
        n_samples=300, n_features=8, group_sizes=(2, 2, 2), noise=0.1, random_state=0
    )
    network = MultiTaskRegressor(**{**NET, "max_epochs": 40})
    model = TaskGroupingRegressor(network, n_groups="eigengap", random_state=0)
    model.fit(X, Y)
    assert model.n_groups_ == 3
    assert adjusted_rand_score(groups, model.group_labels_) == 1.0
    assert not hasattr(model, "cv_scores_")


def test_lookahead_similarity_is_normalised_by_the_diagonal():
    lookahead = np.array([[0.02, 0.01], [0.005, 0.01]])
    similarity = task_similarity(lookahead, "lookahead")
    expected = (0.01 + 0.005) / 2 / np.sqrt(0.02 * 0.01)
    np.testing.assert_allclose(similarity, [[1, expected], [expected, 1]])


def test_classifier_long_layout_probabilities():
    X, Y = make_multitask_classification(
        n_samples=90, n_features=5, n_tasks=3, random_state=0
    )
    rows, tasks = np.nonzero(np.ones_like(Y, dtype=bool))
    X_long = np.column_stack([tasks, X[rows]])
    y_long = Y[rows, tasks]
    model = TaskGroupingClassifier(
        MultiTaskClassifier(**NET), n_groups=2, task_column=0
    ).fit(X_long, y_long)
    proba = model.predict_proba(X_long)
    assert len(proba) == 3 and len(model.classes_) == 3
    for t in range(3):
        own = tasks == t
        np.testing.assert_allclose(proba[t][own].sum(axis=1), 1.0, rtol=1e-5)
        assert np.isnan(proba[t][~own]).all()
    predicted = model.predict(X_long)
    best = np.array(
        [model.classes_[t][np.argmax(proba[t][i])] for i, t in enumerate(tasks)]
    )
    np.testing.assert_array_equal(predicted, best)


def test_a_single_task_is_its_own_group_and_guarded_as_such(planted):
    X, Y, _ = planted
    model = TaskGroupingRegressor(MultiTaskRegressor(**NET), guard=True)
    model.fit(X, Y[:, 0])
    assert model.groups_ == [["task_0"]] and model.guard_choice_ == {"task_0": "single"}
    assert model.predict(X).shape == (len(X),)
