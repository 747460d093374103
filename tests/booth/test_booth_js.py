# SPDX-License-Identifier: Apache-2.0
"""The booth's JavaScript (booth/, libsodium in WebAssembly) against the protocol's reference: it reproduces
docs/vectors/ byte for byte, its ballots and signatures verify with shailoo.crypto, and it checks a ballot
the Python reference encrypted and opened (the second tool for a Benaloh challenge). No Django here."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shailoo.crypto import ballot, board, credential
from shailoo.crypto.errors import CryptoError
from shailoo.crypto.group import base_mul
from shailoo.crypto.manifest import Authorities, Contest, Manifest, Option
from shailoo.crypto.randomness import SYSTEM, random_scalar
from shailoo.crypto.signature import generate_signing_key

ROOT = Path(__file__).resolve().parents[2]
BOOTH = ROOT / "booth"
NODE = shutil.which("node")  # make installs Node.js (scripts/ensure-node) and builds booth/


def node(*args: str, data: Any = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    assert NODE is not None, "Node.js is missing: run make install"
    return subprocess.run([NODE, *args], input=None if data is None else json.dumps(data), capture_output=True,
                          text=True, timeout=120, check=check, cwd=ROOT)


def two_contest_manifest() -> Manifest:
    """The issue's benchmark ballot: "1 of 5" and "up to 3 of 10" with an against-all option."""
    keys = [generate_signing_key().public for _ in range(4)]
    return Manifest(
        "booth-test/1", "Booth test", 1_700_000_000_000, 1_800_000_000_000,
        Authorities(keys[0], keys[1], (keys[2], keys[3]), 2),
        (Contest("mayor", "Мэр", tuple(Option(f"m{i}", f"M {i}") for i in range(5)), 1, 1),
         Contest("council", "Кеңеш", (*(Option(f"c{i}", f"C {i}") for i in range(10)), Option("none", "Against all")),
                 0, 3, "none")),
    )


def test_the_bundle_reproduces_the_known_answer_vectors() -> None:
    result = node("booth/test/vectors.mjs", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "values reproduce docs/vectors/ byte for byte" in result.stdout


def test_a_changed_vector_is_reported(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "docs" / "vectors", tmp_path, dirs_exist_ok=True)
    election = json.loads((tmp_path / "election.json").read_text())
    cast = election["board"]["submissions"][0]["cast"]
    cast["signature"] = cast["signature"][:-2] + ("00" if cast["signature"][-2:] != "00" else "01")
    (tmp_path / "election.json").write_text(json.dumps(election))
    result = node("booth/test/vectors.mjs", str(tmp_path), check=False)
    assert result.returncode == 1
    assert "MISMATCH election/submission-1 cast:" in result.stdout


@pytest.mark.parametrize("choices", [{"mayor": ["m3"], "council": ["c0", "c4", "c9"]},
                                     {"mayor": ["m0"], "council": ["none"]},
                                     {"mayor": ["m4"], "council": []}])
def test_a_ballot_the_browser_code_encrypts_and_signs_verifies_in_python(choices: dict[str, list[str]]) -> None:
    manifest = two_contest_manifest()
    joint_key = base_mul(random_scalar(SYSTEM))
    made = json.loads(node("booth/cli.mjs", "credential", data={}).stdout)
    seed = bytes.fromhex(made["seed"])
    assert made["public_key"] == credential.credential_key(seed).public.hex()
    assert credential.seed_from_recovery_code(made["recovery_code"]) == seed
    out = json.loads(node("booth/cli.mjs", "encrypt", data={
        "manifest": manifest.to_json(), "joint_public_key": joint_key.hex(), "choices": choices,
        "seed": made["seed"]}).stdout)
    cast = board.accept_cast(manifest, joint_key, lambda encoding: encoding == bytes.fromhex(made["public_key"]),
                             out["cast"])
    assert cast.tracking.hex() == out["tracking"]
    assert ballot.display_code(cast.tracking) == out["code"]
    opened = ballot.verify_opening(manifest, joint_key, cast.ballot, ballot.opening_from_json(out["opening"], "o"), "o")
    assert opened == {contest: frozenset(marks) for contest, marks in choices.items()}


def test_python_refuses_a_browser_ballot_signed_for_another_ballot() -> None:
    manifest = two_contest_manifest()
    joint_key = base_mul(random_scalar(SYSTEM))
    request = {"manifest": manifest.to_json(), "joint_public_key": joint_key.hex(),
               "choices": {"mayor": ["m1"], "council": ["c2"]}, "seed": "11" * 32}
    first = json.loads(node("booth/cli.mjs", "encrypt", data=request).stdout)["cast"]
    second = json.loads(node("booth/cli.mjs", "encrypt", data=request).stdout)["cast"]
    swapped = {**second, "signature": first["signature"]}
    with pytest.raises(CryptoError) as refused:
        board.accept_cast(manifest, joint_key, lambda encoding: True, swapped)
    assert refused.value.check == "board.signature"


def test_node_checks_a_challenge_the_python_reference_opened() -> None:
    manifest = two_contest_manifest()
    joint_key = base_mul(random_scalar(SYSTEM))
    encrypted, opening = ballot.encrypt_ballot(manifest, joint_key, {"mayor": frozenset({"m2"}),
                                                                    "council": frozenset({"c1", "c7"})})
    request = {"manifest": manifest.to_json(), "joint_public_key": joint_key.hex(),
               "ballot": ballot.ballot_to_json(encrypted), "opening": ballot.opening_to_json(opening)}
    checked = json.loads(node("booth/cli.mjs", "check-challenge", data=request).stdout)
    assert checked["choices"] == {"mayor": ["m2"], "council": ["c1", "c7"]}
    assert checked["code"] == ballot.display_code(ballot.tracking_hash(manifest.digest, request["ballot"]))
    # An opening that claims another mark does not re-encrypt to the ciphertext.
    marks = request["opening"]["contests"][0]["marks"]
    marks[2]["value"], marks[3]["value"] = 0, 1
    refused = node("booth/cli.mjs", "check-challenge", data=request, check=False)
    assert refused.returncode == 1
    assert "option m2 of mayor does not re-encrypt to its ciphertext" in refused.stderr
