# SPDX-License-Identifier: Apache-2.0
"""Files under the data directory are the owner's alone (issue 13, finding 7): a fresh `shailoo migrate`
(what `make run` does first) leaves no file others can read, and the demo register and a passport scan
written by the platform are 0600 in 0700 directories."""
import io
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings

from shailoo.cabinet.scans import scan_root, store_scan
from shailoo.register.synth import write_register


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_fresh_data_directory_holds_nothing_others_can_read(tmp_path):
    data = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SHAILOO_SECRET_KEY"}}
    env.update(SHAILOO_DATA_DIR=str(data))
    subprocess.run([sys.executable, "-m", "shailoo.manage", "migrate", "-v0"], env=env, check=True, timeout=300,
                   cwd=settings.PROJECT_DIR)

    assert mode(data) == 0o700
    assert mode(data / "shailoo.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600
    for root, directories, files in os.walk(data):
        for name in directories:
            assert mode(os.path.join(root, name)) & 0o077 == 0, name
        for name in files:
            assert mode(os.path.join(root, name)) & 0o077 == 0, name


@pytest.mark.django_db
def test_the_demo_register_and_a_scan_are_0600_in_0700_folders(settings, tmp_path):
    register = tmp_path / "demo" / "register.csv"
    register.parent.mkdir()
    write_register(iter([]), register)
    stored = store_scan(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), election_id=7)

    assert mode(register.parent) == 0o700 and mode(register) == 0o600
    scan = scan_root() / stored.name
    assert mode(scan) == 0o600
    for folder in (scan.parent, scan_root(), scan_root().parent):
        assert mode(folder) == 0o700, folder
