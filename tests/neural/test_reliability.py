"""No silent wrong answers: empty batches, divergence, float32 range, task names,
fixed weights, thread-safe reproducibility and interrupted fits."""

import threading

import numpy as np
import pandas as pd
import pytest
import torch
from skorch.callbacks import Callback

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.utils._random import draw_seed
from skmtl.weighting import WEIGHTINGS, FixedWeightingConfig
from tests.conftest import FAST

ESTIMATORS = [MultiTaskRegressor, MultiTaskClassifier]


def _wide(estimator_cls, n_samples=60, n_tasks=2, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, 4)
    Y = X[:, :n_tasks] + 0.1 * rng.randn(n_samples, n_tasks)
    if estimator_cls is MultiTaskClassifier:
        Y = (Y > 0).astype(float)
    return X, Y


# ----------------------------------------------------- 1. batches without labels
@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_default_batch_with_half_the_labels_missing_stays_finite(estimator_cls):
    # 201 rows and the default batch size: the last batch holds one row, whose
    # labels are all missing half of the epochs (this poisoned the network).
    X, Y = _wide(estimator_cls, n_samples=201)
    Y[1::2] = np.nan
    model = estimator_cls(shared_layers=(8,), max_epochs=6, random_state=0)
    model.fit(X, Y)
    assert np.isfinite(model.history_[:, "train_loss"]).all()
    if estimator_cls is MultiTaskClassifier:
        for proba in model.predict_proba(X):
            assert np.isfinite(proba).all()
    else:
        assert np.isfinite(model.predict(X)).all()


def _sparse_labels(estimator_cls, n_samples=40):
    """Most rows have no label: with batch_size=2 many batches have none."""
    X, Y = _wide(estimator_cls, n_samples=n_samples)
    Y[4:] = np.nan
    Y[0, 1] = Y[1, 0] = np.nan
    return X, Y


@pytest.mark.parametrize("weighting", WEIGHTINGS.names())
@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_every_weighting_survives_batches_without_labels(estimator_cls, weighting):
    X, Y = _sparse_labels(estimator_cls)
    model = estimator_cls(
        shared_layers=(8,),
        max_epochs=3,
        batch_size=2,
        loss_weighting=weighting,
        early_stopping=True,
        validation_fraction=0.5,
        random_state=0,
    )
    model.fit(X, Y)
    assert np.isfinite(model.history_[:, "train_loss"]).all()
    assert np.isfinite(model.task_weights_).all()
    prediction = model.predict(X)
    if estimator_cls is MultiTaskRegressor:
        assert np.isfinite(prediction).all()


@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("weighting", WEIGHTINGS.names())
def test_a_batch_without_labels_gives_zero_loss_and_zero_gradient(
    weighting, training, with_weight
):
    X, Y = _wide(MultiTaskRegressor, n_samples=20)
    model = MultiTaskRegressor(
        shared_layers=(8,), max_epochs=1, loss_weighting=weighting, random_state=0
    ).fit(X, Y)
    net = model.net_
    inputs = {"X": torch.randn(3, 4)}
    targets = {
        "y": torch.zeros(3, 2),
        "observed": torch.zeros(3, 2, dtype=torch.bool),
    }
    if with_weight:
        targets["weight"] = torch.ones(3)
    else:
        targets["label_share"] = torch.zeros(3, 2)
    net.module_.train(training)
    net.module_.zero_grad()
    y_pred, shared = net.infer_with_shared(inputs)
    loss = net.get_loss(y_pred, targets, X=inputs, training=training, shared=shared)
    assert loss.item() == 0.0
    if training and loss.requires_grad:
        loss.backward()
        for name, parameter in net.module_.named_parameters():
            if parameter.grad is not None:
                assert torch.count_nonzero(parameter.grad) == 0, name


# ------------------------------------------------------------------ 2. divergence
@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_a_huge_sgd_learning_rate_stops_loudly(estimator_cls):
    X, Y = _wide(estimator_cls)
    model = estimator_cls(**{**FAST, "optimizer": "sgd", "lr": 1e6, "max_epochs": 20})
    with pytest.raises(ValueError, match=r"diverged.*lr=1000000\.0") as error:
        model.fit(X, Y)
    assert "StandardScaler" in str(error.value)
    # The network keeps the weights of the last epoch with a finite loss.
    for parameter in model.net_.module_.parameters():
        assert torch.isfinite(parameter).all()


def test_unscaled_huge_features_stop_loudly():
    X, Y = _wide(MultiTaskRegressor)
    with pytest.raises(ValueError, match=r"diverged.*scale the features"):
        MultiTaskRegressor(**FAST).fit(X * 1e30, Y)


def test_huge_targets_are_standardized_correctly():
    X, Y = _wide(MultiTaskRegressor)
    small = MultiTaskRegressor(**FAST).fit(X, Y).predict(X)
    large = MultiTaskRegressor(**FAST).fit(X, Y * 1e155).predict(X)
    assert np.isfinite(large).all()
    np.testing.assert_allclose(large / 1e155, small, rtol=1e-4, atol=1e-6)


