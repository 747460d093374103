# SPDX-License-Identifier: Apache-2.0
"""The bulletin board (docs/protocol.md 8): a hash chain of ballot, challenge and close entries, the
board's signed receipts, and what the server calls one entry at a time: accept a submitted cast ballot or
challenge (every check of the ballot itself), append it (new head, signed receipt), close the polls."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import codec, jcs, signature
from shailoo.crypto.ballot import (
    BallotOpening,
    CastBallot,
    EncryptedBallot,
    ballot_from_json,
    ballot_to_json,
    cast_from_json,
    cast_to_json,
    display_code,
    opening_from_json,
    opening_to_json,
    tracking_hash,
    verify_ballot,
    verify_cast_signature,
    verify_opening,
)
from shailoo.crypto.errors import CryptoError, InvalidRecord, placed
from shailoo.crypto.group import Point, encode_int, hash_bytes
from shailoo.crypto.manifest import Manifest
from shailoo.crypto.randomness import SYSTEM, Randomness
from shailoo.crypto.signature import SigningKey

BALLOT, CHALLENGE, CLOSE = "ballot", "challenge", "close"
RECEIPT_KIND = "receipt"


@dataclass(frozen=True, slots=True)
class BoardState:
    """The chain after ``position`` entries: its head, the last entry's time, whether it is closed."""

    position: int
    head: bytes
    time: int
    closed: bool = False


@dataclass(frozen=True, slots=True)
class ChallengedBallot:
    ballot: EncryptedBallot
    tracking: bytes
    opening: BallotOpening


@dataclass(frozen=True, slots=True)
class Appended:
    """An appended entry (as it goes into board.jsonl), the state after it, and the voter's receipt."""

    entry: dict[str, Any]
    state: BoardState
    receipt: dict[str, Any] | None


def genesis(manifest: Manifest) -> BoardState:
    """The empty board: head_0 = H("board-genesis", Q)."""
    return BoardState(0, hash_bytes("board-genesis", manifest.digest), manifest.opens)


def entry_head(manifest: Manifest, previous: bytes, position: int, kind: str, time: int, parts: list[bytes]) -> bytes:
    """head_p = H("board-entry", Q, head_{p-1}, p, type, time, the type's parts)."""
    return hash_bytes("board-entry", manifest.digest, previous, encode_int(position), kind.encode(),
                      encode_int(time), *parts)


def ballot_parts(cast: CastBallot) -> list[bytes]:
    return [cast.tracking, cast.credential.data, cast.signature]


def challenge_parts(tracking: bytes, opening_json: dict[str, Any]) -> list[bytes]:
    return [tracking, jcs.canonical_known(opening_json)]


def close_parts(ballots: int, challenges: int, signed: bytes) -> list[bytes]:
    return [encode_int(ballots), encode_int(challenges), signed]


def close_signed_parts(manifest: Manifest, previous: bytes, position: int, time: int, ballots: int,
                       challenges: int) -> list[bytes]:
    return [manifest.digest, previous, encode_int(position), encode_int(time), encode_int(ballots),
            encode_int(challenges)]


def receipt_parts(manifest: Manifest, kind: str, tracking: bytes, position: int, head: bytes, time: int) -> list[bytes]:
    return [manifest.digest, kind.encode(), tracking, encode_int(position), head, encode_int(time)]


def accept_cast(
    manifest: Manifest, public_key: Point, is_listed: Callable[[bytes], bool], data: Any, where: str = "cast"
) -> CastBallot:
    """Everything the server checks of a submitted cast ballot, given its parsed JSON (jcs.loads): the
    schema, the manifest's contests, every proof, the credential on the list, the signature. What it does
    not check is that the ballot_id is fresh on this board (the caller's unique index does)."""
    try:
        cast = cast_from_json(manifest, data, where)
    except CryptoError as error:
        raise placed(error, "board.schema") from None
    if not is_listed(cast.credential.data):
        raise InvalidRecord("the credential is not on the signed credential list", where, "board.credential-unlisted")
    try:
        verify_cast_signature(manifest, cast, where)
    except CryptoError as error:
        raise placed(error, "board.signature") from None
    try:
        verify_ballot(manifest, public_key, cast.ballot, where)
    except CryptoError as error:
        raise placed(error, "board.ballot-proof") from None
    return cast


def accept_challenge(manifest: Manifest, public_key: Point, data: Any, where: str = "challenge") -> ChallengedBallot:
    """A challenged ballot as the device sends it, {"ballot", "opening"}: proofs and opening checked."""
    try:
        codec.fields(data, where, ("ballot", "opening"))
        ballot = ballot_from_json(data["ballot"], f"{where}.ballot")
        opening = opening_from_json(data["opening"], f"{where}.opening")
    except CryptoError as error:
        raise placed(error, "board.schema") from None
    try:
        verify_ballot(manifest, public_key, ballot, where)
        verify_opening(manifest, public_key, ballot, opening, where)
    except CryptoError as error:
        raise placed(error, "board.ballot-proof") from None
    return ChallengedBallot(ballot, tracking_hash(manifest.digest, data["ballot"]), opening)


