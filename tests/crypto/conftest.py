# SPDX-License-Identifier: Apache-2.0
"""Both ways of computing a range proof's group work: shailoo.crypto.native's compiled module and the
Python path (what runs where no compiler built it). A module that marks itself with
``pytestmark = pytest.mark.usefixtures("range_path")`` runs every test once per path."""
from collections.abc import Iterator

import pytest

from shailoo.crypto import native

BUILT = native.lib
#: The paths this machine has: the native one only where the module is built (test_native.py fails where a
#: compiler is there and the module is missing: make install builds it).
PATHS = ["python", "native"] if BUILT is not None else ["python"]
# The two paths' pieces compared: only where there are two.
collect_ignore = [] if BUILT is not None else ["test_native_paths.py"]


@pytest.fixture(scope="module", params=PATHS)
def range_path(request: pytest.FixtureRequest) -> Iterator[str]:
    native.lib = BUILT if request.param == "native" else None
    try:
        yield request.param
    finally:
        native.lib = BUILT
