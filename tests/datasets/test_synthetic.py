import numpy as np
import pytest

from skmtl.datasets import make_multitask_classification, make_multitask_regression

GENERATORS = [make_multitask_regression, make_multitask_classification]


def _r2_on(y, Z):
    """R² of the least-squares regression of ``y`` on ``Z`` with an intercept."""
    design = np.column_stack([np.ones(len(Z)), Z])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    return 1 - residual @ residual / np.sum((y - y.mean()) ** 2)


def _task_ids(X):
    return X[:, 0].astype(np.int64)


# --- shapes and dtypes ------------------------------------------------------------


def test_regression_wide_shapes_and_dtypes():
    X, Y = make_multitask_regression(50, 7, 3, random_state=0)
    assert X.shape == (50, 7)
    assert Y.shape == (50, 3)
    assert X.dtype == np.float64
    assert Y.dtype == np.float64
    assert np.all(np.isfinite(Y))


def test_regression_signal_is_standardized_and_noise_is_a_ratio():
    _, Y = make_multitask_regression(500, noise=0.0, random_state=0)
    np.testing.assert_allclose(Y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Y.std(axis=0), 1)
    _, Y_noisy = make_multitask_regression(500, noise=0.5, random_state=0)
    np.testing.assert_allclose((Y_noisy - Y).std(axis=0), 0.5, rtol=0.15)


def test_regression_long_shapes_and_task_column():
    X, y = make_multitask_regression(103, 7, 4, layout="long", random_state=0)
    assert X.shape == (103, 8)
    assert y.shape == (103,)
    assert X.dtype == np.float64
    assert y.dtype == np.float64
    tasks = _task_ids(X)
    np.testing.assert_array_equal(X[:, 0], tasks)
    np.testing.assert_array_equal(np.bincount(tasks), [26, 26, 26, 25])


def test_long_layout_rows_are_shuffled():
    X, _ = make_multitask_regression(100, n_tasks=4, layout="long", random_state=0)
    assert not np.array_equal(_task_ids(X), np.arange(100) % 4)


def test_long_label_is_the_label_of_the_rows_own_task():
    kwargs = dict(n_samples=60, n_features=5, n_tasks=3, random_state=0)
    X_wide, Y_wide = make_multitask_regression(**kwargs)
    X_long, y_long = make_multitask_regression(**kwargs, layout="long")
    np.testing.assert_array_equal(X_long[:, 1:], X_wide)
    np.testing.assert_array_equal(y_long, Y_wide[np.arange(60), _task_ids(X_long)])


def test_classification_wide_shapes_and_dtypes():
    X, Y = make_multitask_classification(60, 7, 3, random_state=0)
    assert X.shape == (60, 7)
    assert Y.shape == (60, 3)
    assert X.dtype == np.float64
    assert Y.dtype == np.int64


def test_classification_long_shapes_and_dtypes():
    X, y = make_multitask_classification(61, 7, 3, layout="long", random_state=0)
    assert X.shape == (61, 8)
    assert y.shape == (61,)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(_task_ids(X)), [21, 20, 20])


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_classification_with_missing_labels_is_float_with_nan(layout):
    _, Y = make_multitask_classification(
        100, n_tasks=3, missing_rate=0.3, layout=layout, random_state=0
    )
    assert Y.dtype == np.float64
    assert np.isnan(Y).any()
    observed = Y[~np.isnan(Y)]
    np.testing.assert_array_equal(observed, observed.astype(np.int64))


# --- reproducibility --------------------------------------------------------------


@pytest.mark.parametrize("generator", GENERATORS)
@pytest.mark.parametrize("layout", ["wide", "long"])
def test_same_random_state_same_data(generator, layout):
    kwargs = dict(n_samples=40, n_tasks=3, missing_rate=0.2, layout=layout)
    X1, Y1 = generator(**kwargs, random_state=0)
    X2, Y2 = generator(**kwargs, random_state=0)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    X3, _ = generator(**kwargs, random_state=1)
    assert not np.allclose(X1, X3)


