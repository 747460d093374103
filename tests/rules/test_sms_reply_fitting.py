# SPDX-License-Identifier: Apache-2.0
"""How a reply's fields of unbounded length are fitted into two UCS-2 parts (sms_texts.listed).

The tests find the address in a reply by its place, not by the template's words, so they hold when the
wording changes: the address is what differs between two replies that differ only in their address."""
import datetime as dt
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shailoo.rules import sms_texts
from shailoo.rules.eligibility import Ineligibility
from shailoo.rules.sms_texts import (
    ELLIPSIS,
    MAX_INITIALS,
    MAX_PHONE,
    MAX_REPLY_CHARS,
    MAX_WORD_CUT,
    Language,
    VotingMode,
    shorten_initials,
    utf16_length,
)

DAY = dt.date(2026, 4, 9)
FIELDS = [(language, mode) for language in Language for mode in VotingMode]


def listed(address, *, language=Language.RU, mode=VotingMode.PAPER, initials="А***** Б.", phone="",
           number="5123"):
    return sms_texts.listed(language, mode=mode, initials=initials, election_day=DAY, precinct_number=number,
                            precinct_address=address, phone=phone)


def frame(**fields):
    """The reply's text before its address and after the address's closing period."""
    one, other = listed("А", **fields), listed("Б", **fields)
    before = os.path.commonprefix([one, other])
    after = os.path.commonprefix([one[::-1], other[::-1]])[::-1]
    assert after.startswith(".")
    return before, after[1:]


def address_part(reply, **fields):
    before, after = frame(**fields)
    assert reply.startswith(before) and reply.endswith(after)
    return reply[len(before):len(reply) - len(after)]


def room(**fields):
    """UTF-16 units left for the address and its closing period or ellipsis."""
    before, after = frame(**fields)
    return MAX_REPLY_CHARS - utf16_length(before) - utf16_length(after)


@pytest.mark.parametrize(("language", "mode"), FIELDS)
def test_an_address_that_just_fits_is_kept_whole_and_fills_the_reply(language, mode):
    fields = {"language": language, "mode": mode, "phone": "+996 3622 5 00 00"}
    address = "А" * (room(**fields) - 1)
    reply = listed(address, **fields)
    assert address_part(reply, **fields) == address + "."
    assert utf16_length(reply) == MAX_REPLY_CHARS


@pytest.mark.parametrize(("language", "mode"), FIELDS)
def test_an_address_one_character_too_long_is_cut_to_the_last_unit_with_an_ellipsis(language, mode):
    fields = {"language": language, "mode": mode, "phone": "+996 3622 5 00 00"}
    address = "А" * room(**fields)
    reply = listed(address, **fields)
    assert address_part(reply, **fields) == address[:-1] + ELLIPSIS
    assert utf16_length(reply) == MAX_REPLY_CHARS


@pytest.mark.parametrize(("address", "fitted"), [
    ("с. Ак-Сай, ул. Мектеп, 12", "с. Ак-Сай, ул. Мектеп, 12."),
    ("с. Ак-Сай, ул. Мектеп, 12.", "с. Ак-Сай, ул. Мектеп, 12."),
    ("  с.  Ак-Сай,\nул. Мектеп, 12 . ", "с. Ак-Сай, ул. Мектеп, 12."),
    ("мкр. Джал, корпус X", "мкр. Джал, корпус X."),
    ("...", "."),
])
def test_an_address_that_fits_ends_with_one_period(address, fitted):
    assert address_part(listed(address)) == fitted


def test_the_cut_falls_on_a_space_that_drops_at_most_max_word_cut_characters():
    length = room() - 1  # characters of the address before the ellipsis
    near = "А" * (length - MAX_WORD_CUT) + " " + "Б" * 40
    assert address_part(listed(near)) == "А" * (length - MAX_WORD_CUT) + ELLIPSIS
    far = "А" * (length - MAX_WORD_CUT - 1) + " " + "Б" * 40
    assert address_part(listed(far)) == far[:length] + ELLIPSIS


def test_a_long_last_word_is_cut_inside_rather_than_dropped():
    reply = listed("ул. " + "Ж" * 300)
    assert address_part(reply) == ("ул. " + "Ж" * 300)[:room() - 1] + ELLIPSIS


def test_the_cut_falls_on_the_last_space_before_it():
    address = " ".join(["Мектеп"] * 60)
    part = address_part(listed(address))
    assert part.endswith("Мектеп" + ELLIPSIS) and len(part) >= room() - 1 - MAX_WORD_CUT


