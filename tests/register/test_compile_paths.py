# SPDX-License-Identifier: Apache-2.0
"""The two ways a list is written (bulk load of a first compilation, merge of a recompilation) agree."""
import datetime as dt

import pytest
from django.db import connection

from shailoo.geography.models import AddressRange, Municipality, Settlement
from shailoo.register.compilation import compile_voter_list, compile_voter_lists
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.addresses import settlement_key, street_key
from tests.factories import make_citizen, make_precinct, make_territory

pytestmark = pytest.mark.django_db

ELECTION_DAY = dt.date(2026, 12, 20)


@pytest.fixture
def territory():
    territory = make_territory(election_day=ELECTION_DAY)
    make_precinct(territory.municipality, territory.settlement, number="8102", street="ул. Мектеп", first_house=1, last_house=20)
    make_citizen(territory.settlement, street="Мектеп", house="12А")
    make_citizen(territory.settlement, street="Мектеп", house="21")
    make_citizen(territory.settlement, street="Манас", house="3", biometric=False)
    make_citizen(territory.settlement, birth_date=ELECTION_DAY.replace(year=2008) + dt.timedelta(days=1))
    return territory


def the_list(election):
    return sorted(VoterListEntry.objects.filter(election=election).values_list(
        "citizen__pin", "precinct__number", "status", "reasons", "voting_mode", "source"))


def schema(table):
    with connection.cursor() as cursor:
        described = connection.introspection.get_constraints(cursor, table)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
                           "WHERE conrelid = %s::regclass UNION ALL SELECT indexname, indexdef, true FROM pg_indexes "
                           "WHERE tablename = %s ORDER BY 1, 2", [table, table])
            described["definitions"] = cursor.fetchall()
        return described


def test_the_bulk_load_and_the_merge_compile_the_same_list(territory):
    bulk = compile_voter_list(election=territory.election, bulk=True)
    by_bulk = the_list(territory.election)
    VoterListEntry.objects.all().delete()
    merged = compile_voter_list(election=territory.election, bulk=False)
    assert merged == bulk and the_list(territory.election) == by_bulk
    assert (bulk.listed, bulk.ineligible) == (2, 2)


def test_the_bulk_load_leaves_the_tables_indexes_and_constraints_as_they_were(territory):
    before = schema(VoterListEntry._meta.db_table)
    compile_voter_list(election=territory.election, bulk=True)
    assert schema(VoterListEntry._meta.db_table) == before


def test_the_bulk_load_is_not_used_when_the_list_has_entries(territory):
    compile_voter_list(election=territory.election, bulk=False)
    first = list(VoterListEntry.objects.order_by("pk").values_list("pk", "updated_at"))
    compile_voter_list(election=territory.election, bulk=True)
    assert list(VoterListEntry.objects.order_by("pk").values_list("pk", "updated_at")) == first


def test_a_recompilation_updates_moved_citizens_drops_departed_ones_and_keeps_decisions(territory):
    compile_voter_list(election=territory.election)
    unchanged, moved, departed, decided = Citizen.objects.order_by("pk")[:4]
    before = entry_of(unchanged, territory.election)
    Citizen.objects.filter(pk=moved.pk).update(street="Манас", street_key=street_key("Манас"))
    other = Municipality.objects.create(district=territory.district, name="Ак-Сай айыл аймагы", kind="aiyl_aimak")
    elsewhere = Settlement.objects.create(municipality=other, name="Ак-Сай")
    Citizen.objects.filter(pk=departed.pk).update(
        settlement="Ак-Сай", settlement_key=settlement_key(territory.district.region.name, territory.district.name, "Ак-Сай"))
    VoterListEntry.objects.filter(citizen=decided).update(
        status="listed", reasons="", precinct=AddressRange.objects.get(precinct__number="8102").precinct, source="decision")
    newcomer = make_citizen(territory.settlement, street="Мектеп", house="5")
    summary = compile_voter_list(election=territory.election)
    assert entry_of(unchanged, territory.election).updated_at == before.updated_at  # not rewritten
    assert entry_of(moved, territory.election).precinct == territory.precinct
    assert not VoterListEntry.objects.filter(citizen=departed).exists() and elsewhere.pk
    assert entry_of(decided, territory.election).source == "decision"
    assert entry_of(newcomer, territory.election).precinct.number == "8102"
    assert (summary.listed, summary.ineligible, summary.kept) == (3, 0, 1)


def test_all_elections_of_a_day_are_compiled_together(territory):
    neighbour = make_territory(name="Ак-Сай", election_day=ELECTION_DAY)
    make_citizen(neighbour.settlement)
    summaries = compile_voter_lists(elections=[territory.election, neighbour.election])
    assert summaries[neighbour.election].listed == 1 and summaries[territory.election].listed == 2
    assert VoterListEntry.objects.filter(election=neighbour.election).count() == 1


def entry_of(citizen, election):
    return VoterListEntry.objects.get(citizen=citizen, election=election)


def test_a_compilation_that_fails_midway_leaves_the_list_and_the_table_as_they_were(territory):
    before = schema(VoterListEntry._meta.db_table)
    blocked = Citizen.objects.order_by("pk").last().pk
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION refuse_entry() RETURNS trigger AS $$ BEGIN IF NEW.citizen_id = {blocked} THEN "
                "RAISE EXCEPTION 'power cut'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
            cursor.execute("CREATE TRIGGER refuse BEFORE INSERT ON register_voterlistentry "
                           "FOR EACH ROW EXECUTE FUNCTION refuse_entry()")
        else:
            cursor.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON register_voterlistentry WHEN NEW.citizen_id = {blocked} "
                           "BEGIN SELECT RAISE(ABORT, 'power cut'); END")
    with pytest.raises(Exception, match="power cut"):
        compile_voter_list(election=territory.election, bulk=True)
    assert not VoterListEntry.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse" + (" ON register_voterlistentry" if connection.vendor == "postgresql" else ""))
    assert schema(VoterListEntry._meta.db_table) == before
    assert compile_voter_list(election=territory.election, bulk=True).listed == 2