@pytest.mark.parametrize("generator", GENERATORS)
def test_random_state_instance_and_global_rng_untouched(generator):
    # The legacy API is the point here: the global RNG must be left as it was.
    global_state = np.random.get_state()[1].copy()  # noqa: NPY002
    X1, _ = generator(n_samples=30, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(np.random.get_state()[1], global_state)  # noqa: NPY002
    X2, _ = generator(n_samples=30, random_state=3)
    np.testing.assert_array_equal(X1, X2)


def test_missing_rate_hides_labels_of_the_same_data():
    _, Y_full = make_multitask_regression(80, random_state=0)
    _, Y_missing = make_multitask_regression(80, missing_rate=0.4, random_state=0)
    observed = ~np.isnan(Y_missing)
    np.testing.assert_array_equal(Y_missing[observed], Y_full[observed])


# --- missing labels ---------------------------------------------------------------


@pytest.mark.parametrize("generator", GENERATORS)
def test_wide_missing_rate_fraction(generator):
    _, Y = generator(n_samples=1000, n_tasks=4, missing_rate=0.3, random_state=0)
    assert abs(np.isnan(Y).mean() - 0.3) < 0.03
    for t in range(4):
        assert abs(np.isnan(Y[:, t]).mean() - 0.3) < 0.06


@pytest.mark.parametrize("generator", GENERATORS)
def test_long_missing_rate_fraction(generator):
    _, y = generator(
        n_samples=1000, n_tasks=4, missing_rate=0.3, layout="long", random_state=0
    )
    assert abs(np.isnan(y).mean() - 0.3) < 0.04


def test_regression_keeps_two_labels_per_task():
    for seed in range(5):
        _, Y = make_multitask_regression(
            20, n_tasks=6, missing_rate=0.99, random_state=seed
        )
        np.testing.assert_array_equal((~np.isnan(Y)).sum(axis=0), 2)
        X, y = make_multitask_regression(
            24, n_tasks=6, missing_rate=0.99, layout="long", random_state=seed
        )
        observed = np.bincount(_task_ids(X)[~np.isnan(y)], minlength=6)
        np.testing.assert_array_equal(observed, 2)


def test_regression_single_row_keeps_its_label():
    X, Y = make_multitask_regression(1, n_tasks=2, missing_rate=0.9, random_state=0)
    assert X.shape == (1, 20)
    assert np.all(np.isfinite(Y))


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_classification_keeps_two_labels_per_class(layout):
    n_classes = [2, 3, 5]
    X, Y = make_multitask_classification(
        90,
        n_tasks=3,
        n_classes=n_classes,
        missing_rate=0.95,
        layout=layout,
        random_state=0,
    )
    for t, k in enumerate(n_classes):
        labels = Y[:, t] if layout == "wide" else Y[_task_ids(X) == t]
        observed = labels[~np.isnan(labels)].astype(np.int64)
        counts = np.bincount(observed, minlength=k)
        assert counts.size == k
        assert counts.min() >= 2
        # Only the labels needed to keep two per class come back.
        assert counts.sum() < 0.1 * len(labels) + 2 * k


# --- task structure ---------------------------------------------------------------


@pytest.mark.parametrize("nonlinear", [True, False])
def test_shared_fraction_one_makes_tasks_functions_of_the_shared_latent(nonlinear):
    _, Y, latent = make_multitask_regression(
        300,
        50,
        4,
        shared_fraction=1.0,
        noise=0.0,
        nonlinear=nonlinear,
        return_latent=True,
        random_state=0,
    )
    Z0 = latent["shared_latent"]
    assert Z0.shape == (300, 5)
    for t in range(4):
        assert _r2_on(Y[:, t], Z0) > 0.999
    task_coef = latent["task_coef"]
    assert task_coef.shape == (4, 5)
    np.testing.assert_allclose(task_coef, np.broadcast_to(task_coef[0], (4, 5)))
    assert np.corrcoef(Y.T).min() > 0.999


def test_shared_fraction_zero_makes_tasks_unrelated_to_the_shared_latent():
    _, Y, latent = make_multitask_regression(
        500,
        100,
        4,
        shared_fraction=0.0,
        noise=0.0,
        return_latent=True,
        random_state=0,
    )
    for t in range(4):
        assert _r2_on(Y[:, t], latent["shared_latent"]) < 0.3


def test_noise_lowers_the_explained_variance():
    _, Y, latent = make_multitask_regression(
        1000, shared_fraction=1.0, noise=1.0, return_latent=True, random_state=0
    )
    for t in range(Y.shape[1]):
        # Unit signal plus unit noise: half the variance is explained.
        assert 0.4 < _r2_on(Y[:, t], latent["shared_latent"]) < 0.6


def test_return_latent_in_long_layout_is_row_aligned():
    X, y, latent = make_multitask_regression(
        60,
        10,
        3,
        shared_fraction=1.0,
        noise=0.0,
        layout="long",
        return_latent=True,
        random_state=0,
    )
    assert latent["shared_latent"].shape == (60, 5)
    tasks = _task_ids(X)
    for t in range(3):
        rows = tasks == t
        assert _r2_on(y[rows], latent["shared_latent"][rows]) > 0.999


def test_classification_shared_fraction_one_gives_identical_tasks():
    _, Y = make_multitask_classification(
        200, n_tasks=3, n_classes=3, shared_fraction=1.0, noise=0.0, random_state=0
    )
    np.testing.assert_array_equal(Y[:, 0], Y[:, 1])
    np.testing.assert_array_equal(Y[:, 0], Y[:, 2])


def test_classification_shared_fraction_zero_gives_different_tasks():
    _, Y = make_multitask_classification(
        200, n_tasks=3, shared_fraction=0.0, noise=0.0, random_state=0
    )
    assert not np.array_equal(Y[:, 0], Y[:, 1])


# --- classes ----------------------------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 4, [2, 3, 10]])
@pytest.mark.parametrize("layout", ["wide", "long"])
def test_every_task_has_every_class_at_least_twice(n_classes, layout):
    per_task = n_classes if isinstance(n_classes, list) else [n_classes] * 3
    for seed in range(3):
        X, Y = make_multitask_classification(
            60,
            n_tasks=3,
            n_classes=n_classes,
            shared_fraction=0.5,
            noise=0.0,
            layout=layout,
            random_state=seed,
        )
        for t, k in enumerate(per_task):
            labels = Y[:, t] if layout == "wide" else Y[_task_ids(X) == t]
            counts = np.bincount(labels, minlength=k)
            assert counts.size == k
            assert counts.min() >= 2


def test_many_classes_on_few_rows_reach_the_minimum_exactly():
    _, Y = make_multitask_classification(
        20, n_tasks=2, n_classes=10, noise=0.0, random_state=0
    )
    for t in range(2):
        np.testing.assert_array_equal(np.bincount(Y[:, t], minlength=10), 2)


def test_n_classes_as_numpy_array():
    _, Y = make_multitask_classification(
        60, n_tasks=2, n_classes=np.array([2, 5]), random_state=0
    )
    assert Y[:, 0].max() == 1
    assert Y[:, 1].max() == 4


# --- parameter validation ---------------------------------------------------------


@pytest.mark.parametrize("generator", GENERATORS)
@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_tasks": 0}, r"n_tasks must be an integer >= 1, got 0"),
        ({"n_samples": 0}, r"n_samples must be an integer >= 1, got 0"),
        ({"n_features": 0}, r"n_features must be an integer >= 1, got 0"),
        ({"n_latent": 0}, r"n_latent must be an integer >= 1, got 0"),
        ({"shared_fraction": 1.5}, r"shared_fraction must be in \[0, 1\], got 1.5"),
        ({"shared_fraction": -0.1}, r"shared_fraction must be in \[0, 1\]"),
        ({"shared_fraction": float("nan")}, r"shared_fraction must be in \[0, 1\]"),
        ({"noise": -1}, r"noise must be >= 0, got -1"),
        ({"missing_rate": 1.0}, r"missing_rate must be in \[0, 1\), got 1.0"),
        ({"missing_rate": -0.2}, r"missing_rate must be in \[0, 1\)"),
        ({"layout": "tall"}, r"layout must be one of \('wide', 'long'\), got 'tall'"),
        (
            {"n_samples": 9, "n_tasks": 5, "layout": "long"},
            r"long layout needs n_samples >= 2 \* n_tasks = 10.*n_samples=9",
        ),
    ],
)
def test_invalid_parameters_raise_value_error(generator, params, match):
    with pytest.raises(ValueError, match=match):
        generator(**params)


