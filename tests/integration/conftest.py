# SPDX-License-Identifier: Apache-2.0
"""The gateway tests' live server answers only while a test runs (see harness.SERVING)."""
import pytest

from tests.integration.harness import serving_during_the_test


@pytest.fixture(autouse=True)
def gateway_requests_only_during_the_test(transactional_db):
    # Depends on transactional_db, so it is torn down before the database is emptied.
    with serving_during_the_test():
        yield
