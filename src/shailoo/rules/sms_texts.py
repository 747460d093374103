# SPDX-License-Identifier: Apache-2.0
"""The SMS 119 channel's words: reading a PIN and a language out of a free-text SMS, the reply texts in
Kyrgyz and Russian, and how many SMS parts a text costs.

Every reply fits two UCS-2 parts (`MAX_REPLY_CHARS` = 2 × 67 = 134 UTF-16 units). Fields of unbounded
length are fitted by a documented rule (`listed`): masked initials are cut to `MAX_INITIALS` characters,
a commission phone longer than `MAX_PHONE` characters is left out (it is on the precinct's public page),
and the precinct address gets whatever room the rest of the reply leaves, cut with "…" (at a space when
that drops at most `MAX_WORD_CUT` characters).
"""
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from shailoo.rules.eligibility import Ineligibility

UCS2_SINGLE, UCS2_PART = 70, 67
GSM7_SINGLE, GSM7_PART = 160, 153
MAX_PARTS = 2
MAX_REPLY_CHARS = MAX_PARTS * UCS2_PART  # 134
MAX_INITIALS = 12
MAX_PHONE = 18
MAX_WORD_CUT = 12
HELP_LINE = "1255"
SHORT_NUMBER = "119"
ELLIPSIS = "…"


class Language(StrEnum):
    KY = "ky"
    RU = "ru"


# ---------------------------------------------------------------------------------------------------
# Reading the SMS


class NoPinInText(ValueError):
    """The message has no digits at all: the sender gets the help text."""


class PinNotFound(ValueError):
    """The message has digits, but no group of exactly 14 of them; `digits` is the longest group's length."""

    def __init__(self, digits: int) -> None:
        super().__init__(f"no 14-digit PIN in the message (longest group: {digits} digits)")
        self.digits = digits


