# SPDX-License-Identifier: Apache-2.0
"""A precinct's results protocol and its control relations (docs/results.md).

The lines follow the precinct protocol of the older Electoral Code (art. 43) as far as the issue names them;
the control relations are the generic post-Soviet ones (DOMAIN.md §2). `check` names every relation that
fails, in Kyrgyz, Russian and English, with the figures that break it; an empty list means the protocol
balances. `differences` compares two independent entries of the same protocol, line by line.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum


class Line(StrEnum):
    """The numbered lines of the protocol, in the order of the paper form."""

    VOTERS_MAIN = "voters_main"
    VOTERS_ADDITIONAL = "voters_additional"
    BALLOTS_RECEIVED = "ballots_received"
    ISSUED_AT_STATION = "issued_at_station"
    ISSUED_OUTSIDE = "issued_outside"
    CANCELLED = "cancelled"
    FOUND_STATIONARY = "found_stationary"
    FOUND_MOBILE = "found_mobile"
    VALID = "valid"
    INVALID = "invalid"
    AGAINST_ALL = "against_all"


LINE_NAMES: dict[Line, dict[str, str]] = {
    Line.VOTERS_MAIN: {"ky": "негизги тизмедеги шайлоочулар", "ru": "избирателей в основном списке",
                       "en": "voters on the main list"},
    Line.VOTERS_ADDITIONAL: {"ky": "кошумча тизмедеги шайлоочулар", "ru": "избирателей в дополнительном списке",
                             "en": "voters on the additional list"},
    Line.BALLOTS_RECEIVED: {"ky": "алынган бюллетендер", "ru": "получено бюллетеней",
                            "en": "ballots received"},
    Line.ISSUED_AT_STATION: {"ky": "участокто берилген бюллетендер", "ru": "выдано бюллетеней на участке",
                             "en": "ballots issued at the station"},
    Line.ISSUED_OUTSIDE: {"ky": "участоктон тышкары берилген бюллетендер", "ru": "выдано бюллетеней вне участка",
                          "en": "ballots issued outside the station"},
    Line.CANCELLED: {"ky": "жокко чыгарылган бюллетендер", "ru": "погашено бюллетеней",
                     "en": "ballots cancelled"},
    Line.FOUND_STATIONARY: {"ky": "стационардык кутулардагы бюллетендер", "ru": "бюллетеней в стационарных ящиках",
                            "en": "ballots in stationary boxes"},
    Line.FOUND_MOBILE: {"ky": "көчмө кутулардагы бюллетендер", "ru": "бюллетеней в переносных ящиках",
                        "en": "ballots in mobile boxes"},
    Line.VALID: {"ky": "жарактуу бюллетендер", "ru": "действительных бюллетеней", "en": "valid ballots"},
    Line.INVALID: {"ky": "жараксыз бюллетендер", "ru": "недействительных бюллетеней", "en": "invalid ballots"},
    Line.AGAINST_ALL: {"ky": "баарына каршы", "ru": "против всех", "en": "against all"},
}


@dataclass(frozen=True)
class Protocol:
    """One precinct's figures; `votes` maps an option (candidate or party list) id to its votes."""

    voters_main: int
    voters_additional: int
    ballots_received: int
    issued_at_station: int
    issued_outside: int
    cancelled: int
    found_stationary: int
    found_mobile: int
    valid: int
    invalid: int
    votes: Mapping[int, int] = field(default_factory=dict)
    against_all: int | None = None

    @property
    def voters(self) -> int:
        return self.voters_main + self.voters_additional

    @property
    def issued(self) -> int:
        """Ballots issued: the voters who took part."""
        return self.issued_at_station + self.issued_outside

    @property
    def found(self) -> int:
        """Ballots found in the boxes."""
        return self.found_stationary + self.found_mobile

    def lines(self) -> dict[str, int]:
        """Every figure by its name: the numbered lines, then `votes:<id>` for each option."""
        figures = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("votes", "against_all")}
        if self.against_all is not None:
            figures[Line.AGAINST_ALL.value] = self.against_all
        for option, count in sorted(self.votes.items()):
            figures[f"votes:{option}"] = count
        return figures


