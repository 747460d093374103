# SPDX-License-Identifier: Apache-2.0
from django.core.management.base import BaseCommand

from shailoo.cabinet import held_scans
from shailoo.cabinet.services import purge_expired_scans


class Command(BaseCommand):
    help = "Delete uploaded passport scans of elections past their retention period (run daily)."

    def handle(self, *args, **options):
        purged = purge_expired_scans()
        if not purged:
            self.stdout.write("no scans past their retention period")
        for slug, count in purged.items():
            self.stdout.write(f"{slug}: {count} scans deleted")
        held = held_scans.purge_stale()
        if held:
            self.stdout.write(f"{held} scans held for unfinished forms deleted (older than a day)")
