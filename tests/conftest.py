# SPDX-License-Identifier: Apache-2.0
"""The suite's set-up. The pure core's tests (tests/rules, tests/crypto) run in a process of their own
without Django (`make test` gives them `-p no:django`), as an observer's verifier runs the core: there the
Django fixtures are not loaded, the process time zone is UTC rather than Django's Asia/Bishkek, and a test
module that imports Django stops the run."""
import os
import sys
import time

import pytest
from hypothesis import Phase, settings

# No hypothesis test fails for its time: performance lives in bench/, and on a loaded machine one example
# can take longer than hypothesis's default 200 ms deadline (tests/rules/test_pin.py's pattern property did).
settings.register_profile("shailoo", deadline=None)
# A mutation run (scripts/mutation.py sets SHAILOO_HYPOTHESIS_PROFILE=mutation) wants a mutant's verdict to
# be the same every time it is tested: fixed examples and no example database shared between mutants. The
# crypto tests also draw fewer examples then (tests/crypto/strategies.py, `examples`).
# It does not shrink a failing example either: a mutant is killed by the first example that fails, and
# shrinking it (tens of seconds for a property over archives or elections) made killed mutants time out.
settings.register_profile("mutation", settings.get_profile("shailoo"), derandomize=True, database=None,
                          phases=(Phase.explicit, Phase.reuse, Phase.generate))
settings.load_profile("mutation" if os.environ.get("SHAILOO_HYPOTHESIS_PROFILE") == "mutation" else "shailoo")

# tests/replica run against a real primary and streaming replica, in a run of their own (scripts/test-replica,
# `make test-replica`, .ci/run), which sets SHAILOO_TEST_REPLICA_DIR.
collect_ignore = [] if os.environ.get("SHAILOO_TEST_REPLICA_DIR") else ["replica"]


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.has_plugin("django"):
        config.pluginmanager.import_plugin("tests.django_fixtures")
    else:
        # Not Bishkek: a rule that reads the process's local time instead of Asia/Bishkek shows here.
        os.environ["TZ"] = "UTC"
        time.tzset()


def pytest_collection_finish(session: pytest.Session) -> None:
    if not session.config.pluginmanager.has_plugin("django") and "django" in sys.modules:
        raise pytest.UsageError(
            "a test module of the pure core imports Django: tests/rules and tests/crypto run without it "
            "(-p no:django); a test that needs Django belongs with the app it tests"
        )
