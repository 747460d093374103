# SPDX-License-Identifier: Apache-2.0
import datetime as dt
import time

from django.core.management.base import BaseCommand

from shailoo.register.synth import People, make_country, register_rows, write_precincts, write_register


class Command(BaseCommand):
    help = (
        "Write a synthetic national register in the import format, and the precincts that serve it "
        "(national size: --voters 4300000 --precincts 2500)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--voters", type=int, required=True)
        parser.add_argument("--precincts", type=int, required=True)
        parser.add_argument("--out", required=True, help="the register CSV")
        parser.add_argument("--precincts-out", help="the precincts CSV (default: OUT with .precincts.csv)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--bad-share", type=float, default=0.0, help="share of bad rows, e.g. 0.001")
        parser.add_argument("--reference-day", type=dt.date.fromisoformat, default=dt.date(2026, 11, 1),
                            help="ages are counted to this day (YYYY-MM-DD)")

    def handle(self, *args, voters, precincts, out, precincts_out, seed, bad_share, reference_day, **options):
        started = time.perf_counter()
        country = make_country(precincts=precincts, seed=seed)
        precincts_out = precincts_out or out.removesuffix(".csv") + ".precincts.csv"
        ranges = write_precincts(country, precincts_out)
        people = People(country, seed=seed, reference_day=reference_day)
        rows = write_register(register_rows(people, voters, bad_share=bad_share), out)
        self.stdout.write(
            f"wrote {rows} citizens to {out} and {len(country.precincts)} precincts ({ranges} address rows) "
            f"in {len(country.settlements)} settlements to {precincts_out} in {time.perf_counter() - started:.1f} s"
        )
