# SPDX-License-Identifier: Apache-2.0
"""The precinct protocol's control relations, each failing alone, and the comparison of two entries."""
import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shailoo.rules.protocol import Line, Protocol, Relation, check, differences

# A protocol worked out by hand: 1,000 voters on the main list and 12 on the additional one; 1,000 ballots
# received, 700 + 20 issued, 280 cancelled; 690 + 20 = 710 found = 700 valid + 10 invalid; 3 marks a
# ballot, 3 candidates: 650 + 600 + 500 = 1,750 marks ≤ 2,100.
GOOD = Protocol(
    voters_main=1000, voters_additional=12, ballots_received=1000, issued_at_station=700, issued_outside=20,
    cancelled=280, found_stationary=690, found_mobile=20, valid=700, invalid=10, votes={1: 650, 2: 600, 3: 500},
)
OPTIONS = frozenset({1, 2, 3})


def relations(protocol, **kwargs):
    kwargs = {"options": OPTIONS, "marks_allowed": 3, **kwargs}
    return [failure.relation for failure in check(protocol, **kwargs)]


def test_a_balanced_protocol_passes_every_relation():
    assert check(GOOD, options=OPTIONS, marks_allowed=3, compiled_list=1000) == []


def test_the_derived_totals():
    assert (GOOD.voters, GOOD.issued, GOOD.found) == (1012, 720, 710)


@pytest.mark.parametrize(("change", "relation", "english"), [
    ({"ballots_received": 1001}, Relation.RECEIVED_BALANCE,
     "Ballots received (1001) do not equal those issued plus cancelled (700 + 20 + 280 = 1000)."),
    ({"cancelled": 279}, Relation.RECEIVED_BALANCE,
     "Ballots received (1000) do not equal those issued plus cancelled (700 + 20 + 279 = 999)."),
    ({"invalid": 9}, Relation.BOXES_BALANCE,
     "Ballots in the boxes (690 + 20 = 710) do not equal valid plus invalid (700 + 9 = 709)."),
    ({"votes": {1: 701, 2: 600, 3: 500}}, Relation.CANDIDATE_WITHIN_VALID,
     "Votes for option 1 (701) exceed the valid ballots (700)."),
    ({"voters_main": 999}, Relation.LIST_MATCHES,
     "Voters on the main list (999) do not match the compiled list (1000)."),
    ({"votes": {1: 650, 2: 600}}, Relation.OPTIONS_MATCH, "The votes do not match the options on the ballot: №3."),
    ({"votes": {1: 650, 2: 600, 3: 500, 9: 0}}, Relation.OPTIONS_MATCH,
     "The votes do not match the options on the ballot: №9."),
    ({"against_all": 0}, Relation.AGAINST_ALL_ABSENT, "This election's ballot has no “against all” line."),
])
def test_each_relation_failing_alone_is_named(change, relation, english):
    failures = check(dataclasses.replace(GOOD, **change), options=OPTIONS, marks_allowed=3, compiled_list=1000)
    assert [f.relation for f in failures] == [relation]
    assert str(failures[0]) == english == failures[0].message["en"]
    assert failures[0].message["ky"] and failures[0].message["ru"]
    assert failures[0].message["ky"] != failures[0].message["ru"]


def test_messages_in_kyrgyz_and_russian_carry_the_figures():
    failure = check(dataclasses.replace(GOOD, ballots_received=1001), options=OPTIONS, marks_allowed=3)[0]
    assert failure.message["ru"] == ("Получено бюллетеней (1001) не равно сумме выданных и погашенных "
                                     "(700 + 20 + 280 = 1000).")
    assert failure.message["ky"] == ("Алынган бюллетендер (1001) берилгендердин жана жокко чыгарылгандардын "
                                     "суммасына (700 + 20 + 280 = 1000) барабар эмес.")


def test_more_ballots_in_the_boxes_than_issued():
    # 721 found, 720 issued: balanced otherwise (721 = 711 valid + 10 invalid).
    protocol = dataclasses.replace(GOOD, found_stationary=701, valid=711)
    assert relations(protocol) == [Relation.FOUND_WITHIN_ISSUED]
    assert str(check(protocol, options=OPTIONS, marks_allowed=3)[0]) == (
        "More ballots in the boxes (721) than were issued (720).")


def test_found_equal_to_issued_is_allowed():
    protocol = dataclasses.replace(GOOD, found_stationary=700, valid=710)
    assert relations(protocol) == []


def test_more_ballots_issued_than_voters_on_the_lists():
    protocol = dataclasses.replace(GOOD, voters_main=700, voters_additional=19)
    assert relations(protocol) == [Relation.ISSUED_WITHIN_VOTERS]
    assert str(check(protocol, options=OPTIONS, marks_allowed=3)[0]) == (
        "More ballots issued (720) than voters on the lists (719).")
    assert relations(dataclasses.replace(GOOD, voters_main=700, voters_additional=20)) == []