def test_unstandardized_targets_whose_loss_overflows_stop_loudly():
    X, Y = _wide(MultiTaskRegressor)
    model = MultiTaskRegressor(**FAST, standardize_targets=False)
    with pytest.raises(ValueError, match=r"diverged.*standardize_targets=True"):
        model.fit(X, Y * 1e20)


def test_unstandardized_targets_beyond_float32_name_the_task():
    X, Y = _wide(MultiTaskRegressor)
    Y = pd.DataFrame(Y, columns=["small", "huge"])
    Y["huge"] *= 1e39
    model = MultiTaskRegressor(**FAST, standardize_targets=False)
    with pytest.raises(ValueError, match=r"'huge'.*float32"):
        model.fit(X, Y)


@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_outputs_that_overflow_float32_at_predict_raise(estimator_cls):
    X, Y = _wide(estimator_cls)
    model = estimator_cls(**FAST).fit(X, Y)
    # Features far larger than in training make the float32 outputs overflow.
    with torch.no_grad():
        for parameter in model.net_.module_.parameters():
            parameter.fill_(1e30)
    with pytest.raises(ValueError, match=r"non-finite for \d+ rows.*too large"):
        model.predict(X * 1e20)


def test_divergence_guard_adds_no_history_keys_and_keeps_finite_fits_identical():
    X, Y = _wide(MultiTaskRegressor)
    model = MultiTaskRegressor(**FAST).fit(X, Y)
    assert "divergence_guard" in dict(model.net_.callbacks_)
    assert np.isfinite(model.predict(X)).all()


# --------------------------------------------------------- 3. float32 feature range
@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
@pytest.mark.parametrize("container", ["array", "frame"])
def test_features_beyond_float32_range_are_named(estimator_cls, container):
    X, Y = _wide(estimator_cls)
    X[5, 2] = 1e39
    if container == "frame":
        X = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"column 2.*exceeds float32's range"):
        estimator_cls(**FAST).fit(X, Y)


def test_features_beyond_float32_range_are_named_at_predict():
    X, Y = _wide(MultiTaskRegressor)
    model = MultiTaskRegressor(**FAST).fit(X, Y)
    X = X.copy()
    X[0, 3] = -1e300
    with pytest.raises(ValueError, match=r"column 3.*exceeds float32's range"):
        model.predict(X)


def test_features_beyond_float32_range_in_long_layout_name_the_column():
    X, Y = _wide(MultiTaskRegressor)
    X_long = np.column_stack([np.arange(len(X)) % 2, X])
    X_long[3, 4] = 1e40
    model = MultiTaskRegressor(**FAST, task_column=0)
    with pytest.raises(ValueError, match=r"column 4.*exceeds float32's range"):
        model.fit(X_long, Y[:, 0])


def test_true_infinity_is_still_called_infinity():
    X, Y = _wide(MultiTaskRegressor)
    X[0, 1] = np.inf
    with pytest.raises(ValueError, match=r"infinity in column 1"):
        MultiTaskRegressor(**FAST).fit(X, Y)


# ------------------------------------------------------------ 5. duplicate tasks
@pytest.mark.parametrize("estimator_cls", ESTIMATORS)
def test_duplicate_task_names_are_rejected(estimator_cls):
    X, Y = _wide(estimator_cls, n_tasks=3)
    Y = pd.DataFrame(Y, columns=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"duplicate task names \['a'\]"):
        estimator_cls(**FAST).fit(X, Y)


# ------------------------------------------------------------- 6. fixed weights
@pytest.mark.parametrize(
    "params, pattern",
    [
        ({"loss_weighting": [0.0, 0.0]}, r"loss_weighting.*at least one positive"),
        (
            {"loss_weighting": {"a": 0, "b": 0}},
            r"loss_weighting.*at least one positive",
        ),
        ({"loss_weighting": [1.0, -1.0]}, r"loss_weighting.*non-negative"),
        ({"loss_weighting": [1.0, np.nan]}, r"loss_weighting.*finite"),
        ({"loss_weighting": [1.0, 2.0, 3.0]}, r"loss_weighting has 3 weights"),
        (
            {"loss_weighting": FixedWeightingConfig(weights=[0, 0])},
            r"loss_weighting: weights .*at least one positive",
        ),
        (
            {"loss_weighting": FixedWeightingConfig(weights=[1])},
            r"loss_weighting: weights .*one weight per task",
        ),
    ],
)
def test_fixed_weights_are_validated(params, pattern):
    X, Y = _wide(MultiTaskRegressor)
    Y = pd.DataFrame(Y, columns=["a", "b"])
    with pytest.raises(ValueError, match=pattern):
        MultiTaskRegressor(**{**FAST, **params}).fit(X, Y)


# ---------------------------------------------------------- 7. threads and RNG
THREAD_PARAMS = {
    **FAST,
    "dropout": 0.3,
    "loss_weighting": "rlw",
    "early_stopping": True,
    "max_epochs": 4,
    "batch_size": 8,
}


