# SPDX-License-Identifier: Apache-2.0
"""Seats: majoritarian constituencies with the women's reservation, party lists with a threshold, lots."""
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from shailoo.rules.seats import (
    Contender,
    ListSeats,
    Lot,
    Majoritarian,
    NeedsLot,
    PartyList,
    majoritarian,
    party_lists,
    passes_threshold,
    reserved_for_women,
)


def man(ident, votes):
    return Contender(ident, votes, woman=False)


def woman(ident, votes):
    return Contender(ident, votes, woman=True)


# --- majoritarian ----------------------------------------------------------------------------------

def test_the_candidates_with_most_votes_win():
    result = majoritarian([man(1, 50), man(2, 80), woman(3, 70), man(4, 10)], seats=2, women_seats=0)
    assert result == Majoritarian(elected=(2, 3), replacements=(), lots=(), vacant=0)


def test_a_woman_replaces_the_elected_man_with_fewest_votes():
    # 3 seats, 1 reserved: men 100, 90, 80 win on votes; the best woman (60) replaces the man with 80.
    result = majoritarian([man(1, 100), man(2, 90), man(3, 80), woman(4, 60), woman(5, 50)], seats=3, women_seats=1)
    assert isinstance(result, Majoritarian)
    assert result.elected == (1, 2, 4) and result.replacements == ((3, 4),)


def test_the_replacement_repeats_until_the_reservation_is_met():
    # 5 seats, 2 reserved (ceil 30 % of 5), one woman among the top five.
    field = [man(1, 100), man(2, 95), woman(3, 90), man(4, 85), man(5, 80), woman(6, 40), woman(7, 45), man(8, 70)]
    result = majoritarian(field, seats=5, women_seats=2)
    assert result.elected == (1, 2, 3, 4, 7) and result.replacements == ((5, 7),)
    result = majoritarian(field, seats=5, women_seats=3)
    assert result.elected == (1, 2, 3, 7, 6) and result.replacements == ((5, 7), (4, 6))


def test_enough_women_elected_on_votes_means_no_replacement():
    result = majoritarian([woman(1, 100), man(2, 90), woman(3, 80), man(4, 70)], seats=3, women_seats=1)
    assert result.elected == (1, 2, 3) and result.replacements == ()


def test_a_constituency_with_no_woman_candidate_elects_men():
    result = majoritarian([man(1, 10), man(2, 20), man(3, 30)], seats=2, women_seats=1)
    assert result.elected == (3, 2) and result.replacements == ()


def test_too_few_women_fill_what_they_can():
    result = majoritarian([man(1, 90), man(2, 80), man(3, 70), woman(4, 5)], seats=3, women_seats=2)
    assert result.elected == (1, 2, 4) and result.replacements == ((3, 4),)


def test_the_women_rule_can_be_turned_off():
    result = majoritarian([man(1, 100), man(2, 90), woman(3, 60)], seats=2, women_seats=1, women_rule="none")
    assert result.elected == (1, 2) and result.replacements == ()


def test_fewer_candidates_than_seats_leaves_seats_vacant():
    result = majoritarian([man(1, 5), woman(2, 3)], seats=3, women_seats=1)
    assert result.elected == (1, 2) and result.vacant == 1
    assert majoritarian([], seats=3, women_seats=1).vacant == 3


def test_a_candidate_with_no_votes_can_still_win_an_unfilled_seat():
    assert majoritarian([man(1, 0), man(2, 7)], seats=2, women_seats=0).elected == (2, 1)


def test_a_tie_at_the_last_seat_needs_a_lot_and_the_recorded_lot_decides():
    field = [man(1, 100), man(2, 50), man(3, 50), man(4, 10)]
    needs = majoritarian(field, seats=2, women_seats=0)
    assert needs == NeedsLot(between=(2, 3), places=1, purpose="seats")
    assert str(needs) == "needs a lot between 2, 3 for 1 place(s) (seats)"
    result = majoritarian(field, seats=2, women_seats=0, lots=[Lot((3, 2))])
    assert result.elected == (1, 3) and result.lots == (Lot((3, 2)),)
    assert majoritarian(field, seats=2, women_seats=0, lots=[Lot((2, 3))]).elected == (1, 2)


