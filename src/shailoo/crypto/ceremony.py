# SPDX-License-Identifier: Apache-2.0
"""k-of-n key ceremony (Feldman VSS, joint Pedersen key): commitments with Schnorr proofs, shares sent
encrypted to each holder, publicly verifiable complaints, the qualified set and the joint public key."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shailoo.crypto import codec
from shailoo.crypto.chaum_pedersen import ChaumPedersenProof, prove_equal_logs, verify_equal_logs
from shailoo.crypto.errors import InvalidProof, InvalidRecord
from shailoo.crypto.group import GENERATOR, IDENTITY, L, Point, Scalar, base_mul, encode_int, hash_bytes
from shailoo.crypto.schnorr import SchnorrProof, prove_knowledge, verify_knowledge


@dataclass(frozen=True, slots=True)
class EncryptedShare:
    """f_i(j) for recipient j: ``ephemeral`` R = rho G, ``ciphertext`` = f_i(j) XOR H("share-pad", ..., rho E_j)."""

    recipient: int
    ephemeral: Point
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class DealerMessage:
    """What holder i publishes: its share-encryption key E_i, Feldman commitments C_{i,l} = a_{i,l} G."""

    index: int
    encryption_key: Point
    encryption_key_proof: SchnorrProof
    commitments: tuple[Point, ...]
    commitment_proofs: tuple[SchnorrProof, ...]
    shares: tuple[EncryptedShare, ...]


@dataclass(frozen=True, slots=True)
class HolderSecrets:
    """What holder i keeps: its decryption key e_i and its polynomial's coefficients a_{i,0..k-1}."""

    index: int
    encryption_secret: Scalar
    coefficients: tuple[Scalar, ...]


@dataclass(frozen=True, slots=True)
class Complaint:
    """Holder ``complainant`` reveals D = e_j R for the share from ``dealer``, proving log_G E_j = log_R D."""

    complainant: int
    dealer: int
    shared_point: Point
    proof: ChaumPedersenProof


def _label(kind: str, *numbers: int) -> bytes:
    return codec.label("ceremony", kind, *(str(n) for n in numbers))


def _pad(context: bytes, dealer: int, recipient: int, ephemeral: Point, shared: Point) -> bytes:
    return hash_bytes(
        "share-pad", context, encode_int(dealer), encode_int(recipient), ephemeral.data, shared.data
    )[:32]


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(left, right, strict=True))


def evaluate(coefficients: Sequence[Scalar], at: int) -> Scalar:
    value = 0
    for coefficient in reversed(coefficients):
        value = (value * at + coefficient.value) % L
    return Scalar(value)


def commitment_at(commitments: Sequence[Point], at: int) -> Point:
    """sum_l j^l C_l: the public image f(j) G of a committed polynomial."""
    total = IDENTITY
    power = 1
    for commitment in commitments:
        total = total + commitment * Scalar(power)
        power = power * at % L
    return total


def start_holder(index: int, quorum: int) -> HolderSecrets:
    if index < 1 or quorum < 1:
        raise ValueError("holder indices start at 1 and the quorum is at least 1")
    return HolderSecrets(index, Scalar.random(), tuple(Scalar.random() for _ in range(quorum)))


def publish_key(secrets: HolderSecrets, context: bytes) -> tuple[Point, SchnorrProof]:
    key = base_mul(secrets.encryption_secret)
    return key, prove_knowledge(secrets.encryption_secret, key, context, _label("encryption-key", secrets.index))


def deal(
    secrets: HolderSecrets,
    encryption_key_proof: SchnorrProof,
    recipient_keys: dict[int, Point],
    context: bytes,
    cheat_on: frozenset[int] = frozenset(),
) -> DealerMessage:
    """Commit to the polynomial and send f_i(j) to every j, encrypted to E_j. ``cheat_on`` corrupts the
    shares for those recipients (only the simulator and tests use it, to show that complaints work)."""
    commitments = tuple(base_mul(a) for a in secrets.coefficients)
    proofs = tuple(
        prove_knowledge(a, c, context, _label("coefficient", secrets.index, position))
        for position, (a, c) in enumerate(zip(secrets.coefficients, commitments, strict=True))
    )
    shares: list[EncryptedShare] = []
    for recipient, key in sorted(recipient_keys.items()):
        value = evaluate(secrets.coefficients, recipient)
        if recipient in cheat_on:
            value = value + Scalar(1)
        rho = Scalar.random()
        ephemeral = base_mul(rho)
        pad = _pad(context, secrets.index, recipient, ephemeral, key * rho)
        shares.append(EncryptedShare(recipient, ephemeral, _xor(value.to_bytes(), pad)))
    return DealerMessage(
        secrets.index, base_mul(secrets.encryption_secret), encryption_key_proof, commitments, proofs, tuple(shares)
    )


