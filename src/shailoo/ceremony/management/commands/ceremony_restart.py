# SPDX-License-Identifier: Apache-2.0
"""Start the next attempt of a board's stalled key ceremony: `shailoo ceremony_restart SLUG NUMBER`."""
from django.core.management.base import BaseCommand, CommandError

from shailoo.ceremony.models import Ceremony
from shailoo.ceremony.services import CeremonyRefused, restart


class Command(BaseCommand):
    help = "Start the next attempt of a board's key ceremony."

    def add_arguments(self, parser):
        parser.add_argument("election", help="the election's slug")
        parser.add_argument("constituency", type=int, help="the constituency's number")

    def handle(self, *args, **options):
        ceremony = Ceremony.objects.filter(election__slug=options["election"],
                                           constituency__number=options["constituency"]).first()
        if ceremony is None:
            raise CommandError("no such ceremony")
        try:
            ceremony = restart(ceremony, by=None)
        except CeremonyRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"{options['election']}/{options['constituency']}: attempt {ceremony.attempt}")
