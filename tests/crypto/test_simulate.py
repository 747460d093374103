# SPDX-License-Identifier: Apache-2.0
"""The election simulator (python -m shailoo.crypto.simulate): its contest specs, the plan of submissions it
draws (who casts, revotes and challenges, in which order), the voters' choices, and where it writes."""
import random
from pathlib import Path

import pytest

from shailoo.crypto import credential, simulate


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