class Relation(StrEnum):
    """The control relations, each with its own code (docs/results.md)."""

    NOT_NEGATIVE = "not_negative"
    RECEIVED_BALANCE = "received_balance"  # received = issued at the station + issued outside + cancelled
    BOXES_BALANCE = "boxes_balance"  # found in the boxes = valid + invalid
    FOUND_WITHIN_ISSUED = "found_within_issued"  # found in the boxes ≤ issued
    ISSUED_WITHIN_VOTERS = "issued_within_voters"  # issued ≤ voters on the main and additional lists
    CANDIDATE_WITHIN_VALID = "candidate_within_valid"  # one option's votes ≤ valid ballots
    VOTES_WITHIN_MARKS = "votes_within_marks"  # all votes (and "against all") ≤ valid × marks allowed
    SINGLE_MARK_BALANCE = "single_mark_balance"  # one mark a ballot: votes + "against all" = valid
    LIST_MATCHES = "list_matches"  # voters on the main list = the compiled list
    AGAINST_ALL_ABSENT = "against_all_absent"  # a figure for "against all" where the ballot has no such line
    AGAINST_ALL_MISSING = "against_all_missing"  # no figure for "against all" where the ballot has the line
    OPTIONS_MATCH = "options_match"  # one figure for each candidate on the ballot, none for anyone else


@dataclass(frozen=True)
class Failure:
    relation: Relation
    message: dict[str, str]  # ky, ru, en

    def __str__(self) -> str:
        return self.message["en"]


def _failure(relation: Relation, ky: str, ru: str, en: str) -> Failure:
    return Failure(relation, {"ky": ky, "ru": ru, "en": en})