@pytest.mark.parametrize("generator", GENERATORS)
@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_tasks": 2.5}, r"n_tasks must be an integer, got 2.5 of type float"),
        ({"n_samples": True}, r"n_samples must be an integer"),
        ({"noise": "high"}, r"noise must be a real number, got 'high' of type str"),
    ],
)
def test_wrong_parameter_types_raise_type_error(generator, params, match):
    with pytest.raises(TypeError, match=match):
        generator(**params)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"n_classes": 1}, ValueError, r"n_classes must be an integer >= 2, got 1"),
        (
            {"n_classes": [2, 3], "n_tasks": 3},
            ValueError,
            r"one entry per task: got 2 entries for n_tasks=3",
        ),
        (
            {"n_classes": [2, 1, 3], "n_tasks": 3},
            ValueError,
            r"n_classes\[1\] \(task 1\) must be an integer >= 2, got 1",
        ),
        ({"n_classes": "3"}, TypeError, r"n_classes must be an integer or a sequence"),
        (
            {"n_samples": 9, "n_tasks": 2, "n_classes": [2, 5]},
            ValueError,
            r"Task 1 has 5 classes and would get 9 rows, fewer than the 10 needed",
        ),
        (
            {"n_samples": 20, "n_tasks": 3, "n_classes": 4, "layout": "long"},
            ValueError,
            r"Task 0 has 4 classes and would get 7 rows",
        ),
    ],
)
def test_invalid_n_classes(params, error, match):
    with pytest.raises(error, match=match):
        make_multitask_classification(**params)
