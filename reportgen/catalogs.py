"""The gettext workflow for translators: extract, update, stats, check.

Two kinds of catalogs live under ``locales/``:
- ``messages``: the template sentences and fixed words (``messages.pot``);
- ``responses-<COUNTRY>``: the free text of one country's answers (summaries,
  texts, source titles), msgid = the English text, a comment naming the item.
Only ``.po``/``.pot`` files are kept; nothing compiled is written to disk.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from reportgen import __version__, questionnaire
from reportgen.files import write_atomic
from reportgen.i18n import LOCALES, SOURCE_LANG, available_languages, read_catalog
from reportgen.narrative import QUESTIONNAIRE_DOMAIN, TRANSLATED_FIELDS
from reportgen.questionnaire import Localized
from reportgen.responses import Responses
from reportgen.writers import TEMPLATES

PACKAGE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
JINJA_OPTIONS = {"trimmed": "true", "extensions": "jinja2.ext.i18n"}
PYTHON_KEYWORDS = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)}
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


def _extract(catalog: Catalog, path: Path, method: object, options: dict[str, str], name: str) -> None:
    with path.open("rb") as handle:
        for lineno, message, comments, context in extract(
            method, handle, keywords=PYTHON_KEYWORDS, options=options,
            comment_tags=("Translators:",), strip_comment_tags=True,
        ):
            catalog.add(message, None, [(name, lineno)], auto_comments=comments, context=context)


def extract_responses(responses: Responses) -> Catalog:
    """The free text of one country's answers, one entry per text: summaries,
    texts, source titles, and the titles and organisations of contact items
    (names and e-mail addresses are not translated)."""
    catalog = _new_catalog(f"responses-{responses.country}")
    items = questionnaire.load(responses.questionnaire)
    for number in sorted(responses.answers):
        answer = responses.answers[number]
        if answer is None:
            continue
        item = items.item(number) if items.has_item(number) else None
        if item and item.field in TRANSLATED_FIELDS and isinstance(answer.value, str):
            catalog.add(answer.value, None, auto_comments=[f"Q{number} {item.field}"])
        basis = answer.budget.basis if answer.budget else None
        fields = (("summary", answer.summary), ("text", answer.text), ("budget basis", basis),
                  ("instrument", answer.instrument))
        for kind, text in fields:
            if text:
                catalog.add(text, None, auto_comments=[f"Q{number} {kind}"])
        for ref in answer.sources:
            if ref.title:
                catalog.add(ref.title, None, auto_comments=[f"Q{number} source title"])
    for source in responses.sources:
        catalog.add(source.title, None, auto_comments=["source title"])
    return catalog


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
    """Write a .po/.pot atomically, wrapped at 76 columns like xgettext."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_output=False, omit_header=False, include_previous=True)
    write_atomic(path, buffer.getvalue())


# --- update -----------------------------------------------------------------


def update_catalog(template: Catalog, po_path: Path, lang: str) -> Catalog:
    """Merge a template into a language's catalog: translations are kept,
    changed msgids are matched fuzzily and marked fuzzy, vanished ones become
    obsolete. A new catalog starts empty (and, unlike ``pybabel init``, not
    fuzzy as a whole)."""
    existing = read_catalog(po_path)
    if existing is None:
        catalog = _new_catalog(template.domain, lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False
    else:
        catalog = existing
        catalog.update(template, update_header_comment=False)
    catalog.revision_date = POT_DATE
    return catalog


# --- stats and check --------------------------------------------------------


@dataclass
class Stats:
    path: Path
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def po_files(locales: Path = LOCALES) -> list[Path]:
    return sorted(locales.glob("*/LC_MESSAGES/*.po"))


def stats(path: Path) -> Stats:
    """Counts against the template (``locales/<domain>.pot``) when there is
    one, so a catalog not yet updated shows what it lacks as untranslated."""
    catalog = read_catalog(path)
    assert catalog is not None
    messages = [message for message in catalog if message.id]
    fuzzy = sum(1 for message in messages if message.fuzzy)
    translated = sum(1 for message in messages if not message.fuzzy and _is_translated(message.string))
    template = read_catalog(path.parent.parent.parent / f"{path.stem}.pot")
    absent = sum(1 for message in template if message.id and message.id not in catalog) if template else 0
    return Stats(path, translated, fuzzy, len(messages) - translated - fuzzy + absent)


def _is_translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


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
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
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