def test_all_marks_within_valid_times_marks_allowed():
    # 2 marks a ballot: 1,750 > 1,400.
    failures = check(GOOD, options=OPTIONS, marks_allowed=2)
    assert [f.relation for f in failures] == [Relation.VOTES_WITHIN_MARKS]
    assert str(failures[0]) == "All votes (1750) exceed what the valid ballots allow (700 × 2 marks = 1400)."
    exact = dataclasses.replace(GOOD, votes={1: 700, 2: 700, 3: 0})
    assert relations(exact, marks_allowed=2) == []
    assert relations(dataclasses.replace(exact, votes={1: 700, 2: 700, 3: 1}), marks_allowed=2) == [
        Relation.VOTES_WITHIN_MARKS]


def test_one_mark_a_ballot_must_account_for_every_valid_ballot():
    single = dataclasses.replace(GOOD, votes={1: 400, 2: 200, 3: 100})
    assert relations(single, marks_allowed=1) == []
    fewer = dataclasses.replace(GOOD, votes={1: 400, 2: 200, 3: 99})
    failures = check(fewer, options=OPTIONS, marks_allowed=1)
    assert [f.relation for f in failures] == [Relation.SINGLE_MARK_BALANCE]
    assert str(failures[0]) == "With one mark a ballot, the votes (699) must equal the valid ballots (700)."
    # Fewer marks than valid ballots is fine with several marks a ballot (a blank choice).
    assert relations(fewer, marks_allowed=3) == []


def test_against_all_counts_as_a_mark_where_the_ballot_has_it():
    with_line = dataclasses.replace(GOOD, votes={1: 400, 2: 200, 3: 90}, against_all=10)
    assert relations(with_line, marks_allowed=1, against_all=True) == []
    assert relations(dataclasses.replace(with_line, against_all=11), marks_allowed=1, against_all=True) == [
        Relation.VOTES_WITHIN_MARKS]
    missing = check(dataclasses.replace(GOOD, votes={1: 400, 2: 200, 3: 100}), options=OPTIONS,
                    marks_allowed=1, against_all=True)
    assert [f.relation for f in missing] == [Relation.AGAINST_ALL_MISSING]
    assert missing[0].message == {
        "ky": "Бюллетенде «баарына каршы» сабы бар: анын санын жазыңыз.",
        "ru": "В бюллетене есть строка «против всех»: укажите её число.",
        "en": "The ballot has an “against all” line: enter its figure.",
    }
    absent = check(dataclasses.replace(GOOD, against_all=0), options=OPTIONS, marks_allowed=3)
    assert absent[0].message == {
        "ky": "Бул шайлоонун бюллетенинде «баарына каршы» сабы жок.",
        "ru": "В бюллетене этих выборов нет строки «против всех».",
        "en": "This election's ballot has no “against all” line.",
    }


@pytest.mark.parametrize("line", [line for line in Line if line is not Line.AGAINST_ALL])
def test_no_line_may_be_negative(line):
    protocol = dataclasses.replace(GOOD, **{line.value: -1})
    failures = check(protocol, options=OPTIONS, marks_allowed=3)
    negative = [f for f in failures if f.relation is Relation.NOT_NEGATIVE]
    assert len(negative) == 1 and "(-1)" in str(negative[0])
    assert failures[0].relation is Relation.NOT_NEGATIVE  # named first, before the sums it upsets


def test_a_negative_line_is_named_in_each_language():
    failure = check(dataclasses.replace(GOOD, cancelled=-1), options=OPTIONS, marks_allowed=3)[0]
    assert failure.message == {
        "ky": "«жокко чыгарылган бюллетендер» терс сан болушу мүмкүн эмес (-1).",
        "ru": "«погашено бюллетеней» не может быть отрицательным (-1).",
        "en": "“ballots cancelled” cannot be negative (-1).",
    }


def test_negative_votes_and_against_all_are_refused():
    protocol = dataclasses.replace(GOOD, votes={1: 650, 2: 600, 3: -1}, against_all=-2)
    failures = [f for f in check(protocol, options=OPTIONS, marks_allowed=3, against_all=True)
                if f.relation is Relation.NOT_NEGATIVE]
    assert [str(f) for f in failures] == ["“against all” cannot be negative (-2).",
                                          "The votes for option 3 cannot be negative (-1)."]
    assert failures[1].message["ru"] == "Число голосов за кандидата №3 не может быть отрицательным (-1)."
    zero = dataclasses.replace(GOOD, votes={1: 650, 2: 600, 3: 0}, against_all=0)
    assert relations(zero, against_all=True) == []


