# SPDX-License-Identifier: Apache-2.0
"""Compiling an election's voter list from the register, set-based.

Every citizen registered in the kenesh's territory gets one entry: `listed` at the precinct whose
address ranges contain their address (a range for their street wins over one for the whole
settlement), `ineligible` with every reason (under 18 on election day, no biometric registration), or
`unassigned` when they may vote but no precinct serves their address (reported, never dropped).
Entries that a commission decision made (`source = decision`) are kept as they are: the list changes
through decisions, and a recompilation does not undo them.
"""
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.elections.models import Election
from shailoo.geography.models import AddressRange, Settlement
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.addresses import WHOLE
from shailoo.rules.eligibility import Ineligibility, latest_birth_date_to_vote


@dataclass(frozen=True)
class CompilationSummary:
    listed: int
    ineligible: int
    unassigned: int
    kept: int  # entries made by commission decisions, left as they were

    def __str__(self) -> str:
        return (f"listed {self.listed}, ineligible {self.ineligible}, "
                f"unassigned (no precinct serves the address) {self.unassigned}, kept by decision {self.kept}")


def _compile_sql(vendor: str) -> str:
    entry, citizen = VoterListEntry._meta.db_table, Citizen._meta.db_table
    settlement, address_range = Settlement._meta.db_table, AddressRange._meta.db_table
    true = "true" if vendor == "postgresql" else "1"
    concat = "||"
    trim = "BTRIM" if vendor == "postgresql" else "TRIM"
    # The precinct serving an address: the range of its street, else the whole-settlement range. The
    # precinct import lets no two ranges overlap, so each outer join finds at most one row.
    house = "COALESCE(c.house_number, 0)"
    street_range = (
        f"LEFT JOIN {address_range} r ON r.settlement_id = s.id AND r.street_key = c.street_key "
        f"AND r.first_house <= {house} AND (r.last_house IS NULL OR r.last_house >= {house}) "
    )
    settlement_range = f"LEFT JOIN {address_range} w ON w.settlement_id = s.id AND w.street_key = '{WHOLE}' "
    precinct = "COALESCE(r.precinct_id, w.precinct_id)"
    under_age = "c.birth_date > %(latest_birth_date)s"
    no_biometrics = f"c.biometric <> {true}"
    reasons = (
        f"{trim}((CASE WHEN {under_age} THEN '{Ineligibility.UNDER_AGE}' ELSE '' END {concat} ',' {concat} "
        f"CASE WHEN {no_biometrics} THEN '{Ineligibility.NO_BIOMETRICS}' ELSE '' END), ',')"
    )
    return (
        f"INSERT INTO {entry} (election_id, citizen_id, precinct_id, status, reasons, voting_mode, source, updated_at) "
        f"SELECT %(election)s, x.citizen_id, CASE WHEN x.ineligible THEN NULL ELSE x.precinct_id END, "
        f"CASE WHEN x.ineligible THEN 'ineligible' WHEN x.precinct_id IS NULL THEN 'unassigned' ELSE 'listed' END, "
        f"x.reasons, 'paper', 'compiled', %(now)s FROM ("
        f"SELECT c.id AS citizen_id, {precinct} AS precinct_id, ({under_age} OR {no_biometrics}) AS ineligible, "
        f"{reasons} AS reasons FROM {citizen} c JOIN {settlement} s ON s.key = c.settlement_key "
        f"{street_range}{settlement_range}"
        f"WHERE s.municipality_id = %(territory)s AND NOT EXISTS (SELECT 1 FROM {entry} d WHERE d.election_id = "
        f"%(election)s AND d.citizen_id = c.id AND d.source = 'decision')) x"
    )


def compile_voter_list(*, election: Election, actor=None) -> CompilationSummary:
    """Rebuild the compiled part of an election's voter list, in one transaction."""
    vendor = connection.vendor
    params = {
        "election": election.pk,
        "territory": election.kenesh.territory_id,
        "latest_birth_date": latest_birth_date_to_vote(election.election_day),
        "now": timezone.now(),
    }
    entries = VoterListEntry.objects.filter(election=election)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Raw, not the ORM's delete(): millions of rows, and nothing refers to a compiled entry.
            cursor.execute(
                f"DELETE FROM {VoterListEntry._meta.db_table} WHERE election_id = %s AND source = %s",
                [election.pk, VoterListEntry.Source.COMPILED.value],
            )
            cursor.execute(_compile_sql(vendor), params)
        counts = {
            status: entries.filter(status=status, source=VoterListEntry.Source.COMPILED).count()
            for status in VoterListEntry.Status.values
        }
        summary = CompilationSummary(
            listed=counts["listed"], ineligible=counts["ineligible"], unassigned=counts["unassigned"],
            kept=entries.filter(source=VoterListEntry.Source.DECISION).count(),
        )
        record_event(
            kind=AuditKind.LIST_COMPILED, actor=actor, subject=election.slug,
            payload={"election": election.slug, "listed": summary.listed, "ineligible": summary.ineligible,
                     "unassigned": summary.unassigned, "kept": summary.kept},
        )
    return summary


def unassigned_voters(election: Election):
    """Eligible citizens whose address no precinct serves: what the commission must resolve."""
    return (
        VoterListEntry.objects.filter(election=election, status=VoterListEntry.Status.UNASSIGNED)
        .select_related("citizen")
        .order_by("citizen__settlement", "citizen__street", "citizen__house_number")
    )
