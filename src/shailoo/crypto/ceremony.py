# SPDX-License-Identifier: Apache-2.0
"""The authenticated k-of-n key ceremony (docs/protocol.md 4): Feldman VSS with a joint Pedersen key, in
four rounds of messages, each signed by its sender's long-term key from the manifest and naming the
ceremony (Q, attempt). Each message can be built by its holder and checked by anyone on its own, as it
arrives; ``check_transcript`` checks the whole of ceremony.json."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import codec, jcs, signature
from shailoo.crypto.chaum_pedersen import ChaumPedersenProof, prove_equal_logs, verify_equal_logs
from shailoo.crypto.errors import CryptoError, InvalidEncoding, InvalidRecord
from shailoo.crypto.group import GENERATOR, IDENTITY, L, Point, Scalar, base_mul, encode_int, hash_bytes
from shailoo.crypto.manifest import Manifest
from shailoo.crypto.randomness import SYSTEM, Randomness, random_scalar
from shailoo.crypto.schnorr import prove_knowledge, verify_knowledge
from shailoo.crypto.signature import SigningKey

KEY, SHARES, CHECK, FINAL = "ceremony-key", "ceremony-shares", "ceremony-check", "ceremony-final"


@dataclass(frozen=True, slots=True)
class Ceremony:
    """Which ceremony: the manifest (Q, the holders' keys, k of n) and the attempt number (a ceremony that
    stalls is started again with the next attempt; messages of one attempt are worthless in another)."""

    manifest: Manifest
    attempt: int = 1

    @property
    def holders(self) -> int:
        return self.manifest.holders

    @property
    def quorum(self) -> int:
        return self.manifest.quorum

    def label(self, kind: str, *numbers: int) -> bytes:
        return codec.label("ceremony", str(self.attempt), kind, *(str(n) for n in numbers))


@dataclass(frozen=True, slots=True, repr=False)
class HolderSecrets:
    """What holder i keeps: its share-decryption key e_i and its polynomial's coefficients a_{i,0..k-1}."""

    index: int
    encryption_secret: Scalar
    coefficients: tuple[Scalar, ...]

    def to_json(self) -> dict[str, Any]:
        """For the holder's own encrypted file between rounds (never sent anywhere)."""
        return {"index": self.index, "encryption_secret": self.encryption_secret.hex(),
                "coefficients": [a.hex() for a in self.coefficients]}

    @staticmethod
    def from_json(data: Any, where: str = "holder secrets") -> HolderSecrets:
        codec.fields(data, where, ("index", "encryption_secret", "coefficients"))
        return HolderSecrets(codec.integer(data, "index", where, 1), codec.scalar(data, "encryption_secret", where),
                             tuple(codec.scalar_of(a, where) for a in codec.items(data, "coefficients", where, 1, 64)))


@dataclass(frozen=True, slots=True)
class KeyMessage:
    """Round 1: E_i = e_i G and the Feldman commitments C_{i,l} = a_{i,l} G, each with a Schnorr proof."""

    holder: int
    encryption_key: Point
    commitments: tuple[Point, ...]
    json: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EncryptedShare:
    recipient: int
    ephemeral: Point  # R = rho G
    ciphertext: bytes  # le32(f_i(j)) XOR H("share-pad", ...)[0:32]


@dataclass(frozen=True, slots=True)
class SharesMessage:
    """Round 2: dealer i's share f_i(j) for every holder j, encrypted to E_j."""

    holder: int
    shares: tuple[EncryptedShare, ...]
    json: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Complaint:
    """Holder ``complainant`` reveals D = e_j R of dealer's share, proving log_R D = log_G E_j."""

    complainant: int
    dealer: int
    shared_point: Point
    proof: ChaumPedersenProof


@dataclass(frozen=True, slots=True)
class CheckMessage:
    """Round 3: holder j acknowledges what it received (digest of round 2) and files its complaints."""

    holder: int
    complaints: tuple[Complaint, ...]
    json: dict[str, Any]


def _fail(check: str, what: str, where: str) -> InvalidRecord:
    return InvalidRecord(what, where, check)


