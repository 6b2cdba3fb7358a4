"""Wide layout with missing labels and long layout with task_column."""

import numpy as np
import pytest
import torch

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from tests.conftest import FAST


def test_missing_labels_do_not_influence_the_fit(wide_regression):
    X, Y = wide_regression
    missing = np.isnan(Y)
    assert missing.any()
    filled = Y.copy()
    filled[missing] = 1e6  # would dominate the loss if it were used
    reference = MultiTaskRegressor(**FAST).fit(X, Y)
    # The same labels with another value in the missing cells, marked missing again.
    again = np.where(missing, np.nan, filled)
    other = MultiTaskRegressor(**FAST).fit(X, again)
    np.testing.assert_array_equal(reference.predict(X), other.predict(X))
    assert np.isfinite(reference.predict(X)).all()


def test_per_task_loss_averages_observed_labels_only():
    from skmtl.neural._criterion import MaskedSquaredError

    criterion = MaskedSquaredError(n_tasks=2)
    y_pred = torch.zeros(3, 2, 1)
    y = torch.tensor([[1.0, np.nan], [3.0, 2.0], [np.nan, np.nan]])
    losses, totals = criterion(y_pred, y, torch.ones(3), observed=~torch.isnan(y))
    np.testing.assert_allclose(losses.numpy(), [(1 + 9) / 2, 4.0])
    np.testing.assert_allclose(totals.numpy(), [2.0, 1.0])


def test_unmasked_unweighted_fast_path_matches_the_masked_loss():
    from skmtl.neural._criterion import MaskedSquaredError

    criterion = MaskedSquaredError(n_tasks=2)
    y_pred = torch.randn(5, 2, 1)
    y = torch.randn(5, 2)
    fast = criterion(y_pred, y)
    masked = criterion(
        y_pred, y, torch.ones(5), observed=torch.ones(5, 2, dtype=torch.bool)
    )
    for got, expected in zip(fast, masked):
        torch.testing.assert_close(got, expected)


@pytest.mark.parametrize("kind", ["regression", "classification"])
def test_mean_over_labels_is_the_mean_of_the_task_means(kind):
    from skmtl.neural._criterion import MaskedCrossEntropy, MaskedSquaredError

    generator = torch.Generator().manual_seed(0)
    if kind == "regression":
        criterion = MaskedSquaredError(n_tasks=3)
        y_pred = torch.randn(6, 3, 1, generator=generator)
        y = torch.randn(6, 3, generator=generator)
    else:
        criterion = MaskedCrossEntropy(n_tasks=3)
        y_pred = torch.randn(6, 3, 4, generator=generator)
        y_pred[:, 0, 2:] = float("-inf")  # task 0 has two classes only
        y = torch.randint(0, 4, (6, 3), generator=generator)
        y[:, 0] = y[:, 0] % 2
    pooled_input = y_pred.clone().requires_grad_()
    per_task_input = y_pred.clone().requires_grad_()
    loss, per_task = criterion.mean_over_labels(pooled_input, y)
    losses, _ = criterion(per_task_input, y)
    torch.testing.assert_close(per_task, losses.detach())
    torch.testing.assert_close(loss, losses.mean())
    assert not per_task.requires_grad
    loss.backward()
    losses.mean().backward()
    torch.testing.assert_close(pooled_input.grad, per_task_input.grad)


@pytest.mark.parametrize("estimator_cls", [MultiTaskRegressor, MultiTaskClassifier])
def test_fully_observed_shortcut_trains_like_the_general_path(
    estimator_cls, wide_regression, wide_classification, monkeypatch
):
    # Unit sample weights take the general (per-task, weighted) path; none take
    # the shortcut for fully observed batches. Same fit up to float rounding.
    from skmtl.neural import _criterion

    X, Y = (
        wide_regression if estimator_cls is MultiTaskRegressor else wide_classification
    )
    rows = ~np.isnan(np.asarray(Y, dtype=float)).any(axis=1)
    X, Y = X[rows], Y[rows]
    calls = []
    for cls in (_criterion.MaskedSquaredError, _criterion.MaskedCrossEntropy):
        original = cls.mean_over_labels
        monkeypatch.setattr(
            cls,
            "mean_over_labels",
            lambda self, *args, _f=original: calls.append(1) or _f(self, *args),
        )
    plain = estimator_cls(**FAST).fit(X, Y)
    assert calls, "a fully observed fit takes the shortcut"
    calls.clear()
    weighted = estimator_cls(**FAST).fit(X, Y, sample_weight=np.ones(len(X)))
    assert not calls, "sample weights take the general path"
    assert_same_training(plain, weighted, X)