def test_a_lot_drawn_between_other_candidates_does_not_apply():
    field = [man(1, 100), man(2, 50), man(3, 50), man(4, 50)]
    assert majoritarian(field, seats=2, women_seats=0, lots=[Lot((3, 2))]) == NeedsLot((2, 3, 4), 1, "seats")
    assert majoritarian(field, seats=3, women_seats=0, lots=[Lot((4, 3, 2))]).elected == (1, 4, 3)


def test_a_tie_that_decides_nothing_needs_no_lot():
    result = majoritarian([man(1, 50), man(2, 50), man(3, 10)], seats=2, women_seats=0)
    assert result.elected == (1, 2) and result.lots == ()
    assert majoritarian([man(1, 50), man(2, 50)], seats=2, women_seats=0).lots == ()


def test_a_tie_between_the_best_women_not_elected_needs_a_lot():
    field = [man(1, 100), man(2, 90), woman(3, 40), woman(4, 40)]
    assert majoritarian(field, seats=2, women_seats=1) == NeedsLot((3, 4), 1, "women_in")
    result = majoritarian(field, seats=2, women_seats=1, lots=[Lot((4, 3))])
    assert result.elected == (1, 4) and result.replacements == ((2, 4),) and result.lots == (Lot((4, 3)),)


def test_a_tie_between_the_last_elected_men_needs_a_lot():
    field = [man(1, 90), man(2, 90), woman(3, 40)]
    assert majoritarian(field, seats=2, women_seats=1) == NeedsLot((1, 2), 1, "men_out")
    # The lot ranks 2 before 1: man 1 ranks last and gives way.
    result = majoritarian(field, seats=2, women_seats=1, lots=[Lot((2, 1))])
    assert result.elected == (2, 3) and result.replacements == ((1, 3),) and result.lots == (Lot((2, 1)),)
    assert majoritarian(field, seats=2, women_seats=1, lots=[Lot((1, 2))]).elected == (1, 3)


def test_one_lot_orders_a_tie_for_the_last_seat_and_the_replacement():
    # Men 2 and 3 tie for the last seat; the lot puts 3 in, and a woman then replaces him, the last man.
    field = [man(1, 90), man(2, 50), man(3, 50), woman(4, 10)]
    result = majoritarian(field, seats=2, women_seats=1, lots=[Lot((3, 2))])
    assert result.elected == (1, 4) and result.replacements == ((3, 4),) and result.lots == (Lot((3, 2)),)


def test_the_same_candidate_twice_or_too_many_reserved_seats_are_errors():
    with pytest.raises(ValueError, match="^each contender once$"):
        majoritarian([man(1, 1), man(1, 2)], seats=1, women_seats=0)
    with pytest.raises(ValueError, match="^more seats reserved for women than seats$"):
        majoritarian([man(1, 1)], seats=1, women_seats=2)
    assert majoritarian([woman(1, 1)], seats=1, women_seats=1).elected == (1,)


@pytest.mark.parametrize(("seats", "reserved"), [(1, 1), (3, 1), (5, 2), (7, 3), (10, 3), (11, 4), (21, 7), (31, 10)])
def test_the_reserved_share_is_rounded_up(seats, reserved):
    assert reserved_for_women(seats) == reserved


def test_the_reserved_share_is_a_setting():
    assert reserved_for_women(11, Fraction(2, 5)) == 5


# --- party lists -----------------------------------------------------------------------------------

def party(ident, votes, size=60, withdrawn=()):
    return PartyList(ident, votes, tuple(range(ident * 100, ident * 100 + size)), frozenset(withdrawn))


def test_hare_with_largest_remainders_by_hand():
    # 31 seats, 10,000 valid: quotas 13.95, 9.3, 4.65, 3.1 → 13 + 9 + 4 + 3 = 29; remainders .95 and .65 win.
    parties = [party(1, 4500), party(2, 3000), party(3, 1500), party(4, 1000)]
    result = party_lists(parties, seats=31, threshold_base=10_000)
    assert isinstance(result, ListSeats)
    assert result.seats == {1: 14, 2: 9, 3: 5, 4: 3} and result.vacant == 0 and result.passed == (1, 2, 3, 4)
    assert result.elected[4] == (400, 401, 402)


def test_dhondt_by_hand():
    # 7 seats: averages 100 80 50 50(1/2) 40 33.3 30 … → A 3, B 2, C 2? worked out: A 100, 50, 33.3;
    # B 80, 40; C 30 → the seven highest: 100, 80, 50, 40, 33.3, 30, 26.7 (B/3) → A 3, B 3, C 1.
    parties = [party(1, 100), party(2, 80), party(3, 30)]
    result = party_lists(parties, seats=7, threshold_base=210, method="dhondt")
    assert result.seats == {1: 3, 2: 3, 3: 1}