_KEYWORDS = {
    "RU": Language.RU, "RUS": Language.RU, "РУ": Language.RU, "РУС": Language.RU,
    "KG": Language.KY, "KY": Language.KY, "KGZ": Language.KY, "KYR": Language.KY,
    "КГ": Language.KY, "КЫР": Language.KY,
}
_WORD = re.compile(r"[^\W\d_]+")
_KYRGYZ_LETTERS = frozenset("ңөүҢӨҮ")
# Common Kyrgyz words of a PIN message that use no letter outside the Russian alphabet.
_KYRGYZ_WORDS = frozenset({"салам", "саламатсызбы", "менин", "мени", "тизме", "тизмени", "текшер", "текшерүү", "жин"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Digits separated by spaces, dashes, dots or no-break spaces: how people type a PIN.
_DIGIT_RUN = re.compile(r"[0-9]+")
_DIGIT_GROUP = re.compile(r"[0-9](?:[\s\-\u2010-\u2015.\u00a0]*[0-9])*")
PIN_LENGTH = 14


def ascii_digits(text: str) -> str:
    """Any Unicode decimal digit (full-width, Arabic-Indic...) as its ASCII digit."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def detect_language(text: str, *, default: Language = Language.KY) -> Language:
    """A keyword (RU/KG/KY, also in Cyrillic) wins; else Kyrgyz letters or words mean Kyrgyz, other
    Cyrillic means Russian; a message of digits and Latin letters only gets the default."""
    words = _WORD.findall(text)
    for word in words:
        language = _KEYWORDS.get(word.upper())
        if language is not None:
            return language
    if any(char in _KYRGYZ_LETTERS for char in text):
        return Language.KY
    if any(word.lower() in _KYRGYZ_WORDS for word in words):
        return Language.KY
    if _CYRILLIC.search(text):
        return Language.RU
    return default


def extract_pin(text: str) -> str:
    """The 14 digits of the PIN in a free-text message.

    First a run of exactly 14 digits; else a group of digits split by spaces, dashes or dots that adds
    up to 14. NoPinInText if there is no digit at all, PinNotFound if no group has 14 digits or two
    different ones do.
    """
    text = ascii_digits(text)
    for finder in (
        lambda: _DIGIT_RUN.findall(text),
        lambda: [re.sub(r"[^0-9]", "", group) for group in _DIGIT_GROUP.findall(text)],
    ):
        groups = finder()
        candidates = {group for group in groups if len(group) == PIN_LENGTH}
        if len(candidates) == 1:
            return candidates.pop()
        if len(candidates) > 1:
            raise PinNotFound(PIN_LENGTH)
    groups = [re.sub(r"[^0-9]", "", group) for group in _DIGIT_GROUP.findall(text)]
    if not groups:
        raise NoPinInText("the message has no digits")
    raise PinNotFound(max(len(group) for group in groups))


# ---------------------------------------------------------------------------------------------------
# Counting SMS parts

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


class Encoding(StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


@dataclass(frozen=True)
class SegmentCount:
    encoding: Encoding
    units: int
    """Septets for GSM-7 (an extension character takes two), UTF-16 code units for UCS-2."""
    parts: int


def count_segments(text: str) -> SegmentCount:
    """How a handset or gateway splits a text: GSM-7 when every character is in the GSM 03.38
    alphabet (160 in one SMS, 153 a part), else UCS-2 (70 in one SMS, 67 a part)."""
    if all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in text):
        units = sum(2 if char in _GSM7_EXTENSION else 1 for char in text)
        single, part = GSM7_SINGLE, GSM7_PART
        encoding = Encoding.GSM7
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = UCS2_SINGLE, UCS2_PART
        encoding = Encoding.UCS2
    if units <= single:
        parts = 1 if units else 0
    else:
        parts = -(-units // part)
    return SegmentCount(encoding=encoding, units=units, parts=parts)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# ---------------------------------------------------------------------------------------------------
# Reply texts


class VotingMode(StrEnum):
    PAPER = "paper"
    ELECTRONIC = "electronic"


_LISTED = {
    (Language.RU, VotingMode.PAPER): "{who}, выборы {day}: голосуете на участке №{number}, {address}{phone}",
    (Language.RU, VotingMode.ELECTRONIC): "{who}, выборы {day}: голосуете электронно. Участок №{number}, {address}{phone}",
    (Language.KY, VotingMode.PAPER): "{who}, {day} шайлоо: №{number} участокто добуш бересиз, {address}{phone}",
    (Language.KY, VotingMode.ELECTRONIC): "{who}, {day} шайлоо: электрондук добуш бересиз. №{number} участок, {address}{phone}",
}
_PHONE = {Language.RU: " Тел. {phone}", Language.KY: " Тел. {phone}"}

_NOT_LISTED_OPEN = {
    Language.RU: "Вас нет в списке избирателей. До {deadline} включительно обратитесь в УИК с копией паспорта "
                 "или в Кабинет избирателя. Справки: " + HELP_LINE,
    Language.KY: "Сиз шайлоочулардын тизмесинде жоксуз. {deadline} чейин паспорттун көчүрмөсү менен УШКга же "
                 "Шайлоочунун кабинетине кайрылыңыз.",
}
_NOT_LISTED_CLOSED = {
    Language.RU: "Вас нет в списке избирателей. Срок подачи заявлений истёк {deadline}. Справки: " + HELP_LINE,
    Language.KY: "Сиз шайлоочулардын тизмесинде жоксуз. Арыз берүү мөөнөтү {deadline} бүттү. Маалымат: " + HELP_LINE,
}
_NOT_LISTED_NO_ELECTION = {
    Language.RU: "Вас нет в списках избирателей предстоящих выборов. Справки: " + HELP_LINE,
    Language.KY: "Сиз алдыдагы шайлоолордун тизмелеринде жоксуз. Маалымат: " + HELP_LINE,
}
_INELIGIBLE_PREFIX = {Language.RU: "Вас нет в списке: ", Language.KY: "Сиз тизмеде жоксуз: "}
_REASONS = {
    Language.RU: {
        Ineligibility.NO_BIOMETRICS: "нет биометрической регистрации: обратитесь в ЦОН",
        Ineligibility.UNDER_AGE: "на день выборов нет 18 лет",
        Ineligibility.OUTSIDE_TERRITORY: "прописка вне территории выборов",
    },
    Language.KY: {
        Ineligibility.NO_BIOMETRICS: "биометрикалык каттоо жок: КТБга барыңыз",
        Ineligibility.UNDER_AGE: "шайлоо күнү 18 жашка толбойсуз",
        Ineligibility.OUTSIDE_TERRITORY: "каттоо дарегиңиз шайлоо аймагында эмес",
    },
}
_MALFORMED = {
    Language.RU: "ПИН — 14 цифр из паспорта: первая 1 или 2, затем дата рождения ДДММГГГГ. Отправьте ПИН на "
                 + SHORT_NUMBER + ".",
    Language.KY: "ПИН — паспорттогу 14 сан: биринчиси 1 же 2, андан кийин туулган күн ККААЖЖЖЖ. ПИНди "
                 + SHORT_NUMBER + " номерине жөнөтүңүз.",
}
_RATE_LIMITED = {
    Language.RU: "Слишком много запросов. Повторите позже или позвоните " + HELP_LINE + ".",
    Language.KY: "Суроолор өтө көп. Кийинчерээк кайталаңыз же " + HELP_LINE + " номерине чалыңыз.",
}
_HELP = {
    Language.RU: "Проверка списка избирателей: отправьте на " + SHORT_NUMBER + " ПИН (14 цифр из паспорта). "
                 "Ответ на кыргызском: KG ПИН. Справки: " + HELP_LINE,
    Language.KY: "Тизмени текшерүү: " + SHORT_NUMBER + " номерине ПИНди (паспорттогу 14 сан) жөнөтүңүз. "
                 "Орусча жооп: RU ПИН. Маалымат: " + HELP_LINE,
}


def format_day(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def shorten_initials(initials: str) -> str:
    """`А***** Б.` kept as it is; a longer mask loses stars so the whole is at most MAX_INITIALS."""
    initials = " ".join(initials.split())
    if len(initials) <= MAX_INITIALS:
        return initials
    first, _, rest = initials.partition(" ")
    rest = rest[:3]
    room = MAX_INITIALS - len(rest) - (1 if rest else 0)
    return (first[:room] + (" " + rest if rest else "")).strip()


def _fit_address(address: str, room: int) -> str:
    """The address with its closing period, or cut to the room with "…" in its place."""
    address = " ".join(address.split()).rstrip(". ")
    if utf16_length(address) + 1 <= room:
        return address + "."
    cut = address[: max(room - 1, 0)]
    while utf16_length(cut) > room - 1:
        cut = cut[:-1]
    # Cut at a word boundary when one is near, so no word is left half-written.
    space = cut.rfind(" ")
    if space >= len(cut) - MAX_WORD_CUT and space > 0:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + ELLIPSIS


def listed(
    language: Language, *, mode: VotingMode, initials: str, election_day: dt.date, precinct_number: str,
    precinct_address: str, phone: str,
) -> str:
    """Where the voter votes: masked initials, the election's day, the precinct, its address and phone."""
    phone = " ".join(phone.split())
    phone_part = _PHONE[language].format(phone=phone) if phone and len(phone) <= MAX_PHONE else ""
    template = _LISTED[(language, mode)]
    fields = {
        "who": shorten_initials(initials) or "—", "day": format_day(election_day),
        "number": precinct_number[:4], "phone": phone_part,
    }
    fixed = utf16_length(template.format(address="", **fields))
    return template.format(address=_fit_address(precinct_address, MAX_REPLY_CHARS - fixed), **fields)


def not_listed(language: Language, *, corrections_until: dt.date | None, corrections_open: bool) -> str:
    """What to do when the PIN is on no list: apply until the correction deadline (or that it passed)."""
    if corrections_until is None:
        return _NOT_LISTED_NO_ELECTION[language]
    table = _NOT_LISTED_OPEN if corrections_open else _NOT_LISTED_CLOSED
    return table[language].format(deadline=format_day(corrections_until))


def ineligible(language: Language, reasons: tuple[Ineligibility, ...] | list[Ineligibility]) -> str:
    """Why the citizen may not vote, in plain words; reasons in a fixed order, each once."""
    ordered = [reason for reason in Ineligibility if reason in reasons]
    if not ordered:
        return _NOT_LISTED_NO_ELECTION[language]
    return _INELIGIBLE_PREFIX[language] + "; ".join(_REASONS[language][reason] for reason in ordered) + "."


def malformed_pin(language: Language) -> str:
    """What a PIN looks like."""
    return _MALFORMED[language]


def rate_limited(language: Language) -> str:
    """A polite refusal when a number or a PIN asks too often."""
    return _RATE_LIMITED[language]


def help_text(language: Language) -> str:
    """How to use 119, for a message with no digits at all."""
    return _HELP[language]


# ---------------------------------------------------------------------------------------------------
# A commission's decision on a voter's application (Kyrgyz, Russian; English for those who filed in English)

_APPROVED = {
    "ru": "Шайлоо: заявление №{number} одобрено. Вы в списке: участок №{precinct}, {address}",
    "ky": "Шайлоо: №{number} арызыңыз жактырылды. Сиз тизмедесиз: №{precinct} участок, {address}",
    "en": "Shailoo: application No. {number} approved. You are on the list: precinct No. {precinct}, {address}",
}
_APPROVED_EVOTING = {
    "ru": "Шайлоо: заявление №{number} одобрено. Вы голосуете только электронно, не на участке №{precinct}.",
    "ky": "Шайлоо: №{number} арызыңыз жактырылды. Сиз электрондук гана добуш бересиз, №{precinct} участокто эмес.",
    "en": "Shailoo: application No. {number} approved. You vote only electronically, not at precinct No. {precinct}.",
}
_REJECTED = {
    "ru": "Шайлоо: заявление №{number} отклонено: {reason} Справки: УИК №{precinct}, " + HELP_LINE,
    "ky": "Шайлоо: №{number} арызыңыз четке кагылды: {reason} Маалымат: №{precinct} УШК, " + HELP_LINE,
    "en": "Shailoo: application No. {number} rejected: {reason} Help: precinct commission No. {precinct}, " + HELP_LINE,
}


def _decision_language(language: str) -> str:
    language = (language or "ky")[:2]
    return language if language in _APPROVED else "ky"


def _fit(text: str, room: int) -> str:
    """A free text in `room` UTF-16 units with its closing period, or cut at a word with "…"."""
    return _fit_address(text, room)


def application_approved(language: str, *, number: int, precinct_number: str, precinct_address: str,
                         electronic: bool = False) -> str:
    """The approval: the application's number and where the voter now votes (precinct and its address)."""
    language = _decision_language(language)
    fields = {"number": number, "precinct": precinct_number[:4]}
    if electronic:
        return _APPROVED_EVOTING[language].format(**fields)
    template = _APPROVED[language]
    fixed = utf16_length(template.format(address="", **fields))
    return template.format(address=_fit(precinct_address, MAX_REPLY_CHARS - fixed), **fields)


def application_rejected(language: str, *, number: int, reason: str, precinct_number: str) -> str:
    """The rejection with the commission's reason (cut to fit two parts) and where to ask."""
    language = _decision_language(language)
    template = _REJECTED[language]
    fields = {"number": number, "precinct": precinct_number[:4]}
    fixed = utf16_length(template.format(reason="", **fields))
    return template.format(reason=_fit(reason, MAX_REPLY_CHARS - fixed), **fields)
