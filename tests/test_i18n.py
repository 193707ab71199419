"""Locale: Babel formatting in English and Spanish, no global state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reportgen.errors import InputError
from reportgen.i18n import Locale


@pytest.mark.parametrize(
    ("lang", "money", "usd", "percent", "day", "items", "compact"),
    [
        ("en", "PYG\xa0326,688,810,687", "USD\xa046,012,509.00", "0.31%", "28 November 2026", "A, B and C",
         "46 million"),
        ("es", "326.688.810.687\xa0PYG", "46.012.509,00\xa0USD", "0,31\xa0%", "28 de noviembre de 2026",
         "A, B y C", "46 millones"),
    ],
)
def test_babel_formats(lang: str, money: str, usd: str, percent: str, day: str, items: str, compact: str) -> None:
    locale = Locale(lang, country="PRY")
    assert locale.money(Decimal("326688810687"), "PYG") == money
    assert locale.money(Decimal("46012509"), "USD") == usd
    assert locale.percent(Decimal("0.0031")).replace("\u202f", "\xa0") in (percent, percent.replace("\xa0", ""))
    assert locale.date(date(2026, 11, 28)) == day
    assert locale.list(["A", "B", "C"]) == items
    assert locale.compact(Decimal("46012509")) == compact


def test_country_and_language_names() -> None:
    assert Locale("es").territory("DEU") == "Alemania"
    # the official UN short name, not CLDR's "South Korea" (tests/test_housestyle.py has more)
    assert Locale("en").territory("KOR") == "Republic of Korea"
    assert Locale("fr").territory("KOR") == "République de Corée"  # CLDR: "Corée du Sud"
    assert Locale("es").language_name("en") == "inglés"


def test_two_languages_in_one_process_do_not_interfere() -> None:
    english, spanish = Locale("en"), Locale("es")
    assert spanish.gettext("Sources") != "Sources" or spanish.missing
    assert english.gettext("Sources") == "Sources"
    assert english.missing == []


def test_unknown_language_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown language 'zz-nope'"):
        Locale("zz-nope")
