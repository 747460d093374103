# SPDX-License-Identifier: Apache-2.0
"""Compiling the voter lists of elections from the register, set-based.

Every citizen registered in the kenesh's territory gets one entry: `listed` at the precinct whose
address ranges contain their address (a range for their street wins over one for the whole
settlement), `ineligible` with every reason (under 18 on election day, no biometric registration), or
`unassigned` when they may vote but no precinct serves their address (reported, never dropped).
Entries that a commission decision made (`source = decision`) are kept as they are: the list changes
through decisions, and a recompilation does not undo them.

All elections of a day are compiled by one statement. A recompilation merges: compiled entries that
are no longer right are updated or deleted, unchanged entries are not written. The first compilation
of large lists on PostgreSQL loads into the table without its secondary indexes and foreign keys and
rebuilds them afterwards (`shailoo.register.bulk`): checking the foreign keys row by row cost more than the rest.
"""
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.elections.models import Election, Kenesh
from shailoo.geography.models import AddressRange, Settlement
from shailoo.register.bulk import without_secondary_structures
from shailoo.register.models import Citizen, VoterListEntry
from shailoo.rules.addresses import WHOLE
from shailoo.rules.eligibility import Ineligibility, latest_birth_date_to_vote

# Below this many entries the bulk load's table lock and index rebuild are not worth it.
BULK_LOAD_MINIMUM = 10_000
# For the one big statement on a server with stock settings: hash joins and sorts in memory.
SESSION_SETTINGS = {"work_mem": "256MB", "maintenance_work_mem": "256MB"}


@dataclass(frozen=True)
class CompilationSummary:
    listed: int
    ineligible: int
    unassigned: int
    kept: int  # entries made by commission decisions, left as they were

    def __str__(self) -> str:
        return (f"listed {self.listed}, ineligible {self.ineligible}, "
                f"unassigned (no precinct serves the address) {self.unassigned}, kept by decision {self.kept}")


def _elections_in(election_count: int) -> str:
    """The placeholders of the elections' ids, %(election_0)s …, as the statements' parameters name them."""
    return ", ".join(f"%(election_{index})s" for index in range(election_count))


def _territory_sql(election_count: int) -> str:
    """FROM … WHERE of the citizens (c) registered in the territory of the elections (e), with their
    settlement (s): the voters a compilation considers."""
    citizen, settlement = Citizen._meta.db_table, Settlement._meta.db_table
    kenesh, election = Kenesh._meta.db_table, Election._meta.db_table
    return (
        f"FROM {citizen} c JOIN {settlement} s ON s.key = c.settlement_key "
        f"JOIN {kenesh} k ON k.territory_id = s.municipality_id JOIN {election} e ON e.kenesh_id = k.id "
        "{address_joins}"
        f"WHERE e.id IN ({_elections_in(election_count)})"
    )


def _compiled_entries_sql(vendor: str, election_count: int) -> str:
    """SELECT election_id, citizen_id, precinct_id, status, reasons: the compiled list of the elections."""
    address_range = AddressRange._meta.db_table
    true = "true" if vendor == "postgresql" else "1"
    trim = "BTRIM" if vendor == "postgresql" else "TRIM"
    # The precinct serving an address: the range of its street, else the whole-settlement range. The
    # precinct import lets no two ranges overlap, so each outer join finds at most one row.
    house = "COALESCE(c.house_number, 0)"
    street_range = (
        f"LEFT JOIN {address_range} r ON r.settlement_id = s.id AND r.street_key = c.street_key "
        f"AND r.first_house <= {house} AND (r.last_house IS NULL OR r.last_house >= {house}) "
    )
    settlement_range = f"LEFT JOIN {address_range} w ON w.settlement_id = s.id AND w.street_key = '{WHOLE}' "
    under_age = "c.birth_date > %(latest_birth_date)s"
    no_biometrics = f"c.biometric <> {true}"
    reasons = (
        f"{trim}((CASE WHEN {under_age} THEN '{Ineligibility.UNDER_AGE}' ELSE '' END || ',' || "
        f"CASE WHEN {no_biometrics} THEN '{Ineligibility.NO_BIOMETRICS}' ELSE '' END), ',')"
    )
    territory = _territory_sql(election_count).format(address_joins=street_range + settlement_range)
    return (
        f"SELECT x.election_id, x.citizen_id, CASE WHEN x.ineligible THEN NULL ELSE x.precinct_id END AS precinct_id, "
        f"CASE WHEN x.ineligible THEN 'ineligible' WHEN x.precinct_id IS NULL THEN 'unassigned' ELSE 'listed' END "
        f"AS status, x.reasons FROM ("
        f"SELECT e.id AS election_id, c.id AS citizen_id, COALESCE(r.precinct_id, w.precinct_id) AS precinct_id, "
        f"({under_age} OR {no_biometrics}) AS ineligible, {reasons} AS reasons {territory}) x"
    )


