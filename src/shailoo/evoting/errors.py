# SPDX-License-Identifier: Apache-2.0
"""Refusals of the e-voting service (EVOTING-CONTRACT.md 6): a stable check code, and a message in Kyrgyz,
Russian and English that says what failed. Every JSON endpoint answers them as
``{"error": {"code", "message": {"ky", "ru", "en"}}}`` with a 4xx status, never a 500."""
from __future__ import annotations

from typing import Any

# code -> (HTTP status, ky, ru, en). The codes of the ballot's own checks come from shailoo.crypto
# (board.schema, board.ballot-proof, board.signature, board.credential-unlisted, ...).
MESSAGES: dict[str, tuple[int, str, str, str]] = {
    "body.too-large": (413, "Сурам өтө чоң.", "Запрос слишком большой.", "The request body is too large."),
    "body.unreadable": (400, "Сурам окулбай калды: JSON эмес же туура эмес жазылган.",
                        "Запрос не читается: это не JSON или он записан неверно.",
                        "The request body is not JSON as the board reads it."),
    "ballot.schema": (400, "Бюллетендин түзүлүшү туура эмес.", "Бюллетень составлен неверно.",
                      "The ballot is not well formed."),
    "ballot.proof": (400, "Бюллетендин далилдери текшерүүдөн өтпөдү.", "Доказательства бюллетеня не прошли проверку.",
                     "A proof of the ballot does not verify."),
    "cast.signature": (400, "Бюллетендеги кол тамга текшерүүдөн өтпөдү.", "Подпись бюллетеня не прошла проверку.",
                       "The ballot's signature does not verify with its credential."),
    "credential.unknown": (403, "Бул ачкыч шайлоочулардын кол коюлган тизмесинде жок.",
                           "Этого ключа нет в подписанном списке избирателей.",
                           "The credential is not on the signed credential list."),
    "credential.not-yours": (403, "Бул ачкыч сиздин каттоодогу ачкычыңыз эмес.",
                             "Этот ключ не совпадает с ключом, зарегистрированным на вас.",
                             "The credential is not the one enrolled for you."),
    "voter.not-signed-in": (401, "Түндүк аркылуу кириңиз.", "Войдите через Тундук.", "Sign in through Tunduk first."),
    "voter.not-enrolled": (403, "Сиз бул шайлоодо электрондук добуш берүүгө катталган эмессиз.",
                           "Вы не зарегистрированы для электронного голосования на этих выборах.",
                           "You are not enrolled to vote electronically in this election."),
    "voter.other-board": (403, "Бул бюллетень сиздин округуңуздуку эмес.", "Это бюллетень не вашего округа.",
                          "This is not your constituency's board."),
    "polls.not-open": (409, "Добуш берүү азырынча башала элек.", "Голосование ещё не началось.",
                       "The polls are not open yet."),
    "polls.closed": (409, "Добуш берүү аяктады.", "Голосование закончилось.", "The polls are closed."),
    "board.not-ready": (409, "Электрондук добуш берүү даяр эмес.", "Электронное голосование ещё не подготовлено.",
                        "E-voting for this constituency is not ready."),
    "board.not-found": (404, "Мындай электрондук шайлоо жок.", "Таких электронных выборов нет.",
                        "There is no such e-voting board."),
    "ballot.replayed": (409, "Бул бюллетень тактада мурунтан эле бар.", "Этот бюллетень уже есть на доске.",
                        "This ballot is already on the board (a ballot id is used once)."),
    "election.mismatch": (400, "Бюллетень башка шайлоонуку.", "Бюллетень относится к другим выборам.",
                          "The ballot is for another election."),
    "decryption.invalid": (400, "Чечмелөө текшерүүдөн өтпөдү.", "Расшифровка не прошла проверку.",
                           "The partial decryption does not check against the board's verified sums."),
    "decryption.not-ready": (409, "Такта жабыла элек же текшериле элек.", "Доска ещё не закрыта или не проверена.",
                             "The board is not closed and verified yet."),
    "method.not-allowed": (405, "Бул ыкма колдонулбайт.", "Этот метод не поддерживается.", "Method not allowed."),
    # The polls rules (shailoo.rules.calendar.polls_breaches), each named; {date} is enrolment's last day.
    "polls.order": (400, "Добуш берүү ачылгандан кийин жабылышы керек: жабылуу убактысы ачылуудан кечирээк болсун.",
                    "Голосование должно закончиться после того, как начнётся: время окончания позже времени начала.",
                    "The polls must close after they open: the closing time is later than the opening time."),
    "polls.opens-past": (400, "Бул убакыт өтүп кетти: добуш берүү азыркы мүнөттөн баштап гана ачылат.",
                         "Это время прошло: голосование может начаться не раньше текущей минуты.",
                         "This time has passed: the polls can open from the current minute on."),
    "polls.closes-past": (400, "Бул убакыт өтүп кетти: добуш берүү келечекте гана жабылат.",
                          "Это время прошло: голосование может закончиться только в будущем.",
                          "This time has passed: the polls can close only in the future."),
    "polls.during-enrolment": (400, "Добуш берүү электрондук добуш берүүгө каттоо жабылгандан кийин гана ачылат "
                                    "({date}, 24:00, Бишкек убактысы) жана ачкычтардын тизмесине кол коюлат.",
                               "Голосование начинается только после окончания записи на электронное голосование "
                               "({date}, 24:00 по времени Бишкека), когда список ключей подписан.",
                               "The polls open only after e-voting enrolment has closed ({date}, 24:00 Bishkek time) "
                               "and the credential list is signed."),
    "polls.override-refused": (403, "Добуш берүүнүн эрежелеринен четтөө өндүрүштө жок (демо жана тесттер үчүн гана).",
                               "Отступить от правил времени голосования в рабочей системе нельзя (только демо и тесты).",
                               "The polls rules cannot be waived in production (only the demo and tests may)."),
    "step.out-of-order": (409, "Бул кадамды азыр аткарууга болбойт.", "Этот шаг сейчас выполнить нельзя.",
                          "This step cannot be taken now."),
}