def test_a_list_below_the_threshold_wins_nothing():
    # 5 % of the 2,000 voters who took part is 100: 99 fails, 100 passes.
    parties = [party(1, 1000), party(2, 99), party(3, 100), party(4, 0)]
    result = party_lists(parties, seats=10, threshold_base=2000)
    assert result.passed == (1, 3) and 2 not in result.seats
    assert result.seats == {1: 9, 3: 1}


def test_the_threshold_is_at_least_its_share_of_the_base():
    assert passes_threshold(5, 100, Fraction(5, 100)) and not passes_threshold(4, 100, Fraction(5, 100))
    assert passes_threshold(7, 100, Fraction(7, 100)) and not passes_threshold(6, 99, Fraction(7, 100))


def test_withdrawn_candidates_are_skipped():
    parties = [PartyList(1, 100, (11, 12, 13, 14), frozenset({12})), PartyList(2, 100, (21, 22, 23))]
    result = party_lists(parties, seats=4, threshold_base=200)
    assert result.elected == {1: (11, 13), 2: (21, 22)}


def test_a_list_shorter_than_its_seats_leaves_the_rest_to_the_others():
    # A wins 8 of 10 by votes but has 3 candidates standing: its other 5 are shared by Hare between B and C.
    parties = [PartyList(1, 800, (11, 12, 13, 14), frozenset({14})), party(2, 150), party(3, 50)]
    result = party_lists(parties, seats=10, threshold_base=1000)
    assert result.seats == {1: 3, 2: 5, 3: 2} and result.vacant == 0
    assert result.elected[1] == (11, 12, 13)


def test_seats_no_list_can_fill_stay_vacant():
    parties = [PartyList(1, 800, (11,)), PartyList(2, 200, (21, 22)), PartyList(3, 100, ())]
    result = party_lists(parties, seats=5, threshold_base=1000)
    assert result.seats == {1: 1, 2: 2, 3: 0} and result.vacant == 2 and result.passed == (1, 2, 3)


def test_a_tie_of_remainders_for_the_last_seat_needs_a_lot():
    parties = [party(1, 100), party(2, 100), party(3, 100)]
    assert party_lists(parties, seats=2, threshold_base=300) == NeedsLot((1, 2, 3), 2, "remainders")
    result = party_lists(parties, seats=2, threshold_base=300, lots=[Lot((3, 1, 2))])
    assert result.seats == {1: 1, 2: 0, 3: 1} and result.lots == (Lot((3, 1, 2)),)


def test_a_tie_of_averages_for_the_last_seat_needs_a_lot():
    parties = [party(1, 60), party(2, 30)]
    # D'Hondt, 2 seats: 60, then 30 (A/2) and 30 (B/1) tie for the second.
    assert party_lists(parties, seats=2, threshold_base=90, method="dhondt") == NeedsLot((1, 2), 1, "averages")
    result = party_lists(parties, seats=2, threshold_base=90, method="dhondt", lots=[Lot((2, 1))])
    assert result.seats == {1: 1, 2: 1} and result.lots == (Lot((2, 1)),)
    assert party_lists(parties, seats=3, threshold_base=90, method="dhondt").seats == {1: 2, 2: 1}


def test_an_unknown_method_or_a_list_twice_is_an_error():
    with pytest.raises(ValueError, match="^unknown seat method 'webster'$"):
        party_lists([party(1, 1)], seats=1, threshold_base=1, method="webster")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^each list once$"):
        party_lists([party(1, 1), party(1, 2)], seats=1, threshold_base=1)


def test_no_list_over_the_threshold_leaves_every_seat_vacant():
    result = party_lists([party(1, 4)], seats=5, threshold_base=100)
    assert result.passed == () and result.vacant == 5 and result.seats == {}


# --- properties --------------------------------------------------------------------------------------

def settle(run):
    """Draw every lot the rules ask for (lowest id first) until there is a result."""
    lots: list[Lot] = []
    for _ in range(50):
        result = run(lots)
        if not isinstance(result, NeedsLot):
            return result
        lots.append(Lot(result.between))
    raise AssertionError("lots never settled")


contenders = st.lists(st.tuples(st.integers(0, 30), st.booleans()), min_size=0, max_size=14).map(
    lambda rows: [Contender(i + 1, votes, woman) for i, (votes, woman) in enumerate(rows)])