def _sign(ceremony: Ceremony, body: dict[str, Any], key: SigningKey, rng: Randomness) -> dict[str, Any]:
    signed = signature.sign(key, "ceremony", [ceremony.manifest.digest, jcs.canonical(body)], rng)
    return {**body, "signature": signed.hex()}


def _check_signature(ceremony: Ceremony, data: dict[str, Any], holder: int, where: str) -> None:
    body = {k: v for k, v in data.items() if k != "signature"}
    try:
        signature.verify(ceremony.manifest.authorities.holder_key(holder), "ceremony",
                         [ceremony.manifest.digest, jcs.canonical(body)],
                         codec.hex_field(data, "signature", 64, where), where)
    except CryptoError as error:
        raise _fail("ceremony.signature", f"not signed by holder {holder}'s registered key ({error.what})",
                    where) from error


def _envelope(ceremony: Ceremony, data: Any, kind: str, keys: tuple[str, ...], where: str,
              holders: Sequence[int] | None = None) -> int:
    """Schema, ceremony name and sender of a message, and its signature; returns the sender."""
    codec.fields(data, where, ("kind", "attempt", "holder", *keys, "signature"))
    if data["kind"] != kind:
        raise _fail("ceremony.schema", f"expected a {kind} message", where)
    if codec.integer(data, "attempt", where, 1) != ceremony.attempt:
        raise _fail("ceremony.attempt", f"message of attempt {data['attempt']}, this is attempt {ceremony.attempt}",
                    where)
    holder = codec.integer(data, "holder", where, 1, ceremony.holders)
    if holders is not None and holder not in holders:
        raise _fail("ceremony.schema", f"holder {holder} has no message to send here", where)
    _check_signature(ceremony, data, holder, where)
    return holder


def digest(ceremony: Ceremony, tag: str, messages: Sequence[dict[str, Any]]) -> bytes:
    """H(tag, Q, JCS(m_1), ..., JCS(m_n)) over a round's messages in holder order, signatures included."""
    return hash_bytes(tag, ceremony.manifest.digest, *(jcs.canonical(m) for m in messages))


def start_holder(ceremony: Ceremony, index: int, rng: Randomness = SYSTEM) -> HolderSecrets:
    """Draws e_i, then a_{i,0}, ..., a_{i,k-1}."""
    if not 1 <= index <= ceremony.holders:
        raise ValueError("holder indices run from 1 to n")
    return HolderSecrets(index, random_scalar(rng), tuple(random_scalar(rng) for _ in range(ceremony.quorum)))


# Round 1 ---------------------------------------------------------------------------------------------

def make_key_message(ceremony: Ceremony, secrets: HolderSecrets, key: SigningKey,
                     rng: Randomness = SYSTEM) -> dict[str, Any]:
    i, context = secrets.index, ceremony.manifest.digest
    encryption_key = base_mul(secrets.encryption_secret)
    commitments = [base_mul(a) for a in secrets.coefficients]
    body = {
        "kind": KEY, "attempt": ceremony.attempt, "holder": i,
        "encryption_key": encryption_key.hex(),
        "encryption_key_proof": codec.proof_to_json(prove_knowledge(
            secrets.encryption_secret, encryption_key, context, ceremony.label("encryption-key", i), rng)),
        "commitments": [c.hex() for c in commitments],
        "commitment_proofs": [
            codec.proof_to_json(prove_knowledge(a, c, context, ceremony.label("coefficient", i, position), rng))
            for position, (a, c) in enumerate(zip(secrets.coefficients, commitments, strict=True))
        ],
    }
    return _sign(ceremony, body, key, rng)