ENTRY_COLUMNS = "election_id, citizen_id, precinct_id, status, reasons, voting_mode, source, updated_at"
COMPILED_VALUES = "x.election_id, x.citizen_id, x.precinct_id, x.status, x.reasons, 'paper', 'compiled', %(now)s"


def _insert_sql(vendor: str, election_count: int) -> str:
    """Insert the compiled entries that are new; update the compiled ones that changed; leave the rest."""
    entry = VoterListEntry._meta.db_table
    same = "IS NOT DISTINCT FROM" if vendor == "postgresql" else "IS"
    changed = " OR ".join(f"NOT ({entry}.{column} {same} excluded.{column})"
                          for column in ("precinct_id", "status", "reasons", "voting_mode"))
    return (
        f"INSERT INTO {entry} ({ENTRY_COLUMNS}) SELECT {COMPILED_VALUES} "
        f"FROM ({_compiled_entries_sql(vendor, election_count)}) x WHERE 1 = 1 "
        # In key order: the unique index then grows at its right edge instead of everywhere.
        f"ORDER BY x.election_id, x.citizen_id "
        f"ON CONFLICT (election_id, citizen_id) DO UPDATE SET precinct_id = excluded.precinct_id, "
        f"status = excluded.status, reasons = excluded.reasons, voting_mode = excluded.voting_mode, "
        f"updated_at = excluded.updated_at WHERE {entry}.source = 'compiled' AND ({changed})"
    )


def _delete_stale_sql(vendor: str, election_count: int) -> str:
    """Delete the compiled entries of citizens who are no longer in the territory (or the register)."""
    entry = VoterListEntry._meta.db_table
    return (
        f"DELETE FROM {entry} WHERE election_id IN ({_elections_in(election_count)}) AND source = 'compiled' AND NOT EXISTS ("
        f"SELECT 1 FROM ({_compiled_entries_sql(vendor, election_count)}) x "
        f"WHERE x.election_id = {entry}.election_id AND x.citizen_id = {entry}.citizen_id)"
    )


def _count_planned_sql(election_count: int) -> str:
    """How many entries the compilation will write (one per citizen of each election's territory)."""
    return f"SELECT COUNT(*) {_territory_sql(election_count).format(address_joins='')}"


def _bulk_load(cursor, params: dict, election_count: int) -> None:
    """First compilation on PostgreSQL: load without indexes and foreign keys, then rebuild them.

    Takes the voter-list table's exclusive lock until commit (readers wait): see docs/operations.md.
    """
    entry = VoterListEntry._meta.db_table
    with without_secondary_structures(cursor, entry):
        cursor.execute(
            f"INSERT INTO {entry} ({ENTRY_COLUMNS}) SELECT {COMPILED_VALUES} "
            f"FROM ({_compiled_entries_sql('postgresql', election_count)}) x ORDER BY x.election_id, x.citizen_id",
            params,
        )


