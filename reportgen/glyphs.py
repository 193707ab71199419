"""No tofu, ever: a document whose text has a character that no font of its
language's stack (:mod:`reportgen.fonts`) can draw is refused before any
writer runs, with the input file and line the character comes from.

Without this check WeasyPrint would quietly take a system font (a PDF that
differs from machine to machine) or draw an empty box, and a DOCX would leave
the choice to the reader's Word; either way the build would say it succeeded.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from html import unescape
from pathlib import Path
from typing import Any

from reportgen import fonts
from reportgen import model as m
from reportgen.errors import Problem, ReportgenError
from reportgen.i18n import Locale
from reportgen.inputchecks import field_of, item_of, walk_strings
from reportgen.yamlsource import Located

# Fields of the model that are never drawn: identifiers, file names, the
# chart's markup (its drawn text is read from its <text> elements instead).
_NOT_DRAWN = {"id", "src", "source_id", "kind", "name", "lang", "country_code", "role", "svg", "raster", "_png"}
_SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")
# Categories of characters no font draws: controls, format characters (soft
# hyphen, bidi marks and isolates, joiners) and separators (spaces, line and
# paragraph separators), which are laid out as space, not as glyphs.
_UNDRAWN_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


class MissingGlyphError(ReportgenError):
    """A character of the document that no font of its stack has."""


def drawn(character: str) -> bool:
    """Whether ``character`` needs a glyph (not a control, format character or space)."""
    return unicodedata.category(character) not in _UNDRAWN_CATEGORIES


def _strings(value: object) -> Iterator[str]:
    """Every drawn string of a model object, depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, m.Chart):
        yield from (unescape(text) for text in _SVG_TEXT.findall(value.svg))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in _NOT_DRAWN:
                yield from _strings(getattr(value, field.name))
    elif isinstance(value, dict):
        yield from (s for item in value.values() for s in _strings(item))
    elif isinstance(value, (list, tuple)):
        yield from (s for item in value for s in _strings(item))


def document_characters(document: m.Document) -> set[str]:
    """Every character the document's text can show, in any format."""
    return {c for text in _strings(document) for c in text}


def covered(lang: str, templates: Path) -> frozenset[int]:
    """The code points some family of ``lang``'s stack covers (in every face
    of the family: bold text must not fall back to another family)."""
    return frozenset().union(*(fonts.coverage(family, templates) for family in fonts.stack(lang)))


def missing(characters: Iterable[str], cover: frozenset[int]) -> list[str]:
    """The drawn characters of ``characters`` not in ``cover``, sorted."""
    return sorted(c for c in set(characters) if drawn(c) and ord(c) not in cover)


def locate(character: str, sources: Iterable[Path]) -> tuple[Path, int] | None:
    """The first file and line among ``sources`` where ``character`` occurs."""
    for path in sources:
        try:
            with path.open(encoding="utf-8", errors="replace") as stream:
                for number, line in enumerate(stream, start=1):
                    if character in line:
                        return path, number
        except OSError:
            continue
    return None


def input_files(responses: Path, lang: str, country: str, locales: Path, templates: Path,
                questionnaire: Path | None = None) -> list[Path]:
    """The inputs a character of the document can come from, most specific
    first: the answers, the language's catalogs, the templates, the
    questionnaire and the UN country names."""
    messages = locales / lang / "LC_MESSAGES"
    catalogs = [messages / f"responses-{country}.po", messages / "messages.po", messages / "questionnaire.po"]
    template_files = sorted(p for p in templates.rglob("*") if p.is_file() and p.suffix in (".j2", ".md", ".html"))
    package = Path(__file__).resolve().parent
    data = [questionnaire] if questionnaire else sorted((package / "questionnaires").glob("*.yaml"))
    return [responses, *catalogs, *template_files, *data, *sorted((package / "data").glob("*.csv"))]


def describe(character: str) -> str:
    """``U+1F600 GRINNING FACE ('😀')``."""
    name = unicodedata.name(character, "") or f"<{unicodedata.category(character)}>"
    return f"U+{ord(character):04X} {name} ({character!r})"


