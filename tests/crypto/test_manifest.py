# SPDX-License-Identifier: Apache-2.0
"""The manifest's rules (docs/protocol.md 6) at their boundaries: mark rules and the range proof's
256-branch limit, quorum 1 <= k <= n, distinct non-identity authority keys, ids, times and list sizes;
each refusal carries the check code the verifier reports."""
import copy

import pytest

from shailoo.crypto import codec
from shailoo.crypto.errors import InvalidEncoding
from shailoo.crypto.group import GENERATOR, IDENTITY, Scalar
from shailoo.crypto.manifest import (
    MAX_CONTESTS,
    MAX_HOLDERS,
    MAX_OPTIONS,
    Contest,
    Option,
    check_contest,
    manifest_from_json,
)

from .strategies import SMALL_MANIFEST, manifest_with

GOOD = SMALL_MANIFEST.to_json()


def _options(count):
    return tuple(Option(f"o{i}", "") for i in range(count))


def _refused(function, *args):
    with pytest.raises(InvalidEncoding) as caught:
        function(*args)
    return caught.value


def _parse_edited(edit):
    data = copy.deepcopy(GOOD)
    edit(data)
    return manifest_from_json(data)


def _refused_edit(edit):
    return _refused(_parse_edited, edit)


# Contests -------------------------------------------------------------------------------------------

def test_a_contest_may_have_256_range_branches_and_not_257():
    check_contest(Contest("c", "", _options(256), 0, 255), "here")  # 256 branches
    check_contest(Contest("c", "", _options(256), 1, 256), "here")  # 256 branches
    check_contest(Contest("c", "", _options(300), 44, 299), "here")  # 256 branches
    for low, high in ((0, 256), (43, 299)):
        error = _refused(check_contest, Contest("c", "", _options(300), low, high), "here")
        assert (error.check, error.where) == ("manifest.branches", "here")
        assert error.what == "max_marks - min_marks + 1 = 257 exceeds the range proof's limit of 256 branches"


def test_mark_rules_at_their_limits():
    check_contest(Contest("c", "", _options(3), 0, 3), "here")
    check_contest(Contest("c", "", _options(3), 3, 3), "here")
    check_contest(Contest("c", "", _options(3), 1, 2, "o2"), "here")  # 2 ordinary options
    check_contest(Contest("c", "", _options(1), 1, 1), "here")
    for contest in (Contest("c", "", _options(3), 0, 0),  # at least one mark allowed
                    Contest("c", "", _options(3), 0, 4),  # more marks than options
                    Contest("c", "", _options(3), 3, 2),  # min above max
                    Contest("c", "", _options(3), 1, 3, "o2")):  # "against all" is not an ordinary option
        error = _refused(check_contest, contest, "here")
        assert (error.check, error.where) == ("manifest.marks", "here")
        assert error.what == "marks must satisfy 0 <= min <= max <= ordinary options and max >= 1"
    error = _refused(check_contest, Contest("c", "", _options(3), 1, 1, "o7"), "here")
    assert (error.check, error.what) == ("manifest.marks", "'against_all' must name one of the options")
    error = _refused(check_contest, Contest("c", "", (Option("a", ""), Option("b", ""), Option("a", "")), 1, 1), "x")
    assert (error.check, error.what, error.where) == ("manifest.ids", "duplicate option id", "x")


def test_a_contests_weights_and_allowed_marks():
    referendum = SMALL_MANIFEST.contest("referendum")
    assert referendum.option_ids == ("yes", "no", "against")
    assert (referendum.weight("against"), referendum.weight("yes")) == (1, 1)  # max_marks is 1 here
    council = Contest("council", "", _options(4), 0, 2, "o3")
    assert (council.weight("o3"), council.weight("o0")) == (2, 1)
    assert council.allows(frozenset()) and council.allows(frozenset({"o0", "o1"})) and council.allows(frozenset({"o3"}))
    assert not council.allows(frozenset({"o0", "o1", "o2"}))
    assert not council.allows(frozenset({"o3", "o0"}))
    assert not council.allows(frozenset({"o9"}))
    mayor = SMALL_MANIFEST.contest("mayor")
    assert mayor.allows(frozenset({"m1"})) and not mayor.allows(frozenset())
    with pytest.raises(KeyError):
        SMALL_MANIFEST.contest("nobody")


