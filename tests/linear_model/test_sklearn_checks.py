"""scikit-learn's estimator checks on both linear estimators, with every penalty.

The lead copy of these settings belongs in ``tests/test_common.py``; this file
also runs the checks for every penalty, since the penalties change what a fit
does (closed-form cluster matrices, graph Laplacians, singular values).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skmtl.linear_model import (
    PENALTIES,
    RegularizedMultiTaskClassifier,
    RegularizedMultiTaskRegressor,
)

# Converged tightly enough that fits on equivalent data (rows repeated versus
# weighted, subsets, permutations) agree to the checks' 1e-7 tolerance.
CHECK_PARAMS = {"tol": 1e-10, "max_iter": 5000}

# Hyperparameters valid for any number of tasks: the checks fit 1 to 5 tasks.
PENALTY_PARAMS = {"graph": {"task_graph": []}, "clustered": {"n_clusters": 1}}

ESTIMATORS = [
    estimator(penalty=name, penalty_params=PENALTY_PARAMS.get(name), **CHECK_PARAMS)
    for estimator in (RegularizedMultiTaskRegressor, RegularizedMultiTaskClassifier)
    for name in PENALTIES.names()
    # An empty graph is no penalty, and unpenalized logistic regression has no
    # finite solution on the checks' separable data.
    if not (estimator is RegularizedMultiTaskClassifier and name == "graph")
]

# Every expected failure, with its reason. None so far.
EXPECTED_FAILURES = {}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
