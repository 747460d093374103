# SPDX-License-Identifier: Apache-2.0
import io

import pytest

from shailoo.results import demo, publication
from shailoo.results.models import Protocol
from tests.results.helpers import results_world

pytestmark = pytest.mark.django_db


def test_the_demo_seeder_accepts_every_protocol_counts_the_evote_and_elects_with_the_reservation():
    rw = results_world(evoting=True)
    out = io.StringIO()
    demo.seed(election=rw.election, out=out)
    assert set(Protocol.objects.filter(constituency=rw.constituency).values_list("state", flat=True)) == {"accepted"}
    document, _ = publication.published(rw.election.slug)
    constituency = document["constituencies"][0]
    assert constituency["complete"] and len(constituency["elected"]) == 3
    women = [x for x in constituency["candidates"] if x["elected"] and x["woman"]]
    assert len(women) >= 1
    assert "protocols accepted" in out.getvalue()
    demo.seed(election=rw.election, out=io.StringIO())  # again: nothing changes, nothing fails
