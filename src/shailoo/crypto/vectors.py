# SPDX-License-Identifier: Apache-2.0
"""Known-answer vectors (docs/protocol.md 13): ``python -m shailoo.crypto.vectors DIRECTORY``.

Writes primitives.json (hashes, labels, canonical JSON, the seeded stream, proofs, signatures, credentials,
codes, each with its inputs, randomness and intermediate values) and election.json (a small election: every
ceremony message, the credential list, each ballot with its opening, tracking hash and cast signature,
every board entry with its head, every receipt, the close, the tally, the decryptions and the results).
Every random value comes from SeededRandomness with the seed written beside it, so a second
implementation that consumes the stream in the order the spec states reproduces every byte.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shailoo.crypto import ballot, board, codec, credential, jcs, signature, tally, transcript
from shailoo.crypto.chaum_pedersen import prove_equal_logs
from shailoo.crypto.disjunctive import prove_range
from shailoo.crypto.elgamal import encrypt
from shailoo.crypto.group import GENERATOR, Scalar, base_mul, hash_bytes, hash_to_scalar
from shailoo.crypto.manifest import Authorities, Contest, Manifest, Option
from shailoo.crypto.randomness import SeededRandomness, random_scalar
from shailoo.crypto.schnorr import prove_knowledge
from shailoo.crypto.signature import SigningKey, generate_signing_key

Q_EXAMPLE = bytes(range(64))


def seeded(name: str) -> tuple[str, SeededRandomness]:
    """Each vector draws from its own stream; the seed is the UTF-8 of its name."""
    return name, SeededRandomness(name.encode())


def _hashes() -> list[dict[str, Any]]:
    cases = [("manifest", []), ("ballot", [b"", b"abc"]), ("board-genesis", [Q_EXAMPLE])]
    out = [{"tag": tag, "parts": [p.hex() for p in parts], "H": hash_bytes(tag, *parts).hex(),
            "Hs": hash_to_scalar(tag, *parts).hex()} for tag, parts in cases]
    label = codec.label("selection", "00" * 16, "mayor", "m1")
    out.append({"label_texts": ["selection", "00" * 16, "mayor", "m1"], "label": label.hex(),
                "H_schnorr_of_Q_and_label": hash_bytes("schnorr", Q_EXAMPLE, label).hex()})
    return out


def _signature(name: str, purpose: str, parts: list[bytes]) -> dict[str, Any]:
    seed, rng = seeded(name)
    key = generate_signing_key(rng)
    replay = SeededRandomness(seed.encode())
    replay.bytes(64)  # the key's secret
    z = replay.bytes(32)
    nonce = hash_to_scalar("signature-nonce", key.secret.to_bytes(), z, purpose.encode(), *parts)
    signed = signature.sign(key, purpose, parts, rng)
    challenge = hash_to_scalar("signature", key.public.data, signed[:32], purpose.encode(), *parts)
    return {"seed": seed, "secret": key.secret.hex(), "public": key.public.hex(), "purpose": purpose,
            "parts": [p.hex() for p in parts], "z": z.hex(), "r": nonce.hex(), "R": signed[:32].hex(),
            "c": challenge.hex(), "s": signed[32:].hex(), "signature": signed.hex()}


def _range_proof(name: str, value: int, low: int, high: int) -> dict[str, Any]:
    seed, rng = seeded(name)
    secret = random_scalar(rng)
    key = base_mul(secret)
    nonce = random_scalar(rng)
    ciphertext = encrypt(value, key, nonce)
    label = codec.label("example", name)
    replay = SeededRandomness(seed.encode())
    replay.bytes(128)
    draws = [(random_scalar(replay), random_scalar(replay)) for _ in range(low, high + 1)]
    proof = prove_range(ciphertext, value, nonce, key, low, high, Q_EXAMPLE, label, rng)
    branches = []
    for j, (t, drawn) in zip(range(low, high + 1), draws, strict=True):
        c_j = Scalar(drawn.value * (j != value))
        branches.append({"j": j, "t": t.hex(), "c_drawn": drawn.hex(), "A": base_mul(t).hex(),
                         "B": (key * t + base_mul(c_j * Scalar(j - value))).hex()})
    return {"seed": seed, "key_secret": secret.hex(), "K": key.hex(), "value": value, "nonce": nonce.hex(),
            "Q": Q_EXAMPLE.hex(), "label": label.hex(), "lo": low, "hi": high,
            "ciphertext": codec.ciphertext_to_json(ciphertext), "branches": branches,
            "c": Scalar(sum(c.value for c in proof.challenges)).hex(), "proof": codec.range_proof_to_json(proof)}


def primitives() -> dict[str, Any]:
    seed, rng = seeded("primitives/stream")
    stream = rng.bytes(96)
    _, rng = seeded("primitives/schnorr")
    schnorr_secret = random_scalar(rng)
    schnorr = prove_knowledge(schnorr_secret, base_mul(schnorr_secret), Q_EXAMPLE, codec.label("example"), rng)
    _, rng = seeded("primitives/chaum-pedersen")
    x, b = random_scalar(rng), base_mul(random_scalar(rng))
    h1, h2, cp = prove_equal_logs(x, GENERATOR, b, Q_EXAMPLE, codec.label("example"), rng)
    cred_seed = bytes(range(32))
    cred = credential.credential_key(cred_seed)
    jcs_input = {"b": [1, -2, True, None], "a": "é\n", "\u20ac": {}, "1": 0}
    return {
        "description": "Primitives of docs/protocol.md 1-3 and 5, 7.3; every random value from "
                       "SeededRandomness(seed as UTF-8), consumed in the order the spec states.",
        "randomness": {"seed": seed, "first_96_bytes": stream.hex(),
                       "rule": "block i = SHA-512('shailoo/v2/vector-randomness' || seed || int(i)), concatenated"},
        "uniform_scalar": {"bytes": stream[:64].hex(), "scalar": Scalar.from_uniform(stream[:64]).hex()},
        "hashes": _hashes(),
        "jcs": {"value": jcs_input, "canonical": jcs.canonical(jcs_input).decode()},
        "schnorr_proof": {"seed": "primitives/schnorr", "x": schnorr_secret.hex(), "X": base_mul(schnorr_secret).hex(),
                          "Q": Q_EXAMPLE.hex(), "label": codec.label("example").hex(),
                          "proof": codec.proof_to_json(schnorr)},
        "chaum_pedersen": {"seed": "primitives/chaum-pedersen", "x": x.hex(), "B1": GENERATOR.hex(), "H1": h1.hex(), "B2": b.hex(),
                           "H2": h2.hex(), "Q": Q_EXAMPLE.hex(), "label": codec.label("example").hex(),
                           "proof": codec.proof_to_json(cp)},
        "range_proofs": [_range_proof("primitives/range-0-of-0..1", 0, 0, 1),
                         _range_proof("primitives/range-1-of-0..1", 1, 0, 1),
                         _range_proof("primitives/range-2-of-1..3", 2, 1, 3)],
        "signatures": [_signature("primitives/signature-cast", "cast", [Q_EXAMPLE, bytes(64), GENERATOR.data]),
                       _signature("primitives/signature-empty", "receipt", [])],
        "credential": {"seed": cred_seed.hex(), "secret": cred.secret.hex(), "public": cred.public.hex(),
                       "recovery_code": credential.recovery_code(cred_seed)},
        "display_code": {"tracking": bytes(range(64)).hex(), "code": ballot.display_code(bytes(range(64)))},
    }


def _keys(name: str, count: int) -> list[SigningKey]:
    _, rng = seeded(name)
    return [generate_signing_key(rng) for _ in range(count)]


def election() -> dict[str, Any]:
    commission, board_key = _keys("election/commission", 1)[0], _keys("election/board", 1)[0]
    holders = dict(enumerate(_keys("election/holders", 3), start=1))
    manifest = Manifest(
        "vectors-2026", "Ayil kenesh (vectors)", 1_681_005_600_000, 1_681_048_800_000,
        Authorities(commission.public, board_key.public, tuple(holders[i].public for i in (1, 2, 3)), 2),
        (Contest("mayor", "Мэр", (Option("a", "Асан"), Option("b", "Үсөн")), 1, 1),
         Contest("council", "Кеңеш", (Option("x", "X"), Option("y", "Y"), Option("z", "Z"), Option("none", "Against all")),
                 0, 2, "none")),
    )
    _, rng = seeded("election/ceremony")
    run = transcript.run_ceremony(manifest, holders, rng, cheats={3: frozenset({1})})
    key = run.result.joint_public_key
    voters = [credential.new_credential(seeded(f"election/voter-{v}")[1]) for v in range(3)]
    _, rng = seeded("election/credential-list")
    credentials = credential.sign_list(manifest, [k.public for _, k in voters], commission, rng)
    plan = [("cast", 0, {"mayor": {"a"}, "council": {"x", "y"}}), ("challenge", None, {"mayor": {"b"}, "council": {"z"}}),
            ("cast", 1, {"mayor": {"b"}, "council": {"none"}}), ("cast", 0, {"mayor": {"b"}, "council": set()}),
            ("cast", 2, {"mayor": {"a"}, "council": {"z"}})]
    state = board.genesis(manifest)
    submissions = []
    for number, (kind, voter, marks) in enumerate(plan, start=1):
        choices = {c: frozenset(m) for c, m in marks.items()}
        seed, rng = seeded(f"election/submission-{number}")
        encrypted, opening = ballot.encrypt_ballot(manifest, key, choices, rng)
        body = ballot.ballot_to_json(encrypted)
        moment = manifest.opens + 60_000 * number
        item: dict[str, Any] = {"seed": seed, "type": kind, "choices": {c: sorted(m) for c, m in marks.items()},
                                "ballot": body, "opening": ballot.opening_to_json(opening),
                                "tracking": ballot.tracking_hash(manifest.digest, body).hex(),
                                "code": ballot.display_code(ballot.tracking_hash(manifest.digest, body)),
                                "time": moment, "previous_head": state.head.hex()}
        if kind == "cast":
            assert voter is not None
            cast = ballot.cast_ballot(manifest, encrypted, voters[voter][1], rng)
            item.update(voter=voter, cast=ballot.cast_to_json(cast))
            appended = board.append_ballot(manifest, state, cast, moment, board_key, rng)
        else:
            tracking = ballot.tracking_hash(manifest.digest, body)
            appended = board.append_challenge(manifest, state, board.ChallengedBallot(encrypted, tracking, opening),
                                              moment, board_key, rng)
        item.update(entry=appended.entry, head=appended.state.head.hex(), receipt=appended.receipt)
        submissions.append(item)
        state = appended.state
    _, rng = seeded("election/close")
    closed = board.close_board(manifest, state, manifest.closes, 4, 1, board_key, rng)
    counted = [s for s in submissions if s["type"] == "cast"]
    last = {s["voter"]: s for s in counted}
    sums = tally.empty_sums(manifest)
    for s in last.values():
        sums = tally.add_ballot(sums, ballot.ballot_from_json(s["ballot"], "vectors"))
    encrypted_tally = tally.EncryptedTally(sums, len(last), closed.state.head)
    partials = []
    for j in (1, 3):
        _, rng = seeded(f"election/decryption-{j}")
        message = tally.make_partial(manifest, encrypted_tally, j, run.secret_shares[j], holders[j], rng)
        partials.append(tally.check_partial(manifest, encrypted_tally,
                                            [run.result.verification_key(i) for i in (1, 2, 3)], message, "vectors"))
    totals = tally.totals_from_points(tally.combine(encrypted_tally, partials, 2), len(last))
    return {
        "description": "A small election through every step of docs/protocol.md; holder 3 deals holder 1 a bad "
                       "share (cheats), is disqualified by holder 1's complaint; voter 0 revotes; one challenge. "
                       "Seeds name each step's SeededRandomness; keys are drawn in order from their seed.",
        "authorities": {"commission_seed": "election/commission", "board_seed": "election/board",
                        "holders_seed": "election/holders (3 keys drawn in holder order)",
                        "secrets": {"commission": commission.secret.hex(), "board": board_key.secret.hex(),
                                    "holders": {str(j): k.secret.hex() for j, k in holders.items()}}},
        "manifest": manifest.to_json(), "manifest_jcs": jcs.canonical(manifest.to_json()).decode(),
        "Q": manifest.digest.hex(),
        "ceremony": {"seed": "election/ceremony", "cheats": {"3": [1]}, "transcript": run.transcript,
                     "secret_shares": {str(j): s.hex() for j, s in run.secret_shares.items()},
                     "verification_keys": {str(j): run.result.verification_key(j).hex() for j in (1, 2, 3)}},
        "credentials": {"voter_seeds": [f"election/voter-{v}" for v in range(3)],
                        "voters": [{"seed": s.hex(), "secret": k.secret.hex(), "public": k.public.hex(),
                                    "recovery_code": credential.recovery_code(s)} for s, k in voters],
                        "list_seed": "election/credential-list",
                        "digest": credential.digest_of(credentials.encodings).hex(),
                        "header": credential.list_header(manifest, credentials),
                        "lines": list(credential.list_lines(credentials))},
        "board": {"genesis": board.genesis(manifest).head.hex(), "submissions": submissions,
                  "close": {"seed": "election/close", "entry": closed.entry, "head": closed.state.head.hex()}},
        "tally": tally.tally_json(manifest, encrypted_tally),
        "decryptions": tally.decryptions_json(manifest, [p.json for p in partials]),
        "decryption_seeds": ["election/decryption-1", "election/decryption-3"],
        "results": tally.results_json(manifest, len(last), totals),
    }


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, value in (("primitives.json", primitives()), ("election.json", election())):
        path = directory / name
        path.write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the known-answer vectors of docs/protocol.md 13.")
    parser.add_argument("directory", type=Path)
    for path in write(parser.parse_args(argv).directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
