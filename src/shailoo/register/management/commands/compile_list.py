# SPDX-License-Identifier: Apache-2.0
import csv

from django.core.management.base import BaseCommand, CommandError

from shailoo.elections.models import Election
from shailoo.register.compilation import compile_voter_list, unassigned_voters


class Command(BaseCommand):
    help = "Compile the voter list of an election (by its slug) from the register; report unserved addresses."

    def add_arguments(self, parser):
        parser.add_argument("election", help="the election's slug")
        parser.add_argument("--unserved", help="write the voters whose address no precinct serves to this CSV")

    def handle(self, *args, election, unserved, **options):
        try:
            election = Election.objects.select_related("kenesh").get(slug=election)
        except Election.DoesNotExist:
            slugs = ", ".join(Election.objects.values_list("slug", flat=True)[:20]) or "none"
            raise CommandError(f"no election '{election}' (elections: {slugs})") from None
        summary = compile_voter_list(election=election)
        self.stdout.write(f"{election.slug}: {summary}")
        if summary.unassigned:
            voters = unassigned_voters(election)
            if unserved:
                with open(unserved, "w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(["settlement", "street", "house", "voters"])
                    rows: dict[tuple[str, str, str], int] = {}
                    for entry in voters.iterator(chunk_size=5000):
                        key = (entry.citizen.settlement, entry.citizen.street, entry.citizen.house)
                        rows[key] = rows.get(key, 0) + 1
                    for key, count in sorted(rows.items()):
                        writer.writerow([*key, count])
                self.stdout.write(f"addresses served by no precinct: see {unserved}")
            else:
                # Addresses, not people: the report names no voter.
                streets = voters.values_list("citizen__settlement", "citizen__street").distinct()[:20]
                for settlement, street in streets:
                    self.stdout.write(f"  no precinct serves: {settlement}, {street}")
