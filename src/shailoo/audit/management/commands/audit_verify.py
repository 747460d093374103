# SPDX-License-Identifier: Apache-2.0
from django.core.management.base import BaseCommand, CommandError

from shailoo.audit.services import verify_chain


class Command(BaseCommand):
    help = "Walk the audit log's hash chain and report the first broken link (exit 1 if any)."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.intact:
            self.stdout.write(f"audit log intact: {report.checked} entries checked")
            return
        raise CommandError(
            f"audit log broken at entry #{report.broken_at}: {report.problem} "
            f"({report.checked} entries before it are intact)",
            returncode=1,
        )