def _next(manifest: Manifest, state: BoardState, time: int) -> int:
    if state.closed:
        raise ValueError("the board is closed: no entry can follow the close entry")
    if not state.time <= time or not manifest.opens <= time < manifest.closes:
        raise ValueError(f"time {time} is before the previous entry or outside the polls")
    return state.position + 1


def _receipt(manifest: Manifest, kind: str, tracking: bytes, position: int, head: bytes, time: int,
             board: SigningKey, rng: Randomness) -> dict[str, Any]:
    signed = signature.sign(board, "receipt", receipt_parts(manifest, kind, tracking, position, head, time), rng)
    return {
        "version": codec.VERSION, "kind": RECEIPT_KIND, "election_id": manifest.election_id,
        "manifest_hash": manifest.digest.hex(), "type": kind, "tracking": tracking.hex(),
        "code": display_code(tracking), "position": position, "head": head.hex(), "time": time,
        "signature": signed.hex(),
    }


def append_ballot(manifest: Manifest, state: BoardState, cast: CastBallot, time: int, board: SigningKey,
                  rng: Randomness = SYSTEM) -> Appended:
    """Append an accepted cast ballot at ``time`` (ms): the entry, the new head, the signed receipt."""
    position = _next(manifest, state, time)
    head = entry_head(manifest, state.head, position, BALLOT, time, ballot_parts(cast))
    entry = {"position": position, "type": BALLOT, "time": time, "tracking": cast.tracking.hex(),
             "cast": cast_to_json(cast)}
    receipt = _receipt(manifest, BALLOT, cast.tracking, position, head, time, board, rng)
    return Appended(entry, BoardState(position, head, time), receipt)


def append_challenge(manifest: Manifest, state: BoardState, challenged: ChallengedBallot, time: int,
                     board: SigningKey, rng: Randomness = SYSTEM) -> Appended:
    position = _next(manifest, state, time)
    opening_json = opening_to_json(challenged.opening)
    head = entry_head(manifest, state.head, position, CHALLENGE, time,
                      challenge_parts(challenged.tracking, opening_json))
    entry = {"position": position, "type": CHALLENGE, "time": time, "tracking": challenged.tracking.hex(),
             "ballot": ballot_to_json(challenged.ballot), "opening": opening_json}
    receipt = _receipt(manifest, CHALLENGE, challenged.tracking, position, head, time, board, rng)
    return Appended(entry, BoardState(position, head, time), receipt)


def close_board(manifest: Manifest, state: BoardState, time: int, ballots: int, challenges: int,
                board: SigningKey, rng: Randomness = SYSTEM) -> Appended:
    """The close entry, signed by the board: no entry may follow it. ``ballots`` and ``challenges`` count
    the entries before it."""
    if state.closed:
        raise ValueError("the board is already closed")
    if time < max(state.time, manifest.closes):
        raise ValueError("the close entry comes at or after the closing time")
    if ballots + challenges != state.position:
        raise ValueError("ballots and challenges must add up to the entries before the close")
    position = state.position + 1
    signed = signature.sign(board, "close", close_signed_parts(manifest, state.head, position, time, ballots,
                                                               challenges), rng)
    head = entry_head(manifest, state.head, position, CLOSE, time, close_parts(ballots, challenges, signed))
    entry = {"position": position, "type": CLOSE, "time": time, "ballots": ballots, "challenges": challenges,
             "signature": signed.hex()}
    return Appended(entry, BoardState(position, head, time, closed=True), None)


@dataclass(frozen=True, slots=True)
class Receipt:
    kind: str
    tracking: bytes
    position: int
    head: bytes
    time: int


def check_receipt(manifest: Manifest, data: Any, where: str = "receipt") -> Receipt:
    """Parse a receipt and check the board's signature on it (raise CryptoError with the reason)."""
    codec.header(data, where, RECEIPT_KIND, ("election_id", "manifest_hash", "type", "tracking", "code",
                                             "position", "head", "time", "signature"))
    if codec.hex_field(data, "manifest_hash", 64, where) != manifest.digest or data["election_id"] != manifest.election_id:
        raise InvalidRecord("the receipt is for another election", where, "receipt.election")
    if data["type"] not in (BALLOT, CHALLENGE):
        raise InvalidRecord("type must be ballot or challenge", where, "receipt.schema")
    receipt = Receipt(data["type"], codec.hex_field(data, "tracking", 64, where),
                      codec.integer(data, "position", where, 1), codec.hex_field(data, "head", 64, where),
                      codec.integer(data, "time", where))
    if data["code"] != display_code(receipt.tracking):
        raise InvalidRecord("the displayed code is not the tracking hash's", where, "receipt.code")
    try:
        signature.verify(manifest.authorities.board, "receipt",
                         receipt_parts(manifest, receipt.kind, receipt.tracking, receipt.position, receipt.head,
                                       receipt.time), codec.hex_field(data, "signature", 64, where), where)
    except CryptoError as error:
        raise InvalidRecord(f"the board's signature does not verify ({error.what})", where,
                            "receipt.signature") from error
    return receipt