def test_long_layout_unweighted_path_matches_unit_weights():
    from skmtl.neural._criterion import MaskedSquaredError

    criterion = MaskedSquaredError(n_tasks=4)
    y_pred = torch.randn(7, 1)
    y, task = torch.randn(7), torch.tensor([0, 0, 2, 2, 2, 1, 0])
    fast = criterion(y_pred, y, task=task)
    weighted = criterion(y_pred, y, torch.ones(7), task=task)
    for got, expected in zip(fast, weighted):
        torch.testing.assert_close(got, expected)
    assert fast[0][3] == 0 and fast[1][3] == 0  # task 3 is not in the batch


def test_task_absent_from_batch_contributes_nothing():
    from skmtl.neural._criterion import MaskedSquaredError

    criterion = MaskedSquaredError(n_tasks=3)
    y_pred = torch.zeros(2, 1)
    losses, totals = criterion(
        y_pred, torch.tensor([1.0, 2.0]), torch.ones(2), task=torch.tensor([0, 0])
    )
    np.testing.assert_allclose(losses.numpy(), [2.5, 0.0, 0.0])
    np.testing.assert_allclose(totals.numpy(), [2.0, 0.0, 0.0])


def test_long_layout_predicts_each_row_with_its_own_head(long_regression):
    X, y = long_regression
    model = MultiTaskRegressor(**FAST, task_column=0).fit(X, y)
    prediction = model.predict(X)
    assert prediction.shape == (len(y),)
    assert model.n_tasks_ == 4
    assert model.task_names_ == [0, 1, 2, 3]
    # Every head evaluated on every row, then each row's own head picked.
    module = model.net_.module_.eval()
    with torch.no_grad():
        all_heads = module(torch.from_numpy(X[:, 1:].astype(np.float32)))[..., 0]
    rows = np.arange(len(y))
    task = X[:, 0].astype(int)
    expected = all_heads.numpy()[rows, task] * model._target_scale[task]
    expected += model._target_mean[task]
    np.testing.assert_allclose(prediction, expected, rtol=1e-5, atol=1e-5)