def check(
    protocol: Protocol,
    *,
    options: frozenset[int] | set[int],
    marks_allowed: int,
    against_all: bool = False,
    compiled_list: int | None = None,
) -> list[Failure]:
    """Every control relation the protocol breaks, in the order of the form; [] when it balances.

    `options` are the ids on the ballot, `marks_allowed` how many a voter may mark (1 for party lists),
    `against_all` whether the ballot has that line, `compiled_list` the voters the compiled list holds for
    this precinct (None: not checked)."""
    failures: list[Failure] = []
    p = protocol
    names = LINE_NAMES
    for line in Line:
        if line is Line.AGAINST_ALL:
            value = p.against_all
        else:
            value = getattr(p, line.value)
        if value is not None and value < 0:
            failures.append(_failure(
                Relation.NOT_NEGATIVE,
                f"«{names[line]['ky']}» терс сан болушу мүмкүн эмес ({value}).",
                f"«{names[line]['ru']}» не может быть отрицательным ({value}).",
                f"“{names[line]['en']}” cannot be negative ({value}).",
            ))
    for option, count in sorted(p.votes.items()):
        if count < 0:
            failures.append(_failure(
                Relation.NOT_NEGATIVE,
                f"№{option} талапкердин добуштары терс сан болушу мүмкүн эмес ({count}).",
                f"Число голосов за кандидата №{option} не может быть отрицательным ({count}).",
                f"The votes for option {option} cannot be negative ({count}).",
            ))
    outside = p.issued_at_station + p.issued_outside + p.cancelled
    if p.ballots_received != outside:
        failures.append(_failure(
            Relation.RECEIVED_BALANCE,
            f"Алынган бюллетендер ({p.ballots_received}) берилгендердин жана жокко чыгарылгандардын "
            f"суммасына ({p.issued_at_station} + {p.issued_outside} + {p.cancelled} = {outside}) барабар эмес.",
            f"Получено бюллетеней ({p.ballots_received}) не равно сумме выданных и погашенных "
            f"({p.issued_at_station} + {p.issued_outside} + {p.cancelled} = {outside}).",
            f"Ballots received ({p.ballots_received}) do not equal those issued plus cancelled "
            f"({p.issued_at_station} + {p.issued_outside} + {p.cancelled} = {outside}).",
        ))
    sorted_out = p.valid + p.invalid
    if p.found != sorted_out:
        failures.append(_failure(
            Relation.BOXES_BALANCE,
            f"Кутулардагы бюллетендер ({p.found_stationary} + {p.found_mobile} = {p.found}) жарактуу жана "
            f"жараксыздардын суммасына ({p.valid} + {p.invalid} = {sorted_out}) барабар эмес.",
            f"Бюллетеней в ящиках ({p.found_stationary} + {p.found_mobile} = {p.found}) не равно сумме "
            f"действительных и недействительных ({p.valid} + {p.invalid} = {sorted_out}).",
            f"Ballots in the boxes ({p.found_stationary} + {p.found_mobile} = {p.found}) do not equal valid "
            f"plus invalid ({p.valid} + {p.invalid} = {sorted_out}).",
        ))
    if p.found > p.issued:
        failures.append(_failure(
            Relation.FOUND_WITHIN_ISSUED,
            f"Кутулардагы бюллетендер ({p.found}) берилгендерден ({p.issued}) көп.",
            f"Бюллетеней в ящиках ({p.found}) больше, чем выдано ({p.issued}).",
            f"More ballots in the boxes ({p.found}) than were issued ({p.issued}).",
        ))
    if p.issued > p.voters:
        failures.append(_failure(
            Relation.ISSUED_WITHIN_VOTERS,
            f"Берилген бюллетендер ({p.issued}) тизмедеги шайлоочулардан ({p.voters}) көп.",
            f"Выдано бюллетеней ({p.issued}) больше, чем избирателей в списках ({p.voters}).",
            f"More ballots issued ({p.issued}) than voters on the lists ({p.voters}).",
        ))
    unknown = sorted(set(p.votes) - set(options))
    missing = sorted(set(options) - set(p.votes))
    if unknown or missing:
        listed = ", ".join(f"№{o}" for o in unknown + missing)
        failures.append(_failure(
            Relation.OPTIONS_MATCH,
            f"Добуштар бюллетендеги талапкерлерге дал келбейт: {listed}.",
            f"Голоса не соответствуют кандидатам в бюллетене: {listed}.",
            f"The votes do not match the options on the ballot: {listed}.",
        ))
    if against_all and p.against_all is None:
        failures.append(_failure(
            Relation.AGAINST_ALL_MISSING,
            "Бюллетенде «баарына каршы» сабы бар: анын санын жазыңыз.",
            "В бюллетене есть строка «против всех»: укажите её число.",
            "The ballot has an “against all” line: enter its figure.",
        ))
    if not against_all and p.against_all is not None:
        failures.append(_failure(
            Relation.AGAINST_ALL_ABSENT,
            "Бул шайлоонун бюллетенинде «баарына каршы» сабы жок.",
            "В бюллетене этих выборов нет строки «против всех».",
            "This election's ballot has no “against all” line.",
        ))
    for option, count in sorted(p.votes.items()):
        if count > p.valid:
            failures.append(_failure(
                Relation.CANDIDATE_WITHIN_VALID,
                f"№{option} үчүн добуштар ({count}) жарактуу бюллетендерден ({p.valid}) көп.",
                f"Голосов за №{option} ({count}) больше, чем действительных бюллетеней ({p.valid}).",
                f"Votes for option {option} ({count}) exceed the valid ballots ({p.valid}).",
            ))
    marks = sum(p.votes.values()) + (p.against_all or 0)
    if marks > p.valid * marks_allowed:
        failures.append(_failure(
            Relation.VOTES_WITHIN_MARKS,
            f"Бардык добуштар ({marks}) жарактуу бюллетендерден ашат ({p.valid} × {marks_allowed} белги "
            f"= {p.valid * marks_allowed}).",
            f"Всего голосов ({marks}) больше, чем позволяют действительные бюллетени ({p.valid} × "
            f"{marks_allowed} отметок = {p.valid * marks_allowed}).",
            f"All votes ({marks}) exceed what the valid ballots allow ({p.valid} × {marks_allowed} marks "
            f"= {p.valid * marks_allowed}).",
        ))
    elif marks_allowed == 1 and marks != p.valid:
        failures.append(_failure(
            Relation.SINGLE_MARK_BALANCE,
            f"Бир белгилүү бюллетенде добуштардын суммасы ({marks}) жарактуу бюллетендерге ({p.valid}) "
            f"барабар болушу керек.",
            f"При одной отметке сумма голосов ({marks}) должна равняться числу действительных "
            f"бюллетеней ({p.valid}).",
            f"With one mark a ballot, the votes ({marks}) must equal the valid ballots ({p.valid}).",
        ))
    if compiled_list is not None and p.voters_main != compiled_list:
        failures.append(_failure(
            Relation.LIST_MATCHES,
            f"Негизги тизмедеги шайлоочулар ({p.voters_main}) түзүлгөн тизмеге ({compiled_list}) дал келбейт.",
            f"Избирателей в основном списке ({p.voters_main}) не совпадает с составленным списком "
            f"({compiled_list}).",
            f"Voters on the main list ({p.voters_main}) do not match the compiled list ({compiled_list}).",
        ))
    return failures


def differences(first: Protocol, second: Protocol) -> list[str]:
    """The lines (names as in `Protocol.lines`) on which two entries of one protocol differ, in form order."""
    a, b = first.lines(), second.lines()
    return [name for name in list(a) + [n for n in b if n not in a] if a.get(name) != b.get(name)]
