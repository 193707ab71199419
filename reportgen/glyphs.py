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
from collections.abc import Iterable, Iterator
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen import fonts, yamlsource
from reportgen import model as m
from reportgen.errors import Problem, ReportgenError
from reportgen.inputchecks import field_of, item_of, walk_strings
from reportgen.yamlsource import Located

if TYPE_CHECKING:
    from reportgen.config import Config
    from reportgen.questionnaire import Questionnaire
    from reportgen.responses import Responses

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
    sources = list(sources)
    found = locate(character, sources)
    where = f"{found[0]}:{found[1]}" if found else fallback
    if found and found[0] == sources[0]:  # the answers: name the question, as ``reportgen check`` does
        item = yamlsource.item_at(found[0].read_text(encoding="utf-8", errors="replace"), found[1])
        where += f": Q{item}" if item is not None else ""
    more = f"; {len(absent) - 1} more character(s) too" if len(absent) > 1 else ""
    raise MissingGlyphError(
        f"{where}: character {describe(character)} has no glyph in the fonts for {lang} "
        f"({', '.join(fonts.stack_names(lang))}){more}"
    )


def answers_problems(file: Path, located: Located, responses: Responses, catalog: Questionnaire,
                     options: Config) -> list[Problem]:
    """``reportgen check``'s side of :func:`check`: each text of an answers
    file with a character that a document in one of ``options.languages``
    would draw and its fonts lack, at the character's line.

    A text with such a character is a candidate; the document model of that
    language, with the annex (which prints every answer), says whether the
    character is drawn: an answer a template leaves out (a contact e-mail),
    or one a catalog translates, does not count. So ``check`` refuses what
    the build of some edition would refuse, and no more; the model is only
    made for a file with candidates. A character the document draws is
    reported in every text of the file that has it, printed or not; the
    respondent, the reasons for inferred values and review flags are never
    printed, and never candidates. A language whose font is not installed
    cannot be checked: a warning says so, and the build says how to install
    it."""
    covers: dict[str, frozenset[int]] = {}
    problems = []
    for lang in options.languages:
        try:
            covers[lang] = covered(lang, options.templates)
        except fonts.FontMissingError as exc:
            problems.append(Problem(file, 1, f"not checked for {lang}'s fonts: {exc}", severity="warning"))
    candidates = [(path, lacking) for path, text in walk_strings(located.data) if _drawn(path)
                  if (lacking := {lang: chars for lang, cover in covers.items() if (chars := missing(text, cover))})]
    if not candidates:
        return problems
    annexed = options.model_copy(update={"annex": True})
    drawn = {lang: _drawn_characters(responses, catalog, lang, annexed)
             for lang in {lang for _, lacking in candidates for lang in lacking}}
    lines = located.text.splitlines()
    for path, lacking in candidates:
        confirmed = {lang: kept for lang, chars in lacking.items()
                     if (kept := [c for c in chars if _may_draw(drawn[lang], c)])}
        if confirmed:
            character = min(chars[0] for chars in confirmed.values())
            problems.append(_answer_problem(file, _line_of(character, located, path, lines), path, character,
                                            confirmed))
    return problems


def _drawn(path: tuple[object, ...]) -> bool:
    """Whether the text at ``path`` may be printed (see answers_problems)."""
    if path[:1] == ("sources",):
        return len(path) == 3 and path[2] in ("title", "url")
    return path[:1] == ("answers",) and len(path) >= 3 and path[2] not in ("inferred", "flags")


def _may_draw(drawn: set[str] | None, character: str) -> bool:
    return drawn is None or character in drawn


def _drawn_characters(responses: Responses, catalog: Questionnaire, lang: str, options: Config) -> set[str] | None:
    """The characters the document in ``lang`` draws; None if it cannot be
    made (the build then says why, and every candidate is reported)."""
    from reportgen.i18n import Locale
    from reportgen.narrative import build_document

    try:
        document = build_document(responses, catalog, Locale(lang, options.locales, country=responses.country),
                                  options).document
    except ReportgenError:
        return None
    return document_characters(document)


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
