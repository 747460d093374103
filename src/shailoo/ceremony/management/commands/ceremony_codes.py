# SPDX-License-Identifier: Apache-2.0
"""Issue one-time registration codes to key holders who have not registered (all, or `--holder N`).

The codes are printed once and only their hashes are stored: hand each to its holder in person. Issuing
again replaces a holder's earlier code."""
from django.core.management.base import BaseCommand, CommandError

from shailoo.ceremony.models import KeyHolder
from shailoo.ceremony.services import CeremonyRefused, issue_code


class Command(BaseCommand):
    help = "Issue key holders' one-time registration codes (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("election", help="the election's slug")
        parser.add_argument("--holder", type=int, action="append", help="only this holder (repeatable)")

    def handle(self, *args, **options):
        holders = KeyHolder.objects.filter(election__slug=options["election"], registered_at__isnull=True)
        if options["holder"]:
            holders = holders.filter(index__in=options["holder"])
        holders = list(holders.select_related("election").order_by("index"))
        if not holders:
            raise CommandError("no unregistered key holder to issue a code to")
        for holder in holders:
            try:
                code = issue_code(holder, by=None)
            except CeremonyRefused as refused:
                raise CommandError(str(refused)) from refused
            self.stdout.write(f"holder {holder.index} ({holder.name}): {code}")