def _fit_predict(X, Y, barrier=None):
    if barrier is not None:
        barrier.wait()
    return MultiTaskRegressor(**THREAD_PARAMS).fit(X, Y).predict(X)


def test_concurrent_fits_in_threads_are_bit_identical_to_serial():
    X, Y = _wide(MultiTaskRegressor, n_samples=40)
    serial = _fit_predict(X, Y)
    torch.manual_seed(7)
    state = torch.get_rng_state()
    results = [None] * 4
    barrier = threading.Barrier(len(results))

    def work(i):
        results[i] = _fit_predict(X, Y, barrier)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        np.testing.assert_array_equal(result, serial)
    assert torch.equal(torch.get_rng_state(), state)


def test_fit_neither_reads_nor_changes_the_global_generator():
    X, Y = _wide(MultiTaskRegressor)
    torch.manual_seed(1)
    first = MultiTaskRegressor(**THREAD_PARAMS).fit(X, Y).predict(X)
    torch.manual_seed(2)
    state = torch.get_rng_state()
    second = MultiTaskRegressor(**THREAD_PARAMS).fit(X, Y).predict(X)
    assert torch.equal(torch.get_rng_state(), state)
    np.testing.assert_array_equal(first, second)


def test_dropout_draws_from_the_fit_generator_in_training_only():
    X, Y = _wide(MultiTaskRegressor)
    model = MultiTaskRegressor(**{**FAST, "dropout": 0.5}).fit(X, Y)
    # Predictions are deterministic (no dropout outside training).
    np.testing.assert_array_equal(model.predict(X), model.predict(X))
    kinds = {type(m).__name__ for m in model.net_.module_.modules()}
    assert "Dropout" not in kinds


# --------------------------------------------------------------- 8. interrupts
class InterruptAt(Callback):
    """Raise KeyboardInterrupt in the middle of epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, training=False, **kwargs):
        if training and len(net.history) == self.epoch:
            raise KeyboardInterrupt


@pytest.mark.parametrize("weighting", ["equal", "dwa"])
def test_interrupted_fit_has_consistent_epoch_counts(weighting):
    X, Y = _wide(MultiTaskRegressor)
    model = MultiTaskRegressor(
        **{**FAST, "batch_size": 8, "loss_weighting": weighting},
        callbacks=[InterruptAt(3)],
    )
    with pytest.warns(UserWarning, match="interrupted during epoch 3"):
        model.fit(X, Y)
    assert model.n_iter_ == 2
    assert len(model.history_) == model.n_iter_
    assert model.task_weights_.shape == (model.n_iter_, 2)
    assert np.isfinite(model.predict(X)).all()


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_label_shares_of_a_batch_without_labels_are_zero(layout):
    from skmtl.neural._shares import label_shares

    observed = torch.tensor([[True, False], [False, True], [False, False]])
    if layout == "wide":
        share = label_shares(2, torch.float32, observed=observed)
        expected = [[0.5, 0.0], [0.0, 0.5], [0.0, 0.0]]
    else:
        task = torch.tensor([0, 1, 1])
        share = label_shares(
            2, torch.float32, task=task, observed=torch.tensor([True, True, False])
        )
        expected = [0.5, 0.5, 0.0]
    np.testing.assert_array_equal(share.numpy(), expected)


# --------------------------------------------- early stopping splits without labels
def _few_labels(n_labelled):
    X, Y = _wide(MultiTaskRegressor, n_samples=20)
    Y[n_labelled:] = np.nan
    return X, Y


def test_validation_split_without_any_label_is_an_error():
    X, Y = _few_labels(2)
    model = MultiTaskRegressor(**FAST, early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="validation split holds no observed label"):
        model.fit(X, Y)


def test_task_without_training_label_after_the_split_is_named():
    X, Y = _few_labels(20)
    Y[:, 1] = np.nan
    # Task 1's only label lands in the validation row (the split's permutation
    # is seeded with the fit's seed, drawn from random_state=0).
    order = torch.randperm(20, generator=torch.Generator().manual_seed(draw_seed(0)))
    held_out = int(order[0])
    Y[held_out, 1] = 1.0
    model = MultiTaskRegressor(**FAST, early_stopping=True, validation_fraction=0.05)
    with pytest.raises(ValueError, match=r"Tasks \['task_1'\] have no observed label"):
        model.fit(X, Y)


def test_threading_backend_fits_match_serial_and_keep_the_thread_count():
    from joblib import Parallel, delayed

    X, Y = _wide(MultiTaskRegressor, n_samples=40)
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        serial = _fit_predict(X, Y)
        with Parallel(n_jobs=2, backend="threading") as parallel:
            results = parallel(delayed(_fit_predict)(X, Y) for _ in range(4))
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(previous)
    for result in results:
        np.testing.assert_allclose(result, serial, rtol=1e-5, atol=1e-6)
