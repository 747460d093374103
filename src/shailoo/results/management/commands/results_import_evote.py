# SPDX-License-Identifier: Apache-2.0
"""`shailoo results_import_evote <slug> <constituency-number> <record>`: count a constituency's e-vote from
its verified record (a directory or a zip) as the counting unit "electronic"."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shailoo.elections.models import Constituency
from shailoo.results import services
from shailoo.results.evote_record import RecordRefused, read_totals


class Command(BaseCommand):
    help = "Count a constituency's e-vote from its verified e-voting record."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("number", type=int)
        parser.add_argument("record", type=Path)

    def handle(self, *args, slug: str, number: int, record: Path, **options) -> None:
        constituency = Constituency.objects.select_related("election__kenesh").filter(
            election__slug=slug, number=number).first()
        if constituency is None:
            raise CommandError(f"no constituency {number} in election {slug!r}")
        if not record.exists():
            raise CommandError(f"{record}: no such record")
        try:
            totals = read_totals(record, constituency)
            services.count_evote(constituency, ballots=totals.ballots, votes=totals.votes,
                                 against_all=totals.against_all, source=str(record), sha256=totals.sha256)
        except (RecordRefused, ValueError) as refused:
            raise CommandError(f"{record}: {refused}") from refused
        self.stdout.write(f"constituency {number} of {slug}: {totals.ballots} electronic ballots counted")
