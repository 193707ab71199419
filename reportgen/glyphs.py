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

from reportgen import fonts
from reportgen import model as m
from reportgen.errors import Problem, ReportgenError
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


def answers_problems(file: Path, located: Located, languages: Sequence[str], templates: Path) -> list[Problem]:
    """``reportgen check``'s side of :func:`check`: each value of an answers
    file with a character that the fonts of a language to be built cannot
    draw, at its line. Answer text and quoted titles can reach every
    language's document (untranslated, or quoted as given), so each
    language counts. A language whose font is not installed is left to the
    build, which says how to install it."""
    covers: dict[str, frozenset[int]] = {}
    for lang in languages:
        try:
            covers[lang] = covered(lang, templates)
        except fonts.FontMissingError:
            continue
    problems = []
    for path, text in walk_strings(located.data):
        lacking = {lang: missing(text, cover) for lang, cover in covers.items()}
        if first := min((chars[0] for chars in lacking.values() if chars), default=None):
            problems.append(_answer_problem(file, located, path, first, lacking))
    return problems


def _line_in_value(file: Path, located: Located, path: tuple[object, ...], character: str) -> int:
    """The line of ``character`` in the value at ``path``: a block scalar
    starts on the line after its key, a folded one spans several. Searched
    up to the next key, so an escaped character (``\\u0531``) gives the
    value's own line."""
    start = located.line(path)
    end = min((line for line in located.lines.values() if line > start), default=None)
    lines = file.read_text(encoding="utf-8", errors="replace").splitlines()[start - 1:end and end - 1]
    return next((start + offset for offset, line in enumerate(lines) if character in line), start)


def _answer_problem(file: Path, located: Located, path: tuple[object, ...], character: str,
                    lacking: dict[str, list[str]]) -> Problem:
    by_stack: dict[str, list[str]] = {}  # "en, es (Noto Sans), ar (Noto Sans, Noto Naskh Arabic)"
    for lang, chars in lacking.items():
        if character in chars:
            by_stack.setdefault(", ".join(fonts.stack_names(lang)), []).append(lang)
    where = ", ".join(f"{', '.join(langs)} ({names})" for names, langs in by_stack.items())
    others = len({c for chars in lacking.values() for c in chars} - {character})
    more = f"; {others} more character(s) too" if others else ""
    return Problem(file, _line_in_value(file, located, path, character),
                   f"{field_of(path)}: character {describe(character)} has no glyph in the fonts for "
                   f"{where}{more}", item_of(path))