def check_key_message(ceremony: Ceremony, data: Any, where: str) -> KeyMessage:
    keys = ("encryption_key", "encryption_key_proof", "commitments", "commitment_proofs")
    i = _envelope(ceremony, data, KEY, keys, where)
    context, k = ceremony.manifest.digest, ceremony.quorum
    try:
        encryption_key = codec.point(data, "encryption_key", where, identity=False)
        commitments = tuple(codec.point_of(c, f"{where}.commitments[{n}]", identity=False)
                            for n, c in enumerate(codec.items(data, "commitments", where, k, k)))
    except InvalidEncoding as error:
        check = "ceremony.identity" if error.check == "identity" else "ceremony.schema"
        raise _fail(check, error.what, error.where) from error
    proofs = codec.items(data, "commitment_proofs", where, k, k)
    try:
        verify_knowledge(codec.schnorr_from_json(data["encryption_key_proof"], f"{where}.encryption_key_proof"),
                         encryption_key, context, ceremony.label("encryption-key", i), where)
        for n, (commitment, proof) in enumerate(zip(commitments, proofs, strict=True)):
            verify_knowledge(codec.schnorr_from_json(proof, f"{where}.commitment_proofs[{n}]"), commitment,
                             context, ceremony.label("coefficient", i, n), f"{where} C{n}")
    except InvalidEncoding:
        raise
    except CryptoError as error:
        raise _fail("ceremony.key-proof", error.what, error.where) from error
    return KeyMessage(i, encryption_key, commitments, data)


# Round 2 ---------------------------------------------------------------------------------------------

def _pad(ceremony: Ceremony, dealer: int, recipient: int, ephemeral: Point, shared: Point) -> bytes:
    return hash_bytes("share-pad", ceremony.manifest.digest, encode_int(ceremony.attempt), encode_int(dealer),
                      encode_int(recipient), ephemeral.data, shared.data)[:32]


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(left, right, strict=True))


def evaluate(coefficients: Sequence[Scalar], at: int) -> Scalar:
    value = 0
    for coefficient in reversed(coefficients):
        value = (value * at + coefficient.value) % L
    return Scalar(value)


def commitment_at(commitments: Sequence[Point], at: int) -> Point:
    """sum_l j^l C_l: the public image f(j) G of a committed polynomial."""
    total, power = IDENTITY, 1
    for commitment in commitments:
        total = total + commitment * Scalar(power)
        power = power * at % L
    return total


def check_round(ceremony: Ceremony, messages: Sequence[Any], kind: str) -> None:
    if [m.holder for m in messages] != list(range(1, ceremony.holders + 1)):
        raise _fail("ceremony.schema", f"expected one {kind} message per holder 1..n, in order", "ceremony")


def make_shares_message(ceremony: Ceremony, secrets: HolderSecrets, keys: Sequence[KeyMessage], key: SigningKey,
                        rng: Randomness = SYSTEM, cheat_on: frozenset[int] = frozenset()) -> dict[str, Any]:
    """Send f_i(j) to every holder j encrypted to E_j (draws rho per recipient, in order). ``cheat_on``
    corrupts the shares of those recipients: only for showing that complaints work."""
    check_round(ceremony, keys, KEY)
    shares = []
    for message in keys:
        value = evaluate(secrets.coefficients, message.holder)
        if message.holder in cheat_on:
            value = value + Scalar(1)
        rho = random_scalar(rng)
        ephemeral = base_mul(rho)
        pad = _pad(ceremony, secrets.index, message.holder, ephemeral, message.encryption_key * rho)
        shares.append({"recipient": message.holder, "ephemeral": ephemeral.hex(),
                       "ciphertext": _xor(value.to_bytes(), pad).hex()})
    body = {"kind": SHARES, "attempt": ceremony.attempt, "holder": secrets.index,
            "keys_digest": digest(ceremony, "ceremony-keys", [m.json for m in keys]).hex(), "shares": shares}
    return _sign(ceremony, body, key, rng)


def check_shares_message(ceremony: Ceremony, data: Any, keys: Sequence[KeyMessage], where: str) -> SharesMessage:
    i = _envelope(ceremony, data, SHARES, ("keys_digest", "shares"), where)
    check_round(ceremony, keys, KEY)
    if codec.hex_field(data, "keys_digest", 64, where) != digest(ceremony, "ceremony-keys", [m.json for m in keys]):
        raise _fail("ceremony.transcript", "keys_digest differs: the dealer saw other round-1 messages", where)
    shares = []
    n = ceremony.holders
    for j, raw in enumerate(codec.items(data, "shares", where, n, n), start=1):
        at = f"{where}.shares[{j - 1}]"
        codec.fields(raw, at, ("recipient", "ephemeral", "ciphertext"))
        if codec.integer(raw, "recipient", at) != j:
            raise _fail("ceremony.schema", "shares go to holders 1..n in order", at)
        shares.append(EncryptedShare(j, codec.point(raw, "ephemeral", at, identity=False),
                                     codec.hex_field(raw, "ciphertext", 32, at)))
    return SharesMessage(i, tuple(shares), data)


