# SPDX-License-Identifier: Apache-2.0
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shailoo.audit import services
from shailoo.audit.checkpoints import CheckpointFileDamaged, checkpoint_head

INVESTIGATE = """How to investigate:
- The entries before #{first_bad} verify under the audit key{agreeing}.
- Restore the last backup taken before {since} into a scratch database and compare the two logs. Two copies
  of the chain are equal up to an entry exactly when that entry's hash is equal, so bisect: run
  `shailoo audit_verify --hash-at N` against both for N halfway between the last equal and the first
  different entry, and halve again until the first changed entry is found ({steps} steps at most).
- `shailoo audit_verify --upto N` checks the chain and the checkpoints up to entry #N only.
- Keep the database, the checkpoint file ({file}) and the server's logs as they are until this is done."""


class Command(BaseCommand):
    help = ("Check the audit log's keyed hash chain and compare it with the checkpoints kept outside the database "
            "(exit 1 on any problem, with how to investigate it).")

    def add_arguments(self, parser):
        parser.add_argument("--upto", type=int, help="check entries #1 to #N only (for bisection)")
        parser.add_argument("--hash-at", type=int, metavar="N", help="print entry #N's hash and stop")
        parser.add_argument("--checkpoint", action="store_true",
                            help="after a successful check, append a checkpoint of the head")

    def handle(self, *args, upto=None, hash_at=None, checkpoint=False, **options):
        if hash_at is not None:
            self.stdout.write(f"#{hash_at} {services.hash_at(hash_at) or '(no such entry)'}")
            return
        try:
            report = services.verify_chain(upto=upto)
        except CheckpointFileDamaged as error:
            raise CommandError(f"audit checkpoints unreadable: {error}", returncode=1) from None
        if report.intact:
            agreeing = f", the last at #{report.agreeing.seq} ({report.agreeing.at})" if report.agreeing else ""
            self.stdout.write(f"audit log intact: {report.checked} entries checked, "
                              f"{report.checkpoints} checkpoints agree{agreeing}")
            if checkpoint and upto is None:
                point = checkpoint_head()
                if point:
                    self.stdout.write(f"checkpoint written: #{point.seq} to {settings.AUDIT_CHECKPOINT_FILE}")
            return
        agreeing = (f" and agree with the checkpoint of {report.agreeing.at} (#{report.agreeing.seq})"
                    if report.agreeing else "")
        since = report.agreeing.at if report.agreeing else "the first entry"
        last = max(report.broken_at, report.disagreeing.seq if report.disagreeing else 0)
        guidance = INVESTIGATE.format(
            first_bad=report.broken_at, agreeing=agreeing, since=since, file=settings.AUDIT_CHECKPOINT_FILE,
            steps=max(1, last.bit_length()),
        )
        raise CommandError(
            f"audit log broken at entry #{report.broken_at}: {report.problem} "
            f"({report.checked} entries before it are intact)\n{guidance}",
            returncode=1,
        )
