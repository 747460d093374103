# SPDX-License-Identifier: Apache-2.0
"""Who wins the seats (docs/results.md).

- Aiyl keneshes: majoritarian, multi-member constituencies. The candidates with most votes win; where the
  winners hold fewer women than the seats reserved for them, the woman with most votes among those not
  elected replaces the elected man with fewest votes, repeated until the reservation is met or no woman
  candidate is left (`women_rule="replace_last_man"`; `"none"` turns it off).
- City keneshes: party lists. Lists with at least `threshold` of the threshold base (the caller passes the
  base: by default the voters who took part) share the seats by the Hare quota with largest remainders
  (`method="hare"`) or by D'Hondt's highest averages (`method="dhondt"`); each list's seats go to its
  candidates in order, skipping those who withdrew. A list with fewer candidates than its seats leaves the
  rest to the next claims of the method (the next largest remainders, the next averages); seats no list can
  fill stay vacant.

Ties are never broken silently: where candidates or lists with equal figures compete for fewer places than
they are, the functions return `NeedsLot` naming them; the commission draws a lot, records the order drawn,
and passes it back as a `Lot`. A lot applies to exactly the set of ids it was drawn between.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil
from typing import Literal

WomenRule = Literal["replace_last_man", "none"]
Method = Literal["hare", "dhondt"]
Score = int | Fraction


@dataclass(frozen=True)
class Lot:
    """The order a lot gave between tied candidates or lists: `order[0]` ranks first."""

    order: tuple[int, ...]

    @property
    def between(self) -> frozenset[int]:
        return frozenset(self.order)


@dataclass(frozen=True)
class NeedsLot:
    """No result until the commission draws a lot between `between` (ids, ascending) for `places` of them."""

    between: tuple[int, ...]
    places: int
    purpose: str  # "seats", "women_in", "men_out", "remainders", "averages"

    def __str__(self) -> str:
        return f"needs a lot between {', '.join(map(str, self.between))} for {self.places} place(s) ({self.purpose})"


class _Tie(Exception):
    def __init__(self, needs: NeedsLot) -> None:
        super().__init__(str(needs))
        self.needs = needs


def _lot_for(group: Iterable[int], lots: Sequence[Lot]) -> Lot | None:
    wanted = frozenset(group)
    for lot in lots:
        if lot.between == wanted and len(lot.order) == len(wanted):
            return lot
    return None


def _best(entries: Sequence[tuple[int, Score]], n: int, lots: Sequence[Lot], purpose: str,
          used: list[Lot], *, sure_only: bool = False) -> list[int]:
    """The ids of the `n` entries with the highest scores, highest first; a tie across the cut needs a lot
    (with `sure_only`, the tied entries are left out instead: the ones sure to be among the best)."""
    ranked = sorted(entries, key=lambda entry: (-entry[1], entry[0]))
    if n >= len(ranked):
        return [ident for ident, _ in ranked]
    if n <= 0:
        return []
    cut = ranked[n - 1][1]
    if ranked[n][1] != cut:
        return [ident for ident, _ in ranked[:n]]
    above = [ident for ident, score in ranked if score > cut]
    group = [ident for ident, score in ranked if score == cut]
    places = n - len(above)
    lot = _lot_for(group, lots)
    if sure_only:
        return above
    if lot is None:
        raise _Tie(NeedsLot(tuple(sorted(group)), places, purpose))
    if lot not in used:
        used.append(lot)
    return above + list(lot.order[:places])


def _worst(entries: Sequence[tuple[int, Score]], n: int, lots: Sequence[Lot], purpose: str,
           used: list[Lot]) -> list[int]:
    """The ids of the `n` entries with the lowest scores, lowest first (a lot's last ranks lowest)."""
    flipped = [(ident, -score) for ident, score in entries]
    reversed_lots = [Lot(tuple(reversed(lot.order))) for lot in lots]
    chosen_from: list[Lot] = []
    worst = _best(flipped, n, reversed_lots, purpose, chosen_from)
    for lot in chosen_from:
        original = Lot(tuple(reversed(lot.order)))
        if original not in used:
            used.append(original)
    return worst


# ---------------------------------------------------------------------------------------------------
# Majoritarian constituencies (aiyl keneshes)


@dataclass(frozen=True)
class Contender:
    id: int
    votes: int
    woman: bool


@dataclass(frozen=True)
class Majoritarian:
    elected: tuple[int, ...]  # by votes, highest first (the women who came in by the reservation last)
    replacements: tuple[tuple[int, int], ...]  # (man who gave way, woman who took the seat)
    lots: tuple[Lot, ...]  # the lots the result depends on
    vacant: int  # seats without a candidate


def reserved_for_women(seats: int, share: Fraction = Fraction(3, 10)) -> int:
    """The seats of a constituency reserved for women: the share of its seats, rounded up (2024's 40 %)."""
    return ceil(seats * share)


def majoritarian(
    contenders: Sequence[Contender], *, seats: int, women_seats: int, lots: Sequence[Lot] = (),
    women_rule: WomenRule = "replace_last_man",
) -> Majoritarian | NeedsLot:
    """The winners of one multi-member constituency; withdrawn candidates are not among `contenders`."""
    if len({c.id for c in contenders}) != len(contenders):
        raise ValueError("each contender once")
    if women_seats > seats:
        raise ValueError("more seats reserved for women than seats")
    used: list[Lot] = []
    by_id = {c.id: c for c in contenders}
    try:
        elected = _best([(c.id, c.votes) for c in contenders], seats, lots, "seats", used)
        women_short = women_seats - sum(1 for ident in elected if by_id[ident].woman)
        replacements: list[tuple[int, int]] = []
        if women_rule == "replace_last_man" and women_short > 0:
            waiting = [(c.id, c.votes) for c in contenders if c.woman and c.id not in elected]
            coming = _best(waiting, women_short, lots, "women_in", used)
            men = [(ident, by_id[ident].votes) for ident in elected if not by_id[ident].woman]
            going = _worst(men, len(coming), lots, "men_out", used)
            replacements = list(zip(going, coming, strict=True))
            elected = [ident for ident in elected if ident not in going] + coming
    except _Tie as tie:
        return tie.needs
    return Majoritarian(tuple(elected), tuple(replacements), tuple(used), seats - len(elected))


# ---------------------------------------------------------------------------------------------------
# Party lists (city keneshes)


@dataclass(frozen=True)
class PartyList:
    id: int
    votes: int
    candidates: tuple[int, ...]  # in list order
    withdrawn: frozenset[int] = frozenset()

    @property
    def standing(self) -> tuple[int, ...]:
        return tuple(c for c in self.candidates if c not in self.withdrawn)


@dataclass(frozen=True)
class ListSeats:
    passed: tuple[int, ...]  # lists over the threshold, in the order given
    seats: dict[int, int]  # list id -> seats won (0 for the lists that passed without a seat)
    elected: dict[int, tuple[int, ...]]  # list id -> its elected candidates, in list order
    lots: tuple[Lot, ...]
    vacant: int


def passes_threshold(votes: int, base: int, threshold: Fraction) -> bool:
    """At least `threshold` of `base` (e.g. 5 % of the voters who took part)."""
    return votes * threshold.denominator >= base * threshold.numerator


def _hare(parties: Sequence[PartyList], seats: int, lots: Sequence[Lot], used: list[Lot],
          sure_only: bool) -> dict[int, int]:
    """`seats` shared by the Hare quota (votes × seats / all votes), the rest by the largest remainders."""
    total = sum(p.votes for p in parties)
    share: dict[int, int] = {}
    remainders: list[tuple[int, Score]] = []
    for party in parties:
        share[party.id], remainder = divmod(party.votes * seats, total)
        remainders.append((party.id, remainder))
    left = seats - sum(share.values())
    for party_id in _best(remainders, left, lots, "remainders", used, sure_only=sure_only):
        share[party_id] += 1
    return share


def _dhondt(parties: Sequence[PartyList], seats: int, lots: Sequence[Lot], used: list[Lot],
            sure_only: bool) -> dict[int, int]:
    """`seats` shared one at a time to the highest average votes / (seats won + 1)."""
    share = {party.id: 0 for party in parties}
    left = seats
    while left > 0:
        averages = {party.id: Fraction(party.votes, share[party.id] + 1) for party in parties}
        top = max(averages.values())
        tied = [(party_id, average) for party_id, average in averages.items() if average == top]
        for party_id in _best(tied, left, lots, "averages", used, sure_only=sure_only):
            share[party_id] += 1
        if sure_only and len(tied) > left:
            break
        left -= min(left, len(tied))
    return share


def party_lists(
    parties: Sequence[PartyList], *, seats: int, threshold_base: int, threshold: Fraction = Fraction(5, 100),
    method: Method = "hare", lots: Sequence[Lot] = (),
) -> ListSeats | NeedsLot:
    """The seats of a city kenesh among its party lists.

    A list that would win more seats than it has candidates standing keeps one seat for each of them; the
    other seats are shared again, from the start and by the same method, among the remaining lists (a tie
    that only decides a seat the list could not fill needs no lot)."""
    if len({p.id for p in parties}) != len(parties):
        raise ValueError("each list once")
    if method not in ("hare", "dhondt"):
        raise ValueError(f"unknown seat method {method!r}")
    share_out = _hare if method == "hare" else _dhondt
    passed = [p for p in parties if p.votes > 0 and passes_threshold(p.votes, threshold_base, threshold)]
    won = {p.id: 0 for p in passed}
    used: list[Lot] = []
    left = seats
    pool = list(passed)
    while left > 0 and pool:
        sure = share_out(pool, left, lots, [], True)
        full = [p for p in pool if sure[p.id] > len(p.standing)]
        if not full:
            try:
                share = share_out(pool, left, lots, used, False)
            except _Tie as tie:
                # A list sure of as many seats as it has candidates cannot take the seat the tie is for.
                full = [p for p in pool if p.id in tie.needs.between and sure[p.id] >= len(p.standing)]
                if not full:
                    return tie.needs
            else:
                full = [p for p in pool if share[p.id] > len(p.standing)]
                if not full:
                    for party in pool:
                        won[party.id] = share[party.id]
                    left = 0
                    break
        for party in full:
            won[party.id] = len(party.standing)
            left -= len(party.standing)
        pool = [p for p in pool if p not in full]
    elected = {p.id: p.standing[: won[p.id]] for p in passed}
    return ListSeats(tuple(p.id for p in passed), won, elected, tuple(used), left)