def verify_dealer(message: DealerMessage, quorum: int, recipients: Sequence[int], context: bytes) -> None:
    """Public checks of a dealer's message: proofs of E_i and of every coefficient, one share per holder."""
    where = f"ceremony dealer {message.index}"
    verify_knowledge(
        message.encryption_key_proof, message.encryption_key, context, _label("encryption-key", message.index), where
    )
    if len(message.commitments) != quorum or len(message.commitment_proofs) != quorum:
        raise InvalidRecord(f"expected {quorum} commitments", where)
    for position, (commitment, proof) in enumerate(zip(message.commitments, message.commitment_proofs, strict=True)):
        verify_knowledge(proof, commitment, context, _label("coefficient", message.index, position), f"{where} C{position}")
    if [share.recipient for share in message.shares] != list(recipients):
        raise InvalidRecord("shares must go to every holder once, in order", where)
    if any(len(share.ciphertext) != 32 for share in message.shares):
        raise InvalidRecord("share ciphertexts are 32 bytes", where)


def open_share(share: EncryptedShare, dealer: int, shared_point: Point, context: bytes) -> Scalar | None:
    """Decrypt a share with D = e_j R; None when the plaintext is not a canonical scalar."""
    raw = _xor(share.ciphertext, _pad(context, dealer, share.recipient, share.ephemeral, shared_point))
    value = int.from_bytes(raw, "little")
    return Scalar(value) if value < L else None


def share_is_valid(value: Scalar | None, commitments: Sequence[Point], recipient: int) -> bool:
    return value is not None and base_mul(value) == commitment_at(commitments, recipient)


def receive_share(
    secrets: HolderSecrets, message: DealerMessage, context: bytes
) -> tuple[Scalar | None, Complaint | None]:
    """Holder j opens the share from dealer i: (share, None) if it matches the commitments, else
    (None, complaint) with the Diffie-Hellman point revealed and proven, so anyone can check who lied."""
    share = next(s for s in message.shares if s.recipient == secrets.index)
    shared, _, proof = prove_equal_logs(
        secrets.encryption_secret, share.ephemeral, GENERATOR, context,
        _label("complaint", secrets.index, message.index),
    )
    value = open_share(share, message.index, shared, context)
    if share_is_valid(value, message.commitments, secrets.index):
        return value, None
    return None, Complaint(secrets.index, message.index, shared, proof)


def complaint_upheld(
    complaint: Complaint, dealer: DealerMessage, complainant: DealerMessage, context: bytes
) -> bool:
    """Anyone's check: the revealed D is proven, and the share it opens does not match the commitments."""
    share = next(s for s in dealer.shares if s.recipient == complaint.complainant)
    verify_equal_logs(
        complaint.proof, share.ephemeral, complaint.shared_point, GENERATOR, complainant.encryption_key, context,
        _label("complaint", complaint.complainant, complaint.dealer),
        f"ceremony complaint {complaint.complainant} against {complaint.dealer}",
    )
    value = open_share(share, dealer.index, complaint.shared_point, context)
    return not share_is_valid(value, dealer.commitments, complaint.complainant)


def qualified_dealers(
    messages: Sequence[DealerMessage], complaints: Sequence[Complaint], context: bytes
) -> tuple[int, ...]:
    """Dealers with no upheld complaint. A complaint that is not upheld is itself rejected (the complainant
    lied); it does not disqualify the dealer."""
    by_index = {m.index: m for m in messages}
    guilty = {c.dealer for c in complaints if complaint_upheld(c, by_index[c.dealer], by_index[c.complainant], context)}
    return tuple(m.index for m in messages if m.index not in guilty)


def shares_digest(messages: Sequence[DealerMessage], recipient: int) -> bytes:
    """What holder j received: every dealer's commitments and the encrypted share addressed to j."""
    parts: list[bytes] = []
    for message in messages:
        parts += [encode_int(message.index), *(c.data for c in message.commitments)]
        parts += [s.ephemeral.data + s.ciphertext for s in message.shares if s.recipient == recipient]
    return hash_bytes("acknowledgement", *parts)


def acknowledge(secrets: HolderSecrets, messages: Sequence[DealerMessage], context: bytes) -> SchnorrProof:
    """Holder j signs (a Schnorr proof with E_j) what it received, so that no share can be altered later."""
    label = _label("acknowledgement", secrets.index) + shares_digest(messages, secrets.index)
    return prove_knowledge(secrets.encryption_secret, base_mul(secrets.encryption_secret), context, label)


def verify_acknowledgement(
    proof: SchnorrProof, holder: DealerMessage, messages: Sequence[DealerMessage], context: bytes
) -> None:
    label = _label("acknowledgement", holder.index) + shares_digest(messages, holder.index)
    verify_knowledge(proof, holder.encryption_key, context, label, f"ceremony acknowledgement of holder {holder.index}")


def joint_public_key(messages: Sequence[DealerMessage], qualified: Sequence[int]) -> Point:
    """K = sum over qualified dealers of C_{i,0}."""
    total = IDENTITY
    for message in messages:
        if message.index in qualified:
            total = total + message.commitments[0]
    return total


