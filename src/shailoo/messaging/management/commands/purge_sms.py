# SPDX-License-Identifier: Apache-2.0
"""Delete SMS records past their retention period (run it daily, e.g. from cron)."""
from django.core.management.base import BaseCommand, CommandError

from shailoo.messaging.services import purge_old_sms


class Command(BaseCommand):
    help = "Delete inbound SMS and finished outbound SMS older than --days (default 90)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, days: int, **options):
        try:
            report = purge_old_sms(older_than_days=days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"deleted {report.inbound_deleted} inbound and {report.outbound_deleted} outbound SMS "
                          f"older than {days} days")
