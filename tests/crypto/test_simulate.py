# SPDX-License-Identifier: Apache-2.0
"""The election simulator (python -m shailoo.crypto.simulate): its contest specs, the plan of submissions it
draws (who casts, revotes and challenges, in which order), the voters' choices, and where it writes."""
import json
import os
import random
import re
import time
from pathlib import Path

import pytest

from shailoo.crypto import board, credential, record, simulate, tally
from shailoo.crypto.group import Scalar
from shailoo.crypto.manifest import manifest_from_json
from shailoo.crypto.signature import SigningKey

from .election import help_text, read_lines


class Fixed(random.Random):
    """A random source whose every random() is one value (one random.random() can return: 0 <= x < 1)."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    # Defined here so that integers (randint, sample, shuffle) still come from the bits of the seeded stream:
    # random.Random draws them from random() in a subclass that overrides random() but not getrandbits().
    getrandbits = random.Random.getrandbits

    def random(self) -> float:
        return self.value


def test_a_contest_spec_gives_numbered_candidates_and_the_against_all_option_last():
    plain, against = simulate.parse_contests("0-2of3, 1of2+against")
    assert (plain.contest_id, plain.title, plain.min_marks, plain.max_marks, plain.against_all) == (
        "contest-1", "Contest 1", 0, 2, None)
    assert [(o.option_id, o.title) for o in plain.options] == [
        ("c1-o1", "Candidate 1"), ("c1-o2", "Candidate 2"), ("c1-o3", "Candidate 3")]
    assert (against.contest_id, against.min_marks, against.max_marks) == ("contest-2", 1, 1)
    assert against.against_all == simulate.AGAINST_ALL == "against-all"
    assert [(o.option_id, o.title) for o in against.options] == [
        ("c2-o1", "Candidate 1"), ("c2-o2", "Candidate 2"), ("against-all", "Against all")]
    assert against.allows(frozenset({"against-all"})) and not against.allows(frozenset({"against-all", "c2-o1"}))


@pytest.mark.parametrize("spec", ["0-0of3", "4of3", "2-1of3", "0-4of3"])
def test_a_contest_spec_without_a_mark_or_with_more_marks_than_options_or_min_above_max_is_refused(spec):
    with pytest.raises(ValueError) as refused:
        simulate.parse_contests(f"1of2,{spec}")
    assert str(refused.value) == f"contest spec {spec!r} needs 0 <= min <= max <= options and max >= 1"


def test_a_contest_spec_of_another_form_is_refused():
    with pytest.raises(ValueError) as refused:
        simulate.parse_contests("1of2,one of three")
    assert str(refused.value) == "contest spec 'one of three' is not like 1of5, 0-3of10 or 1of4+against"


def test_a_simulated_voter_marks_against_all_alone_a_tenth_of_the_time_else_min_to_max_candidates():
    (contest,) = simulate.parse_contests("1-2of4+against")
    assert simulate.random_choice(contest, Fixed(0.0)) == frozenset({"against-all"})
    assert simulate.random_choice(contest, Fixed(0.0999)) == frozenset({"against-all"})
    for value in (0.1, 0.5, 0.9999):  # from 0.1 on: candidates only, 1 or 2 of them
        marked = simulate.random_choice(contest, Fixed(value))
        assert 1 <= len(marked) <= 2 and marked <= {"c1-o1", "c1-o2", "c1-o3", "c1-o4"}
    (plain,) = simulate.parse_contests("1of3")  # no against-all option: never drawn, whatever the draw
    assert len(simulate.random_choice(plain, Fixed(0.0))) == 1


def _by_voter(events):
    voters: dict[int, list[simulate.Event]] = {}
    for event in events:
        voters.setdefault(event.voter, []).append(event)
    return voters


def test_with_no_revotes_or_challenges_every_voter_casts_exactly_one_counted_ballot():
    for rng in (random.Random(5), Fixed(0.0)):  # a draw of 0.0 is not below a share of 0
        events = simulate.plan_events(6, 0.0, 0.0, rng)
        assert sorted(e.voter for e in events) == list(range(6))
        assert all(e.challenge is False and e.counted is True for e in events)


def test_with_every_voter_revoting_and_challenging_each_challenges_then_casts_twice_and_the_last_counts():
    events = simulate.plan_events(5, 1.0, 1.0, random.Random(11))
    assert len(events) == 15
    for voter, mine in _by_voter(events).items():
        assert [(e.challenge, e.counted) for e in mine] == [(True, False), (False, False), (False, True)], voter
    almost_one = Fixed(1.0 - 2.0**-53)  # the largest random(): still below a share of 1
    assert [(e.challenge, e.counted) for e in simulate.plan_events(1, 1.0, 1.0, almost_one)] == [
        (True, False), (False, False), (False, True)]


def test_each_planned_submission_carries_its_voters_credential_seed_and_its_own_64_bit_choice_seed():
    events = simulate.plan_events(8, 1.0, 1.0, random.Random(3))  # each voter: a challenge and two casts
    voters = _by_voter(events)
    assert sorted(voters) == list(range(8))
    seeds = set()
    for mine in voters.values():
        assert {len(e.seed) for e in mine} == {credential.SEED_BYTES} and len({e.seed for e in mine}) == 1
        seeds.add(mine[0].seed)
    assert len(seeds) == 8
    assert all(type(e.choice_seed) is int and 0 <= e.choice_seed < 2**64 for e in events)
    assert len({e.choice_seed for e in events}) == len(events)


def test_the_same_seed_simulates_the_same_choices(tmp_path, capsys):
    printed = []
    for run in ("one", "two"):
        assert simulate.main(["--voters", "20", "--contests", "0-3of10,1of3+against", "--holders", "3", "--quorum",
                              "2", "--seed", "9", "--out", str(tmp_path / run)]) == 0
        printed.append(capsys.readouterr().out.splitlines()[1:])  # without the line of the time it took
    assert printed[0] == printed[1]
    assert printed[0][0] == "20 voters; known plaintext totals:"


def test_the_receipts_are_written_beside_the_record_named_after_it():
    assert simulate.receipts_path(Path("out/sim.zip")) == Path("out/sim.receipts.jsonl")
    assert simulate.receipts_path(Path("out/record")) == Path("out/record.receipts.jsonl")
    assert simulate.receipts_path(Path("out/zip.d")) == Path("out/zip.d.receipts.jsonl")


def _run(capsys, *argv):
    before = time.monotonic()
    assert simulate.main([str(a) for a in argv]) == 0
    elapsed = time.monotonic() - before
    return capsys.readouterr().out.splitlines(), elapsed


def test_by_default_the_simulator_writes_a_record_of_two_contests_and_five_holders_and_prints_its_totals(
        tmp_path, capsys):
    out = tmp_path / "record"
    lines, elapsed = _run(capsys, "--voters", 3, "--out", out)
    said = re.fullmatch(rf"record written to {re.escape(str(out))} in (\d+\.\d) s; receipts in "
                        rf"{re.escape(str(out))}\.receipts\.jsonl", lines[0])
    assert said is not None and float(said[1]) <= elapsed + 0.05, lines[0]
    assert lines[1] == "3 voters; known plaintext totals:"
    reader = record.RecordReader(out)
    manifest = manifest_from_json(reader.read_json(record.MANIFEST))
    assert (manifest.election_id, manifest.title) == ("simulated-election", "Simulated election")
    assert (len(manifest.authorities.holders), manifest.authorities.quorum) == (5, 3)
    assert [(c.min_marks, c.max_marks, len(c.options), c.against_all) for c in manifest.contests] == [
        (1, 1, 5, None), (0, 3, 10, None)]
    # The printed totals are the record's decrypted results, one line per contest.
    results = reader.read_json(record.RESULTS)
    assert lines[2:] == [f"  {c['contest_id']} ({m.min_marks}..{m.max_marks}): "
                         + ", ".join(f"{o['option_id']}={o['total']}" for o in c["options"])
                         for c, m in zip(results["contests"], manifest.contests, strict=True)]
    assert sum(o["total"] for o in results["contests"][0]["options"]) == 3  # one mark each in 1of5
    # No revotes or challenges by default; the three ballots divide the polls into four equal parts.
    entries = read_lines(out / record.BOARD)[1:]
    assert [e["type"] for e in entries] == ["ballot", "ballot", "ballot", "close"]
    hour = 3600 * 1000
    assert [e["time"] for e in entries] == [simulate.OPENS + 3 * hour, simulate.OPENS + 6 * hour,
                                            simulate.OPENS + 9 * hour, simulate.CLOSES]
    # Each voter's receipt, signed by the board, in board order.
    receipts = [board.check_receipt(manifest, json.loads(line))
                for line in simulate.receipts_path(out).read_text().splitlines()]
    assert [(r.position, r.kind, r.time) for r in receipts] == [(i, "ballot", e["time"])
                                                                 for i, e in enumerate(entries[:3], start=1)]


def test_the_simulator_says_what_it_does_and_what_each_option_means_in_its_help(capsys):
    text = help_text(simulate.main, capsys)
    assert "--voters VOTERS " in text and "[--voters VOTERS]" not in text  # required
    assert "--out OUT " in text and "[--out OUT]" not in text
    for said in (" Simulate a whole election and write its record. options: ",
                 "--contests CONTESTS e.g. 1of5,0-3of10,1of4+against",
                 "--out OUT record directory, or a path ending in .zip",
                 "--seed SEED seed of the simulated choices and order (never of keys or nonces)",
                 "--keys-out KEYS_OUT also write every secret here (benchmarks and tests only)",
                 "--cheat DEALER:RECIPIENT dealer sends a bad share to recipient (its complaint disqualifies "
                 "the dealer)"):
        assert said in text, said


def test_the_simulator_needs_its_voters_and_its_output_and_at_least_one_voter(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        simulate.main([])
    assert done.value.code == 2
    assert "error: the following arguments are required: --voters, --out" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        simulate.main(["--voters", "0", "--out", str(tmp_path / "none")])
    assert done.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("error: --voters must be at least 1")
    lines, _ = _run(capsys, "--voters", 1, "--contests", "1of2", "--holders", 2, "--quorum", 1, "--out", tmp_path / "one")
    assert lines[1] == "1 voters; known plaintext totals:" and len(lines) == 3
    assert lines[2] in ("  contest-1 (1..1): c1-o1=1, c1-o2=0", "  contest-1 (1..1): c1-o1=0, c1-o2=1")


def test_the_record_holds_the_plan_of_the_seed_and_the_keys_file_every_secret_behind_it(tmp_path, capsys):
    out, keys_path = tmp_path / "sim.zip", tmp_path / "keys.json"
    _run(capsys, "--voters", 5, "--contests", "1of2", "--holders", 4, "--quorum", 2, "--revote-share", 0.5,
         "--challenge-share", 0.5, "--seed", 4, "--cheat", "1:2", "--cheat", "1:3", "--out", out,
         "--keys-out", keys_path)
    reader = record.RecordReader(out)
    manifest = manifest_from_json(reader.read_json(record.MANIFEST))
    plan = simulate.plan_events(5, 0.5, 0.5, random.Random(4))
    assert any(e.challenge for e in plan) and len(plan) > 5  # seed 4's plan has challenges and revotes
    entries = [entry for _, entry in reader.lines(record.BOARD)][1:]
    assert [e["type"] for e in entries] == [board.CHALLENGE if e.challenge else board.BALLOT for e in plan] + [
        board.CLOSE]
    assert [entry["cast"]["credential"] for entry, e in zip(entries, plan, strict=False) if not e.challenge] == [
        credential.credential_key(e.seed).public.hex() for e in plan if not e.challenge]
    # Both --cheat of dealer 1 are carried out: holders 2 and 3 each complain about it.
    checks = reader.read_json(record.CEREMONY)["checks"]
    assert sorted((c["holder"], complaint["dealer"]) for c in checks for complaint in c["complaints"]) == [
        (2, 1), (3, 1)]
    keys = json.loads(keys_path.read_text())
    assert set(keys) == {"version", "commission", "board", "holders", "secret_shares", "credentials"}
    assert keys["version"] == 2

    def public(secret_hex):
        return SigningKey.from_secret(Scalar.from_hex(secret_hex)).public

    authorities = manifest.authorities
    assert (public(keys["commission"]), public(keys["board"])) == (authorities.commission, authorities.board)
    assert [public(keys["holders"][str(j)]) for j in (1, 2, 3, 4)] == list(authorities.holders)
    voters = {e.voter: e.seed for e in plan}
    assert keys["credentials"] == [voters[v].hex() for v in range(5)]


#: Where _recording_init notes the process each simulating process was started in (set before a run).
_INIT_LOG: list[Path] = []
_REAL_INIT = simulate._init


def _recording_init(manifest_json, key_hex):
    with _INIT_LOG[0].open("a") as log:
        log.write(f"{os.getpid()}\n")
    _REAL_INIT(manifest_json, key_hex)


@pytest.mark.parametrize("workers", [None, 2, 3])
def test_the_ballots_are_simulated_in_this_process_by_default_else_in_as_many_worker_processes(
        workers, tmp_path, capsys, monkeypatch):
    log = tmp_path / "processes"
    monkeypatch.setattr(simulate, "_init", _recording_init)
    _INIT_LOG[:] = [log]
    try:
        extra = [] if workers is None else ["--workers", workers]
        _run(capsys, "--voters", 3, "--contests", "1of2", "--holders", 2, "--quorum", 1, *extra, "--out",
             tmp_path / "record")
    finally:
        _INIT_LOG.clear()
    started = log.read_text().split()
    if workers is None:
        assert started == [str(os.getpid())]
    else:
        assert len(started) == workers and len(set(started)) == workers and str(os.getpid()) not in started


def test_the_simulator_refuses_to_write_results_that_differ_from_its_plaintext_totals(tmp_path, monkeypatch):
    monkeypatch.setattr(tally, "totals_from_points", lambda points, ballots: ((9, 9),))
    with pytest.raises(AssertionError) as refused:
        simulate.main(["--voters", "2", "--contests", "1of2", "--holders", "2", "--quorum", "1", "--seed", "1",
                       "--out", str(tmp_path / "record")])
    assert re.fullmatch(r"decrypted totals \(\(9, 9\),\) differ from the plaintext totals \(\(\d, \d\),\)",
                        str(refused.value))
    assert not (tmp_path / "record" / record.RESULTS).exists()
