# SPDX-License-Identifier: Apache-2.0
"""How people and places are written in public answers (shailoo.rules.names): no Django."""
import pytest

from shailoo.rules.names import kyrgyz_to_latin, masked_initials


@pytest.mark.parametrize(("surname", "name", "expected"), [
    ("Абдыкадырова", "Бермет", "А*** Б."),
    ("Ли", "Анна", "Л*** А."),
    ("Абдыкадырова-Токтосунова", "Бермет", "А*** Б."),
    ("  Ормонова ", " Чолпон", "О*** Ч."),
    ("", "Айжан", "А."),
    ("Ы", "", "Ы***"),
    ("", "", ""),
])
def test_initials_have_one_masked_form_whose_length_does_not_tell_the_surnames(surname, name, expected):
    assert masked_initials(surname, name) == expected


@pytest.mark.parametrize(("cyrillic", "latin"), [
    ("Самаркандек айылдык кеңеши", "Samarkandek aiyldyk kengeshi"),
    ("Жалал-Абад", "Jalal-Abad"),
    ("Өзгөн, Ысык-Көл", "Özgön, Ysyk-Köl"),
    ("Шайлоо", "Shailoo"),
    ("Ельцин, Йод, Чүй", "Yeltsin, Yod, Chüy"),
    ("ЦОН №8101, 12А", "TsON №8101, 12A"),
    ("Mixed Latin", "Mixed Latin"),
])
def test_kyrgyz_names_in_latin_letters(cyrillic, latin):
    assert kyrgyz_to_latin(cyrillic) == latin


@pytest.mark.parametrize(("cyrillic", "latin"), [
    ("Айт.", "Ait."), ("айт, кайт", "ait, kait"), ("Сайт 119", "Sait 119"), ("Айы", "Aiy"), ("Ай.", "Ay."),
])
def test_й_between_a_vowel_and_a_letter_is_i_whatever_comes_after_that_letter(cyrillic, latin):
    assert kyrgyz_to_latin(cyrillic) == latin