@pytest.mark.parametrize("words", ["ул. Мектеп, ", "12; 14: ", "Мектеп. "])
def test_no_punctuation_is_left_before_the_ellipsis(words):
    part = address_part(listed(words * 40))
    assert part.endswith(ELLIPSIS) and part[-2].isalnum()


def test_a_one_letter_word_before_the_cut_is_kept():
    length = room() - 1
    address = "А" * (length - 5) + " X " + "Б" * 40  # the last space is 3 characters before the cut
    assert address_part(listed(address)) == "А" * (length - 5) + " X" + ELLIPSIS


@pytest.mark.parametrize("initials", ["А* Б.", "А** Б.", "А*** Б.", "А**** Б."])
@pytest.mark.parametrize("letters", ["𝔸", "А𝔸"])
def test_an_address_beyond_the_basic_plane_is_cut_to_the_room_counted_in_utf16_units(initials, letters):
    reply = listed(letters * 150, initials=initials)
    # a character of two units may not fit the last unit left
    assert MAX_REPLY_CHARS - 1 <= utf16_length(reply) <= MAX_REPLY_CHARS
    assert address_part(reply, initials=initials).endswith(ELLIPSIS)


def test_a_phone_of_max_phone_characters_is_sent_and_a_longer_one_left_out():
    longest = "+" + "9" * (MAX_PHONE - 1)
    assert listed("с. Ак-Сай", phone=longest).endswith(longest)
    assert listed("с. Ак-Сай", phone=longest + "9") == listed("с. Ак-Сай", phone="") == listed("с. Ак-Сай")
    assert listed("с. Ак-Сай").endswith("с. Ак-Сай.")


def test_a_phone_is_sent_with_single_spaces():
    assert listed("с. Ак-Сай", phone=" +996  3622\t500 ").endswith(" +996 3622 500")


def test_a_voter_without_initials_is_greeted_with_a_dash():
    assert listed("с. Ак-Сай", initials="") == listed("с. Ак-Сай", initials="—")
    assert listed("с. Ак-Сай", initials="   ") == listed("с. Ак-Сай", initials="—")


def test_a_precinct_number_has_four_digits_at_most():
    assert listed("с. Ак-Сай", number="51234") == listed("с. Ак-Сай", number="5123")
    assert "5123" in listed("с. Ак-Сай", number="5123")


# --- masked initials


@pytest.mark.parametrize(("initials", "shortened"), [
    ("А***** Б.", "А***** Б."),
    ("  А*****   Б. ", "А***** Б."),
    ("Ж* Абдыкадыр", "Ж* Абдыкадыр"),  # twelve characters: kept as they are
    ("Ж" + "*" * 20 + " Щ.", "Ж******** Щ."),
    ("Ж" + "*" * 19 + " Б. В.", "Ж******* Б."),
    ("Ж" + "*" * 20, "Ж***********"),
    ("", ""),
])
def test_a_long_mask_loses_stars_and_keeps_the_initial_of_the_name(initials, shortened):
    assert shorten_initials(initials) == shortened


@given(st.text(max_size=60))
def test_shortened_initials_fit_max_initials_and_short_ones_are_kept(initials):
    shortened = shorten_initials(initials)
    assert len(shortened) <= MAX_INITIALS
    normalised = " ".join(initials.split())
    if len(normalised) <= MAX_INITIALS:
        assert shortened == normalised
    else:
        assert shortened[:1] == normalised[:1]


# --- reasons


@pytest.mark.parametrize("language", list(Language))
def test_several_reasons_are_given_in_a_fixed_order_separated_by_semicolons(language):
    singles = [sms_texts.ineligible(language, (reason,)) for reason in Ineligibility]
    prefix = os.path.commonprefix(singles)
    assert all(single.endswith(".") for single in singles)
    reasons = [single[len(prefix):-1] for single in singles]
    backwards = tuple(reversed(list(Ineligibility)))
    assert sms_texts.ineligible(language, backwards) == prefix + "; ".join(reasons) + "."
    assert sms_texts.ineligible(language, list(Ineligibility) * 2) == prefix + "; ".join(reasons) + "."


@pytest.mark.parametrize("language", list(Language))
def test_no_reason_is_the_not_on_any_list_reply(language):
    assert sms_texts.ineligible(language, ()) == sms_texts.not_listed(
        language, corrections_until=None, corrections_open=False
    )
