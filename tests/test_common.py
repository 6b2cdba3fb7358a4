"""scikit-learn's estimator checks on every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skmtl import MultiTaskClassifier, MultiTaskRegressor

# Enough training for the checks' accuracy and R² thresholds, still fast.
CHECK_PARAMS = {
    "shared_layers": (32,),
    "max_epochs": 60,
    "batch_size": 16,
    "lr": 0.01,
    "random_state": 0,
    "n_threads": 1,
}

ESTIMATORS = [MultiTaskRegressor(**CHECK_PARAMS), MultiTaskClassifier(**CHECK_PARAMS)]

# Every expected failure, with its reason. Keep this the only such list.
_NEURAL_EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Mini-batch training is stochastic: repeating a row changes the number of "
        "batches per epoch and which rows share a batch, so a weight of 2 and a "
        "repeated row give different (equally valid) networks. scikit-learn lists "
        "the same expected failure for its own MLPs and SGD estimators."
    ),
    "check_methods_subset_invariance": (
        "The network computes in float32; the matmul kernel chosen for a batch of "
        "10 rows and one of 20 may round the last bit differently (observed: "
        "relative differences of ~6e-7), above the check's atol of 1e-7."
    ),
}
EXPECTED_FAILURES = {
    "MultiTaskRegressor": _NEURAL_EXPECTED_FAILURES,
    "MultiTaskClassifier": _NEURAL_EXPECTED_FAILURES,
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILURES[type(estimator).__name__]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
