"""Locale: Babel formatting in English and Spanish, no global state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.i18n import LIST_STYLES, Locale, list_style


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
    assert spanish.gettext("Sources") == "Fuentes"
    assert english.gettext("Sources") == "Sources"  # the Spanish catalogue did not leak into English
    assert spanish.gettext("Sources") == "Fuentes"  # nor the English one back into Spanish
    assert english.missing == [] and spanish.missing == []


def test_unknown_language_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown language 'zz-nope'"):
        Locale("zz-nope")


@pytest.mark.parametrize(("plural_forms", "expected"), [
    # n:                                              0  1  2  3  5 11 21 22 25 101 111
    ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
     [2, 0, 1, 1, 2, 2, 0, 1, 2, 0, 2]),  # Russian: 1 источник, 2 источника, 5 источников
    ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
     [0, 1, 2, 3, 3, 4, 4, 4, 4, 5, 4]),  # Arabic
    ("nplurals=1; plural=0;", [0] * 11),  # Chinese
    ("nplurals=2; plural=(n > 1);", [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]),  # French (gettext's classic rule)
])
def test_plural_index_follows_the_catalogs_plural_forms(plural_forms: str, expected: list[int]) -> None:
    from reportgen.i18n import plural_index

    rule = plural_index(plural_forms)
    assert [rule(n) for n in (0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 111)] == expected


def test_a_russian_catalog_chooses_each_plural_form_by_number(tmp_path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale="ru")
    catalog.add(("%(num)s source", "%(num)s sources"), ("%(num)s источник", "%(num)s источника", "%(num)s источников"))
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as out:
        write_po(out, catalog)
    locale = Locale("ru", tmp_path)
    forms = {n: locale.translate_plural("%(num)s source", "%(num)s sources", n) for n in (1, 3, 5, 21, 111)}
    assert forms == {1: "%(num)s источник", 3: "%(num)s источника", 5: "%(num)s источников",
                     21: "%(num)s источник", 111: "%(num)s источников"}


def test_list_styles_are_babels_and_an_unknown_one_is_named() -> None:
    english = Locale("en", country="PRY")
    for name in LIST_STYLES:  # every style the type allows is one Babel knows
        assert english.list(["A", "B", "C"], list_style(name)) in ("A, B and C", "A, B or C", "A, B, C", "A B C")
    assert Locale("es", country="PRY").list(["A", "B", "C"], list_style("or")) == "A, B o C"
    with pytest.raises(ValueError, match=r"unknown list style 'either' \(one of standard, "):
        list_style("either")



def test_a_catalog_nobody_wrote_is_named_where_a_project_puts_it(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """With the shipped catalogs in use (a project without its own), a missing
    answers catalog is named in the project's locales/, not in the installed
    package, which nobody edits."""
    from reportgen.paths import LOCALES

    monkeypatch.chdir(tmp_path)  # a project's folder, not the checkout
    assert Locale("es", LOCALES, country="ZZZ").where("responses-ZZZ", "Ministry") == \
        f"{Path('locales', 'es', 'LC_MESSAGES', 'responses-ZZZ.po')}:1"
    # A catalog that exists is named where it is.
    assert Locale("es", LOCALES, country="PRY").where("messages", "no such message").startswith(
        f"{LOCALES / 'es' / 'LC_MESSAGES' / 'messages.po'}:")
