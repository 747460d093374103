# SPDX-License-Identifier: Apache-2.0
import sys

from django.core.management.base import BaseCommand

from shailoo.register.importer import RegisterImport, RegisterUnreadable


class Command(BaseCommand):
    help = (
        "Import the population register from CSV (docs/register-format.md). Exit 0: all rows taken; "
        "1: some rows rejected (see --rejects); 2: the file cannot be read, nothing written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--rejects", help="write rejected rows here, with line number and reason")
        parser.add_argument("--encoding", default="utf-8", help="utf-8 (default, BOM allowed) or e.g. cp1251")

    def handle(self, *args, file, rejects, encoding, **options):
        try:
            summary = RegisterImport(file, encoding=encoding, rejects_path=rejects).run()
        except RegisterUnreadable as error:
            self.stderr.write(f"cannot import {file}: {error}; nothing was written")
            sys.exit(2)
        self.stdout.write(str(summary))
        if options["verbosity"] >= 2:
            self.stdout.write("phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items()))
        for line, reason in summary.rejects:
            self.stderr.write(f"line {line}: {reason}")
        if summary.rejected > len(summary.rejects):
            self.stderr.write(f"... and {summary.rejected - len(summary.rejects)} more" + (f" in {rejects}" if rejects else ""))
        if summary.rejected:
            sys.exit(1)
