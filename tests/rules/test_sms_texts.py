# SPDX-License-Identifier: Apache-2.0
"""SMS 119 texts: every reply fits two UCS-2 parts, PINs and languages are read out of free text."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shailoo.rules import sms_texts
from shailoo.rules.eligibility import Ineligibility
from shailoo.rules.sms_texts import (
    MAX_REPLY_CHARS,
    Encoding,
    Language,
    NoPinInText,
    PinNotFound,
    VotingMode,
    count_segments,
    detect_language,
    extract_pin,
)

LONGEST_DAY = dt.date(2026, 12, 31)


# Longer than the register's surname (100) and the precinct's address (300) may be: the reply fits them
# by rule, whatever their length, so a longer field makes the reply no longer.
def _longest_initials() -> str:
    """A masked surname as Citizen.initials_masked writes it, longer than any surname."""
    return "Ж" + "*" * 199 + " Щ."


def _longest_address() -> str:
    words = "Жалал-Абад облусу, Сузак району, Көк-Жаңгак шаары, Токтогул көчөсү, 125-үй, орто мектеп "
    return (words * 10)[:600]


def _longest_phone() -> str:
    """The longest phone that is still sent (longer ones are left out of the SMS)."""
    return "+996 312 66 02 4"[: sms_texts.MAX_PHONE].ljust(sms_texts.MAX_PHONE, "0")


def _every_reply_at_its_longest():
    for language in Language:
        for mode in VotingMode:
            for phone in (_longest_phone(), "+996 3622 5 00 00 доб. 1234567890 1234567890"):
                yield f"listed-{mode}-{language}", sms_texts.listed(
                    language, mode=mode, initials=_longest_initials(), election_day=LONGEST_DAY,
                    precinct_number="9999", precinct_address=_longest_address(), phone=phone,
                )
        for is_open in (True, False):
            yield f"not-listed-{is_open}-{language}", sms_texts.not_listed(
                language, corrections_until=LONGEST_DAY, corrections_open=is_open
            )
        yield f"not-listed-no-election-{language}", sms_texts.not_listed(
            language, corrections_until=None, corrections_open=False
        )
        yield f"ineligible-all-reasons-{language}", sms_texts.ineligible(language, tuple(Ineligibility))
        for reason in Ineligibility:
            yield f"ineligible-{reason}-{language}", sms_texts.ineligible(language, (reason,))
        yield f"malformed-{language}", sms_texts.malformed_pin(language)
        yield f"rate-limited-{language}", sms_texts.rate_limited(language)
        yield f"help-{language}", sms_texts.help_text(language)


REPLIES = list(_every_reply_at_its_longest())


@pytest.mark.parametrize(("name", "reply"), REPLIES, ids=[name for name, _ in REPLIES])
def test_every_reply_at_its_longest_fits_two_ucs2_parts(name, reply):
    segments = count_segments(reply)
    assert segments.units <= MAX_REPLY_CHARS, (name, segments.units, reply)
    assert segments.parts <= 2


def test_the_reply_set_covers_every_outcome_in_both_languages():
    kinds = {name.rsplit("-", 1)[0].split("-")[0] for name, _ in REPLIES}
    assert kinds == {"listed", "not", "ineligible", "malformed", "rate", "help"}
    assert {name.rsplit("-", 1)[1] for name, _ in REPLIES} == {"ky", "ru"}


def test_kyrgyz_and_russian_replies_differ_and_use_their_own_words():
    for language, word in ((Language.KY, "тизмесинде"), (Language.RU, "списке")):
        assert word in sms_texts.not_listed(language, corrections_until=LONGEST_DAY, corrections_open=True)
    assert sms_texts.help_text(Language.KY) != sms_texts.help_text(Language.RU)


def test_a_listed_reply_gives_precinct_address_phone_day_and_masked_initials():
    reply = sms_texts.listed(
        Language.RU, mode=VotingMode.PAPER, initials="А***** Б.", election_day=dt.date(2026, 4, 9),
        precinct_number="5123", precinct_address="с. Самаркандек, ул. Мектеп, 12", phone="+996 3622 5 00 00",
    )
    assert reply == ("А***** Б., выборы 09.04.2026: голосуете на участке №5123, с. Самаркандек, ул. Мектеп, 12. "
                     "Тел. +996 3622 5 00 00")


def test_an_electronic_voter_is_told_they_vote_electronically():
    for language, word in ((Language.RU, "электронно"), (Language.KY, "электрондук")):
        reply = sms_texts.listed(
            language, mode=VotingMode.ELECTRONIC, initials="А***** Б.", election_day=LONGEST_DAY,
            precinct_number="5123", precinct_address="с. Самаркандек", phone="",
        )
        assert word in reply and "Тел." not in reply


def test_a_too_long_address_is_cut_at_a_word_with_an_ellipsis():
    reply = sms_texts.listed(
        Language.KY, mode=VotingMode.PAPER, initials="А***** Б.", election_day=LONGEST_DAY,
        precinct_number="5123", precinct_address=_longest_address(), phone="+996 3622 5 00 00",
    )
    assert "… Тел. +996 3622 5 00 00" in reply
    assert len(reply) <= MAX_REPLY_CHARS


def test_a_phone_too_long_for_the_sms_is_left_out_not_cut():
    reply = sms_texts.listed(
        Language.RU, mode=VotingMode.PAPER, initials="А***** Б.", election_day=LONGEST_DAY,
        precinct_number="5123", precinct_address="с. Самаркандек", phone="+996 3622 5 00 00, +996 555 12 34 56",
    )
    assert "Тел." not in reply


def test_the_not_listed_reply_names_the_correction_deadline():
    reply = sms_texts.not_listed(Language.RU, corrections_until=dt.date(2024, 11, 1), corrections_open=True)
    assert "До 01.11.2024 включительно" in reply and "УИК" in reply and "Кабинет избирателя" in reply
    closed = sms_texts.not_listed(Language.KY, corrections_until=dt.date(2024, 11, 1), corrections_open=False)
    assert "01.11.2024" in closed and "бүттү" in closed


def test_the_ineligible_reply_says_why_in_plain_words():
    reply = sms_texts.ineligible(Language.RU, (Ineligibility.NO_BIOMETRICS,))
    assert reply == "Вас нет в списке: нет биометрической регистрации: обратитесь в ЦОН."
    assert "КТБ" in sms_texts.ineligible(Language.KY, (Ineligibility.NO_BIOMETRICS,))


@settings(max_examples=200, deadline=None)
@given(
    language=st.sampled_from(list(Language)), mode=st.sampled_from(list(VotingMode)),
    initials=st.text(max_size=120), address=st.text(max_size=300), phone=st.text(max_size=40),
    number=st.text(alphabet="0123456789", min_size=4, max_size=4),
)
def test_a_listed_reply_fits_whatever_the_fields_hold(language, mode, initials, address, phone, number):
    reply = sms_texts.listed(language, mode=mode, initials=initials, election_day=LONGEST_DAY,
                             precinct_number=number, precinct_address=address, phone=phone)
    assert count_segments(reply).units <= MAX_REPLY_CHARS


# --- segments


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), [
    ("", Encoding.GSM7, 0, 0),
    ("a" * 160, Encoding.GSM7, 160, 1),
    ("a" * 161, Encoding.GSM7, 161, 2),
    ("a" * 306, Encoding.GSM7, 306, 2),
    ("a" * 307, Encoding.GSM7, 307, 3),
    ("€" * 80, Encoding.GSM7, 160, 1),
    ("[" * 81, Encoding.GSM7, 162, 2),
    ("ж" * 70, Encoding.UCS2, 70, 1),
    ("ж" * 71, Encoding.UCS2, 71, 2),
    ("ж" * 134, Encoding.UCS2, 134, 2),
    ("ж" * 135, Encoding.UCS2, 135, 3),
    ("a" * 69 + "ө", Encoding.UCS2, 70, 1),
    ("😀" * 35, Encoding.UCS2, 70, 1),
    ("😀" * 36, Encoding.UCS2, 72, 2),
])
def test_segments_are_counted_as_gsm7_or_ucs2(text, encoding, units, parts):
    segments = count_segments(text)
    assert segments == sms_texts.SegmentCount(encoding=encoding, units=units, parts=parts)
    assert type(segments.units) is int and type(segments.parts) is int


# --- PIN and language


@pytest.mark.parametrize("text", [
    "21705199000123",
    "  21705199000123\n",
    "ПИН 21705199000123",
    "мой пин21705199000123пожалуйста",
    "2 1705 1990 00123",
    "2-1705-1990-00123 RU",
    "RU 2170519900012 3",
    "２１７０５１９９０００１２３",
    "12 21705199000123",
    "Салам! Менин ПИН: 21705199000123, рахмат",
])
def test_the_pin_is_found_among_words_spaces_and_dashes(text):
    assert extract_pin(text) == "21705199000123"


def test_a_message_without_digits_asks_for_help():
    with pytest.raises(NoPinInText) as error:
        extract_pin("Салам, кантип текшерем?")
    assert str(error.value) == "the message has no digits"


@pytest.mark.parametrize(("text", "digits"), [
    ("12345", 5), ("2170519900012345", 16), ("ПИН 217051990001", 12), ("2 1705 1990 0012", 13),
    ("2-1705-1990-0012 и 5", 13),
])
def test_a_message_without_fourteen_digits_is_not_a_pin(text, digits):
    with pytest.raises(PinNotFound) as error:
        extract_pin(text)
    assert error.value.digits == digits
    assert str(error.value) == f"no 14-digit PIN in the message (longest group: {digits} digits)"


@pytest.mark.parametrize("text", ["21705199000123 11705199000124", "2 1705 1990 00123, 1 1705 1990 00124"])
def test_two_different_pins_in_one_message_are_refused(text):
    with pytest.raises(PinNotFound) as error:
        extract_pin(text)
    assert error.value.digits == 14


def test_the_same_pin_twice_is_one_pin():
    assert extract_pin("21705199000123 21705199000123") == "21705199000123"


@pytest.mark.parametrize(("text", "language"), [
    ("RU 21705199000123", Language.RU),
    ("ru21705199000123", Language.RU),
    ("21705199000123 kg", Language.KY),
    ("KY 21705199000123", Language.KY),
    ("рус 21705199000123", Language.RU),
    ("ПИН 21705199000123", Language.RU),
    ("Здравствуйте, проверьте 21705199000123", Language.RU),
    ("Менин ПИН 21705199000123", Language.KY),
    ("Текшерүү 21705199000123", Language.KY),
    ("КГ проверьте 21705199000123", Language.KY),
    ("RU текшерүү 21705199000123", Language.RU),
])
def test_a_keyword_or_the_script_selects_the_language(text, language):
    assert detect_language(text) == language


def test_a_message_of_digits_only_gets_the_default_language():
    assert detect_language("21705199000123") == Language.KY
    assert detect_language("21705199000123", default=Language.RU) == Language.RU


# ---------------------------------------------------------------------------------------------------
# A commission's decision

LONG_ADDRESS = "Самаркандек айылы, Борбордук көчөсү, 1, №1 орто мектептин спорт залы, кире бериш короо тараптан " * 2
LONG_REASON = "Паспорттогу дарек арызда көрсөтүлгөн дарекке дал келбейт, паспорттун көчүрмөсү окулбайт " * 3


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_an_approval_says_where_the_voter_now_votes_within_two_parts(language):
    text = sms_texts.application_approved(language, number=9_999_999, precinct_number="8101",
                                          precinct_address=LONG_ADDRESS)

    assert sms_texts.utf16_length(text) <= MAX_REPLY_CHARS
    assert "8101" in text and "9999999" in text and "Самаркандек" in text and text.endswith("…")


def test_a_short_address_is_given_whole():
    text = sms_texts.application_approved("ru", number=12, precinct_number="8101", precinct_address="с. Арка, ул. Манас, 3")

    assert text == "Шайлоо: заявление №12 одобрено. Вы в списке: участок №8101, с. Арка, ул. Манас, 3."


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_an_electronic_voters_approval_says_paper_is_over(language):
    text = sms_texts.application_approved(language, number=12, precinct_number="8101", precinct_address="x",
                                          electronic=True)

    assert "8101" in text and sms_texts.utf16_length(text) <= MAX_REPLY_CHARS
    assert "x" not in text.split("8101")[1]


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_a_rejection_gives_the_reason_cut_to_fit_and_where_to_ask(language):
    text = sms_texts.application_rejected(language, number=9_999_999, reason=LONG_REASON, precinct_number="8101")

    assert sms_texts.utf16_length(text) <= MAX_REPLY_CHARS
    assert "Паспорттогу дарек" in text and "…" in text and "8101" in text and text.endswith("1255")


def test_a_decision_in_an_unknown_language_is_sent_in_kyrgyz():
    assert sms_texts.application_rejected("de", number=1, reason="X.", precinct_number="8101").startswith(
        "Шайлоо: №1 арызыңыз четке кагылды: X.")


@pytest.mark.parametrize(("language", "text"), [
    ("ru", "Шайлоо: заявление №7 отклонено: Нет копии паспорта. Справки: УИК №8101, 1255"),
    ("ky", "Шайлоо: №7 арызыңыз четке кагылды: Нет копии паспорта. Маалымат: №8101 УШК, 1255"),
    ("en", "Shailoo: application No. 7 rejected: Нет копии паспорта. Help: precinct commission No. 8101, 1255"),
])
def test_a_rejection_is_sent_in_the_language_of_the_application(language, text):
    assert sms_texts.application_rejected(language, number=7, reason="Нет копии паспорта",
                                          precinct_number="8101") == text


def _approved(language, address, number="8101", electronic=False):
    return sms_texts.application_approved(language, number=7, precinct_number=number, precinct_address=address,
                                          electronic=electronic)


def _rejected(language, reason, number="8101"):
    return sms_texts.application_rejected(language, number=7, reason=reason, precinct_number=number)


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_a_decisions_precinct_number_has_four_digits_at_most(language):
    assert _approved(language, "с. Арка", number="81012") == _approved(language, "с. Арка")
    assert _approved(language, "с. Арка", number="81012", electronic=True) == _approved(language, "с. Арка",
                                                                                       electronic=True)
    assert _rejected(language, "Нет копии паспорта", number="81012") == _rejected(language, "Нет копии паспорта")


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_a_decisions_address_or_reason_gets_all_the_room_the_two_parts_leave(language):
    # "А" and its closing period take 2 units; the rest of the text is the template's.
    for decide in (_approved, _rejected):
        room = MAX_REPLY_CHARS - (sms_texts.utf16_length(decide(language, "А")) - 2)
        fits = decide(language, "А" * (room - 1))
        assert sms_texts.utf16_length(fits) == MAX_REPLY_CHARS and "А" * (room - 1) + "." in fits
        cut = decide(language, "А" * room)
        assert sms_texts.utf16_length(cut) == MAX_REPLY_CHARS and "А" * (room - 1) + "…" in cut


@pytest.mark.parametrize(("language", "start"), [
    ("ru-RU", "Шайлоо: заявление №7"), ("en-GB", "Shailoo: application No. 7"), ("ky-KG", "Шайлоо: №7"),
    ("", "Шайлоо: №7"),
])
def test_a_decision_for_a_language_with_a_region_is_sent_in_that_language(language, start):
    assert _approved(language, "с. Арка").startswith(start)
    assert _rejected(language, "Нет копии паспорта").startswith(start)
