# SPDX-License-Identifier: Apache-2.0
"""Properties over random elections: an honest record always verifies, and a random change of any single
field of any file of the record is always refused."""
import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shailoo.crypto import record
from shailoo.crypto.verify import verify_record

from .election import new_election, write_json, write_lines
from .strategies import allowed_choices, examples, manifest_with

_HEX = "0123456789abcdef"


@st.composite
def elections(draw):
    holders = draw(st.integers(1, 4))
    quorum = draw(st.integers(1, holders))
    voters = draw(st.integers(1, 4))
    steps = draw(st.lists(st.tuples(st.sampled_from(["cast", "cast", "challenge"]), st.integers(0, voters - 1)),
                          min_size=1, max_size=6))
    manifest = manifest_with(holders=holders, quorum=quorum)
    choices = [draw(allowed_choices(manifest)) for _ in steps]
    return manifest, voters, steps, choices


@settings(max_examples=examples(6), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(elections())
def test_an_honest_random_election_always_verifies(tmp_path_factory, case):
    manifest, voters, steps, choices = case
    election = new_election(voters, manifest)
    for (kind, voter), choice in zip(steps, choices, strict=True):
        election.cast(voter, choice) if kind == "cast" else election.challenge(choice)
    election.close()
    path = election.write(tmp_path_factory.mktemp("honest") / "r", decrypting=tuple(range(1, manifest.quorum + 1)))
    code, report, verified = verify_record(path)
    assert code == 0, report.render()
    cast_by = {voter for kind, voter in steps if kind == "cast"}
    assert verified.tally.ballots_counted == len(cast_by)


@pytest.fixture(scope="module")
def honest(tmp_path_factory):
    e = new_election(3, manifest_with(holders=3, quorum=2))
    a = {"mayor": frozenset({"m1"}), "council": frozenset({"k0", "k2"}), "referendum": frozenset({"against"})}
    b = {"mayor": frozenset({"m0"}), "council": frozenset(), "referendum": frozenset({"no"})}
    e.cast(0, a)
    e.challenge(b)
    e.cast(1, b)
    e.cast(0, b)
    e.close()
    return e.write(tmp_path_factory.mktemp("mutated") / "r", decrypting=(1, 3))


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _mutated(value, draw):
    if isinstance(value, bool):
        return not value
    if value is None:
        return "x"
    if isinstance(value, int):
        return value + draw(st.sampled_from([1, -1]))
    if value and len(value) % 2 == 0 and all(c in _HEX for c in value):
        index = draw(st.integers(0, len(value) - 1))
        return value[:index] + draw(st.sampled_from([c for c in _HEX if c != value[index]])) + value[index + 1:]
    return value + "x"


def _set(container, path, value):
    for key in path[:-1]:
        container = container[key]
    container[path[-1]] = value


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_random_single_field_change_in_any_file_is_refused(honest, tmp_path_factory, data):
    path = tmp_path_factory.mktemp("change") / "r"
    shutil.copytree(honest, path)
    name = data.draw(st.sampled_from(record.FILES))
    if name.endswith(".jsonl"):
        lines = [json.loads(line) for line in (path / name).read_text().splitlines()]
        line = data.draw(st.integers(0, len(lines) - 1))
        leaves = list(_leaves(lines[line]))
        where, value = leaves[data.draw(st.integers(0, len(leaves) - 1))]
        _set(lines[line], where, _mutated(value, data.draw))
        write_lines(path / name, lines)
    else:
        document = json.loads((path / name).read_text())
        leaves = list(_leaves(document))
        where, value = leaves[data.draw(st.integers(0, len(leaves) - 1))]
        _set(document, where, _mutated(value, data.draw))
        write_json(path / name, document)
    code, report, _ = verify_record(path)
    assert code in (1, 2), f"{name} {where}: {value!r} changed and still VALID\n{report.render()}"