def check(document: m.Document, templates: Path, sources: Iterable[Path], fallback: str) -> None:
    """Raise :class:`MissingGlyphError` for the first character (by code
    point) of ``document`` that its language's fonts cannot draw, naming the
    input it comes from (``FILE:LINE``) or ``fallback`` (the output's name)."""
    lang = document.meta.lang
    absent = missing(document_characters(document), covered(lang, templates))
    if not absent:
        return
    character = absent[0]
    found = locate(character, sources)
    where = f"{found[0]}:{found[1]}" if found else fallback
    more = f"; {len(absent) - 1} more character(s) too" if len(absent) > 1 else ""
    raise MissingGlyphError(
        f"{where}: character {describe(character)} has no glyph in the fonts for {lang} "
        f"({', '.join(fonts.stack_names(lang))}){more}"
    )


def answers_problems(file: Path, located: Located, country: str, languages: Sequence[str], templates: Path,
                     locales: Path) -> list[Problem]:
    """``reportgen check``'s side of :func:`check`: each text of an answers
    file that a document in one of ``languages`` would draw with a character
    its fonts lack, at the character's line.

    What a document draws: answer texts, free-text values and source titles
    in English, or in a language's document their translation
    (``responses-<COUNTRY>.po``) when there is one; addresses and titles
    quoted as given, in every language. Never drawn: the respondent, the
    reasons for inferred values, review flags. A language whose font is not
    installed cannot be checked: a warning says so, and the build says how to
    install it."""
    covers: dict[str, frozenset[int]] = {}
    problems = []
    for lang in languages:
        try:
            covers[lang] = covered(lang, templates)
        except fonts.FontMissingError as exc:
            problems.append(Problem(file, 1, f"not checked for {lang}'s fonts: {exc}", severity="warning"))
    locales_of = {lang: Locale(lang, locales, country=country) for lang in covers}
    lines = located.text.splitlines()
    for path, text in walk_strings(located.data):
        if not _drawn(path):
            continue
        as_given = _as_given(path, located.data)
        lacking = {lang: chars for lang, cover in covers.items()
                   if (chars := missing(text, cover)) and (as_given or locales_of[lang].answer_text(text)[0] == text)}
        if lacking:
            character = min(chars[0] for chars in lacking.values())
            problems.append(_answer_problem(file, _line_of(character, located, path, lines), path, character,
                                            lacking))
    return problems


def _drawn(path: tuple[object, ...]) -> bool:
    """Whether the text at ``path`` can appear in a document (see answers_problems)."""
    if path[:1] == ("sources",):
        return len(path) == 3 and path[2] in ("title", "url")
    return path[:1] == ("answers",) and len(path) >= 3 and path[2] not in ("inferred", "flags")


def _as_given(path: tuple[object, ...], data: object) -> bool:
    """An address, or a title quoted in its own language (``lang:``): drawn
    untranslated in every document."""
    if path[-1] == "url":
        return True
    parent: Any = data
    for step in path[:-1]:  # a path walk_strings gave: each step is there
        parent = parent[step]
    return path[-1] == "title" and bool(parent.get("lang"))


def _line_of(character: str, located: Located, path: tuple[object, ...], lines: list[str]) -> int:
    """The line of ``character`` in the value at ``path`` (which may span
    several); the value's first line when it is written as an escape
    (``\\u0531``)."""
    first, last = located.spans.get(path) or (located.line(path),) * 2
    return next((number for number in range(first, last + 1)
                 if number <= len(lines) and character in lines[number - 1]), first)


def _answer_problem(file: Path, line: int, path: tuple[object, ...], character: str,
                    lacking: dict[str, list[str]]) -> Problem:
    by_stack: dict[str, list[str]] = {}  # "en, es (Noto Sans), ar (Noto Sans, Noto Naskh Arabic)"
    for lang, chars in lacking.items():
        if character in chars:
            by_stack.setdefault(", ".join(fonts.stack_names(lang)), []).append(lang)
    where = ", ".join(f"{', '.join(langs)} ({names})" for names, langs in by_stack.items())
    others = len({c for chars in lacking.values() for c in chars} - {character})
    more = f"; {others} more character(s) too" if others else ""
    return Problem(file, line,
                   f"{field_of(path)}: character {describe(character)} has no glyph in the fonts for "
                   f"{where}{more}", item_of(path))
