"""Fixtures for the ensemble tests."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    # The ensembles fit hundreds of tiny models; BLAS threads spinning between
    # them made the tests several times slower on a busy 2-core machine.
    with threadpool_limits(limits=1):
        yield
