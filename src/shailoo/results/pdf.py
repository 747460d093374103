# SPDX-License-Identifier: Apache-2.0
"""The result of a kenesh election as a PDF protocol in Kyrgyz or Russian, with DejaVu Sans embedded
(Debian's fonts-dejavu-core: it covers Kyrgyz Cyrillic ң, ө, ү), made by fpdf2 (LGPL, maintained)."""
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)

TEXT = {
    "ky": {
        "title": "Шайлоонун жыйынтыктары тууралуу протокол", "status_final": "Акыркы жыйынтык",
        "status_preliminary": "Алдын ала жыйынтык (милдеттүү эмес)", "day": "Шайлоо күнү",
        "precincts": "Эсептелген участоктор", "voters": "Тизмедеги шайлоочулар", "took_part": "Катышкан шайлоочулар",
        "electronic": "анын ичинде электрондук", "valid": "Жарактуу бюллетендер", "invalid": "Жараксыз бюллетендер",
        "turnout": "Катышуу", "constituency": "Шайлоо округу", "seats": "мандат", "women": "аялдарга",
        "candidate": "Талапкер", "votes": "Добуштар", "elected": "шайланды", "reserved": "аялдардын квотасы боюнча",
        "party": "Партия", "passed": "босогодон өттү", "lot": "Чүчүкулак", "drawn_by": "тарткан",
        "woman": "аял", "awaiting_lot": "чүчүкулак күтүлүүдө", "counting": "эсеп уланууда",
        "generated": "Shailoo тарабынан жарыяланган маалыматтардан түзүлдү",
    },
    "ru": {
        "title": "Протокол об итогах выборов", "status_final": "Окончательные итоги",
        "status_preliminary": "Предварительные итоги (не имеют юридической силы)", "day": "День выборов",
        "precincts": "Учтено участков", "voters": "Избирателей в списках", "took_part": "Приняли участие",
        "electronic": "из них электронно", "valid": "Действительных бюллетеней", "invalid": "Недействительных бюллетеней",
        "turnout": "Явка", "constituency": "Избирательный округ", "seats": "мандатов", "women": "для женщин",
        "candidate": "Кандидат", "votes": "Голоса", "elected": "избран(а)", "reserved": "по квоте для женщин",
        "party": "Партия", "passed": "прошла порог", "lot": "Жребий", "drawn_by": "тянул(а)",
        "woman": "женщина", "awaiting_lot": "ожидается жребий", "counting": "подсчёт продолжается",
        "generated": "Составлено по опубликованным данным Shailoo",
    },
}


def _font_path(name: str) -> Path:
    for folder in (*FONT_DIRS, Path(getattr(settings, "SHAILOO_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{name}: install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core)")


def render(document: dict, language: str) -> bytes:
    t = TEXT[language]
    suffix = "ru" if language == "ru" else "ky"
    doc = FPDF(format="A4")
    doc.set_title(f"{t['title']}: {document['election'][f'name_{suffix}']}")
    doc.set_creator("Shailoo")
    doc.set_lang(language)
    doc.add_font("DejaVu", "", str(_font_path("DejaVuSans.ttf")))
    doc.add_font("DejaVu", "B", str(_font_path("DejaVuSans-Bold.ttf")))
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    width = doc.epw

    def line(text: str, size: int = 10, bold: bool = False, height: float = 6) -> None:
        doc.set_font("DejaVu", "B" if bold else "", size)
        doc.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT")

    election = document["election"]
    line(t["title"], 15, True, 8)
    line(election[f"name_{suffix}"], 12, True, 7)
    line(election[f"kenesh_{suffix}"], 11)
    line(f"{t['day']}: {election['election_day']}")
    line(t["status_final"] if document["status"] == "final" else t["status_preliminary"], 11, True)
    doc.ln(2)
    electronic = document["electronic_took_part"]
    for label, value in (
        (t["precincts"], f"{document['precincts_counted']} / {document['precincts_total']}"),
        (t["voters"], document["voters"]),
        (t["took_part"], f"{document['took_part']}" + (f" ({t['electronic']}: {electronic})" if electronic else "")),
        (t["valid"], document["valid"]), (t["invalid"], document["invalid"]),
        (t["turnout"], f"{document['turnout']} %" if document["turnout"] is not None else "—"),
    ):
        line(f"{label}: {value}")
    if document["parties"] is not None:
        doc.ln(3)
        line(t["party"], 12, True)
        for party in document["parties"]:
            passed = f" — {t['passed']}, {party['seats']} {t['seats']}" if party["passed"] else ""
            line(f"{party[f'name_{suffix}']}: {party['votes']} ({party['share'] or 0} %){passed}", 10,
                 bold=bool(party["passed"]))
            for candidate in party["candidates"]:
                if candidate["elected"]:
                    woman = f" ({t['woman']})" if candidate["woman"] else ""
                    line(f"    {candidate['ballot_order']}. {candidate['name']}{woman} — {t['elected']}", 9)
    for constituency in document["constituencies"]:
        if document["parties"] is not None:
            break
        doc.ln(3)
        line(f"{t['constituency']} №{constituency['number']} {constituency[f'name_{suffix}']}: "
             f"{constituency['seats']} {t['seats']}, {constituency['women_seats']} {t['women']}", 11, True)
        state = "" if constituency["complete"] else f" ({t['counting']})"
        if constituency["needs_lot"]:
            state = f" ({t['awaiting_lot']})"
        line(f"{t['candidate']} — {t['votes']}{state}", 9, True)
        for candidate in constituency["candidates"]:
            marks = []
            if candidate["woman"]:
                marks.append(t["woman"])
            if candidate["elected"]:
                marks.append(t["elected"] + (f", {t['reserved']}" if candidate["by_reservation"] else ""))
            tail = f" — {'; '.join(marks)}" if marks else ""
            line(f"{candidate['name']}: {candidate['votes']}{tail}", 9, bold=candidate["elected"])
    if document["lots"]:
        doc.ln(3)
        line(t["lot"], 11, True)
        for lot in document["lots"]:
            line(f"{', '.join(lot['names'])} — {t['drawn_by']}: {lot['drawn_by']}, {lot['drawn_at'][:16].replace('T', ' ')}", 9)
    doc.ln(4)
    line(f"{t['generated']}: {document.get('computed_at', '')}".rstrip(": "), 8)
    return bytes(doc.output())
