# SPDX-License-Identifier: Apache-2.0
"""The demo's key holders decrypt (never in production): for each closed board of the election, each holder
named downloads the record, verifies it with shailoo.crypto.verify, decrypts only the sums its verifier
added up (shailoo.crypto.decryption.decrypt_share) and posts the partial decryption to the board's
decryptions endpoint, which checks it against the server's own sums. Real holders run shailoo-keyholder."""
import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from shailoo.crypto.decryption import decrypt_share
from shailoo.crypto.group import Scalar
from shailoo.crypto.signature import SigningKey
from shailoo.crypto.verify import verify_record
from shailoo.evoting import closing
from shailoo.evoting.demo import holders_folder
from shailoo.evoting.models import Board


class Command(BaseCommand):
    help = "Demo only: the demo key holders verify each closed board of an election and decrypt its sums."

    def add_arguments(self, parser):
        parser.add_argument("election", help="the election's slug, e.g. samarkandek")
        parser.add_argument("--holders", type=int, nargs="+", default=[1, 2, 3])

    def handle(self, *args, election, holders, **options):
        if settings.PRODUCTION:
            raise CommandError("the demo's holders do not exist in production")
        client = Client(HTTP_HOST="127.0.0.1")
        boards = Board.objects.filter(election__slug=election).select_related("election", "constituency")
        if not boards:
            raise CommandError(f"no e-voting boards for {election}")
        for board in boards:
            board = closing.close_if_due(board)
            if board.state not in (Board.State.CLOSED, Board.State.TALLIED):
                self.stdout.write(f"{board.board_id}: the polls are still open (until {board.closes:%H:%M}); wait")
                continue
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "record.zip"
                response = client.get(f"/evoting/api/{board.board_id}/record.zip")
                path.write_bytes(b"".join(response.streaming_content))
                code, report, verified = verify_record(path, before_decryption=True)
            if verified is None:
                raise CommandError(f"{board.board_id}: the record does not verify; nobody decrypts\n{report.render()}")
            for j in holders:
                secrets = json.loads((holders_folder() / f"holder-{j}.json").read_text())
                key = SigningKey.from_secret(Scalar.from_hex(secrets["signing_key"]))
                share = decrypt_share(verified, j, Scalar.from_hex(secrets["shares"][board.board_id]), key)
                answer = client.post(f"/evoting/api/{board.board_id}/decryptions", data=json.dumps(share),
                                     content_type="application/json")
                self.stdout.write(f"{board.board_id}: holder {j}: {answer.status_code} {answer.content.decode()[:200]}")
            board.refresh_from_db()
            if board.results:
                totals = {o["option_id"]: o["total"] for c in board.results["contests"] for o in c["options"]}
                self.stdout.write(f"{board.board_id}: {board.results['ballots_counted']} ballots counted: {totals}")