def test_long_layout_matches_wide_layout_of_the_same_data(long_regression):
    X, y = long_regression
    task = X[:, 0].astype(int)
    wide = np.full((len(y), 4), np.nan)
    wide[np.arange(len(y)), task] = y
    params = {**FAST, "standardize_targets": False}
    long_model = MultiTaskRegressor(**params, task_column=0).fit(X, y)
    wide_model = MultiTaskRegressor(**params).fit(X[:, 1:], wide)
    long_prediction = long_model.predict(X)
    wide_prediction = wide_model.predict(X[:, 1:])[np.arange(len(y)), task]
    np.testing.assert_allclose(long_prediction, wide_prediction, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("task_column", [0, -1])
def test_long_layout_predict_is_the_same_for_every_container(
    long_regression, task_column
):
    # A plain float array takes the fast predict path; a list, a float64 copy of
    # one row and a one-row slice the full validation: same predictions.
    X, y = long_regression
    X = np.roll(X, task_column, axis=1)  # the task id moves to the last column
    model = MultiTaskRegressor(**FAST, task_column=task_column).fit(X, y)
    fast = model.predict(X.astype(np.float32))
    np.testing.assert_allclose(model.predict(X.tolist()), fast, rtol=1e-6)
    np.testing.assert_allclose(model.predict(X[3:4]), fast[3:4], rtol=1e-6)
    assert model.predict(X[3:4].astype(np.float32)).shape == (1,)


@pytest.mark.parametrize("position", [0, -4])
def test_task_column_position_and_negative_position(position):
    rng = np.random.RandomState(0)
    features = rng.normal(size=(60, 3))
    task = rng.choice([7, 8, 9], size=60)
    X = np.insert(features, position % 4, task, axis=1)
    y = features[:, 0] + task
    model = MultiTaskRegressor(**FAST, task_column=position).fit(X, y)
    assert model.task_names_ == [7, 8, 9]
    assert model.n_features_in_ == 4
    assert model.predict(X).shape == (60,)


def test_long_layout_with_string_task_ids_and_missing_labels():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(
        {
            "school": rng.choice(["north", "south", "east"], size=90),
            "hours": rng.normal(size=90),
            "age": rng.normal(size=90),
        }
    )
    y = X["hours"].to_numpy() * 2
    y[::10] = np.nan
    model = MultiTaskRegressor(**FAST, task_column="school").fit(X, y)
    assert model.task_names_ == ["east", "north", "south"]
    assert list(model.feature_names_in_) == ["school", "hours", "age"]
    scores = model.score_per_task(X, y)
    assert set(scores) == {"east", "north", "south"}
    assert np.isfinite(list(scores.values())).all()


def test_long_layout_classifier_has_per_task_classes():
    rng = np.random.RandomState(0)
    features = rng.normal(size=(150, 4))
    task = np.repeat([0, 1, 2], 50)
    labels = np.empty(150, dtype=object)
    labels[:50] = np.where(features[:50, 0] > 0, "yes", "no")
    labels[50:100] = np.where(features[50:100, 1] > 0, 1, 0)
    labels[100:] = rng.choice(["a", "b", "c"], size=50)
    X = np.column_stack([task, features])
    model = MultiTaskClassifier(**FAST, task_column=0).fit(X, labels)
    assert [list(c) for c in model.classes_] == [["no", "yes"], [0, 1], ["a", "b", "c"]]
    prediction = model.predict(X)
    assert prediction.shape == (150,)
    assert set(prediction[:50]) <= {"no", "yes"}
    assert set(prediction[50:100]) <= {0, 1}
    proba = model.predict_proba(X)
    assert [p.shape for p in proba] == [(150, 2), (150, 2), (150, 3)]
    # Each task's probabilities exist only on its own rows.
    for t, p in enumerate(proba):
        own = task == t
        assert np.isnan(p[~own]).all()
        np.testing.assert_allclose(p[own].sum(axis=1), 1.0)


def test_single_task_wide_y_one_d_vs_column():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 3))
    y = X @ [1.0, -2.0, 0.5]
    one_d = MultiTaskRegressor(**FAST).fit(X, y)
    column = MultiTaskRegressor(**FAST).fit(X, y[:, None])
    assert one_d.predict(X).shape == (50,)
    assert column.predict(X).shape == (50, 1)
    np.testing.assert_array_equal(one_d.predict(X), column.predict(X)[:, 0])


def test_label_shares_weigh_labels_by_their_batch_task_counts():
    from skmtl.neural._shares import label_shares

    task = torch.tensor([0, 0, 2, 2, 2, 1, 0, 2, 1, 1])
    observed = torch.tensor([1, 1, 1, 0, 1, 1, 1, 1, 0, 0], dtype=torch.bool)
    wide = torch.rand(10, 3, generator=torch.Generator().manual_seed(0)) > 0.4
    for labels, kwargs in (
        (torch.nn.functional.one_hot(task).bool(), {"task": task}),
        (
            torch.nn.functional.one_hot(task).bool() & observed[:, None],
            {"task": task, "observed": observed},
        ),
        (wide, {"observed": wide}),
    ):
        expected = torch.zeros(labels.shape)
        for start in range(0, 10, 4):
            block = labels[start : start + 4]
            counts = block.sum(0)
            k = (counts > 0).sum()
            expected[start : start + 4] = block / (k.clamp_min(1) * counts.clamp_min(1))
        share = label_shares(4, torch.float32, **kwargs)
        if "task" in kwargs:  # one label per row: the row's own task
            expected = expected[torch.arange(10), task]
        torch.testing.assert_close(share, expected)
    assert label_shares(4, torch.float32, task=task[:0]).shape == (0,)


