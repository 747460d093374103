# SPDX-License-Identifier: Apache-2.0
"""Public reads (the check by PIN on the web, in the API and by SMS 119; precinct pages) go to a real streaming
replica; a replica that lags beyond the bound, or is stopped in the middle of the test, is passed over and the
primary answers, with no error for the voter.

How a test sees where a read went: the replica's replay is paused, then a voter is listed on the primary. A
read from the replica cannot find that voter yet; a read from the primary can."""
import json

import pytest
from django.db import connections
from django.test import Client

from shailoo import replicas
from shailoo.lookup.outcomes import LookupKind
from shailoo.lookup.selectors import lookup_voter, public_precinct
from shailoo.messaging.services import compose_reply
from tests.factories import list_voter, make_citizen, make_territory
from tests.replica.conftest import caught_up, replica_ctl, set_replay

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica1"])


@pytest.fixture(autouse=True)
def _fresh_replica_state(settings):
    settings.REPLICA_CHECK_SECONDS = 0  # ask the replica for its lag on every read
    settings.REPLICA_MAX_LAG_SECONDS = 3600
    replicas._state.clear()
    yield
    set_replay(paused=False)
    replicas._state.clear()


@pytest.fixture
def world():
    territory = make_territory()
    seen = make_citizen(territory.settlement)
    list_voter(seen, territory.election, territory.precinct)
    caught_up()
    set_replay(paused=True)
    unseen = make_citizen(territory.settlement, surname="Токтогулова")
    list_voter(unseen, territory.election, territory.precinct)
    return territory, seen, unseen


def _api(pin: str) -> dict:
    response = Client().post("/api/v1/lookup", json.dumps({"pin": pin, "lang": "ru"}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_public_reads_go_to_the_replica(world):
    territory, seen, unseen = world
    assert lookup_voter(seen.pin).kind is LookupKind.LISTED
    # The voter listed after the replica's replay paused is not on the replica: the read went there.
    assert lookup_voter(unseen.pin).kind is LookupKind.NOT_LISTED
    assert _api(seen.pin)["outcome"] == "listed" and _api(unseen.pin)["outcome"] == "not_listed"
    assert territory.precinct.number in compose_reply(seen.pin, sender="+996700111222")[1]
    assert public_precinct(territory.precinct.number)._state.db == "replica1"
    page = Client().get(f"/precincts/{territory.precinct.number}/")
    assert page.status_code == 200 and territory.precinct.number in page.content.decode()
    # Outside a public read, everything reads the primary.
    from shailoo.register.models import VoterListEntry

    assert VoterListEntry.objects.filter(citizen=unseen).exists()


def test_a_replica_lagging_beyond_the_bound_is_passed_over(world, settings):
    territory, seen, unseen = world
    assert lookup_voter(unseen.pin).kind is LookupKind.NOT_LISTED  # on the replica, behind
    settings.REPLICA_MAX_LAG_SECONDS = 0.2
    import time

    time.sleep(0.5)  # the replica has replayed nothing since the voter was listed: it now lags > 0.2 s
    assert lookup_voter(unseen.pin).kind is LookupKind.LISTED  # the primary answered
    assert replicas._state["replica1"][1] is False and replicas._state["replica1"][2] > 0.2
    set_replay(paused=False)
    caught_up()
    assert replicas.replay_lag("replica1") <= 0.2
    assert lookup_voter(unseen.pin).kind is LookupKind.LISTED and replicas.choose() == "replica1"


def test_a_replica_stopped_in_the_middle_of_the_test(world, settings, caplog):
    territory, seen, unseen = world
    assert lookup_voter(unseen.pin).kind is LookupKind.NOT_LISTED  # the replica answers, its connection open
    settings.REPLICA_CHECK_SECONDS = 3600  # the process still believes the replica is up
    replica_ctl("stop-replica")
    try:
        # The open connection to the replica is cut: the read fails there and runs again on the primary.
        assert lookup_voter(unseen.pin).kind is LookupKind.LISTED
        assert "public read failed on replica replica1" in caplog.text
        assert _api(unseen.pin)["outcome"] == "listed"
        assert Client().get(f"/precincts/{territory.precinct.number}/").status_code == 200
        settings.REPLICA_CHECK_SECONDS = 0
        assert replicas.choose() is None  # down: not asked again until it answers
    finally:
        replica_ctl("start-replica")
    caught_up()
    assert replicas.choose() == "replica1"
    assert lookup_voter(unseen.pin).kind is LookupKind.LISTED


def test_writes_and_migrations_stay_on_the_primary():
    router = replicas.PublicReadRouter()
    with replicas._reading("replica1"):
        assert router.db_for_write(None) == "default" and router.db_for_read(None) == "replica1"
    assert router.db_for_read(None) == "default"
    assert router.allow_migrate("replica1", "register") is False and router.allow_migrate("default", "register")
    with connections["replica1"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True  # a real standby, not the primary under another name


def test_published_results_are_a_public_read_cached_briefly_from_a_replica(settings):
    import time

    from django.core.cache import cache
    from django.utils import timezone

    from shailoo.results import publication
    from shailoo.results.models import Publication

    territory = make_territory()
    caught_up()
    set_replay(paused=True)
    Publication.objects.create(election=territory.election, computed_at=timezone.now(),
                               document={"status": "final", "counted_percent": 100})
    slug = territory.election.slug
    assert publication.published(slug) is None  # read on the replica, which has not seen it yet
    assert slug not in Client().get("/results/").content.decode()
    set_replay(paused=False)
    caught_up()
    settings.REPLICA_MAX_LAG_SECONDS = 1
    document, _ = publication.published(slug)
    assert document["status"] == "final" and slug in Client().get("/results/").content.decode()
    # Read from a replica, the document is cached no longer than the lag bound (not the hour a primary read gets).
    assert cache.get(publication._key(slug)) is not None
    time.sleep(1.2)
    assert cache.get(publication._key(slug)) is None
