# SPDX-License-Identifier: Apache-2.0
"""What the holder's program does with the relay: the four rounds of docs/protocol.md 4 for every board of
the election, checking every message the relay serves as it arrives, and the guarded decryption of 10.2.

Every step is saved to the encrypted file before anything is sent, so the program can stop at any
moment and be run again: it re-sends what it saved (the relay answers the same message the same) and
continues. The relay is not trusted: a message it serves that fails a check stops the program with the
check's code; its own messages must come back unchanged; a message the relay accepted and then does not
serve is reported as dropped."""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shailoo.crypto import ceremony as c
from shailoo.crypto import jcs
from shailoo.crypto.decryption import DecryptionRefused, decrypt_share
from shailoo.crypto.errors import CryptoError, check_code
from shailoo.crypto.group import Point, Scalar, base_mul
from shailoo.crypto.manifest import Manifest, manifest_from_json
from shailoo.crypto.signature import SigningKey
from shailoo.crypto.transcript import check_transcript, transcript_json
from shailoo.crypto.verify import verify_record
from shailoo.keyholder.client import Client
from shailoo.keyholder.keyfile import KeyFile

ROUNDS = ("keys", "shares", "checks", "finals")


class Refusal(Exception):
    """The program refuses to go on: a check failed (its code names which) or the relay misbehaved."""

    def __init__(self, code: str, what: str) -> None:
        super().__init__(f"[{code}] {what}")
        self.code, self.what = code, what


@dataclass
class Status:
    board: str
    finished: bool
    line: str


