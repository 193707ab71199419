"""A small site index for the web team: ``<out>/index.html`` lists every
country and language found in the output folder, with links to its HTML, PDF
and DOCX profiles (``reportgen build --format html --site-index``).

The page is built from the files present, so it also covers countries built
by earlier runs; it needs no stylesheet or script beyond a few inline rules
and passes the same browser checks as the profiles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import babel
import pycountry

from reportgen.files import write_atomic

INDEX = "index.html"
FORMATS = ("html", "pdf", "docx")
FORMAT_LABELS = {"html": "Web page (HTML)", "pdf": "PDF", "docx": "Word (DOCX)"}
# CODE-profile[-EDITION]-LANG[-draft][-internal][-VARIANT].FORMAT (build.output_name)
_PROFILE = re.compile(r"^(?P<code>[A-Z]{3})-profile-(?:\d[\w.]*-)?(?P<lang>[a-z]{2,3}(?:-[A-Z][A-Za-z0-9]+)?)"
                      r"(?:-[a-z0-9][a-z0-9-]*)?\.(?P<fmt>html|pdf|docx)$")
_STYLE = """body{font-family:sans-serif;color:#1A1A1A;max-width:46rem;margin:0 auto;padding:0 1rem 3rem;line-height:1.5}
h1{color:#00689D}table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #B3E0F5;overflow-wrap:anywhere;vertical-align:top}
thead th{background:#00689D;color:#FFF}a{color:#00689D}ul{margin:0;padding-left:1rem}"""


@dataclass
class Profile:
    code: str
    lang: str
    files: dict[str, str] = field(default_factory=dict)  # format -> path relative to the index


def profiles(out: Path) -> list[Profile]:
    """The profiles in ``out``, by country and language."""
    found: dict[tuple[str, str], Profile] = {}
    for path in sorted(out.glob("*/*-profile-*.*")):
        match = _PROFILE.match(path.name)
        if match is None or path.parent.name != match["code"]:
            continue
        profile = found.setdefault((match["code"], match["lang"]), Profile(match["code"], match["lang"]))
        profile.files[match["fmt"]] = path.relative_to(out).as_posix()
    return [found[key] for key in sorted(found)]


def country_name(code: str, locale: babel.Locale) -> str:
    country = pycountry.countries.get(alpha_3=code)
    return code if country is None else locale.territories.get(country.alpha_2, country.name)


def index_html(items: list[Profile], title: str = "E-Government Country Profiles") -> str:
    """The index page: one table row per country and language."""
    english = babel.Locale("en")
    rows = []
    for item in items:
        language = escape(babel.Locale.parse(item.lang, sep="-").get_display_name(item.lang) or item.lang)
        links = "".join(
            f'<li><a href="{escape(item.files[fmt], quote=True)}" hreflang="{escape(item.lang, quote=True)}">'
            f"{FORMAT_LABELS[fmt]}</a></li>"
            for fmt in FORMATS if fmt in item.files
        )
        rows.append(
            f'<tr><th scope="row">{escape(country_name(item.code, english))} ({item.code})</th>'
            f'<td lang="{escape(item.lang, quote=True)}">{language}</td>'
            f"<td><ul>{links}</ul></td></tr>"
        )
    body = "\n".join(rows) or '<tr><td colspan="3">No profiles have been built yet.</td></tr>'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{escape(title)}</h1>\n<table>\n<caption>Profiles by country and language</caption>\n"
        '<thead><tr><th scope="col">Country</th><th scope="col">Language</th><th scope="col">Files</th></tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>\n</main>\n</body>\n</html>\n"
    )


def write_index(out: Path) -> Path:
    """Write ``<out>/index.html`` for the profiles in ``out``; returns its path."""
    path = out / INDEX
    write_atomic(path, index_html(profiles(out)).encode("utf-8"))
    return path
