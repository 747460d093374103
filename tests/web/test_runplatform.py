# SPDX-License-Identifier: Apache-2.0
from shailoo.web.management.commands.runplatform import ACCESS_LOG_FORMAT


def test_the_access_log_never_records_query_strings():
    # %(r)s is the request line and %(q)s the query: a Kannel GET carries the PIN and the phone there.
    assert "%(U)s" in ACCESS_LOG_FORMAT
    assert "%(r)s" not in ACCESS_LOG_FORMAT and "%(q)s" not in ACCESS_LOG_FORMAT and "%(u)s" not in ACCESS_LOG_FORMAT