def verification_key(messages: Sequence[DealerMessage], qualified: Sequence[int], holder: int) -> Point:
    """X_j = x_j G = sum over qualified dealers of sum_l j^l C_{i,l}; computable by anyone."""
    total = IDENTITY
    for message in messages:
        if message.index in qualified:
            total = total + commitment_at(message.commitments, holder)
    return total


def combine_shares(received: dict[int, Scalar], qualified: Sequence[int]) -> Scalar:
    """Holder j's secret share x_j = sum over qualified dealers of f_i(j)."""
    missing = set(qualified) - set(received)
    if missing:
        raise InvalidProof(f"no valid share from qualified dealers {sorted(missing)}")
    return Scalar(sum(received[i].value for i in qualified))


def dealer_to_json(message: DealerMessage) -> dict[str, Any]:
    return {
        "index": message.index,
        "encryption_key": message.encryption_key.hex(),
        "encryption_key_proof": codec.proof_to_json(message.encryption_key_proof),
        "commitments": [c.hex() for c in message.commitments],
        "commitment_proofs": [codec.proof_to_json(p) for p in message.commitment_proofs],
        "shares": [
            {"recipient": s.recipient, "ephemeral": s.ephemeral.hex(), "ciphertext": s.ciphertext.hex()}
            for s in message.shares
        ],
    }


def dealer_from_json(data: Any, where: str) -> DealerMessage:
    shares = []
    for position, raw in enumerate(codec.items(data, "shares", where)):
        here = f"{where}.shares[{position}]"
        ciphertext = codec.text(raw, "ciphertext", here)
        try:
            raw_bytes = bytes.fromhex(ciphertext)
        except ValueError as error:
            raise InvalidRecord("share ciphertext must be hex", here) from error
        shares.append(EncryptedShare(codec.integer(raw, "recipient", here), codec.point(raw, "ephemeral", here), raw_bytes))
    return DealerMessage(
        codec.integer(data, "index", where),
        codec.point(data, "encryption_key", where),
        codec.schnorr_from_json(codec.field(data, "encryption_key_proof", where), f"{where}.encryption_key_proof"),
        tuple(Point.from_hex(c, f"{where}.commitments[{i}]") for i, c in enumerate(codec.items(data, "commitments", where))),
        tuple(
            codec.schnorr_from_json(p, f"{where}.commitment_proofs[{i}]")
            for i, p in enumerate(codec.items(data, "commitment_proofs", where))
        ),
        tuple(shares),
    )


def complaint_to_json(complaint: Complaint) -> dict[str, Any]:
    return {
        "complainant": complaint.complainant,
        "dealer": complaint.dealer,
        "shared_point": complaint.shared_point.hex(),
        "proof": codec.proof_to_json(complaint.proof),
    }


def complaint_from_json(data: Any, where: str) -> Complaint:
    return Complaint(
        codec.integer(data, "complainant", where),
        codec.integer(data, "dealer", where),
        codec.point(data, "shared_point", where),
        codec.chaum_pedersen_from_json(codec.field(data, "proof", where), f"{where}.proof"),
    )


@dataclass(frozen=True, slots=True)
class CeremonyOutcome:
    """A whole ceremony run in one process (simulations and tests; real holders run each step apart)."""

    dealers: tuple[DealerMessage, ...]
    complaints: tuple[Complaint, ...]
    qualified: tuple[int, ...]
    joint_public_key: Point
    secret_shares: dict[int, Scalar]
    acknowledgements: tuple[SchnorrProof, ...]


def run_ceremony(
    holders: int, quorum: int, context: bytes, cheats: dict[int, frozenset[int]] | None = None
) -> CeremonyOutcome:
    """Every holder deals, every holder checks what it received and complains about bad shares."""
    if not 1 <= quorum <= holders:
        raise ValueError("the quorum must be between 1 and the number of holders")
    cheats = cheats or {}
    secrets = {i: start_holder(i, quorum) for i in range(1, holders + 1)}
    keys = {i: publish_key(secrets[i], context) for i in secrets}
    public_keys = {i: key for i, (key, _) in keys.items()}
    messages = tuple(
        deal(secrets[i], keys[i][1], public_keys, context, cheats.get(i, frozenset())) for i in secrets
    )
    complaints: list[Complaint] = []
    received: dict[int, dict[int, Scalar]] = {j: {} for j in secrets}
    for j in secrets:
        for message in messages:
            value, complaint = receive_share(secrets[j], message, context)
            if complaint is not None:
                complaints.append(complaint)
            elif value is not None:
                received[j][message.index] = value
    qualified = qualified_dealers(messages, complaints, context)
    if len(qualified) < quorum:
        raise InvalidRecord(f"only {len(qualified)} qualified dealers, fewer than the quorum {quorum}")
    shares = {j: combine_shares(received[j], qualified) for j in secrets}
    acknowledgements = tuple(acknowledge(secrets[j], messages, context) for j in secrets)
    return CeremonyOutcome(
        messages, tuple(complaints), qualified, joint_public_key(messages, qualified), shares, acknowledgements
    )
