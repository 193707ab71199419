"""One language of one profile: translations and locale-aware formatting.

A ``Locale`` is passed to whatever needs words or numbers; nothing here is
global, so English and Spanish profiles render in one process in any order.
Catalogs are read from the ``.po`` files directly (no compiled ``.mo`` on disk):
a missing, empty or fuzzy translation falls back to English and is recorded
in ``missing`` so the build can warn (or fail with ``--strict``).
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import babel
import pycountry
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_name,
)

from reportgen.countries import un_name
from reportgen.errors import InputError
from reportgen.paths import LOCALES

SOURCE_LANG = "en"
# Babel locale used for formatting each language: British English writes
# "28 November 2026" as the UN style guide wants; Chinese is Simplified.
FORMAT_LOCALES = {"en": "en_GB", "es": "es", "zh": "zh_Hans_CN"}
# UN documents in every language, Arabic included, write Western digits 0-9
# (CLDR's default for "ar" too, but not for ar_EG, ar_SA...): asked explicitly.
NUMBERING_SYSTEM = "latn"

# Babel's list patterns ("a, b and c", "a, b or c" ...), as format_list types them.
ListStyle = Literal["standard", "standard-short", "or", "or-short", "unit", "unit-short", "unit-narrow"]
LIST_STYLES: tuple[ListStyle, ...] = get_args(ListStyle)


def list_style(name: str) -> ListStyle:
    """``name`` (a template's ``style="or"``) as one of Babel's list patterns."""
    for style in LIST_STYLES:
        if style == name:
            return style
    raise ValueError(f"unknown list style {name!r} (one of {', '.join(LIST_STYLES)})")
# Bidi marks CLDR puts into some patterns (Arabic money: U+200F first): the
# writers isolate every run by its direction, so the marks add nothing but an
# invisible character to copy, search and check for a glyph.
_BIDI_MARKS = re.compile("[\u200e\u200f\u061c]")
# Month names in UN Arabic documents: the Levantine name, then the Egyptian
# one after a slash ("30 تشرين الثاني/نوفمبر 2026"); CLDR has only the latter.
UN_ARABIC_MONTHS = (
    "كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو", "حزيران/يونيه",
    "تموز/يوليه", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر",
)
# The languages whose formats were settled before the other four (their
# goldens must not move): percentages with their plain "#,##0.00%" pattern.
_SETTLED = frozenset({"en", "es"})


@dataclass(frozen=True)
class Missing:
    domain: str
    msgid: str
    context: str | None = None


def _usable(message: Message | None) -> str | tuple[str, ...] | None:
    """A message's translation if it is complete and not fuzzy."""
    if message is None or message.fuzzy or not message.string:
        return None
    # read_po gives plural forms as a tuple; Babel's type also allows a list
    string = tuple(message.string) if isinstance(message.string, list) else message.string
    if isinstance(string, tuple) and not all(string):
        return None
    return string


@cache
def _read_catalog(path: Path, mtime_ns: int) -> Catalog:
    refused = msgfmt_refusal(path)
    if refused:
        raise InputError(*refused)
    try:
        with path.open("rb") as handle:
            return read_po(handle, abort_invalid=False)
    except Exception as exc:  # babel raises several kinds of errors on a broken file
        raise InputError(path, 1, f"cannot read catalog: {exc}") from None


def msgfmt_refusal(path: Path) -> tuple[Path | str, int, str] | None:
    """Where and why GNU msgfmt refuses a catalog (syntax, format strings), or
    None. A catalog msgfmt refuses would break every translator's tool, so a
    build refuses it too rather than guess what Babel's lenient reader made of it."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return None
    run = subprocess.run([msgfmt, "--check-format", "-o", os.devnull, str(path)],
                         capture_output=True, text=True, check=False)
    if run.returncode == 0:
        return None
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    for line in lines:
        match = re.match(r"(.+?):(\d+): (.*)", line)
        if match and not match.group(1).startswith("msgfmt"):
            return match.group(1), int(match.group(2)), f"msgfmt refuses the catalog: {match.group(3)}"
    return path, 1, "msgfmt refuses the catalog: " + (lines[0] if lines else "unknown error")


def read_catalog(path: Path) -> Catalog | None:
    """A parsed ``.po`` file, cached until the file changes; None if absent."""
    if not path.is_file():
        return None
    return _read_catalog(path, path.stat().st_mtime_ns)


@cache
def plural_index(plural_forms: str) -> Callable[[int], int]:
    """The plural form index for ``n`` under a catalog's ``Plural-Forms``
    header, through gettext's public API (GNUTranslations reads the header of a
    one-entry .mo that Babel writes), not its private expression compiler."""
    header = Catalog(header_comment="")
    header.mime_headers = [("Content-Type", "text/plain; charset=UTF-8"), ("Plural-Forms", plural_forms)]
    singular, plural = "one", "other"
    header.add((singular, plural), tuple(str(i) for i in range(header.num_plurals)))
    buffer = io.BytesIO()
    write_mo(buffer, header)
    buffer.seek(0)
    translations = _gettext.GNUTranslations(buffer)
    return lambda n: int(translations.ngettext(singular, plural, n))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def available_languages(locales_dir: Path = LOCALES) -> list[str]:
    """English plus every language with a ``<lang>/LC_MESSAGES`` folder."""
    found = {p.parent.parent.name for p in locales_dir.glob("*/LC_MESSAGES/*.po")}
    return [SOURCE_LANG, *sorted(found - {SOURCE_LANG})]


_ARABIC_LIST = {"standard": "\u060c \u0648", "or": "\u060c \u0623\u0648 "}


@dataclass
class Locale:
    lang: str
    locales_dir: Path = LOCALES
    country: str | None = None  # alpha-3; selects the responses-<country> catalog
    missing: list[Missing] = field(default_factory=list)

    def __post_init__(self) -> None:
        try:
            self.babel = babel.Locale.parse(FORMAT_LOCALES.get(self.lang, self.lang), sep="_")
        except (ValueError, babel.UnknownLocaleError):
            raise InputError(self.locales_dir, 1, f"unknown language {self.lang!r}") from None

    # -- translation --

    def _catalog(self, domain: str) -> Catalog | None:
        if self.lang == SOURCE_LANG:
            return None
        return read_catalog(self.locales_dir / self.lang / "LC_MESSAGES" / f"{domain}.po")

    def _lookup(self, domain: str, msgid: str | tuple[str, str],
                context: str | None = None) -> str | tuple[str, ...] | None:
        """The translation in ``context``; for answer texts (``any_context``
        domains) also the same English translated in another place."""
        catalog = self._catalog(domain)
        if catalog is None:
            return None
        found = _usable(catalog.get(msgid, context))
        if found is None and domain.startswith("responses-"):
            key = msgid[0] if isinstance(msgid, tuple) else msgid
            found = next((_usable(m) for m in catalog if m.id == key and _usable(m) is not None), None)
        return found

    def translate(self, msgid: str, domain: str = "messages", context: str | None = None) -> str | None:
        """The translation, or None (recorded as missing) for a non-English language."""
        if self.lang == SOURCE_LANG or not msgid:
            return msgid
        found = self._lookup(domain, msgid, context)
        if found is None:
            self.missing.append(Missing(domain, msgid, context))
            return None
        return str(found)

    def gettext(self, msgid: str) -> str:
        return self.translate(msgid) or msgid

    def pgettext(self, context: str, msgid: str) -> str:
        return self.translate(msgid, context=context) or msgid

    def ngettext(self, singular: str, plural: str, n: int, context: str | None = None) -> str:
        found = self.translate_plural(singular, plural, n, context)
        return found if found is not None else singular if n == 1 else plural

    def translate_plural(self, singular: str, plural: str, n: int, context: str | None = None) -> str | None:
        """The plural form for ``n``, or None (recorded as missing) for a non-English language."""
        if self.lang == SOURCE_LANG:
            return singular if n == 1 else plural
        found = self._lookup("messages", (singular, plural), context)
        catalog = self._catalog("messages")
        if found is not None and catalog is not None:
            index = plural_index(catalog.plural_forms)(n)
            return found[min(index, len(found) - 1)]
        self.missing.append(Missing("messages", singular, context))
        return None

    def answer_text(self, text: str, context: str | None = None) -> tuple[str, bool]:
        """Free text from the answers: (text, translated?). English answers
        are the source; other languages use ``responses-<COUNTRY>.po``,
        where ``context`` names the item and field (``Q13 summary``)."""
        if self.lang == SOURCE_LANG or not text:
            return text, True
        found = self.translate(text, f"responses-{self.country}", context)
        return (found, True) if found is not None else (text, False)

    def where(self, domain: str, msgid: str, context: str | None = None) -> str:
        """``FILE:LINE`` of a message's entry: in the language's catalog, else in
        the template (``locales/<domain>.pot``), else the catalog's path."""
        po = self.locales_dir / self.lang / "LC_MESSAGES" / f"{domain}.po"
        for path in (po, self.locales_dir / f"{domain}.pot"):
            catalog = read_catalog(path) if path.is_file() else None
            message = catalog.get(msgid, context) if catalog is not None else None
            if message is None and catalog is not None:
                message = next((m for m in catalog if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) == msgid),
                               None)
            if message is not None:
                return f"{_display(path)}:{message.lineno}"
        if not po.is_file() and self.locales_dir.resolve() == LOCALES.resolve():
            # A catalog nobody has written yet, with the shipped catalogs in use: where a
            # project's (or the checkout's) goes, not inside an installed package.
            return f"{Path('locales', self.lang, 'LC_MESSAGES', f'{domain}.po')}:1"
        return f"{_display(po)}:1"

    # -- formatting (always Babel) --

    def number(self, value: int | float | Decimal, digits: int | None = None) -> str:
        pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.babel, numbering_system=NUMBERING_SYSTEM)

    def money(self, amount: int | float | Decimal, currency: str, whole: bool = False) -> str:
        """The amount with its ISO 4217 code in the locale's own order
        ("PYG 326,688,810,687", "326.688.810.687 PYG"); Babel's currency
        digits drop the decimals of currencies without a minor unit (PYG).
        ``whole``: no decimals at all (an amount in running text)."""
        pattern = self.babel.currency_formats["standard"].pattern.split(";")[0]
        if whole:
            pattern = re.sub(r"0\.0+", "0", pattern)
        pattern = pattern.replace("\xa4", "\xa4\xa4")
        pattern = re.sub(r"\xa4\xa4(?=[#0])", "\xa4\xa4\xa0", pattern)
        pattern = re.sub(r"(?<=[#0])\xa4\xa4", "\xa0\xa4\xa4", pattern)
        shown = format_currency(amount, currency, format=pattern, locale=self.babel, currency_digits=not whole,
                                numbering_system=NUMBERING_SYSTEM)
        return _BIDI_MARKS.sub("", shown)

    def compact(self, value: int | float | Decimal) -> str:
        """A rounded reading: "46 million", "46 millones"."""
        return format_compact_decimal(value, format_type="long", locale=self.babel, numbering_system=NUMBERING_SYSTEM)

    def currency_name(self, currency: str, count: int | float | Decimal = 2) -> str:
        return get_currency_name(currency, count=count, locale=self.babel)

    def percent(self, value: float | Decimal, digits: int = 2) -> str:
        """``value`` is a fraction (0.0031 -> "0.31%"); French and Russian keep
        their locale's no-break space before the sign ("0,31 %")."""
        number = "#,##0." + "0" * digits if digits else "#,##0"
        pattern = number + "%"
        if self.lang not in _SETTLED:
            pattern = self.babel.percent_formats[None].pattern.split(";")[0].replace("#,##0", number, 1)
        shown = format_percent(value, format=pattern, locale=self.babel, numbering_system=NUMBERING_SYSTEM)
        return _BIDI_MARKS.sub("", shown)

    def date(self, value: date) -> str:
        """A date as UN documents write it: "30 November 2026", "30 de noviembre
        de 2026", "1er décembre 2026", "30 ноября 2026 г.",
        "30 تشرين الثاني/نوفمبر 2026", "2026年11月30日"."""
        if self.lang == "ar":
            return f"{value.day} {UN_ARABIC_MONTHS[value.month - 1]} {value.year}"
        shown = format_date(value, format="long", locale=self.babel)
        if self.lang == "fr" and value.day == 1:  # "le 1er décembre": the first day is an ordinal
            shown = "1er" + shown[1:]
        return shown

    def list(self, items: list[str], style: ListStyle = "standard") -> str:
        items = list(items)
        if len(items) > 1 and self.lang == "ar" and style in _ARABIC_LIST:
            # CLDR joins Arabic items with a bare "و", so "الاقتصاد والمالية" runs into
            # its neighbours; UN Arabic writes "، و" (or "، أو") between items.
            return items[0] + "".join(_ARABIC_LIST[style] + item for item in items[1:])
        return format_list(items, style=style, locale=self.babel) if items else ""

    def territory(self, alpha3: str) -> str:
        """The country's official UN short name in this language (countries.py);
        CLDR's name only for a language the UN table does not have."""
        official = un_name(alpha3, self.lang)
        if official:
            return official
        country = pycountry.countries.get(alpha_3=alpha3)
        if country is None:
            return alpha3
        return self.babel.territories.get(country.alpha_2, country.name)

    def language_name(self, code: str) -> str:
        return self.babel.languages.get(code, code)
