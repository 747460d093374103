# SPDX-License-Identifier: Apache-2.0
import sys

from django.core.management.base import BaseCommand

from shailoo.geography.importer import PrecinctImport, PrecinctsUnreadable


class Command(BaseCommand):
    help = "Import precincts and the addresses they serve from CSV (docs/register-format.md). Exit codes as import_register."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--rejects", help="write rejected rows here, with line number and reason")
        parser.add_argument("--encoding", default="utf-8")

    def handle(self, *args, file, rejects, encoding, **options):
        try:
            summary = PrecinctImport(file, encoding=encoding, rejects_path=rejects).run()
        except PrecinctsUnreadable as error:
            self.stderr.write(f"cannot import {file}: {error}; nothing was written")
            sys.exit(2)
        self.stdout.write(str(summary))
        for line, reason in summary.rejects[:20]:
            self.stderr.write(f"line {line}: {reason}")
        if summary.rejected:
            sys.exit(1)
