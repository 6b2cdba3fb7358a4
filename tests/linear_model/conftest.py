"""Fixtures of the linear multi-task tests."""

import pytest

from tests.linear_model._helpers import shared_data


@pytest.fixture
def shared():
    return shared_data()