def test_the_list_is_checked_only_when_its_size_is_given():
    assert relations(dataclasses.replace(GOOD, voters_main=1500)) == []


def test_lines_name_every_figure_in_form_order():
    lines = dataclasses.replace(GOOD, against_all=5).lines()
    assert list(lines) == ["voters_main", "voters_additional", "ballots_received", "issued_at_station",
                           "issued_outside", "cancelled", "found_stationary", "found_mobile", "valid",
                           "invalid", "against_all", "votes:1", "votes:2", "votes:3"]
    assert lines["against_all"] == 5 and lines["votes:2"] == 600
    assert "against_all" not in GOOD.lines()


def test_two_entries_that_agree_have_no_differences():
    assert differences(GOOD, dataclasses.replace(GOOD, votes=dict(GOOD.votes))) == []


def test_differences_name_each_line_that_differs():
    other = dataclasses.replace(GOOD, cancelled=279, votes={1: 650, 2: 601, 3: 500})
    assert differences(GOOD, other) == ["cancelled", "votes:2"]
    assert differences(GOOD, dataclasses.replace(GOOD, against_all=0)) == ["against_all"]
    assert differences(GOOD, dataclasses.replace(GOOD, votes={1: 650, 2: 600})) == ["votes:3"]
    assert differences(dataclasses.replace(GOOD, votes={1: 650, 2: 600}), GOOD) == ["votes:3"]


counts = st.integers(min_value=0, max_value=5000)


@given(received=counts, issued_at=counts, outside=counts, stationary=counts, mobile=counts, invalid=counts,
       extra_voters=counts)
def test_a_protocol_built_to_balance_passes(received, issued_at, outside, stationary, mobile, invalid, extra_voters):
    issued = issued_at + outside
    found = min(stationary + mobile, issued)
    stationary, mobile = min(stationary, found), found - min(stationary, found)
    invalid = min(invalid, found)
    valid = found - invalid
    protocol = Protocol(
        voters_main=issued + extra_voters, voters_additional=0, ballots_received=issued + received,
        issued_at_station=issued_at, issued_outside=outside, cancelled=received, found_stationary=stationary,
        found_mobile=mobile, valid=valid, invalid=invalid, votes={1: valid, 2: 0},
    )
    assert check(protocol, options={1, 2}, marks_allowed=1, compiled_list=issued + extra_voters) == []


def test_every_relation_is_named_in_kyrgyz_and_russian_with_its_figures():
    def message(protocol, **kwargs):
        kwargs = {"options": OPTIONS, "marks_allowed": 3, **kwargs}
        return check(protocol, **kwargs)[0].message

    assert message(dataclasses.replace(GOOD, found_stationary=701, valid=711)) == {
        "ky": "Кутулардагы бюллетендер (721) берилгендерден (720) көп.",
        "ru": "Бюллетеней в ящиках (721) больше, чем выдано (720).",
        "en": "More ballots in the boxes (721) than were issued (720).",
    }
    assert message(dataclasses.replace(GOOD, voters_main=700, voters_additional=19)) == {
        "ky": "Берилген бюллетендер (720) тизмедеги шайлоочулардан (719) көп.",
        "ru": "Выдано бюллетеней (720) больше, чем избирателей в списках (719).",
        "en": "More ballots issued (720) than voters on the lists (719).",
    }
    assert message(GOOD, marks_allowed=2) == {
        "ky": "Бардык добуштар (1750) жарактуу бюллетендерден ашат (700 × 2 белги = 1400).",
        "ru": "Всего голосов (1750) больше, чем позволяют действительные бюллетени (700 × 2 отметок = 1400).",
        "en": "All votes (1750) exceed what the valid ballots allow (700 × 2 marks = 1400).",
    }
    assert message(dataclasses.replace(GOOD, votes={1: 400, 2: 200, 3: 99}), marks_allowed=1) == {
        "ky": "Бир белгилүү бюллетенде добуштардын суммасы (699) жарактуу бюллетендерге (700) барабар болушу керек.",
        "ru": "При одной отметке сумма голосов (699) должна равняться числу действительных бюллетеней (700).",
        "en": "With one mark a ballot, the votes (699) must equal the valid ballots (700).",
    }
    assert message(dataclasses.replace(GOOD, votes={1: 650, 2: 600, 3: -1}))["ky"] == (
        "№3 талапкердин добуштары терс сан болушу мүмкүн эмес (-1).")
    assert message(dataclasses.replace(GOOD, votes={1: 650, 9: 0, 3: 500})) == {
        "ky": "Добуштар бюллетендеги талапкерлерге дал келбейт: №9, №2.",
        "ru": "Голоса не соответствуют кандидатам в бюллетене: №9, №2.",
        "en": "The votes do not match the options on the ballot: №9, №2.",
    }
