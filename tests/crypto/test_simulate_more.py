# SPDX-License-Identifier: Apache-2.0
"""The simulator spaces the submissions over the polling window at least 1 ms apart (simulate.simulate):
in a window shorter than twice the entries, one after another, each inside it."""

from shailoo.crypto import record, simulate
from shailoo.crypto.verify import verify_record

from .election import read_lines


def test_in_a_polling_window_of_3_ms_two_submissions_are_1_ms_apart_and_the_record_verifies(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(simulate, "CLOSES", simulate.OPENS + 3)
    argv = ["--voters", "2", "--contests", "1of2", "--holders", "2", "--quorum", "1", "--seed", "1"]
    assert simulate.main([*argv, "--out", str(tmp_path / "record")]) == 0
    entries = read_lines(tmp_path / "record" / record.BOARD)[1:]
    assert [(e["type"], e["time"] - simulate.OPENS) for e in entries] == [
        ("ballot", 1),
        ("ballot", 2),
        ("close", 3),
    ]
    code, report, _ = verify_record(tmp_path / "record")
    assert code == 0, report.render()
