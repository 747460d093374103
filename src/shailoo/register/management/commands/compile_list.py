# SPDX-License-Identifier: Apache-2.0
import csv
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from shailoo.elections.models import Election
from shailoo.register.compilation import compile_voter_lists, unassigned_voters


class Command(BaseCommand):
    help = (
        "Compile the voter list of an election (by its slug), or of every election of a polling day (--day), "
        "from the register; report the addresses no precinct serves."
    )

    def add_arguments(self, parser):
        parser.add_argument("election", nargs="?", help="the election's slug")
        parser.add_argument("--day", type=dt.date.fromisoformat, help="compile every election held on this day")
        parser.add_argument("--unserved", help="write the addresses no precinct serves to this CSV")

    def handle(self, *args, election, day, unserved, **options):
        if bool(election) == bool(day):
            raise CommandError("name one election, or give --day YYYY-MM-DD")
        elections = Election.objects.select_related("kenesh")
        elections = elections.filter(election_day=day) if day else elections.filter(slug=election)
        if not elections:
            slugs = ", ".join(Election.objects.values_list("slug", flat=True)[:20]) or "none"
            raise CommandError(f"no such election (elections: {slugs})")
        started, unserved_rows, total = time.perf_counter(), {}, 0
        elections = list(elections.order_by("slug"))
        # One transaction and one statement for all the elections of the day.
        summaries = compile_voter_lists(elections=elections)
        for each in elections:
            summary = summaries[each]
            total += summary.listed + summary.ineligible + summary.unassigned
            if len(elections) <= 20:
                self.stdout.write(f"{each.slug}: {summary}")
            if summary.unassigned:
                for entry in unassigned_voters(each).iterator(chunk_size=5000):
                    key = (each.slug, entry.citizen.settlement, entry.citizen.street, entry.citizen.house)
                    unserved_rows[key] = unserved_rows.get(key, 0) + 1
        self.stdout.write(f"compiled {len(elections)} election(s), {total} entries in {time.perf_counter() - started:.1f} s")
        if not unserved_rows:
            return
        # Addresses, not people: the report names no voter.
        self.stdout.write(f"{len(unserved_rows)} addresses are served by no precinct")
        if unserved:
            with open(unserved, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["election", "settlement", "street", "house", "voters"])
                for key, count in sorted(unserved_rows.items()):
                    writer.writerow([*key, count])
            self.stdout.write(f"see {unserved}")
        else:
            for slug, settlement, street, house in sorted(unserved_rows)[:20]:
                self.stdout.write(f"  {slug}: {settlement}, {street} {house}")