@dataclass
class Holder:
    """The opened file, the relay, and what is checked once per run (the JCS bytes of messages already
    checked, so that polling does not check the same message twice)."""

    file: KeyFile
    client: Client
    say: Callable[[str], None] = print
    _checked: dict[bytes, Any] = field(default_factory=dict)

    @property
    def index(self) -> int:
        return int(self.file.data["holder"])

    @property
    def slug(self) -> str:
        return str(self.file.data["election"])

    @property
    def key(self) -> SigningKey:
        return SigningKey.from_secret(Scalar.from_hex(self.file.data["signing_key"]))

    def state(self) -> dict[str, Any]:
        state = self.client.get(f"/ceremony/api/{self.slug}")
        if not isinstance(state, dict) or not isinstance(state.get("boards"), list) or not isinstance(state.get("holders"), list):
            raise Refusal("relay.schema", "the relay's answer is not the ceremony's state")
        mine = [h for h in state["holders"] if isinstance(h, dict) and h.get("index") == self.index]
        if len(mine) != 1 or mine[0].get("public_key") != self.key.public.hex():
            raise Refusal("relay.holder-key", f"the relay does not list this program's key as holder {self.index}'s")
        return state

    # The ceremony ---------------------------------------------------------------------------------

    def step(self, board: dict[str, Any]) -> Status:
        """Do whatever this holder can do now on one board; say what it waits for."""
        board_id = str(board.get("board"))
        manifest = self._manifest(board, board_id)
        attempt = board.get("attempt")
        if not isinstance(attempt, int) or isinstance(attempt, bool) or attempt < 1:
            raise Refusal("relay.schema", f"{board_id}: no valid attempt number")
        saved = self.file.data.setdefault("boards", {}).get(board_id)
        if saved is not None:
            if saved["manifest_hash"] != manifest.digest.hex():
                raise Refusal("relay.manifest-changed", f"{board_id}: the relay now serves another manifest than the "
                              f"one this holder took part with (Q {saved['manifest_hash'][:16]}…)")
            if attempt < saved["attempt"]:
                raise Refusal("relay.attempt", f"{board_id}: the relay went back from attempt {saved['attempt']} to {attempt}")
            if saved.get("done"):
                return Status(board_id, True, self._finished_line(board_id, saved))
        crypto = c.Ceremony(manifest, attempt)
        if saved is None or attempt > saved["attempt"]:
            if saved is not None:
                self.say(f"{board_id}: attempt {attempt} replaces attempt {saved['attempt']}; starting again")
            saved = {"manifest_hash": manifest.digest.hex(), "attempt": attempt,
                     "secrets": c.start_holder(crypto, self.index).to_json(), "sent": {}, "done": False}
            self.file.data["boards"][board_id] = saved
            self.file.save()
            self.say(f"{board_id}: manifest Q = {manifest.digest.hex()}; holder keys "
                     + ", ".join(f"{i}: {k.hex()[:16]}…" for i, k in enumerate(manifest.authorities.holders, start=1)))
        return self._rounds(board_id, board, crypto, saved)

    def _manifest(self, board: dict[str, Any], board_id: str) -> Manifest:
        try:
            manifest = manifest_from_json(board.get("manifest"), f"{board_id} manifest.json")
        except CryptoError as error:
            raise Refusal(check_code(error, "manifest.schema"), str(error)) from error
        if manifest.election_id != board_id or not board_id.startswith(f"{self.slug}/"):
            raise Refusal("manifest.ids", f"the manifest served for {board_id} is of {manifest.election_id}")
        if not 1 <= self.index <= manifest.holders or manifest.authorities.holder_key(self.index) != self.key.public:
            raise Refusal("manifest.holder-key", f"{board_id}: the manifest does not name this program's key "
                          f"({self.key.public.hex()[:16]}…) as holder {self.index}'s: do not take part; tell the commission")
        return manifest

    def _checked_round(self, crypto: c.Ceremony, served: Any, name: str, check: Callable[[Any, str], Any],
                       board_id: str) -> dict[int, Any]:
        """Every message the relay serves for a round, each checked on its own; by holder."""
        if not isinstance(served, list):
            raise Refusal("relay.schema", f"{board_id}: no list of {name} messages")
        checked: dict[int, Any] = {}
        for position, message in enumerate(served):
            where = f"{board_id} {name}[{position}]"
            try:
                raw = jcs.canonical(message)
                cache_key = name.encode() + b"\0" + raw
                if cache_key not in self._checked:
                    self._checked[cache_key] = check(message, where)
                parsed = self._checked[cache_key]
            except CryptoError as error:
                raise Refusal(check_code(error, "ceremony.schema"), str(error)) from error
            except (TypeError, ValueError) as error:
                raise Refusal("ceremony.schema", f"{where}: {error}") from error
            holder = parsed if isinstance(parsed, int) else parsed.holder
            if holder in checked:
                raise Refusal("ceremony.schema", f"{where}: a second {name} message of holder {holder}")
            checked[holder] = parsed
        return dict(sorted(checked.items()))

    def _own(self, board_id: str, name: str, served: dict[int, Any], served_raw: list[Any], sent: dict[str, Any]) -> bool:
        """Our message must be served unchanged. Not served: send it (again); if the relay says it already
        holds it, it is hiding it. Returns True when the message is served."""
        if self.index in served:
            ours = next(m for m in served_raw if isinstance(m, dict) and m.get("holder") == self.index)
            if jcs.canonical(ours) != jcs.canonical(sent):
                raise Refusal("relay.own-message", f"{board_id}: the relay serves another {name} message as this "
                              "holder's than the one it sent")
            return True
        slug, number = board_id.split("/", 1)
        answer = self.client.post(f"/ceremony/api/{slug}/{number}/messages", sent)
        if isinstance(answer, dict) and answer.get("stored") is False:
            raise Refusal("relay.dropped", f"{board_id}: the relay holds this holder's {name} message (it said so) "
                          "but does not serve it to the holders")
        self.say(f"{board_id}: sent the {name} message (round {ROUNDS.index(name) + 1})")
        return False

    def _rounds(self, board_id: str, board: dict[str, Any], crypto: c.Ceremony, saved: dict[str, Any]) -> Status:
        n, me, key = crypto.holders, self.index, self.key
        messages = board.get("messages")
        if not isinstance(messages, dict):
            raise Refusal("relay.schema", f"{board_id}: no messages")
        secrets = c.HolderSecrets.from_json(saved["secrets"])
        sent = saved["sent"]

        def waiting(number: int, have: dict[int, Any], expected: tuple[int, ...]) -> Status:
            missing = [h for h in expected if h not in have]
            return Status(board_id, False, f"{board_id}: round {number} ({ROUNDS[number - 1]}): waiting for holders {missing}")

        if "keys" not in sent:
            sent["keys"] = c.make_key_message(crypto, secrets, key)
            self.file.save()
        keys = self._checked_round(crypto, messages.get("keys"), "keys",
                                   lambda m, w: c.check_key_message(crypto, m, w), board_id)
        if not self._own(board_id, "keys", keys, messages["keys"], sent["keys"]) or len(keys) < n:
            return waiting(1, keys, tuple(range(1, n + 1)))
        key_list = tuple(keys.values())

        if "shares" not in sent:
            sent["shares"] = c.make_shares_message(crypto, secrets, key_list, key)
            self.file.save()
        shares = self._checked_round(crypto, messages.get("shares"), "shares",
                                     lambda m, w: c.check_shares_message(crypto, m, key_list, w), board_id)
        if not self._own(board_id, "shares", shares, messages["shares"], sent["shares"]) or len(shares) < n:
            return waiting(2, shares, tuple(range(1, n + 1)))
        share_list = tuple(shares.values())

        if "checks" not in sent:
            message, received = c.make_check_message(crypto, secrets, key_list, share_list, key)
            sent["checks"] = message
            saved["received"] = {str(dealer): value.hex() for dealer, value in received.items()}
            self.file.save()
            for complaint in message["complaints"]:
                self.say(f"{board_id}: COMPLAINT filed against dealer {complaint['dealer']}: its share to holder {me} "
                         "does not match its commitments")
        checks = self._checked_round(crypto, messages.get("checks"), "checks",
                                     lambda m, w: c.check_check_message(crypto, m, key_list, share_list, w), board_id)
        if not self._own(board_id, "checks", checks, messages["checks"], sent["checks"]) or len(checks) < n:
            return waiting(3, checks, tuple(range(1, n + 1)))
        check_list = tuple(checks.values())
        try:
            qualified, joint_key = c.outcome(crypto, key_list, share_list, check_list)
        except CryptoError as error:
            raise Refusal(check_code(error, "ceremony.quorum"), f"{board_id}: {error}; the commission must start "
                          "another attempt") from error

        if "share" not in saved:
            received = {int(dealer): Scalar.from_hex(value) for dealer, value in saved["received"].items()}
            share = c.secret_share(received, qualified)
            if base_mul(share) != c.verification_key(key_list, qualified, me):
                raise Refusal("ceremony.share", f"{board_id}: this holder's share does not match the commitments")
            saved.update(share=share.hex(), qualified=list(qualified), joint_public_key=joint_key.hex())
            self.file.save()
        if me in qualified and "finals" not in sent:
            sent["finals"] = c.make_final(crypto, me, check_list, qualified, joint_key, key)
            self.file.save()
        finals = self._checked_round(
            crypto, messages.get("finals"), "finals",
            lambda m, w: c.check_final(crypto, m, check_list, qualified, joint_key, w), board_id)
        if me in qualified and not self._own(board_id, "finals", finals, messages["finals"], sent["finals"]):
            return waiting(4, finals, qualified)
        if tuple(finals) != qualified:
            return waiting(4, finals, qualified)
        finals_raw = {m["holder"]: m for m in messages["finals"]}
        transcript = transcript_json(crypto, [keys[i].json for i in keys], [shares[i].json for i in shares],
                                     [checks[i].json for i in checks], qualified, joint_key,
                                     [finals_raw[j] for j in qualified])
        try:
            check_transcript(crypto.manifest, transcript)
        except CryptoError as error:
            raise Refusal(check_code(error, "ceremony.schema"), str(error)) from error
        saved["done"] = True
        self.file.save()
        return Status(board_id, True, self._finished_line(board_id, saved))

    @staticmethod
    def _finished_line(board_id: str, saved: dict[str, Any]) -> str:
        return (f"{board_id}: ceremony finished and verified; qualified {saved['qualified']}, "
                f"K = {saved['joint_public_key']}")

    # Decryption -----------------------------------------------------------------------------------

    def decrypt(self, board_id: str, workers: int = 1) -> dict[str, Any]:
        """Download the board's record, verify it completely, decrypt only the verifier's own sums, post."""
        saved = self.file.data.get("boards", {}).get(board_id)
        if not saved or not saved.get("done"):
            raise Refusal("decrypt.no-share", f"{board_id}: this holder has no finished ceremony for this board")
        slug, number = board_id.split("/", 1)
        with tempfile.TemporaryDirectory(prefix="shailoo-keyholder-") as folder:
            path = Path(folder) / "record.zip"
            self.client.download(f"/evoting/api/{slug}/{number}/record.zip", path)
            code, report, verified = verify_record(path, workers, before_decryption=True)
        if code != 0 or verified is None:
            self.say(report.render())
            failures = "; ".join(f"[{f.check}] {f.where}: {f.what}" for f in report.failures[:5])
            raise Refusal("decrypt.record-invalid", f"{board_id}: the record does not verify, nothing decrypted: {failures}")
        if verified.manifest.digest.hex() != saved["manifest_hash"]:
            raise Refusal("decrypt.manifest", f"{board_id}: the record's manifest is not the one of the ceremony")
        if verified.ceremony.joint_public_key != Point.from_hex(saved["joint_public_key"]):
            raise Refusal("decrypt.ceremony", f"{board_id}: the record's ceremony is not the one this holder signed")
        try:
            message = decrypt_share(verified, self.index, Scalar.from_hex(saved["share"]), self.key)
        except DecryptionRefused as error:
            raise Refusal("decrypt.refused", f"{board_id}: {error}") from error
        self.say(f"{board_id}: record verified ({verified.tally.ballots_counted} ballots count, head "
                 f"{verified.tally.head.hex()[:16]}…); sums recomputed; partial decryption made")
        self.client.post(f"/evoting/api/{slug}/{number}/decryptions", message)
        saved["decrypted"] = verified.tally.head.hex()
        self.file.save()
        return message
