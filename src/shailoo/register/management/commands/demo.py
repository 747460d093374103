# SPDX-License-Identifier: Apache-2.0
import datetime as dt
import importlib
import importlib.util

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shailoo.register.demo import load_demo

# Each app may add its part of the demo (staff accounts, the test identity provider's client, ...)
# in a module `<app>.demo` with `seed(*, election, out)`. They run in this order, after the register.
DEMO_SEEDERS = ["shailoo.commission.demo", "shailoo.tunduk.demo", "shailoo.messaging.demo", "shailoo.lookup.demo",
                "shailoo.evoting.demo",
                "shailoo.results.demo"]


class Command(BaseCommand):
    help = "Load the Samarkandek demo: territory, precincts, register, voter list, candidates, staff. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--election-day", type=dt.date.fromisoformat, default=None,
                            help="YYYY-MM-DD; default 30 days from today, so every window is open")

    def handle(self, *args, election_day, **options):
        try:
            with transaction.atomic():
                election = load_demo(election_day=election_day, out=self.stdout)
                for module_name in DEMO_SEEDERS:
                    if importlib.util.find_spec(module_name) is not None:
                        importlib.import_module(module_name).seed(election=election, out=self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from error