REFUSED = (400, "Сурам четке кагылды.", "Запрос отклонён.", "Refused.")


def message(code: str, language: str, **params: str) -> str:
    """A code's message in "ky", "ru" or "en" (anything else: English), its {placeholders} filled."""
    _, ky, ru, en = MESSAGES.get(code, REFUSED)
    text = {"ky": ky, "ru": ru}.get(language, en)
    return text.format(**params) if params else text


class EvotingError(Exception):
    """A refusal: ``code`` (a check code), ``detail`` (what exactly, English, for the log and the voter's
    advanced view), ``params`` (what the code's messages name, e.g. a date) and the status and messages
    of the code."""

    def __init__(self, code: str, detail: str = "", *, params: dict[str, str] | None = None) -> None:
        self.code = code
        self.detail = detail
        self.params = params or {}
        super().__init__(f"{code}: {detail}" if detail else code)

    @property
    def status(self) -> int:
        return MESSAGES.get(self.code, REFUSED)[0]

    def text(self, language: str) -> str:
        """The code's message in "ky", "ru" or "en" (anything else: English)."""
        return message(self.code, language, **self.params)

    def as_json(self) -> dict[str, Any]:
        texts = {language: message(self.code, language, **self.params) for language in ("ky", "ru", "en")}
        return {"error": {"code": self.code, "message": texts, "detail": self.detail}}


class PollsRefused(EvotingError):
    """The polls rules a window breaks (shailoo.rules.calendar.polls_breaches), every one of them: ``code``
    is the first, ``breaches`` all, so a form can name each at its field."""

    def __init__(self, breaches: tuple[str, ...], *, params: dict[str, str]) -> None:
        self.breaches = breaches
        super().__init__(breaches[0], "the polls break " + ", ".join(breaches), params=params)


#: The check codes of shailoo.crypto's board.accept_cast / accept_challenge -> the API's codes.
CRYPTO_CODES = {
    "board.schema": "ballot.schema",
    "board.hex": "ballot.schema",
    "board.identity": "ballot.schema",
    "board.ballot-shape": "ballot.schema",
    "board.ballot-proof": "ballot.proof",
    "board.opening": "ballot.proof",
    "board.signature": "cast.signature",
    "board.credential-unlisted": "credential.unknown",
}
