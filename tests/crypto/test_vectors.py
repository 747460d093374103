# SPDX-License-Identifier: Apache-2.0
"""docs/vectors/ are what this code computes, byte for byte, and the vector election is a valid record."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shailoo.crypto import ballot, board, credential, jcs, record, signature, vectors
from shailoo.crypto.group import Point, Scalar, base_mul
from shailoo.crypto.randomness import SeededRandomness, SystemRandomness
from shailoo.crypto.verify import verify_record

from .election import help_text, write_json, write_lines

# Each test runs on both paths of the range proofs (tests/crypto/conftest.py).
pytestmark = pytest.mark.usefixtures("range_path")

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "vectors"


def test_the_committed_vectors_are_recomputed_byte_for_byte(tmp_path):
    for path in vectors.write(tmp_path):
        assert path.read_bytes() == (VECTORS / path.name).read_bytes(), f"docs/vectors/{path.name} is stale"


def test_the_vector_election_assembles_into_a_record_the_verifier_finds_valid(tmp_path):
    data = json.loads((VECTORS / "election.json").read_text())
    write_json(tmp_path / record.MANIFEST, data["manifest"])
    write_lines(tmp_path / record.CREDENTIALS, [data["credentials"]["header"], *data["credentials"]["lines"]])
    write_json(tmp_path / record.CEREMONY, data["ceremony"]["transcript"])
    entries = [s["entry"] for s in data["board"]["submissions"]] + [data["board"]["close"]["entry"]]
    write_lines(tmp_path / record.BOARD, [{"version": 2, "kind": "board", "manifest_hash": data["Q"],
                                           "count": len(entries)}, *entries])
    for name in ("tally", "decryptions", "results"):
        write_json(tmp_path / f"{name}.json", data[name])
    code, report, verified = verify_record(tmp_path)
    assert code == 0, report.render()
    assert verified.ceremony.qualified == (1, 2)
    totals = [[o["total"] for o in c["options"]] for c in data["results"]["contests"]]
    assert totals == [[1, 2], [0, 0, 1, 1]]  # voter 0 revoted (b, no council mark), 1: b + against all, 2: a + z


def test_vector_values_follow_the_spec_formulas_independently_of_the_functions_that_made_them():
    data = json.loads((VECTORS / "primitives.json").read_text())
    stream = SeededRandomness(data["randomness"]["seed"].encode()).bytes(96)
    assert stream.hex() == data["randomness"]["first_96_bytes"]
    for item in data["signatures"]:
        s, r, c, a = (Scalar.from_hex(item[k]) for k in ("s", "r", "c", "secret"))
        assert s == r + c * a and base_mul(r).hex() == item["R"]
        signature.verify(Point.from_hex(item["public"]), item["purpose"], [bytes.fromhex(p) for p in item["parts"]],
                         bytes.fromhex(item["signature"]), "vector")
    assert jcs.canonical(data["jcs"]["value"]).decode() == data["jcs"]["canonical"]
    cred = data["credential"]
    assert credential.seed_from_recovery_code(cred["recovery_code"]).hex() == cred["seed"]
    assert ballot.display_code(bytes.fromhex(data["display_code"]["tracking"])) == data["display_code"]["code"]
    election = json.loads((VECTORS / "election.json").read_text())
    manifest_bytes = election["manifest_jcs"].encode()
    from shailoo.crypto.group import hash_bytes
    assert hash_bytes("manifest", manifest_bytes).hex() == election["Q"]
    first = election["board"]["submissions"][0]
    assert first["receipt"]["head"] == first["head"] and first["receipt"]["tracking"] == first["tracking"]
    assert board.RECEIPT_KIND == first["receipt"]["kind"]


def test_production_randomness_is_the_systems_and_the_seeded_stream_announces_itself():
    assert isinstance(vectors.SeededRandomness(b"x"), SeededRandomness)
    from shailoo.crypto.randomness import SYSTEM
    assert isinstance(SYSTEM, SystemRandomness)
    assert "NOT RANDOM" in repr(SeededRandomness(b"seed"))
    assert SystemRandomness().bytes(32) != SystemRandomness().bytes(32)


def test_the_vectors_command_makes_the_directory_it_is_given_writes_both_files_and_names_them(tmp_path, capsys):
    out = tmp_path / "new" / "vectors"  # neither directory exists yet
    assert vectors.main([str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out / 'primitives.json'}\nwrote {out / 'election.json'}\n"
    for name in ("primitives.json", "election.json"):
        assert (out / name).read_bytes() == (VECTORS / name).read_bytes()


def test_the_vectors_command_says_what_it_writes_in_its_help(capsys):
    said = help_text(vectors.main, capsys)
    assert said.startswith("usage: ")
    assert "directory Write the known-answer vectors of docs/protocol.md 13. positional arguments: directory" in said


_WRITE_IN_C_LOCALE = """
import codecs, locale, sys
from pathlib import Path
from shailoo.crypto import vectors
print(codecs.lookup(locale.getpreferredencoding(False)).name)
vectors.write(Path(sys.argv[1]))
"""


def test_the_vectors_are_written_in_utf8_whatever_the_locale_of_the_process(tmp_path):
    # The vectors hold Kyrgyz and accented text (ensure_ascii=False): a second implementation compares bytes.
    # Written by a process whose locale encoding is ASCII (the C locale, without Python's UTF-8 mode or its
    # coercion of the C locale), as on a machine without a UTF-8 locale; this process's modules, mutated or not.
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
           "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
    done = subprocess.run([sys.executable, "-X", "utf8=0", "-c", _WRITE_IN_C_LOCALE, str(tmp_path)], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ascii"]
    for name in ("primitives.json", "election.json"):
        assert (tmp_path / name).read_bytes() == (VECTORS / name).read_bytes()
    assert "Мэр".encode() in (tmp_path / "election.json").read_bytes()


def test_the_systems_randomness_names_itself_in_its_repr():
    """A log or a debugger shows which source a function was given: the system's says so, the seeded one warns."""
    from shailoo.crypto.randomness import SYSTEM
    assert repr(SYSTEM) == repr(SystemRandomness()) == "SystemRandomness()"


def test_a_seeded_stream_needs_a_seed():
    with pytest.raises(ValueError, match="^a seeded stream needs a seed$"):
        SeededRandomness(b"")