def compile_voter_lists(*, elections: Sequence[Election], actor=None, bulk: bool | None = None) -> dict[Election, CompilationSummary]:
    """Rebuild the compiled part of the voter lists of `elections`, in one transaction.

    `bulk` None chooses: the bulk load (PostgreSQL) when none of the elections has entries yet and
    their lists are large and at least as large as the rest of the table; False always merges.
    """
    elections = list(elections)
    if not elections:
        return {}
    vendor = connection.vendor
    entry = VoterListEntry._meta.db_table
    now = timezone.now()
    summaries: dict[Election, CompilationSummary] = {}
    by_day: dict = defaultdict(list)
    for election in elections:
        by_day[election.election_day].append(election)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                for name, value in SESSION_SETTINGS.items():
                    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
                # Small tables a few rows old may never have been analysed: a plan that guesses one
                # election and one settlement loops over millions of citizens instead of hashing.
                cursor.execute(f"ANALYZE {Election._meta.db_table}, {Kenesh._meta.db_table}, "
                               f"{Settlement._meta.db_table}, {AddressRange._meta.db_table}")
            for day, day_elections in sorted(by_day.items()):
                params = {f"election_{index}": each.pk for index, each in enumerate(day_elections)}
                params.update(latest_birth_date=latest_birth_date_to_vote(day), now=now)
                count = len(day_elections)
                if vendor == "postgresql" and bulk is not False and _bulk_load_fits(cursor, params, count, bulk):
                    _bulk_load(cursor, params, count)
                else:
                    cursor.execute(_delete_stale_sql(vendor, count), params)
                    cursor.execute(_insert_sql(vendor, count), params)
            if vendor == "postgresql":
                cursor.execute(f"ANALYZE {entry}")
            counts: dict[tuple[int, str, str], int] = {}
            ids = [each.pk for each in elections]
            cursor.execute(
                f"SELECT election_id, source, status, COUNT(*) FROM {entry} "
                f"WHERE election_id IN ({', '.join(['%s'] * len(ids))}) GROUP BY election_id, source, status", ids)
            for election_id, source, status, number in cursor.fetchall():
                counts[(election_id, source, status)] = number
        for election in elections:
            def compiled(status: str, pk: int = election.pk) -> int:
                return counts.get((pk, VoterListEntry.Source.COMPILED.value, status), 0)
            summary = CompilationSummary(
                listed=compiled("listed"), ineligible=compiled("ineligible"), unassigned=compiled("unassigned"),
                kept=sum(number for (pk, source, _), number in counts.items()
                         if pk == election.pk and source == VoterListEntry.Source.DECISION.value),
            )
            record_event(
                kind=AuditKind.LIST_COMPILED, actor=actor, subject=election.slug,
                payload={"election": election.slug, "listed": summary.listed, "ineligible": summary.ineligible,
                         "unassigned": summary.unassigned, "kept": summary.kept},
            )
            summaries[election] = summary
    return summaries


def _bulk_load_fits(cursor, params: dict, election_count: int, bulk: bool | None) -> bool:
    entry = VoterListEntry._meta.db_table
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {entry} WHERE election_id IN ({_elections_in(election_count)}))",
                   params)
    if cursor.fetchone()[0]:
        return False  # a recompilation: merge, so that unchanged entries are not rewritten
    if bulk:
        return True
    cursor.execute(_count_planned_sql(election_count), params)
    planned = cursor.fetchone()[0]
    # The rebuild sorts the whole table: worth it only when the new entries are most of it.
    cursor.execute("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [entry])
    existing = cursor.fetchone()[0]
    return planned >= max(BULK_LOAD_MINIMUM, existing)


def compile_voter_list(*, election: Election, actor=None, bulk: bool | None = None) -> CompilationSummary:
    """Rebuild the compiled part of one election's voter list, in one transaction."""
    return compile_voter_lists(elections=[election], actor=actor, bulk=bulk)[election]


def unassigned_voters(election: Election):
    """Eligible citizens whose address no precinct serves: what the commission must resolve."""
    return (
        VoterListEntry.objects.filter(election=election, status=VoterListEntry.Status.UNASSIGNED)
        .select_related("citizen")
        .order_by("citizen__settlement", "citizen__street", "citizen__house_number")
    )
