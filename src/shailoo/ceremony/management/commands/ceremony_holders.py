# SPDX-License-Identifier: Apache-2.0
"""Name an election's key holders (in order: holder 1, 2, ...) and the quorum k.

    shailoo ceremony_holders samarkandek-2026 --quorum 3 "Asanov A.=asanov" "Beishenova B.=beishenova" ...

Each holder is NAME or NAME=USERNAME (the holder's staff login). Then issue their one-time codes with
`shailoo ceremony_codes`."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shailoo.ceremony.services import CeremonyRefused, HolderEntry, name_holders
from shailoo.elections.models import Election


class Command(BaseCommand):
    help = "Name an election's key holders and the quorum k of n."

    def add_arguments(self, parser):
        parser.add_argument("election", help="the election's slug")
        parser.add_argument("holders", nargs="+", help="NAME or NAME=USERNAME, in holder order")
        parser.add_argument("--quorum", type=int, required=True, help="k: holders needed to decrypt")

    def handle(self, *args, **options):
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election {options['election']!r}")
        entries = []
        for item in options["holders"]:
            name, _, username = item.partition("=")
            user = None
            if username:
                user = get_user_model().objects.filter(username=username).first()
                if user is None:
                    raise CommandError(f"no user {username!r}")
            entries.append(HolderEntry(name.strip(), user))
        try:
            holders = name_holders(election, entries, options["quorum"], by=None)
        except CeremonyRefused as refused:
            raise CommandError(str(refused)) from refused
        for holder in holders:
            self.stdout.write(f"holder {holder.index}: {holder.name}")
        self.stdout.write(f"quorum: {options['quorum']} of {len(holders)}")