@given(field=contenders, seats=st.integers(1, 11), share=st.sampled_from([Fraction(0), Fraction(3, 10), Fraction(1, 2)]))
def test_every_seat_is_awarded_while_there_are_candidates(field, seats, share):
    women_seats = reserved_for_women(seats, share)
    result = settle(lambda lots: majoritarian(field, seats=seats, women_seats=women_seats, lots=lots))
    assert len(result.elected) == min(seats, len(field)) == seats - result.vacant
    assert len(set(result.elected)) == len(result.elected)


@given(field=contenders, seats=st.integers(1, 11))
def test_the_reservation_is_met_whenever_enough_women_stood(field, seats):
    women_seats = reserved_for_women(seats)
    result = settle(lambda lots: majoritarian(field, seats=seats, women_seats=women_seats, lots=lots))
    women_standing = sum(1 for c in field if c.woman)
    women_elected = sum(1 for c in field if c.woman and c.id in result.elected)
    assert women_elected >= min(women_seats, women_standing)


@given(field=contenders, seats=st.integers(1, 11), extra=st.integers(1, 20), data=st.data())
def test_more_votes_for_a_winner_never_unseat_them(field, seats, extra, data):
    women_seats = reserved_for_women(seats)
    result = majoritarian(field, seats=seats, women_seats=women_seats)
    assume(isinstance(result, Majoritarian) and result.elected)
    winner = data.draw(st.sampled_from(result.elected))
    boosted = [Contender(c.id, c.votes + extra, c.woman) if c.id == winner else c for c in field]
    again = settle(lambda lots: majoritarian(boosted, seats=seats, women_seats=women_seats, lots=lots))
    assert winner in again.elected


lists = st.lists(st.tuples(st.integers(0, 500), st.integers(0, 12)), min_size=1, max_size=8).map(
    lambda rows: [PartyList(i + 1, votes, tuple(range((i + 1) * 100, (i + 1) * 100 + size)))
                  for i, (votes, size) in enumerate(rows)])


@given(parties=lists, seats=st.integers(1, 31), method=st.sampled_from(["hare", "dhondt"]))
def test_list_seats_awarded_equal_seats_available_or_no_one_is_left(parties, seats, method):
    base = sum(p.votes for p in parties)
    result = settle(lambda lots: party_lists(parties, seats=seats, threshold_base=base, method=method, lots=lots))
    assert sum(result.seats.values()) + result.vacant == seats
    standing = sum(len(p.candidates) for p in parties if p.id in result.passed)
    assert sum(result.seats.values()) == min(seats, standing)
    for p in parties:
        assert len(result.elected.get(p.id, ())) == result.seats.get(p.id, 0) <= len(p.candidates)


@given(parties=lists, seats=st.integers(1, 31), method=st.sampled_from(["hare", "dhondt"]))
def test_a_list_with_more_votes_never_wins_fewer_seats(parties, seats, method):
    full = [PartyList(p.id, p.votes, tuple(range(p.id * 100, p.id * 100 + 40))) for p in parties]
    result = settle(lambda lots: party_lists(full, seats=seats, threshold_base=0, method=method, lots=lots))
    for a in full:
        for b in full:
            if a.votes > b.votes:
                assert result.seats.get(a.id, 0) >= result.seats.get(b.id, 0)


def test_equal_votes_above_the_cut_are_listed_by_id():
    result = majoritarian([man(5, 50), man(2, 50), man(9, 50), man(3, 10)], seats=3, women_seats=0)
    assert result.elected == (2, 5, 9) and result.lots == ()


def test_a_lot_naming_a_candidate_twice_does_not_apply():
    field = [man(1, 100), man(2, 50), man(3, 50)]
    assert majoritarian(field, seats=2, women_seats=0, lots=[Lot((3, 3, 2))]) == NeedsLot((2, 3), 1, "seats")


def test_a_list_with_no_votes_never_passes_even_against_an_empty_base():
    result = party_lists([party(1, 0), party(2, 3)], seats=2, threshold_base=0)
    assert result.passed == (2,) and result.seats == {2: 2}