# Round 3 ---------------------------------------------------------------------------------------------

def open_share(ceremony: Ceremony, share: EncryptedShare, dealer: int, shared_point: Point) -> Scalar | None:
    """Decrypt a share with D = e_j R; None when the plaintext is not a canonical scalar."""
    raw = _xor(share.ciphertext, _pad(ceremony, dealer, share.recipient, share.ephemeral, shared_point))
    value = int.from_bytes(raw, "little")
    return Scalar(value) if value < L else None


def share_is_valid(value: Scalar | None, commitments: Sequence[Point], recipient: int) -> bool:
    return value is not None and base_mul(value) == commitment_at(commitments, recipient)


def make_check_message(ceremony: Ceremony, secrets: HolderSecrets, keys: Sequence[KeyMessage],
                       shares: Sequence[SharesMessage], key: SigningKey,
                       rng: Randomness = SYSTEM) -> tuple[dict[str, Any], dict[int, Scalar]]:
    """Open every share addressed to this holder; complain (revealing D with a proof) about each bad one.
    Returns the message and the valid shares received, by dealer. Draws one proof nonce per complaint."""
    check_round(ceremony, keys, KEY)
    check_round(ceremony, shares, SHARES)
    j = secrets.index
    received: dict[int, Scalar] = {}
    complaints = []
    for message, dealer in zip(shares, keys, strict=True):
        share = message.shares[j - 1]
        shared = share.ephemeral * secrets.encryption_secret
        value = open_share(ceremony, share, message.holder, shared)
        if share_is_valid(value, dealer.commitments, j):
            assert value is not None
            received[message.holder] = value
        elif message.holder != j:
            _, _, proof = prove_equal_logs(secrets.encryption_secret, share.ephemeral, GENERATOR,
                                           ceremony.manifest.digest, ceremony.label("complaint", j, message.holder), rng)
            complaints.append({"dealer": message.holder, "shared_point": shared.hex(),
                               "proof": codec.proof_to_json(proof)})
    body = {"kind": CHECK, "attempt": ceremony.attempt, "holder": j,
            "shares_digest": digest(ceremony, "ceremony-shares", [m.json for m in shares]).hex(),
            "complaints": complaints}
    return _sign(ceremony, body, key, rng), received


def check_check_message(ceremony: Ceremony, data: Any, keys: Sequence[KeyMessage], shares: Sequence[SharesMessage],
                        where: str) -> CheckMessage:
    """Signature, the digest of round 2, and every complaint's proof (whether it is upheld is decided by
    ``qualified_dealers``)."""
    j = _envelope(ceremony, data, CHECK, ("shares_digest", "complaints"), where)
    check_round(ceremony, shares, SHARES)
    if codec.hex_field(data, "shares_digest", 64, where) != digest(ceremony, "ceremony-shares", [m.json for m in shares]):
        raise _fail("ceremony.transcript", "shares_digest differs: the holder received other round-2 messages", where)
    complaints = []
    previous = 0
    for n, raw in enumerate(codec.items(data, "complaints", where, 0, ceremony.holders)):
        at = f"{where}.complaints[{n}]"
        codec.fields(raw, at, ("dealer", "shared_point", "proof"))
        dealer = codec.integer(raw, "dealer", at, 1, ceremony.holders)
        if dealer <= previous or dealer == j:
            raise _fail("ceremony.complaint", "complaints name other dealers, each once, in increasing order", at)
        previous = dealer
        shared = codec.point(raw, "shared_point", at)
        proof = codec.chaum_pedersen_from_json(raw["proof"], f"{at}.proof")
        share = shares[dealer - 1].shares[j - 1]
        try:
            verify_equal_logs(proof, share.ephemeral, shared, GENERATOR, keys[j - 1].encryption_key,
                              ceremony.manifest.digest, ceremony.label("complaint", j, dealer), at)
        except CryptoError as error:
            raise _fail("ceremony.complaint", error.what, at) from error
        complaints.append(Complaint(j, dealer, shared, proof))
    return CheckMessage(j, tuple(complaints), data)


