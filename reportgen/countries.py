"""Official UN short names of countries (UNTERM / M49), shipped as data.

A UN publication names a country by its official short name in each language:
"Republic of Korea", "Bolivia (Plurinational State of)", "República de Corea".
CLDR (Babel) has common names ("South Korea", "Bolivia"), which are wrong
here, so the names come from ``reportgen/data/un-country-names.csv``; CLDR is
only the fallback for a language the table does not have.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

DATA = "un-country-names.csv"


@cache
def _table() -> dict[str, dict[str, str]]:
    """alpha-3 -> {language: name} for every row of the shipped table."""
    text = resources.files("reportgen.data").joinpath(DATA).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    return {row.pop("iso3"): row for row in reader}


def un_name(alpha3: str, lang: str) -> str | None:
    """The official UN short name of ``alpha3`` in ``lang``, or None when the
    table has no such country or language."""
    return _table().get(alpha3.upper(), {}).get(lang) or None


def un_codes() -> list[str]:
    """Every alpha-3 code in the table (Member States and observer States)."""
    return list(_table())
