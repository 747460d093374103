# SPDX-License-Identifier: Apache-2.0
"""Both ways of computing a range proof's group work: shailoo.crypto.native's compiled module and the
Python path (what runs where no compiler built it). A module that marks itself with
``pytestmark = pytest.mark.usefixtures("range_path")`` runs every test once per path."""
from collections.abc import Iterator

import pytest

from shailoo.crypto import native

BUILT = native.lib


@pytest.fixture(scope="module", params=["python", "native"])
def range_path(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native" and BUILT is None:
        # test_native.py fails where a compiler is there and the module is missing (make install builds it).
        pytest.skip("shailoo.crypto's native module is not built here (no C compiler): the Python path only")
    native.lib = BUILT if request.param == "native" else None
    try:
        yield request.param
    finally:
        native.lib = BUILT
