# SPDX-License-Identifier: Apache-2.0
"""A whole ceremony run in one process (transcript.run_ceremony): the attempt it runs as, the checks it
makes of every message as the holders would, and the result it hands back."""
import pytest

from shailoo.crypto import ceremony as c
from shailoo.crypto import transcript
from shailoo.crypto.errors import CryptoError

from .strategies import HOLDERS, manifest_with

MANIFEST = manifest_with(holders=3, quorum=2)


@pytest.fixture(scope="module")
def second_attempt():
    return transcript.run_ceremony(MANIFEST, HOLDERS, attempt=2)


def test_a_ceremony_started_again_runs_every_message_as_its_attempt(second_attempt):
    data = second_attempt.transcript
    assert data["attempt"] == 2
    for round_ in ("keys", "shares", "checks", "finals"):
        assert [m["attempt"] for m in data[round_]] == [2, 2, 2], round_


def test_the_run_hands_back_the_result_the_transcript_checks_to(second_attempt):
    result = second_attempt.result
    assert result.ceremony == c.Ceremony(MANIFEST, 2)
    assert result == transcript.check_transcript(MANIFEST, second_attempt.transcript)
    assert result.qualified == (1, 2, 3)


def test_a_holder_signing_with_a_key_other_than_its_registered_one_stops_the_run_at_its_key_message():
    with pytest.raises(CryptoError) as caught:
        transcript.run_ceremony(MANIFEST, {**HOLDERS, 2: HOLDERS[4]})
    assert (caught.value.check, caught.value.where) == ("ceremony.signature", "keys[1]")
