"""The shipped table of official UN country names (reportgen/countries.py)."""

from __future__ import annotations

import unicodedata

import pytest

from reportgen.countries import un_codes, un_name
from reportgen.i18n import Locale

LANGUAGES = ("en", "es", "fr", "ru", "ar", "zh")


def _scripts(text: str) -> set[str]:
    """The scripts of the letters of ``text`` by their Unicode names' first word."""
    return {unicodedata.name(c).split()[0] for c in text if c.isalpha()}


def test_every_member_and_observer_state_has_six_names() -> None:
    codes = un_codes()
    assert len(codes) == 195  # 193 Member States, the Holy See and the State of Palestine
    for code in codes:
        for lang in LANGUAGES:
            assert un_name(code, lang), f"{code} has no {lang} name"


@pytest.mark.parametrize(("lang", "script"), [("ru", "CYRILLIC"), ("ar", "ARABIC"), ("zh", "CJK")])
def test_names_are_in_the_script_of_their_language(lang: str, script: str) -> None:
    """A column shifted by one, or an English name left in, shows as a foreign script."""
    for code in un_codes():
        assert _scripts(un_name(code, lang) or "") == {script}, (code, lang)


def test_paraguay_in_six_languages() -> None:
    assert [un_name("PRY", lang) for lang in LANGUAGES] == [
        "Paraguay", "Paraguay", "Paraguay", "Парагвай", "باراغواي", "巴拉圭"]


@pytest.mark.parametrize(("code", "lang", "name"), [
    ("BOL", "fr", "Bolivie (État plurinational de)"),
    ("BOL", "ru", "Боливия (Многонациональное Государство)"),
    ("BOL", "zh", "多民族玻利维亚国"),
    ("KOR", "ar", "جمهورية كوريا"),
    ("IRN", "fr", "Iran (République islamique d’)"),
    ("NLD", "ru", "Нидерланды (Королевство)"),
    ("RUS", "zh", "俄罗斯联邦"),
    ("TZA", "ru", "Объединенная Республика Танзания"),
    ("VNM", "fr", "Viet Nam"),
    ("TUR", "fr", "Türkiye"),
])
def test_official_names_not_common_ones(code: str, lang: str, name: str) -> None:
    """The UN's short names where CLDR has another ("Corée du Sud", "Вьетнам" is both)."""
    assert un_name(code, lang) == name


def test_translator_names_the_country_from_the_table() -> None:
    assert Locale("zh").territory("KOR") == "大韩民国"  # CLDR: 韩国
    assert Locale("fr").territory("BOL") == "Bolivie (État plurinational de)"  # CLDR: Bolivie
