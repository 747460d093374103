# SPDX-License-Identifier: Apache-2.0
import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shailoo.audit.models import AuditEntry
from shailoo.geography.models import AddressRange, Municipality, Settlement
from shailoo.register.compilation import compile_voter_list
from shailoo.register.models import VoterListEntry
from shailoo.rules.pin import Gender
from tests.factories import make_citizen, make_precinct, make_territory

pytestmark = pytest.mark.django_db

ELECTION_DAY = dt.date(2026, 12, 20)


@pytest.fixture
def territory():
    territory = make_territory(election_day=ELECTION_DAY)
    # The factory's precinct serves the whole settlement; a second one serves Мектеп 1-20 only.
    make_precinct(territory.municipality, territory.settlement, number="8102", street="ул. Мектеп", first_house=1, last_house=20)
    return territory


def entry(citizen, election):
    return VoterListEntry.objects.get(citizen=citizen, election=election)


def test_each_citizen_goes_to_the_precinct_serving_their_address(territory):
    on_street = make_citizen(territory.settlement, street="Мектеп көчөсү", house="12А")
    beyond = make_citizen(territory.settlement, street="Мектеп", house="21")
    elsewhere = make_citizen(territory.settlement, street="Манас", house="3")
    summary = compile_voter_list(election=territory.election)
    assert summary.listed == 3
    assert entry(on_street, territory.election).precinct.number == "8102"  # its street's range wins
    assert entry(beyond, territory.election).precinct == territory.precinct  # the whole-settlement range
    assert entry(elsewhere, territory.election).precinct == territory.precinct


def test_ineligible_citizens_are_kept_with_every_reason(territory):
    turns_18_after = make_citizen(territory.settlement, birth_date=ELECTION_DAY.replace(year=2008) + dt.timedelta(days=1))
    turns_18_on_the_day = make_citizen(territory.settlement, birth_date=ELECTION_DAY.replace(year=2008), gender=Gender.MALE)
    child_without_biometrics = make_citizen(territory.settlement, birth_date=dt.date(2012, 1, 1), biometric=False)
    compile_voter_list(election=territory.election)
    late = entry(turns_18_after, territory.election)
    assert (late.status, late.reasons, late.precinct) == ("ineligible", "under_age", None)
    assert entry(turns_18_on_the_day, territory.election).status == "listed"
    assert entry(child_without_biometrics, territory.election).reasons == "under_age,no_biometrics"


def test_an_address_no_precinct_serves_is_reported_not_dropped(territory):
    AddressRange.objects.filter(street_key="*").delete()
    unserved = make_citizen(territory.settlement, street="Жаңы конуш", house="5")
    summary = compile_voter_list(election=territory.election)
    assert summary.unassigned == 1 and entry(unserved, territory.election).status == "unassigned"


def test_citizens_outside_the_territory_are_not_on_the_list(territory):
    other = Municipality.objects.create(district=territory.district, name="Ак-Сай айыл аймагы", kind="aiyl_aimak")
    neighbour = make_citizen(Settlement.objects.create(municipality=other, name="Ак-Сай"))
    compile_voter_list(election=territory.election)
    assert not VoterListEntry.objects.filter(citizen=neighbour).exists()


def test_recompiling_keeps_one_entry_per_voter_and_the_commissions_decisions(territory):
    moved = make_citizen(territory.settlement, street="Манас")
    make_citizen(territory.settlement)
    compile_voter_list(election=territory.election)
    VoterListEntry.objects.filter(citizen=moved).update(precinct=AddressRange.objects.get(precinct__number="8102").precinct,
                                                        source="decision")
    summary = compile_voter_list(election=territory.election)
    assert (summary.listed, summary.kept) == (1, 1)
    assert VoterListEntry.objects.filter(election=territory.election).count() == 2
    assert entry(moved, territory.election).precinct.number == "8102"
    assert AuditEntry.objects.filter(kind="list.compiled").count() == 2


def test_the_command_names_the_election_or_the_day(territory, capsys):
    make_citizen(territory.settlement)
    call_command("compile_list", territory.election.slug)
    assert "listed 1" in capsys.readouterr().out
    call_command("compile_list", "--day", ELECTION_DAY.isoformat())
    assert "compiled 1 election(s), 1 entries" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no such election"):
        call_command("compile_list", "nowhere")
    with pytest.raises(CommandError):
        call_command("compile_list")


def test_the_unserved_report_lists_addresses_not_people(territory, tmp_path):
    AddressRange.objects.filter(street_key="*").delete()
    make_citizen(territory.settlement, street="Жаңы конуш", house="5", surname="Асанова")
    report = tmp_path / "unserved.csv"
    call_command("compile_list", territory.election.slug, "--unserved", str(report))
    text = report.read_text(encoding="utf-8")
    assert "Жаңы конуш,5,1" in text and "Асанова" not in text