# The whole manifest ---------------------------------------------------------------------------------

def test_a_manifest_reads_back_to_itself_and_its_hash_covers_every_field():
    parsed = manifest_from_json(copy.deepcopy(GOOD))
    assert parsed == SMALL_MANIFEST and parsed.digest == SMALL_MANIFEST.digest
    assert (parsed.holders, parsed.quorum) == (4, 3)
    assert parsed.authorities.holder_key(1) == SMALL_MANIFEST.authorities.holders[0]
    assert manifest_with(quorum=2).digest != SMALL_MANIFEST.digest
    assert _parse_edited(lambda d: d.update(title="")).title == ""
    assert _parse_edited(lambda d: d.update(closes=d["opens"] + 1)).closes == GOOD["opens"] + 1
    assert _parse_edited(lambda d: d["contests"][0].update(title="")).contests[0].title == ""
    assert _parse_edited(lambda d: d["contests"][0]["options"][0].update(title="")).contests[0].options[0].title == ""


def test_the_quorum_is_between_1_and_the_number_of_holders():
    assert _parse_edited(lambda d: d["authorities"].update(quorum=1)).quorum == 1
    assert _parse_edited(lambda d: d["authorities"].update(quorum=4)).quorum == 4
    for quorum in (0, 5):
        error = _refused_edit(lambda d, k=quorum: d["authorities"].update(quorum=k))
        assert error.what == f"'quorum' must be in 1..4, got {quorum}" and error.where == "manifest.json.authorities"
        assert error.check is None  # the verifier reports it as manifest.schema
    error = _refused_edit(lambda d: d["authorities"].update(quorum=True))
    assert error.what == "'quorum' must be an integer, got True"


def test_one_to_64_holders_with_distinct_non_identity_keys():
    keys = GOOD["authorities"]["holders"]
    one = _parse_edited(lambda d: d["authorities"].update(holders=keys[:1], quorum=1))
    assert one.holders == 1
    many = [(GENERATOR * Scalar(i)).hex() for i in range(2, 2 + MAX_HOLDERS)]
    assert _parse_edited(lambda d: d["authorities"].update(holders=many)).holders == 64
    error = _refused_edit(lambda d: d["authorities"].update(holders=[*many, GENERATOR.hex()]))
    assert error.what == "'holders' must hold 1..64 items, got 65"
    assert _refused_edit(lambda d: d["authorities"].update(holders=[])).what == "'holders' must hold 1..64 items, got 0"
    for edit, where in ((lambda d: d["authorities"].update(commission=IDENTITY.hex()), "manifest.json.authorities.commission"),
                        (lambda d: d["authorities"].update(board=IDENTITY.hex()), "manifest.json.authorities.board"),
                        (lambda d: d["authorities"]["holders"].__setitem__(3, IDENTITY.hex()),
                         "manifest.json.authorities.holders[3]"),
                        (lambda d: d["authorities"].update(board=d["authorities"]["board"].upper()),
                         "manifest.json.authorities.board")):
        error = _refused_edit(edit)
        assert (error.check, error.where) == ("manifest.authority-key", where)
    for edit in (lambda d: d["authorities"].update(board=d["authorities"]["commission"]),
                 lambda d: d["authorities"]["holders"].__setitem__(2, d["authorities"]["holders"][0]),
                 lambda d: d["authorities"]["holders"].__setitem__(0, d["authorities"]["board"])):
        error = _refused_edit(edit)
        assert error.check == "manifest.authority-key" and error.what == "the authorities' keys must be pairwise distinct"