def test_dhondt_gives_the_seats_a_short_list_cannot_fill_to_the_others():
    # D'Hondt, 6 seats: A 600 is sure of more than its 2 candidates standing; B 300 and C 200 share the other
    # 4 from the start: averages B 300, 150, 100; C 200, 100: the fourth seat is a tie between B/3 and C/2.
    parties = [PartyList(1, 600, (11, 12)), party(2, 300), party(3, 200)]
    assert party_lists(parties, seats=6, threshold_base=1100, method="dhondt") == NeedsLot((2, 3), 1, "averages")
    result = party_lists(parties, seats=6, threshold_base=1100, method="dhondt", lots=[Lot((3, 2))])
    assert result.seats == {1: 2, 2: 2, 3: 2} and result.vacant == 0
    assert party_lists(parties, seats=5, threshold_base=1100, method="dhondt").seats == {1: 2, 2: 2, 3: 1}


def test_a_tie_that_only_decides_a_seat_a_full_list_could_not_fill_needs_no_lot():
    # Hare, 4 seats of 400: A 200 (1 standing) 2.0, B 100 1.0, C 100 1.0: A is sure of 2 > 1 standing, so it
    # keeps 1 and the other 3 are shared by B and C (1.5 each: a real tie for the third).
    parties = [PartyList(1, 200, (11,)), party(2, 100), party(3, 100)]
    assert party_lists(parties, seats=4, threshold_base=400) == NeedsLot((2, 3), 1, "remainders")
    # D'Hondt, 3 seats: A 300 (1 standing), B 100, C 100: A's 300 and 150 are sure; B and C tie at 100 for the
    # third seat only while A is in the count; without A, B and C share 2 seats: one each, no lot.
    parties = [PartyList(1, 300, (11,)), party(2, 100), party(3, 100)]
    result = party_lists(parties, seats=3, threshold_base=500, method="dhondt")
    assert result.seats == {1: 1, 2: 1, 3: 1} and result.lots == ()


def test_a_list_already_holding_a_seat_for_each_candidate_is_out_of_a_tie_for_one_more():
    # Hare, 7 seats of 49 votes: C (19, nobody standing) is out; A and B (15 each) share 7: 3.5 each, a tie
    # for the seventh seat; B has 3 candidates and is sure of 3: the seat can only go to A, no lot.
    parties = [PartyList(1, 15, tuple(range(10, 15))), PartyList(2, 15, (20, 21, 22)), PartyList(3, 19, ())]
    result = party_lists(parties, seats=7, threshold_base=0)
    assert result.seats == {1: 4, 2: 3, 3: 0} and result.lots == () and result.vacant == 0


def test_a_list_winning_exactly_its_candidates_leaves_the_others_shares_alone():
    # Hare, 7 seats: B (nobody standing) is out; A 33, C 22, D 52 share 7 of 107: 2.16, 1.44, 3.40 → 2, 1, 3 and
    # the remainder seat to C (.44): A's 2 seats fill its 2 candidates, and nothing is shared again.
    parties = [PartyList(1, 33, (10, 11)), PartyList(2, 53, ()), PartyList(3, 22, (30, 31, 32, 33)),
               PartyList(4, 52, tuple(range(40, 45)))]
    result = party_lists(parties, seats=7, threshold_base=0)
    assert result.seats == {1: 2, 2: 0, 3: 2, 4: 3}


def test_a_list_with_one_vote_can_pass_the_threshold():
    result = party_lists([party(1, 1), party(2, 19)], seats=20, threshold_base=20)
    assert result.passed == (1, 2) and result.seats == {1: 1, 2: 19}


def test_a_kenesh_of_no_seats_gives_no_list_a_seat():
    result = party_lists([party(1, 10), party(2, 5)], seats=0, threshold_base=15)
    assert result == ListSeats(passed=(1, 2), seats={1: 0, 2: 0}, elected={1: (), 2: ()}, lots=(), vacant=0)


def test_a_lot_giving_a_full_list_one_seat_more_gives_that_seat_to_the_others():
    # As above (A and B tie at 3.5 for the seventh seat, B has 3 candidates), but the commission drew a lot that
    # ranks B first: B still keeps 3 seats, one for each candidate, and the seventh goes to A.
    parties = [PartyList(1, 15, tuple(range(10, 15))), PartyList(2, 15, (20, 21, 22)), PartyList(3, 19, ())]
    result = party_lists(parties, seats=7, threshold_base=0, lots=[Lot((2, 1))])
    assert result.seats == {1: 4, 2: 3, 3: 0} and result.vacant == 0
    assert result.elected == {1: (10, 11, 12, 13), 2: (20, 21, 22), 3: ()}
