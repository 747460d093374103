# SPDX-License-Identifier: Apache-2.0
"""How people and places are written in public answers: masked initials, and Kyrgyz Cyrillic in Latin
letters for English pages."""

MASK = "***"

_KYRGYZ_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "ö", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ү": "ü", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}


_VOWELS = frozenset("аеёиоөуүыэюя")


def masked_initials(surname: str, name: str) -> str:
    """`К*** А.`: enough for a person to recognise themselves, not enough to identify them. The mask has a
    fixed length, so it does not tell the surname's length; the web, the API, the call centre and SMS 119
    all show this one form."""
    surname, name = surname.strip(), name.strip()
    masked = surname[:1] + MASK if surname else ""
    initial = f"{name[:1]}." if name else ""
    return f"{masked} {initial}".strip()


def kyrgyz_to_latin(text: str) -> str:
    """Kyrgyz (or Russian) Cyrillic in Latin letters (ж → j, ң → ng, ө → ö, ү → ü), for English pages.
    A word-initial е is "ye", й between a vowel and a letter "i" (aiyl, Shailoo), as in the common
    romanisation; other characters stay as they are."""
    out = []
    previous = " "
    for index, char in enumerate(text):
        lower = char.lower()
        latin = _KYRGYZ_LATIN.get(lower)
        if latin is None:
            out.append(char)
        else:
            if lower == "е" and not previous.isalpha():
                latin = "ye"
            elif lower == "й" and previous.lower() in _VOWELS and text[index + 1:index + 2].isalpha():
                latin = "i"  # айыл → aiyl, шайлоо → shailoo; at a word's end "y" (Чүй → Chüy)
            if char.isupper() and latin:
                latin = latin[0].upper() + latin[1:]
            out.append(latin)
        previous = char
    return "".join(out)