def test_the_authorities_refusals_name_the_authorities_or_the_refused_key_and_say_why():
    """Their shape, their number of holders and a repeated key are refused at the authorities' place; a bad key
    at that key, with the key reader's own reason (the identity, bad hex) under the authority-key check."""
    where = "manifest.json.authorities"
    for edit, what in ((lambda d: d["authorities"].pop("board"), "missing 'board'"),
                       (lambda d: d["authorities"].update(extra=1), "unexpected key 'extra'"),
                       (lambda d: d["authorities"].update(holders=[]), "'holders' must hold 1..64 items, got 0"),
                       (lambda d: d["authorities"].update(board=d["authorities"]["commission"]),
                        "the authorities' keys must be pairwise distinct")):
        error = _refused_edit(edit)
        assert (error.what, error.where) == (what, where)
    error = _refused_edit(lambda d: d["authorities"].update(board=IDENTITY.hex()))
    assert (error.check, error.what, error.where) == ("manifest.authority-key", "the identity element is refused here",
                                                      f"{where}.board")
    error = _refused_edit(lambda d: d["authorities"]["holders"].__setitem__(1, "zz"))
    assert (error.check, error.where) == ("manifest.authority-key", f"{where}.holders[1]") and "hex" in error.what


def test_a_contest_may_allow_every_ordinary_option_marked_at_once():
    """max_marks may equal the number of ordinary options: marking them all is then a valid ballot."""
    every = Contest("c", "", _options(3), 0, 3)
    assert every.allows(frozenset({"o0", "o1", "o2"})) and not every.allows(frozenset({"o0", "o1", "o2", "o3"}))
    with_against = Contest("c", "", _options(3), 2, 2, "o2")
    assert with_against.allows(frozenset({"o0", "o1"})) and with_against.allows(frozenset({"o2"}))


def test_an_against_all_option_that_is_not_an_option_is_refused_at_its_contest():
    error = _refused(check_contest, Contest("c", "", _options(3), 1, 1, "o7"), "manifest.json.contests[2]")
    assert (error.check, error.where) == ("manifest.marks", "manifest.json.contests[2]")


def test_contest_and_option_counts_ids_and_times():
    contest = GOOD["contests"][0]
    wide = [{**contest, "contest_id": f"c{i}"} for i in range(MAX_CONTESTS)]
    assert len(_parse_edited(lambda d: d.update(contests=wide)).contests) == 64
    error = _refused_edit(lambda d: d.update(contests=[*wide, {**contest, "contest_id": "last"}]))
    assert error.what == "'contests' must hold 1..64 items, got 65" and error.check is None
    assert _refused_edit(lambda d: d.update(contests=[])).what == "'contests' must hold 1..64 items, got 0"
    error = _refused_edit(lambda d: d["contests"][2].update(contest_id="mayor"))
    assert (error.check, error.what, error.where) == ("manifest.ids", "duplicate contest id 'mayor'",
                                                      "manifest.json contests[2]")
    options = [{"option_id": f"o{i}", "title": ""} for i in range(MAX_OPTIONS)]
    assert len(_parse_edited(lambda d: d["contests"][1].update(options=options)).contests[1].options) == 1000
    error = _refused_edit(lambda d: d["contests"][1].update(options=[*options, {"option_id": "x", "title": ""}]))
    assert error.what == "'options' must hold 1..1000 items, got 1001" and error.where == "manifest.json contests[1]"
    error = _refused_edit(lambda d: d["contests"][1].update(max_marks=MAX_OPTIONS + 1))
    assert error.what == "'max_marks' must be in 0..1000, got 1001"
    error = _refused_edit(lambda d: d["contests"][1].update(min_marks=-1))
    assert error.what == "'min_marks' must be in 0..1000, got -1"
    error = _refused_edit(lambda d: d["contests"][2].update(against_all=""))
    assert error.what == "'against_all' must be non-empty and at most 128 bytes"
    error = _refused_edit(lambda d: d["contests"][0]["options"][1].update(option_id="x" * 129))
    assert error.where == "manifest.json contests[0].options[1]"
    for closes in (GOOD["opens"], GOOD["opens"] - 1):
        error = _refused_edit(lambda d, c=closes: d.update(closes=c))
        assert (error.check, error.what) == ("manifest.times", "polls must open before they close")
    assert _refused_edit(lambda d: d.update(election_id="")).where == "manifest.json"
    assert _refused_edit(lambda d: d.update(title="t" * (codec.MAX_TITLE_BYTES + 1))).what == \
        "'title' must be at most 1024 bytes"