@pytest.mark.parametrize("layout", ["long", "wide"])
@pytest.mark.parametrize("kind", ["regression", "classification"])
def test_label_shares_give_the_mean_of_task_means(layout, kind):
    from skmtl.neural._criterion import MaskedCrossEntropy, MaskedSquaredError
    from skmtl.neural._shares import label_shares

    generator = torch.Generator().manual_seed(0)
    shape = (8,) if layout == "long" else (8, 4)
    task = torch.tensor([0, 0, 2, 2, 2, 1, 0, 2]) if layout == "long" else None
    observed = torch.rand(shape, generator=generator) > 0.3
    observed[0] = True
    if kind == "regression":
        criterion = MaskedSquaredError(n_tasks=4)
        y_pred = torch.randn(*shape, 1, generator=generator)
        y = torch.randn(shape, generator=generator)
    else:
        criterion = MaskedCrossEntropy(n_tasks=4)
        y_pred = torch.randn(*shape, 3, generator=generator)
        y = torch.randint(0, 3, shape, generator=generator)
    one_dot_input = y_pred.clone().requires_grad_()
    per_task_input = y_pred.clone().requires_grad_()
    share = label_shares(8, torch.float32, task=task, observed=observed)
    elementwise = criterion.elementwise(one_dot_input, y)
    loss = torch.dot(elementwise.reshape(-1), share.reshape(-1))
    losses, totals = criterion(per_task_input, y, observed=observed, task=task)
    expected = losses[totals > 0].mean()
    torch.testing.assert_close(loss, expected)
    loss.backward()
    expected.backward()
    torch.testing.assert_close(one_dot_input.grad, per_task_input.grad)


@pytest.mark.parametrize("layout", ["long", "wide with missing labels"])
@pytest.mark.parametrize("estimator_cls", [MultiTaskRegressor, MultiTaskClassifier])
def test_label_share_shortcut_trains_like_the_general_path(
    estimator_cls, layout, monkeypatch
):
    # Unit sample weights take the general path (per-task means, then the
    # weighting); none take the one-dot loss. Same fit up to float rounding,
    # with early stopping so that validation batches take it too.
    from skmtl.neural._task_losses import TaskLossRecorder

    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    params = {**FAST, "batch_size": 16, "early_stopping": True}
    if layout == "long":
        task = rng.integers(0, 3, 90)
        y = X[:, 0] + task
        X = np.column_stack([X, task])
        params["task_column"] = -1
    else:
        y = X[:, :3] + rng.normal(size=(90, 3))
        y[rng.random((90, 3)) < 0.3] = np.nan
    if estimator_cls is MultiTaskClassifier:
        y = np.where(np.isnan(y), np.nan, y > np.nanmedian(y))
    calls = []
    original = TaskLossRecorder.add_shares
    monkeypatch.setattr(
        TaskLossRecorder,
        "add_shares",
        lambda *args: calls.append(1) or original(*args),
    )
    plain = estimator_cls(**params).fit(X, y)
    assert calls, "an unweighted fit takes the shortcut"
    calls.clear()
    weighted = estimator_cls(**params).fit(X, y, sample_weight=np.ones(90))
    assert not calls, "sample weights take the general path"
    assert_same_training(plain, weighted, X)
    np.testing.assert_allclose(
        plain.history_[:, "valid_loss"], weighted.history_[:, "valid_loss"], rtol=1e-4
    )


def assert_same_training(plain, weighted, X):
    """Assert two fits have the same history, task weights and predictions."""
    np.testing.assert_allclose(
        plain.history_[:, "train_loss"], weighted.history_[:, "train_loss"], rtol=1e-4
    )
    for ours, general in zip(
        plain.history_[:, "train_task_loss"], weighted.history_[:, "train_task_loss"]
    ):
        np.testing.assert_allclose(
            list(ours.values()), list(general.values()), rtol=1e-4
        )
    np.testing.assert_allclose(plain.task_weights_, weighted.task_weights_, rtol=1e-5)
    if isinstance(plain, MultiTaskRegressor):
        np.testing.assert_allclose(
            plain.predict(X), weighted.predict(X), rtol=1e-3, atol=1e-3
        )
    else:
        ours, general = plain.predict_proba(X), weighted.predict_proba(X)
        if isinstance(ours, list):  # wide layout: one array per task
            ours, general = np.hstack(ours), np.hstack(general)
        np.testing.assert_allclose(ours, general, atol=1e-3)