def qualified_dealers(ceremony: Ceremony, keys: Sequence[KeyMessage], shares: Sequence[SharesMessage],
                      checks: Sequence[CheckMessage]) -> tuple[int, ...]:
    """Dealers with no upheld complaint: a complaint is upheld when the share its revealed D opens does not
    match the dealer's commitments (a complaint about a good share is rejected, the dealer stays)."""
    check_round(ceremony, checks, CHECK)
    guilty = set()
    for check in checks:
        for complaint in check.complaints:
            share = shares[complaint.dealer - 1].shares[complaint.complainant - 1]
            value = open_share(ceremony, share, complaint.dealer, complaint.shared_point)
            if not share_is_valid(value, keys[complaint.dealer - 1].commitments, complaint.complainant):
                guilty.add(complaint.dealer)
    return tuple(m.holder for m in keys if m.holder not in guilty)


def joint_public_key(keys: Sequence[KeyMessage], qualified: Sequence[int]) -> Point:
    """K = sum over qualified dealers of C_{i,0}."""
    total = IDENTITY
    for message in keys:
        if message.holder in qualified:
            total = total + message.commitments[0]
    return total


def verification_key(keys: Sequence[KeyMessage], qualified: Sequence[int], holder: int) -> Point:
    """X_j = x_j G = sum over qualified dealers of sum_l j^l C_{i,l}; computable by anyone."""
    total = IDENTITY
    for message in keys:
        if message.holder in qualified:
            total = total + commitment_at(message.commitments, holder)
    return total


def secret_share(received: dict[int, Scalar], qualified: Sequence[int]) -> Scalar:
    """Holder j's x_j = sum over qualified dealers of f_i(j)."""
    missing = set(qualified) - set(received)
    if missing:
        raise InvalidRecord(f"no valid share from qualified dealers {sorted(missing)}")
    return Scalar(sum(received[i].value for i in qualified))


def outcome(ceremony: Ceremony, keys: Sequence[KeyMessage], shares: Sequence[SharesMessage],
            checks: Sequence[CheckMessage]) -> tuple[tuple[int, ...], Point]:
    """(QUAL, K) once every check message is in; refuses fewer than k qualified dealers or K = identity."""
    qualified = qualified_dealers(ceremony, keys, shares, checks)
    if len(qualified) < ceremony.quorum:
        raise _fail("ceremony.quorum", f"{len(qualified)} qualified dealers, fewer than the quorum {ceremony.quorum}",
                    "ceremony")
    key = joint_public_key(keys, qualified)
    if key.is_identity():
        raise _fail("ceremony.identity", "the joint public key is the identity", "ceremony")
    return qualified, key


# Round 4 ---------------------------------------------------------------------------------------------

def make_final(ceremony: Ceremony, holder: int, checks: Sequence[CheckMessage], qualified: Sequence[int],
               joint_key: Point, key: SigningKey, rng: Randomness = SYSTEM) -> dict[str, Any]:
    """Holder's signature on the result: the digest of round 3 (which binds rounds 1 and 2), QUAL and K."""
    body = {"kind": FINAL, "attempt": ceremony.attempt, "holder": holder,
            "checks_digest": digest(ceremony, "ceremony-checks", [m.json for m in checks]).hex(),
            "qualified": list(qualified), "joint_public_key": joint_key.hex()}
    return _sign(ceremony, body, key, rng)


def check_final(ceremony: Ceremony, data: Any, checks: Sequence[CheckMessage], qualified: Sequence[int],
                joint_key: Point, where: str) -> int:
    holder = _envelope(ceremony, data, FINAL, ("checks_digest", "qualified", "joint_public_key"), where, qualified)
    if codec.hex_field(data, "checks_digest", 64, where) != digest(ceremony, "ceremony-checks", [m.json for m in checks]):
        raise _fail("ceremony.final", "checks_digest differs from the transcript", where)
    signed = codec.integers(data, "qualified", where, 1, ceremony.holders, 0, ceremony.holders)
    if signed != list(qualified) or data["joint_public_key"] != joint_key.hex():
        raise _fail("ceremony.final", "the holder signed another qualified set or joint key", where)
    return holder