def test_each_refusal_inside_a_contest_names_that_contest_or_that_option():
    contest, option = "manifest.json contests[1]", "manifest.json contests[1].options[2]"
    for edit, what, where in (
            (lambda d: d.update(contests=[]), "'contests' must hold 1..64 items, got 0", "manifest.json"),
            (lambda d: d["contests"][1].pop("title"), "missing 'title'", contest),
            (lambda d: d["contests"][1].update(contest_id=""), "'contest_id' must be non-empty and at most 128 bytes",
             contest),
            (lambda d: d["contests"][1].update(against_all=7), "'against_all' must be a string", contest),
            (lambda d: d["contests"][1].update(title=None), "'title' must be a string", contest),
            (lambda d: d["contests"][1].update(min_marks=-1), "'min_marks' must be in 0..1000, got -1", contest),
            (lambda d: d["contests"][1]["options"][2].update(extra=1), "unexpected key 'extra'", option),
            (lambda d: d["contests"][1]["options"][2].update(title=1), "'title' must be a string", option)):
        error = _refused_edit(edit)
        assert (error.what, error.where) == (what, where)


def test_a_contests_mark_rules_are_refused_at_that_contest_and_the_times_and_title_at_the_manifest():
    contest = "manifest.json contests[1]"
    for edit, what, where in (
            (lambda d: d["contests"][1].update(max_marks="2"), "'max_marks' must be an integer, got '2'", contest),
            (lambda d: d["contests"][1].update(min_marks=0, max_marks=0),
             "marks must satisfy 0 <= min <= max <= ordinary options and max >= 1", contest),
            (lambda d: d.update(opens=-1), "'opens' must be in 0..9007199254740991, got -1", "manifest.json"),
            (lambda d: d.update(closes=None), "'closes' must be an integer, got None", "manifest.json"),
            (lambda d: d.update(closes=d["opens"]), "polls must open before they close", "manifest.json"),
            (lambda d: d.update(title=["t"]), "'title' must be a string", "manifest.json")):
        error = _refused_edit(edit)
        assert (error.what, error.where) == (what, where)


def test_contest_and_option_titles_hold_up_to_1024_bytes():
    """A title may be empty or as long as codec.MAX_TITLE_BYTES (ids stop at 128 bytes); one byte more is refused
    at the contest or option that carries it."""
    longest, too_long = "t" * codec.MAX_TITLE_BYTES, "t" * (codec.MAX_TITLE_BYTES + 1)
    parsed = _parse_edited(lambda d: (d["contests"][0].update(title=longest),
                                      d["contests"][0]["options"][1].update(title=longest)))
    assert parsed.contests[0].title == longest and parsed.contests[0].options[1].title == longest
    for edit, where in ((lambda d: d["contests"][0].update(title=too_long), "manifest.json contests[0]"),
                        (lambda d: d["contests"][0]["options"][1].update(title=too_long),
                         "manifest.json contests[0].options[1]")):
        error = _refused_edit(edit)
        assert (error.what, error.where) == ("'title' must be at most 1024 bytes", where)


def test_a_manifests_header_has_the_integer_version_and_its_kind():
    for version in (True, 2.0, "2", 1):
        assert _refused_edit(lambda d, v=version: d.update(version=v)).check == "schema.version"
    assert _refused_edit(lambda d: d.update(kind="ballot")).check == "schema.kind"
    assert _refused_edit(lambda d: d.update(extra=1)).what == "unexpected key 'extra'"


def test_a_manifests_header_refusals_name_the_manifest_file():
    for edit, check in ((lambda d: d.update(version=1), "schema.version"), (lambda d: d.update(kind="ballot"), "schema.kind"),
                        (lambda d: d.pop("closes"), None)):
        error = _refused_edit(edit)
        assert (error.check, error.where) == (check, "manifest.json")
    assert _refused(manifest_from_json, [], "upload").where == "upload"


def test_asking_a_manifest_for_a_contest_it_lacks_names_the_missing_contest():
    with pytest.raises(KeyError) as caught:
        SMALL_MANIFEST.contest("nobody")
    assert caught.value.args == ("nobody",)
