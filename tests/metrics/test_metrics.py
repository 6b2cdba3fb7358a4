"""Per-task scores and relative gain."""

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import accuracy_score, r2_score

from skmtl.metrics import (
    beyond_noise,
    error_reduction,
    paired_difference,
    per_task_scores,
    relative_gain,
)


def test_wide_scores_use_observed_labels_only():
    y_true = np.array([[1.0, 0.0], [2.0, np.nan], [3.0, 2.0], [4.0, 1.0]])
    y_pred = np.array([[1.1, 0.0], [2.0, 99.0], [2.8, 2.0], [4.2, 1.5]])
    scores = per_task_scores(y_true, y_pred, task_names=["a", "b"])
    assert scores["a"] == pytest.approx(r2_score(y_true[:, 0], y_pred[:, 0]))
    observed = [0, 2, 3]
    assert scores["b"] == pytest.approx(
        r2_score(y_true[observed, 1], y_pred[observed, 1])
    )


def test_long_scores_group_rows_by_task():
    y_true = np.array(["x", "y", "x", "y", "y"], dtype=object)
    y_pred = np.array(["x", "x", "x", "y", "y"], dtype=object)
    task = np.array(["s1", "s1", "s2", "s2", "s2"])
    scores = per_task_scores(y_true, y_pred, task=task, metric="accuracy")
    assert scores == {"s1": 0.5, "s2": 1.0}
    assert scores["s2"] == accuracy_score(y_true[2:], y_pred[2:])


def test_task_without_labels_scores_nan_and_frame_output():
    pytest.importorskip("pandas")
    y_true = np.array([[1.0, np.nan], [2.0, np.nan], [3.0, np.nan]])
    frame = per_task_scores(y_true, y_true, as_frame=True, metric="mean_absolute_error")
    assert list(frame.index) == ["task_0", "task_1"]
    assert frame.loc["task_0", "mean_absolute_error"] == 0.0
    assert np.isnan(frame.loc["task_1", "mean_absolute_error"])


def test_sample_weight_and_custom_metric():
    y_true = np.array([[0.0], [1.0], [1.0]])
    y_pred = np.array([[0.0], [0.0], [1.0]])

    def weighted_errors(y, p, sample_weight=None):
        return float(np.sum(sample_weight * (y != p)))

    scores = per_task_scores(
        y_true, y_pred, metric=weighted_errors, sample_weight=[1, 5, 1]
    )
    assert scores == {"task_0": 5.0}


def test_shape_mismatch_and_unknown_metric_are_errors():
    with pytest.raises(ValueError, match="y_true has shape"):
        per_task_scores(np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="Unknown metric"):
        per_task_scores(np.zeros(3), np.zeros(3), metric="nope")


def test_relative_gain_signs_and_per_task():
    mtl = {"a": 0.9, "b": 0.4}
    stl = {"a": 0.6, "b": 0.5}
    assert relative_gain(mtl, stl) == pytest.approx((50.0 - 20.0) / 2)
    assert relative_gain(mtl, stl, per_task=True) == pytest.approx(
        {"a": 50.0, "b": -20.0}
    )
    errors = relative_gain({"a": 1.0}, {"a": 2.0}, higher_is_better=False)
    assert errors == pytest.approx(50.0)
    assert relative_gain({"a": 0.5}, {"a": -1.0}) == pytest.approx(150.0)
    with pytest.raises(ValueError, match="No task"):
        relative_gain({"a": 1.0}, {"b": 1.0})


@pytest.mark.parametrize("weighted", [False, True])
def test_fast_r2_and_accuracy_match_scikit_learn(weighted):
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(40, 3))
    Y[:, 2] = 1.5  # a constant task: R² is 1 if predicted exactly, else 0
    P = Y + rng.normal(scale=0.5, size=Y.shape)
    P[:20, 2] = 1.5
    weight = rng.random(40) if weighted else None
    fast = per_task_scores(Y, P, sample_weight=weight)
    for t in range(3):
        assert fast[f"task_{t}"] == pytest.approx(
            r2_score(Y[:, t], P[:, t], sample_weight=weight)
        )
    exact = per_task_scores(Y[:, 2:], Y[:, 2:])
    assert exact == {"task_0": 1.0}
    labels = rng.integers(0, 3, size=(40, 2)).astype(str)
    guesses = rng.integers(0, 3, size=(40, 2)).astype(str)
    accuracy = per_task_scores(labels, guesses, metric="accuracy", sample_weight=weight)
    for t in range(2):
        assert accuracy[f"task_{t}"] == pytest.approx(
            accuracy_score(labels[:, t], guesses[:, t], sample_weight=weight)
        )


def test_error_reduction_is_bounded_where_relative_gain_explodes():
    # The Mulan wq case: a baseline R² just below 0 on one task.
    model, baseline = {"a": 0.01, "b": 0.3}, {"a": -0.008, "b": 0.29}
    assert relative_gain(model, baseline) > 100.0
    reduction = error_reduction(model, baseline)
    per_task = error_reduction(model, baseline, per_task=True)
    assert per_task["a"] == pytest.approx(100 * 0.018 / 1.008)
    assert per_task["b"] == pytest.approx(100 * 0.01 / 0.71)
    assert reduction == pytest.approx(np.mean(list(per_task.values())))
    # Symmetric and within [-100, 100] whatever the scores.
    assert error_reduction({"a": 0.5}, {"a": 0.6}) == pytest.approx(-20.0)
    assert error_reduction({"a": -50.0}, {"a": 1.0}) == -100.0
    assert error_reduction({"a": 1.0}, {"a": 1.0}) == 0.0
    assert np.isnan(error_reduction({"a": np.nan}, {"a": 0.5}))
    accuracy = error_reduction({"a": 0.9}, {"a": 0.8}, per_task=True)
    assert accuracy["a"] == pytest.approx(50.0)


def test_paired_difference_uses_the_corrected_standard_error_and_t_test():
    model = [0.62, 0.70, 0.55, 0.66, np.nan]
    base = [0.60, 0.65, 0.56, 0.61, 0.60]
    differences = np.array([0.02, 0.05, -0.01, 0.05])
    plain = paired_difference(model, base)
    assert plain.mean == pytest.approx(differences.mean()) and plain.n_folds == 4
    assert plain.standard_error == pytest.approx(differences.std(ddof=1) / 2)
    t_test = stats.ttest_rel(model[:4], base[:4])
    assert plain.p_value == pytest.approx(t_test.pvalue)
    corrected = paired_difference(model, base, test_train_ratio=1.0)
    assert corrected.standard_error == pytest.approx(
        differences.std(ddof=1) * np.sqrt(1.25)
    )
    assert corrected.p_value > plain.p_value
    assert not beyond_noise(corrected)
    steady = paired_difference([0.7, 0.8, 0.75], [0.5, 0.6, 0.56])
    assert beyond_noise(steady) and not beyond_noise(steady, level=1e-6)
    same = paired_difference([0.5, 0.6], [0.4, 0.5])
    assert same.standard_error == pytest.approx(0.0, abs=1e-12)
    one = paired_difference([0.5, np.nan], [0.4, 0.4])
    assert one.mean == pytest.approx(0.1) and np.isnan(one.standard_error)
    assert not beyond_noise(one)
