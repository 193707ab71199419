"""The gettext workflow for translators: extract, update, stats, check.

Two kinds of catalogs live under ``locales/``:
- ``messages``: the template sentences and fixed words (``messages.pot``);
- ``responses-<COUNTRY>``: the free text of one country's answers (summaries,
  texts, source titles), msgid = the English text, a comment naming the item.
Only ``.po``/``.pot`` files are kept; nothing compiled is written to disk.

Extraction uses Babel (it reads Jinja templates); everything written goes
through GNU gettext (``msgmerge``, ``msgcat``), the reference implementation
that Poedit and Weblate interoperate with: previous msgids (``#|``) are
written and read back correctly (Babel reads them as translator comments,
python-babel/babel#206), and the files are wrapped exactly as ``msgcat``
wraps them, so a save in a translator's tool followed by ``i18n update``
gives no diff. See docs/translating.md.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from reportgen import __version__, questionnaire
from reportgen.errors import ReportgenError
from reportgen.files import write_atomic
from reportgen.i18n import LOCALES, SOURCE_LANG, available_languages, read_catalog
from reportgen.labels import QUESTIONNAIRE_DOMAIN, SOURCE_TITLE, TRANSLATED_FIELDS
from reportgen.questionnaire import Localized
from reportgen.responses import Responses
from reportgen.writers import TEMPLATES

PACKAGE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
JINJA_OPTIONS = {"trimmed": "true", "extensions": "jinja2.ext.i18n"}
PYTHON_KEYWORDS = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2),
                   "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
# Fixed creation date keeps extracted templates stable between runs.
POT_DATE = datetime(2024, 1, 1, tzinfo=UTC)


def _new_catalog(domain: str, locale: str | None = None) -> Catalog:
    return Catalog(
        locale=locale, domain=domain, project="reportgen", version=__version__,
        msgid_bugs_address="", copyright_holder="reportgen contributors",
        creation_date=POT_DATE, revision_date=POT_DATE, charset="utf-8",
    )


# --- extract ----------------------------------------------------------------


def extract_messages(templates: Path = TEMPLATES) -> Catalog:
    """Template sentences (trimmed) and the fixed words marked in the code."""
    catalog = _new_catalog("messages")
    for path in sorted((templates / "sections").glob("*.j2")):
        _extract(catalog, path, babel_extract, JINJA_OPTIONS, f"templates/sections/{path.name}")
    for path in sorted(PACKAGE.rglob("*.py")):
        _extract(catalog, path, "python", {}, f"reportgen/{path.relative_to(PACKAGE)}")
    return catalog


def _extract(catalog: Catalog, path: Path, method: Any, options: dict[str, str], name: str) -> None:
    with path.open("rb") as handle:
        for lineno, message, comments, context in extract(
            method, handle, keywords=PYTHON_KEYWORDS, options=options,
            comment_tags=("Translators:",), strip_comment_tags=True,
        ):
            catalog.add(message, None, [(name, lineno)], auto_comments=comments, context=context)


def extract_responses(responses: Responses) -> Catalog:
    """The free text of one country's answers, one entry per text and place:
    summaries, texts, source titles, and the titles and organisations of
    contact items (names and e-mail addresses are not translated). Each entry
    has a context naming the item and field (``Q13 summary``) and comments
    with the question's section and wording and the sources' addresses."""
    catalog = _new_catalog(f"responses-{responses.country}")
    items = questionnaire.load(responses.questionnaire)
    for number in sorted(responses.answers):
        answer = responses.answers[number]
        if answer is None:
            continue
        item = items.item(number) if items.has_item(number) else None
        about = _about(items, number)
        if item and item.field in TRANSLATED_FIELDS and isinstance(answer.value, str):
            catalog.add(answer.value, None, auto_comments=about, context=f"Q{number} {item.field}")
        addresses = [f"Source: {ref.url}" for ref in answer.sources]
        basis = answer.budget.basis if answer.budget else None
        fields = (("summary", answer.summary), ("text", answer.text), ("budget basis", basis),
                  ("instrument", answer.instrument))
        for kind, text in fields:
            if text:
                catalog.add(text, None, auto_comments=about + addresses, context=f"Q{number} {kind}")
        for ref in answer.sources:
            if ref.title:
                catalog.add(ref.title, None, auto_comments=[*about, f"Source: {ref.url}"],
                            context=f"Q{number} source title")
    for source in responses.sources:
        catalog.add(source.title, None, auto_comments=[f"Source: {source.url}"], context=SOURCE_TITLE)
    return _plain_text(catalog)


def _plain_text(catalog: Catalog) -> Catalog:
    """Mark every entry ``no-python-format``: answer texts are never %-formatted.
    Babel flags any text with "100% of" as python-format, and msgfmt -c then
    refuses the literal "%" a translator must keep, and msgmerge re-flags the
    entries fuzzy at every update."""
    for message in catalog:
        if message.id:
            message.flags.discard("python-format")
            message.flags.add("no-python-format")
    return catalog


def _about(items: questionnaire.Questionnaire, number: int) -> list[str]:
    """Translator comments for an item: its section and its wording."""
    if not items.has_item(number):
        return [f"Q{number}"]
    item = items.item(number)
    section = items.section(item.section)
    return [f"Q{number}, section {section.id}. {section.title.en}", f"Question: {' '.join(item.label.en.split())}"]


def extract_questionnaire() -> Catalog:
    """The questionnaire labels a profile prints (items, options, sections), for
    languages its YAML does not carry (en and es are in the YAML itself)."""
    catalog = _new_catalog(QUESTIONNAIRE_DOMAIN)
    for edition in questionnaire.available():
        items = questionnaire.load(edition)
        for section in items.sections:
            catalog.add(section.title.en, None, auto_comments=[f"{edition} section {section.id}"])
        for item in items.items:
            catalog.add(item.label.en, None, auto_comments=[f"{edition} Q{item.number} label"])
            for option in item.options:
                catalog.add(option.label.en, None, auto_comments=[f"{edition} Q{item.number} option"])
    return catalog


def needs_catalog(domain: str, lang: str) -> bool:
    """Whether a language needs a .po for a domain (the questionnaire YAML
    already holds its own languages)."""
    return domain != QUESTIONNAIRE_DOMAIN or lang not in Localized.model_fields


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write a .po/.pot atomically, in GNU gettext's own layout (``msgcat``)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_output=False, omit_header=False, include_previous=False)
    write_atomic(path, canonical(repair(buffer.getvalue().decode("utf-8")).encode("utf-8")))


def gnu(tool: str, *args: str, data: bytes | None = None) -> bytes:
    """Run a GNU gettext tool; its first error line (FILE:LINE: ...) becomes a ReportgenError."""
    exe = shutil.which(tool)
    if exe is None:
        raise ReportgenError(f"{tool} not found: install GNU gettext (scripts/system-deps.sh run)")
    run = subprocess.run([exe, *args], input=data, capture_output=True, check=False)
    if run.returncode:
        lines = run.stderr.decode("utf-8", "replace").strip().splitlines() or [f"{tool} failed"]
        raise ReportgenError(lines[0].removeprefix(f"{tool}: "))
    return run.stdout


def canonical(data: bytes) -> bytes:
    """A catalog as ``msgcat`` writes it (GNU wrapping at 79 columns, GNU comment order)."""
    return gnu("msgcat", "--to-code=UTF-8", "-o", "-", "-", data=data)


# --- update -----------------------------------------------------------------


def update_catalog(pot: Path, po: Path, lang: str, compendia: list[Path] | tuple[Path, ...] = ()) -> bytes:
    """The language's catalog merged with its template, as GNU ``msgmerge
    --previous`` does it: translations kept, changed msgids fuzzy with their
    previous msgid (``#|``), vanished ones obsolete (``#~``); the header
    (PO-Revision-Date, Last-Translator, Language-Team) is the translator's.
    ``compendia`` (other countries' catalogs of the same language) offer
    their translations as fuzzy suggestions. A new catalog starts from
    ``init_catalog``. Re-running it is harmless: the result is stable."""
    existing = po.read_bytes() if po.is_file() else init_catalog(pot, lang)
    with tempfile.TemporaryDirectory(prefix="reportgen-i18n-") as tmp:
        old = Path(tmp) / po.name
        old.write_bytes(repair(existing.decode("utf-8")).encode("utf-8"))
        args = ["--quiet", "--previous"]
        compendium = _compendium([c for c in compendia if c.is_file()], Path(tmp))
        if compendium is not None:
            args += ["--compendium", str(compendium)]
        merged = gnu("msgmerge", *args, "-o", "-", str(old), str(pot))
    # Obsolete entries go: msgmerge writes their previous msgids as "#~|",
    # which Babel (our checker) cannot read, and the compendium keeps their
    # translations on offer anyway.
    current = gnu("msgattrib", "--no-obsolete", "-o", "-", "-", data=merged).decode("utf-8")
    return canonical(keep_context_only_changes(current).encode("utf-8"))


def _compendium(paths: list[Path], tmp: Path) -> Path | None:
    """Every translation of ``paths`` in one catalog, all fuzzy (suggestions to review)."""
    if not paths:
        return None
    joined = gnu("msgcat", "--use-first", "--to-code=UTF-8", "-o", "-", *map(str, paths))
    target = tmp / "compendium.po"
    target.write_bytes(gnu("msgattrib", "--set-fuzzy", "--translated", "--no-obsolete", "-o", "-", "-",
                           data=joined))
    return target


def init_catalog(pot: Path, lang: str) -> bytes:
    """A new language's catalog: every entry of the template, untranslated,
    a header without placeholders and CLDR plural forms (as Babel and
    Weblate know them)."""
    template = read_catalog(pot)
    if template is None:
        raise ReportgenError(f"{pot}: no such template; run `reportgen i18n extract` first")
    catalog = _new_catalog(template.domain or pot.stem, lang)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.fuzzy = False
    catalog.revision_date = datetime.now(UTC)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, include_previous=False)
    return canonical(repair(buffer.getvalue().decode("utf-8")).encode("utf-8"))


# Header values Babel and msginit leave for a human to fill in.
_HEADER_PLACEHOLDERS = [
    (re.compile(r"^# FIRST AUTHOR <EMAIL@ADDRESS>, \d+\.\n", re.M), ""),
    (re.compile(r'^"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"$', re.M), r'"Report-Msgid-Bugs-To: \\n"'),
    (re.compile(r'^"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"$', re.M), r'"Last-Translator: \\n"'),
]
_LANGUAGE_TEAM = re.compile(r'^"Language-Team: (\w+) <LL@li\.org>\\n"$', re.M)


def repair(text: str) -> str:
    """Undo what earlier Babel-written catalogs carry (re-run safely on any catalog):
    previous-msgid lines that Babel read back as translator comments (``# | msgid``,
    with the word-wrapped pieces around them), and header placeholders."""
    for pattern, value in _HEADER_PLACEHOLDERS:
        text = pattern.sub(value, text)
    text = _LANGUAGE_TEAM.sub(lambda m: f'"Language-Team: {_language_name(m.group(1))}\\n"', text)
    entries = text.split("\n\n")
    return "\n\n".join(_drop_misread_previous(entry) for entry in entries)


def _language_name(code: str) -> str:
    import babel

    try:
        return babel.Locale.parse(code).get_display_name("en") or code
    except (ValueError, babel.UnknownLocaleError):
        return code


def _drop_misread_previous(entry: str) -> str:
    lines = entry.split("\n")
    if not any(line.startswith("# |") for line in lines):
        return entry
    # Translator comments are "# ..." lines; in an entry that has a misread "# |"
    # block, every one of them is a piece of it (the catalogs have no others).
    return "\n".join(line for line in lines if not (line.startswith("# ") or line == "#"))


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _field(lines: list[str], keyword: str) -> str | None:
    """The value of ``keyword`` (msgid, #| msgid, ...) in an entry, its pieces joined."""
    value: list[str] | None = None
    prefix = "#| " if keyword.startswith("#|") else ""
    for line in lines:
        if line.startswith(keyword + " "):
            value = _QUOTED.findall(line[len(keyword):])
        elif value is not None and line.startswith(prefix + '"'):
            value += _QUOTED.findall(line[len(prefix):])
        elif value is not None:
            break
    return None if value is None else "".join(value)


def keep_context_only_changes(text: str) -> str:
    """An entry that only gained a context (same msgid, same plural) keeps its
    translation: msgmerge marks it fuzzy because the key changed, but the
    English did not. This carries catalogs across the move to msgctxt."""
    out = []
    for entry in text.split("\n\n"):
        lines = entry.split("\n")
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        previous = _field(lines, "#| msgid")
        if fuzzy and previous is not None and _field(lines, "#| msgctxt") is None \
                and _field(lines, "msgctxt") is not None and previous == _field(lines, "msgid") \
                and _field(lines, "#| msgid_plural") == _field(lines, "msgid_plural"):
            lines = [_unfuzzy(line) for line in lines if not line.startswith("#|")]
            lines = [line for line in lines if line != "#,"]
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _unfuzzy(line: str) -> str:
    if not line.startswith("#,"):
        return line
    flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
    return "#, " + ", ".join(flags) if flags else "#,"


# --- stats and check --------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """An entry left to do, where a translator finds it."""

    path: str
    line: int
    state: str  # untranslated | fuzzy
    text: str


@dataclass
class Stats:
    path: Path
    translated: int
    fuzzy: int
    untranslated: int
    entries: list[Entry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def percent_text(self) -> str:
        """Rounded down, so a catalog with anything left never shows 100%."""
        return f"{math.floor(self.percent * 10) / 10:g}%"

    def as_dict(self, with_entries: bool = False) -> dict[str, object]:
        data: dict[str, object] = {
            "catalog": str(self.path), "language": self.path.parent.parent.name, "domain": self.path.stem,
            "translated": self.translated, "fuzzy": self.fuzzy, "untranslated": self.untranslated,
            "total": self.total, "percent": round(self.percent, 2),
        }
        if with_entries:
            data["entries"] = [asdict(entry) for entry in self.entries]
        return data


def po_files(locales: Path = LOCALES) -> list[Path]:
    return sorted(locales.glob("*/LC_MESSAGES/*.po"))


def compendia(po: Path) -> list[Path]:
    """The same language's catalogs of other countries' answers, whose translations a
    responses catalog is offered (fuzzy): an organisation or law named alike."""
    if not po.stem.startswith("responses-"):
        return []
    return [other for other in sorted(po.parent.glob("responses-*.po")) if other.name != po.name]


def stats(path: Path) -> Stats:
    """Counts against the template (``locales/<domain>.pot``) when there is
    one, so a catalog not yet updated shows what it lacks as untranslated;
    a fuzzy entry is not translated."""
    catalog = read_catalog(path)
    assert catalog is not None
    messages = [message for message in catalog if message.id]
    entries = [Entry(str(path), message.lineno or 1, "fuzzy" if message.fuzzy else "untranslated",
                     _first(message.id))
               for message in messages if message.fuzzy or not _is_translated(message.string)]
    fuzzy = sum(1 for message in messages if message.fuzzy)
    translated = sum(1 for message in messages if not message.fuzzy and _is_translated(message.string))
    template_path = path.parent.parent.parent / f"{path.stem}.pot"
    template = read_catalog(template_path)
    if template:
        entries += [Entry(str(template_path), message.lineno or 1, "not in catalog (run i18n update)",
                          _first(message.id))
                    for message in template if message.id and catalog.get(message.id, message.context) is None]
    absent = len(entries) - fuzzy - (len(messages) - translated - fuzzy)
    return Stats(path, translated, fuzzy, len(messages) - translated - fuzzy + absent, entries)


def _texts(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A message's id or string as a tuple (Babel gives a str, or a tuple or
    list for plural forms, or None)."""
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def _first(msgid: str | tuple[str, ...] | list[str]) -> str:
    text = _texts(msgid)[0]
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:69] + "…"


def _is_translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    return all(_texts(string))


def check(path: Path) -> list[str]:
    """Problems of one catalog: placeholders, plural forms, compilation."""
    problems: list[str] = []
    with path.open("rb") as handle:
        try:
            catalog = read_po(handle, abort_invalid=True)
        except Exception as exc:
            return [f"{path}: cannot parse: {exc}"]
    lang = path.parent.parent.name
    expected_plurals = _plural_count(lang)
    if catalog.num_plurals != expected_plurals:
        problems.append(f"{path}: Plural-Forms has nplurals={catalog.num_plurals}, "
                        f"{lang} needs {expected_plurals}")
    for message in catalog:
        if not message.id or not _is_translated(message.string) or message.fuzzy:
            continue
        found = _placeholder_problems(message, formatted=path.stem == "messages")
        problems.extend(f"{path}:{message.lineno}: {p}" for p in found)
    try:
        write_mo(io.BytesIO(), catalog)
    except Exception as exc:
        problems.append(f"{path}: does not compile: {exc}")
    problems.extend(_msgfmt_problems(path))
    return problems


def _plural_count(lang: str) -> int:
    from babel.messages.plurals import get_plural

    return get_plural(lang).num_plurals


def _placeholder_problems(message: Message, formatted: bool) -> list[str]:
    """Placeholders that differ from the msgid's; with ``formatted`` (template
    sentences, which Jinja always %-formats) also a translation that cannot
    be formatted, such as a lone "%" written for "%%"."""
    ids = _texts(message.id)
    strings = _texts(message.string)
    wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
    problems = []
    for string in strings:
        found = sorted(set(PLACEHOLDER.findall(string)))
        if found != wanted:
            problems.append(f"placeholders {found} differ from {wanted} in {ids[0][:50]!r}")
        elif formatted:
            try:
                string % {name: 1 for name in wanted}  # as Jinja formats it
            except (TypeError, ValueError, KeyError) as exc:
                problems.append(f"translation of {ids[0][:50]!r} cannot be formatted ({exc}); write %% for %")
    return problems


def _msgfmt_problems(path: Path) -> list[str]:
    """GNU msgfmt --check, the reference compiler, where it is installed."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    run = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)],
                         capture_output=True, text=True, check=False)
    return [line for line in run.stderr.splitlines() if line.strip()] if run.returncode else []


def languages(locales: Path = LOCALES) -> list[str]:
    """The languages translators work on (every one but English, the source)."""
    return [lang for lang in available_languages(locales) if lang != SOURCE_LANG]
