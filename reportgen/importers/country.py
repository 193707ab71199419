"""Country names as a Government types them (Q1) -> ISO 3166-1 alpha-3."""

from __future__ import annotations

import re
from functools import cache

import pycountry
from babel import Locale

from reportgen.errors import ConfigError
from reportgen.importers.text import words


def checked_country_code(code: str) -> str:
    """``code`` upper-cased when it is an ISO 3166-1 alpha-3 code (given by the user)."""
    upper = code.strip().upper()
    if len(upper) != 3 or pycountry.countries.get(alpha_3=upper) is None:
        raise ConfigError(f"unknown country code {code!r} (expected ISO 3166-1 alpha-3, e.g. PRY)")
    return upper


@cache
def _country_index() -> dict[str, str]:
    """Normalized country name -> alpha-3: Babel's English and Spanish names,
    then pycountry's names, official and common names, also with "Korea,
    Republic of" turned around into the UN's "Republic of Korea"."""
    index: dict[str, str] = {}
    for lang in ("en", "es"):
        for code, name in Locale(lang).territories.items():
            country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
            if country is not None:
                index.setdefault(_country_key(name), country.alpha_3)
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                index.setdefault(_country_key(name), country.alpha_3)
                index.setdefault(_country_key(re.sub(r"\(.*?\)", " ", name)), country.alpha_3)
                head, _, tail = name.partition(", ")
                if tail:
                    index.setdefault(_country_key(f"{tail} {head}"), country.alpha_3)
    return index


def _country_key(name: str) -> str:
    return " ".join(w for w in words(name) if w != "the")


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-3 code of a country name as typed in Q1, or None."""
    cleaned = name.strip().strip(".")
    if len(cleaned) == 3 and pycountry.countries.get(alpha_3=cleaned.upper()):
        return cleaned.upper()
    without_brackets = re.sub(r"\s*\(.*?\)\s*", " ", cleaned)
    for candidate in (cleaned, without_brackets):
        code = _country_index().get(_country_key(candidate))
        if code is not None:
            return code
    return None


def country_problem(name: str | None) -> str:
    """Why Q1 gives no country code, for notes and errors."""
    return f"country {name!r} (Q1) not recognised" if name else "country (Q1) not given"
