"""Import a Microsoft-Forms-style "View results" export into a responses YAML.

The export is the Markdown a person gets by copying one response out of the
form's "View results" page. It is lossy in ways this module has to work
around:

* the chosen option of a choice question is not marked: "Yes" and "No" are
  both listed. A yes/no value is then read from its follow-up ("If yes,
  please provide link and detail"): ``planned`` or ``yes`` with the phrase
  that decided it under ``inferred:`` (rules in inference.py); with nothing
  to read it from, the value stays absent and the answer is flagged;
* headings can be out of order, repeated, or followed by items the
  questionnaire does not have, and an export can stop half-way: all are
  reported with their lines, never merged into a neighbouring answer;
* item headings come with or without ``#``/``**`` markup, sometimes glued to
  a section title, and answers contain numbered paragraphs ("2. Infocenters.",
  "9.4.1. UPDATE ...") that are not items. An item heading is only accepted
  for the next expected item number and when its words match the catalog's
  prompt;
* links come as ``<url>``, ``[text](url)`` with Markdown escapes, or broken
  over two lines; page references ("Pages 32, 95") follow the link they
  refer to and become that source's ``locator``.

The result is a dict in the shape of docs/responses-format.md, written as
YAML atomically so that a failure never leaves half a file behind.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
import yaml
from babel import Locale

from reportgen import questionnaire as catalogs
from reportgen import urls
from reportgen.errors import ConfigError, InputError, Problem
from reportgen.files import write_atomic
from reportgen.importers.inference import infer
from reportgen.questionnaire import RESPONDENT_GROUP, Group, Item, Kind, Questionnaire, Section
from reportgen.yamlsource import read_text

QUESTIONNAIRE_ID = "msq-2024"
COUNTRY_ITEM = 1

# How far ahead of the expected item number a heading may jump (items missing
# from a damaged export), and how well its words must match the prompt then.
LOOKAHEAD = 5
MATCH_EXPECTED = 0.5
MATCH_AHEAD = 0.75

YES_NO_KINDS = (Kind.YES_NO, Kind.YES_NO_OTHER, Kind.CONSENT)
CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)

# --- the result ---------------------------------------------------------------


@dataclass
class ImportResult:
    """The responses document and the counts a one-line summary needs."""

    data: dict[str, Any]
    items_found: int = 0
    answered: int = 0
    inferred: int = 0  # values read from the details (to be confirmed)
    planned: int = 0  # ... of which read as planned
    needs_review: int = 0
    sources: int = 0  # distinct addresses over all answers
    missing: list[int] = field(default_factory=list)  # items whose heading was not found
    notes: list[str] = field(default_factory=list)  # document-level problems (consent, country)
    item_lines: dict[int, int] = field(default_factory=dict)  # item number -> heading line
    country_name: str | None = None  # Q1 as written
    warnings: list[Problem] = field(default_factory=list)  # headings out of place, with their lines
    truncated_after: int | None = None  # the last item found, when the export stops before the end
    last_line: int = 1

    def summary(self) -> str:
        line = (
            f"{self.items_found} items found, {self.answered} answered, "
            f"{self.inferred} inferred ({self.planned} planned), "
            f"{self.needs_review} need review, {self.sources} sources"
        )
        return "; ".join([line, *self.notes])

    def set_country(self, code: str) -> None:
        """Use ``code`` (given by the user) instead of the code read from Q1."""
        if self.data.get("country") is None:
            self.needs_review -= 1  # Q1 no longer needs a look
        self.data["country"] = code
        self.notes = [n for n in self.notes if not n.startswith("country ")]


# --- public API -----------------------------------------------------------------


def import_export(export_path: Path, output_path: Path, country: str | None = None, force: bool = False,
                  partial: bool = False, questionnaire_id: str = QUESTIONNAIRE_ID) -> ImportResult:
    """Read an export, convert it and write the responses YAML atomically.

    ``country`` (ISO 3166-1 alpha-3) overrides the code derived from Q1. An
    existing ``output_path`` is never overwritten without ``force`` (use
    ``reportgen import --merge`` to take a new export into a reviewed file);
    a truncated export is refused without ``partial``.
    """
    if output_path.exists() and not force:
        raise ConfigError(f"{output_path}: already exists; --force overwrites it, --merge {output_path} "
                          "takes the new export into it keeping the review")
    result = read_export(export_path, country, partial, questionnaire_id)
    write_atomic(output_path, render_yaml(result, export_path).encode("utf-8"))
    return result


def read_export(export_path: Path, country: str | None = None, partial: bool = False,
                questionnaire_id: str = QUESTIONNAIRE_ID) -> ImportResult:
    """Read and convert an export (no writing): the checks ``import`` and
    ``import --merge`` share."""
    if country is not None:
        country = _checked_country_code(country)
    text = read_text(export_path)
    result = parse_export(text, catalogs.load(questionnaire_id), str(export_path))
    if country is not None:
        result.set_country(country)
    elif result.data.get("country") is None:
        line = result.item_lines.get(COUNTRY_ITEM, 1)
        raise InputError(export_path, line, f"{_country_problem(result.country_name)}: give the "
                         "ISO 3166-1 alpha-3 code with --country")
    if result.truncated_after is not None and not partial:
        raise InputError(export_path, result.last_line, f"the export ends after Q{result.truncated_after} "
                         f"({_ranges(result.missing)} not found): it looks truncated; --partial imports it "
                         "with the missing items flagged")
    return result


def render_yaml(result: ImportResult, export_path: Path) -> str:
    """The responses YAML of an import, with a header comment naming the export."""
    header = f"# Imported from {safe_file_name(export_path)} by `reportgen import`: resolve the flags, " \
             "then run `reportgen check`.\n"
    return _dump_yaml(result.data, header)


def safe_file_name(path: Path) -> str:
    """A file name fit for a one-line comment: the name is data, so anything
    but plain printable characters (line breaks, controls, U+2028, bidi
    controls) is escaped, and the whole is quoted when it had to be."""
    name = path.name
    escaped = "".join(c if c.isprintable() and unicodedata.category(c) not in ("Cf", "Zl", "Zp") else
                      f"\\u{ord(c):04x}" for c in name)
    if escaped == name and re.fullmatch(r"[\w.,()+@=-]+(?: [\w.,()+@=-]+)*", name):
        return name
    return '"' + escaped.replace('"', '\\"') + '"'


def parse_export(text: str, questionnaire: Questionnaire, source_name: str) -> ImportResult:
    """Turn the text of an export into a responses document (no file access)."""
    _refuse_control_characters(text, source_name)
    lines = _normalize_lines(text)
    blocks, misplaced = _split_items(lines, questionnaire)
    if not blocks:
        raise InputError(source_name, 1, "no questionnaire items found: expected headings like "
                         "'1. Country name' (is this a form's 'View results' export?)")
    builder = _Builder(questionnaire)
    for block in blocks.values():
        builder.add(block)
    builder.decide_values()
    builder.mark_missing(set(blocks))
    builder.mark_misplaced(misplaced)
    result = builder.result(blocks)
    result.warnings = [Problem(source_name, m.line, _misplaced_message(m),
                               None if m.kind == "after the end" else m.number, "warning") for m in misplaced]
    result.truncated_after = _truncated_after(blocks, questionnaire)
    result.last_line = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=1)
    return result


def _misplaced_message(misplaced: _Misplaced) -> str:
    if misplaced.kind == "duplicate":
        return f"given again (first at line {misplaced.first_line}); only the first answer was imported"
    if misplaced.kind == "out of order":
        return "out of order in the export; imported from here: check it"
    return (f"'{misplaced.number}.' after the questionnaire's last item is not part of it; "
            "nothing from here on was imported")


def _truncated_after(blocks: dict[int, _Block], questionnaire: Questionnaire) -> int | None:
    """The last item found when every item after it is missing (an export
    cut short), else None."""
    numbers = [item.number for item in questionnaire.items]
    if numbers[-1] in blocks:
        return None
    found = [n for n in numbers if n in blocks]
    return found[-1] if found else None


# Characters no export needs (C0 controls but tab and newlines, DEL, C1
# controls, non-characters): they would reach terminals and documents.
_EXPORT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _refuse_control_characters(text: str, source_name: str) -> None:
    found = _EXPORT_CONTROL.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise InputError(source_name, line, f"control character U+{ord(found.group()):04X} is not allowed "
                         "in an export: remove it (the export must be plain text)")


# --- reading and writing -----------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists and long or multi-line text as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    literal = "\n" in value or (len(value) > 120 and " " in value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if literal else None)


_Dumper.add_representer(str, _represent_str)


def _dump_yaml(data: dict[str, Any], header: str = "") -> str:
    return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                              allow_unicode=True, width=100)


# --- country ---------------------------------------------------------------------


def _checked_country_code(code: str) -> str:
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
    return " ".join(w for w in _words(name) if w != "the")


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


# --- splitting into items ------------------------------------------------------------


@dataclass
class _Block:
    """One item's heading and the raw lines under it."""

    number: int
    line: int  # 1-based line of the heading
    heading: str  # the heading's text after the number
    body: list[str] = field(default_factory=list)


def _normalize_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text.replace("\u00a0", " ").split("\n")


_NUMBERED = re.compile(r"(\d{1,3})\.(?!\d)\s*(.*)")
_STOP_WORDS = frozenset({
    "a", "an", "and", "any", "are", "as", "at", "be", "by", "do", "does", "for", "from", "if", "in",
    "is", "it", "its", "of", "on", "or", "please", "provide", "the", "this", "to", "with", "your",
    "you", "new",
})


@dataclass
class _Misplaced:
    """An item heading the export has where it should not: an item again
    (``duplicate``), an earlier item skipped before (``out of order``), or a
    numbered item after the questionnaire's last one (``after the end``)."""

    number: int
    line: int
    kind: str
    first_line: int | None = None  # duplicate: the line of the heading kept


def _split_items(lines: list[str], questionnaire: Questionnaire) -> tuple[dict[int, _Block], list[_Misplaced]]:
    """Cut the export into item blocks; text before item 1 (the preamble) is dropped.

    Headings out of place are reported, never merged into the item before
    them: an earlier item not seen yet gets its block (flagged out of order),
    a repeated item's text and anything after an unknown item past the last
    one go into a detached block that is not imported (flagged)."""
    blocks: dict[int, _Block] = {}
    misplaced: list[_Misplaced] = []
    current: _Block | None = None
    expected = 1
    last_item = max(item.number for item in questionnaire.items)
    for index, line in enumerate(lines, start=1):
        heading = _match_heading(line, expected, questionnaire)
        if heading is not None and heading[0] not in blocks:
            number, rest = heading
            current = blocks[number] = _Block(number, index, rest)
            expected = number + 1
            continue
        earlier = heading or (_match_misplaced_heading(line, expected, questionnaire) if current else None)
        beyond = _number_beyond(line, last_item) if expected > last_item else None
        if earlier is not None:
            number, rest = earlier
            if number in blocks:
                misplaced.append(_Misplaced(number, index, "duplicate", blocks[number].line))
                current = _Block(number, index, rest)  # detached: not imported
            else:
                misplaced.append(_Misplaced(number, index, "out of order"))
                current = blocks[number] = _Block(number, index, rest)
        elif beyond is not None:
            misplaced.append(_Misplaced(beyond, index, "after the end"))
            current = _Block(beyond, index, "")  # detached: not imported
        elif current is not None:
            current.body.append(line)
    return blocks, misplaced


def _match_misplaced_heading(line: str, expected: int, questionnaire: Questionnaire) -> tuple[int, str] | None:
    """(number, text) when ``line`` is clearly the heading of an item outside
    the expected window (before ``expected``, or far ahead): its words must
    match the prompt as well as a heading found ahead must, and there must be
    at least two of them (numbered paragraphs in answers, such as "2.
    Infocenters.", do not pass)."""
    for number, rest in _numbered_fragments(line, questionnaire):
        if expected <= number < expected + LOOKAHEAD:
            continue
        words = [w for w in _words(rest) if w not in _STOP_WORDS]
        if len(words) >= 2 and _prompt_score(rest, questionnaire.item(number)) >= MATCH_AHEAD:
            return number, rest
    return None


def _number_beyond(line: str, last_item: int) -> int | None:
    """The number of a heading-like line ("127. Any other comment") past the
    questionnaire's last item."""
    plain = _plain_line(line)
    match = re.match(r"(\d{1,4})\.\s+\S", plain)
    return int(match.group(1)) if match and int(match.group(1)) > last_item else None


def _numbered_fragments(line: str, questionnaire: Questionnaire) -> Iterator[tuple[int, str]]:
    """(number, heading text) for each place in ``line`` where a questionnaire
    item's number starts a heading."""
    if not line.strip():
        return
    for fragment in _heading_fragments(line):
        match = _NUMBERED.match(fragment.lstrip("* "))
        if match is not None and questionnaire.has_item(int(match.group(1))):
            yield int(match.group(1)), _clean_heading(match.group(2))


def _heading_fragments(line: str) -> Iterator[str]:
    """Where an item number may start: the line itself (after ``#`` marks),
    or right after a ``**`` (a section title glued to the item in bold)."""
    stripped = re.sub(r"^\s*#{1,6}\s*", "", line.strip())
    yield stripped
    for match in re.finditer(r"\*\*", stripped):
        yield stripped[match.end():]


def _match_heading(line: str, expected: int, questionnaire: Questionnaire) -> tuple[int, str] | None:
    """(number, heading text) when ``line`` is the heading of the next item.

    A number is an item heading only if it is the expected one (or a few
    ahead, when an item is missing) and the words after it match the
    catalog's prompt; numbered paragraphs inside answers fail one of the two.
    """
    if not questionnaire.has_item(expected):
        return None
    for number, rest in _numbered_fragments(line, questionnaire):
        if not expected <= number < expected + LOOKAHEAD:
            continue
        score = _prompt_score(rest, questionnaire.item(number))
        if (number == expected and score >= MATCH_EXPECTED) or score >= MATCH_AHEAD:
            return number, rest
    return None


def _clean_heading(text: str) -> str:
    text = text.replace("**", "")
    text = re.sub(r"^\s*-\s+", "", _unescape(text))
    return re.sub(r"\s*\*\s*$", "", text).strip()


def _prompt_score(heading: str, item: Item) -> float:
    """Share of the heading's first words found in the item's prompt or label.

    A heading without words gets just enough to pass for the expected item."""
    words = [w for w in _words(heading) if w not in _STOP_WORDS][:8]
    if not words:
        return MATCH_EXPECTED
    known = set()
    for text in (item.prompt.en, item.prompt.es, item.label.en, item.label.es):
        known.update(_words(text))
    return sum(w in known for w in words) / len(words)


# --- form text that is not part of an answer --------------------------------------------

# The form's "required" mark is an escaped star (``\*``), maybe inside bold;
# a bare ``**`` closing bold text is not one.
_REQUIRED_MARK = re.compile(r"(?:\\\*|\s\*)(?:\*\*)?\s*$")
_FORM_PATTERNS = [
    re.compile(r"(?i)^note\s*:"),
    re.compile(r"(?i)^(?:.{0,80}?\s-\s)?please (?:provide|select|specify|include)\b.{0,200}$"),
    re.compile(r"(?i)^thank you\b.{0,300}$"),
    re.compile(r"(?i)^contact information\b"),
    re.compile(r"(?i)^sectoral agencies/departments/ministries\s*$"),
    re.compile(r"(?i)^(?:this content is (?:created|neither)|microsoft forms\b)"),
]


def _form_titles(questionnaire: Questionnaire) -> frozenset[str]:
    titles: set[str] = set()
    entries: list[Section | Group] = [*questionnaire.sections, *questionnaire.groups]
    for entry in entries:
        titles.update({_plain(entry.title.en), _plain(entry.title.es)})
    return frozenset(titles)


def _plain_line(line: str) -> str:
    """A line without heading marks, bold and escapes, for comparisons."""
    line = re.sub(r"^\s*#{1,6}\s*", "", line).replace("**", "")
    return _unescape(line).strip()


def _is_required_mark(line: str) -> bool:
    """A lone ``*`` or a short line ending in one: the form's "required" mark
    (``- E-services or similar *``, ``I/We authorize ... *``)."""
    plain = _plain_line(line)
    return plain == "*" or (len(plain) < 250 and bool(_REQUIRED_MARK.search(line.strip())))


def _is_edge_form_line(line: str, titles: frozenset[str]) -> bool:
    """Form text that appears next to item headings: section and group titles,
    notes, instructions, "THANK YOU"."""
    plain = _plain_line(line)
    if not plain or _is_required_mark(line):
        return True
    if any(p.search(plain) for p in _FORM_PATTERNS):
        return True
    without_letter = re.sub(r"^[A-Z]\.\s+", "", plain)
    if _plain(without_letter) in titles:
        return True
    return line.lstrip().startswith("#") and bool(re.match(r"^[A-G]\.\s+[A-Z]", plain))


def _strip_form_text(body: list[str], titles: frozenset[str]) -> list[str]:
    """The answer's lines: form text dropped at both ends (where titles and
    notes sit) and required marks anywhere. Titles are only trusted at the
    ends because answers quote headings too ("### LEGAL FRAMEWORK")."""
    start, end = 0, len(body)
    while start < end and _is_edge_form_line(body[start], titles):
        start += 1
    while end > start and _is_edge_form_line(body[end - 1], titles):
        end -= 1
    return ["" if _is_required_mark(line) else line for line in body[start:end]]


# --- options ---------------------------------------------------------------------

_CHECKED = re.compile(r"^\s*(?:[-*+]\s+)?(?:\[[xX✓✔]\]|\([xX•●]\)|[☒☑✔✓●◉■])\s*")
_UNCHECKED = re.compile(r"^\s*(?:[-*+]\s+)?(?:\[\s\]|\(\s\)|[☐○◯□])\s*")
_CHECKED_AFTER = re.compile(r"\s*[✓✔]\s*$")
# Option words some exports show that a catalog yes/no item does not have.
_STRAY_OPTIONS = frozenset({"maybe", "not sure", "don't know", "do not know", "n a", "not applicable"})


@dataclass
class _Options:
    """What the export shows of an item's options."""

    listed: list[str] = field(default_factory=list)  # option values listed
    checked: list[str] = field(default_factory=list)  # option values marked as chosen
    stray: list[str] = field(default_factory=list)  # option-like words the catalog lacks
    rest: list[str] = field(default_factory=list)  # lines that are not options


def _option_labels(item: Item) -> dict[str, str]:
    """Normalized label -> option value, for yes/no kinds and choice items."""
    if item.kind in CHOICE_KINDS:
        labels = {}
        for option in item.options:
            labels[_plain(option.label.en)] = option.value
            labels[_plain(option.label.es)] = option.value
        return labels
    labels = {"yes": "yes", "si": "yes", "no": "no"}
    if item.kind == Kind.YES_NO_OTHER:
        labels.update({"other": "other", "otro": "other", "otra": "other"})
    return labels


def _read_options(lines: list[str], item: Item) -> _Options:
    """Sort an item's lines into listed (and marked) options and the rest."""
    labels = _option_labels(item)
    found = _Options()
    for line in lines:
        checked = bool(_CHECKED.match(line) or _CHECKED_AFTER.search(line))
        text = _CHECKED_AFTER.sub("", _UNCHECKED.sub("", _CHECKED.sub("", line)))
        text = re.sub(r"^\s*[-*+]\s+", "", _plain_line(text))
        if _plain(text) in _STRAY_OPTIONS:
            found.stray.append(text)
            continue
        values = _line_options(text, labels)
        if values is None:
            found.rest.append(line)
            continue
        found.listed.extend(values)
        if checked:
            found.checked.extend(values)
    return found


def _line_options(text: str, labels: dict[str, str]) -> list[str] | None:
    """The option values a line lists ("Yes", or "Yes No Other" on one
    line); None when the line is not options."""
    plain = _plain(text)
    if not plain:
        return None
    if plain in labels:
        return [labels[plain]]
    close = difflib.get_close_matches(plain, list(labels), n=1, cutoff=0.9)
    if close and len(plain) > 12:  # long labels: tolerate a typo or a lost word
        return [labels[close[0]]]
    words = plain.split()
    if 1 < len(words) <= 4 and all(w in labels for w in words):
        return [labels[w] for w in words]
    return None


# --- answer content: text and sources ------------------------------------------------

_LINK = re.compile(
    r"\[(?P<label>[^\]\n]*)\]\((?P<target>(?:https?|mailto):[^)\s]+)\)"
    r"|<(?P<angle>(?:https?|mailto):[^>\s]+)>"
    r"|(?P<bare>https?://[^\s<>\[\]]+)"
)
_PAGES = re.compile(
    r"(?:^|(?<=\s))(?P<word>[Pp]ages?)\.?\s*"
    r"(?P<pages>\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)\s*\.?\s*$"
)
_PAGE_PROSE_WORDS = frozenset({"on", "at", "in", "of", "to", "see", "from", "and", "the", "en", "la", "ver"})
_SUP = re.compile(r"<sup>.*?</sup>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?(?:sub|span|u|i|b|em|strong|br|p|div)\b[^>]*>", re.IGNORECASE)
_URL_CONTINUATION = re.compile(r"^[A-Za-z0-9_.~%+-]+=[^\s<>]*$")


@dataclass
class _Source:
    url: str
    pages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        entry = {"url": self.url}
        locator = _locator(self.pages)
        if locator:
            entry["locator"] = locator
        return entry


@dataclass
class _Content:
    text: str | None = None
    sources: list[_Source] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.text or self.sources)


def _join_broken_urls(lines: list[str]) -> list[str]:
    """A URL ending in ``?`` or ``&`` whose query string went to a later line
    (``<https://.../archivo.php?>`` ... ``a=6e6e...&x=1``) is joined back."""
    lines = list(lines)
    for index, line in enumerate(lines):
        match = re.search(r"<(https?://[^>\s]*[?&])>\s*$|(https?://\S*[?&])\s*$", line)
        if match is None:
            continue
        following = next((j for j in range(index + 1, len(lines)) if lines[j].strip()), None)
        if following is None or not _URL_CONTINUATION.match(lines[following].strip()):
            continue
        url = (match.group(1) or match.group(2)) + lines[following].strip()
        lines[index] = line[: match.start()] + f"<{url}>"
        lines[following] = ""
    return lines


def _extract_content(lines: list[str]) -> _Content:
    """Free text (paragraphs separated by blank lines) and the links of an answer.

    Links are taken out of the prose (``[text](url)`` keeps its text); a page
    reference after a link becomes the locator of that link's source.
    """
    sources: dict[str, _Source] = {}
    last: _Source | None = None
    paragraphs: list[list[str]] = [[]]
    for raw in _join_broken_urls(lines):
        if not raw.strip():
            paragraphs.append([])
            continue
        text, found = _take_links(_SUP.sub("", raw))
        for url in found:
            last = sources.setdefault(urls.normalize(url), _Source(url))
        text = _clean_text(text)
        pages = _page_reference(text)
        if pages is not None and last is not None:
            last.pages.extend(_page_list(pages.group("pages")))
            text = text[: pages.start()].rstrip(" ,;:-")
        if text:
            paragraphs[-1].append(text)
    body = "\n\n".join("\n".join(p) for p in paragraphs if p)
    return _Content(body or None, list(sources.values()))


# Where a removed link was: lets the clean-up mend only the holes links leave.
_HOLE = "\x00"


def _take_links(line: str) -> tuple[str, list[str]]:
    """The line with its links removed (a link's own text kept) and the URLs."""
    found: list[str] = []

    def replace(match: re.Match[str]) -> str:
        raw, tail = _split_trailing(match.group("target") or match.group("angle") or match.group("bare"))
        if match.group("bare") is None:
            tail = ""  # the brackets delimit the address: nothing to give back
        url = _unescape(raw).strip()
        if url.startswith("mailto:"):
            return (match.group("label") or url.removeprefix("mailto:")) + tail
        found.append(url)
        label = _unescape(match.group("label") or "").strip()
        if not label or _LINK.fullmatch(label) or _unescape(_split_trailing(label)[0]) == url:
            return _HOLE + tail
        return label + tail

    return _LINK.sub(replace, line), found


def _split_trailing(url: str) -> tuple[str, str]:
    """A bare URL's trailing punctuation belongs to the sentence: ``(see
    https://x.org).`` gives ``https://x.org`` and ``).``."""
    end = len(url)
    while end and (url[end - 1] in ".,;:'\"" or (url[end - 1] == ")" and url.count("(", 0, end) <
                                                   url.count(")", 0, end))):
        end -= 1
    return url[:end], url[end:]


def _clean_text(text: str) -> str:
    """Prose without Markdown markup and tags, with the holes links left mended:
    ``site (<url> and <url>).`` becomes ``site.``."""
    text = _TAG.sub(" ", text)
    text = re.sub(r"^\s*#{1,6}\s+", "", text).replace("**", "")
    text = _unescape(text)
    hole = re.escape(_HOLE)
    text = re.sub(rf"\(\s*{hole}\s*(?:(?:and|or|y|o|,)\s*{hole}\s*)*\)", _HOLE, text)
    text = re.sub(rf"\s*{hole}\s*(?=[.,;:)])", "", text)
    return re.sub(r"[ \t]+", " ", text.replace(_HOLE, " ")).strip()


def _page_reference(text: str) -> re.Match[str] | None:
    """A page reference closing the line: the whole line ("Pages 32, 95"), or
    a capitalized "Page 104" after a title; "... described on page 5" is prose."""
    match = _PAGES.search(text)
    if match is None or not text[: match.start()].strip():
        return match
    before = text[: match.start()].split()
    if not match.group("word").startswith("P") or before[-1].lower() in _PAGE_PROSE_WORDS:
        return None
    return match


def _page_list(pages: str) -> list[str]:
    return [re.sub(r"\s*[-–]\s*", "–", p.strip()) for p in pages.split(",") if p.strip()]


def _locator(pages: list[str]) -> str | None:
    """"p. 123", "pp. 32, 95", "pp. 11–12" (repeats dropped, order kept)."""
    unique = list(dict.fromkeys(pages))
    if not unique:
        return None
    prefix = "p." if len(unique) == 1 and "–" not in unique[0] else "pp."
    return f"{prefix} {', '.join(unique)}"


# --- building the document ----------------------------------------------------------


@dataclass
class _Choice:
    """What the export tells about a choice: the value, whether it is only a
    likely reading (``inferred``), and why a person must look (``why``)."""

    value: str | list[str] | None = None
    evidence: str | None = None  # why the value was inferred (written under `inferred:`)
    why: str | None = None


def _marked_choice(options: _Options, multiple: bool = False) -> _Choice:
    """Marks (``[x]``, ``☒``, ``✓``) decide. An option listed alone is likely
    the choice (an export of the summary view shows only the chosen one)."""
    checked = list(dict.fromkeys(options.checked))
    listed = list(dict.fromkeys(options.listed))
    if multiple and checked:
        return _Choice(checked)
    if len(checked) == 1:
        return _Choice(checked[0])
    if len(checked) > 1:
        return _Choice(why=f"several options marked ({', '.join(checked)})")
    if not multiple and len(listed) == 1 and not options.stray:
        return _Choice(listed[0], evidence=f"the export lists only this option: {listed[0]}")
    return _Choice()


class _Builder:
    """Collects answers item by item, then decides values and counts."""

    def __init__(self, questionnaire: Questionnaire):
        self.q = questionnaire
        self.titles = _form_titles(questionnaire)
        self.country: str | None = None
        self.country_name: str | None = None
        self.respondent: dict[str, str | None] = {
            item.field: None for item in questionnaire.items if item.group == RESPONDENT_GROUP and item.field
        }
        self.consent: str | None = None
        self.answers: dict[int, dict[str, Any] | None] = {}
        self.contents: dict[int, _Content] = {}
        self.options: dict[int, _Options] = {}
        self.review_items: set[int] = set()
        self.notes: list[str] = []

    # -- per item --

    def add(self, block: _Block) -> None:
        item = self.q.item(block.number)
        lines = _strip_form_text(block.body, self.titles)
        if item.kind in (*YES_NO_KINDS, *CHOICE_KINDS):
            options = self.options[item.number] = _read_options(lines, item)
            lines = options.rest
        content = self.contents[item.number] = _extract_content(lines)
        if item.number == COUNTRY_ITEM:
            self._set_country(content)
        elif item.group == RESPONDENT_GROUP and item.field:
            self.respondent[item.field] = _one_line(content)
        elif item.kind in (*YES_NO_KINDS, *CHOICE_KINDS):
            pass  # decided in decide_values(), once the follow-ups are known
        elif item.kind == Kind.CONTACT:
            value = _one_line(content)
            self.answers[item.number] = {"value": value} if value else None
        else:
            self.answers[item.number] = _answer(content)

    def _set_country(self, content: _Content) -> None:
        self.country_name = _one_line(content)
        self.country = country_code(self.country_name) if self.country_name else None
        if self.country is None:
            self.review_items.add(COUNTRY_ITEM)
            self.notes.append(_country_problem(self.country_name))

    # -- once all items are in --

    def decide_values(self) -> None:
        for number, options in self.options.items():
            item = self.q.item(number)
            if item.kind == Kind.CONSENT:
                self._consent(item, options)
            elif item.kind in CHOICE_KINDS:
                self._choose(item, options)
            else:
                self._yes_no(item, options)
        for number, content in self.contents.items():
            self._flag_budget(self.q.item(number), content)

    def _consent(self, item: Item, options: _Options) -> None:
        """Consent to publish is never guessed: only a marked option counts."""
        choice = _marked_choice(options)
        self.consent = None if choice.evidence or not isinstance(choice.value, str) else choice.value
        if self.consent is None:
            self.review_items.add(item.number)
            self.notes.append(f"consent to publish (Q{item.number}) not marked")

    def _yes_no(self, item: Item, options: _Options) -> None:
        """A yes/no item: the marked option, else a value read from the details."""
        choice = _marked_choice(options)
        own = self.contents[item.number]
        if choice.value is None and choice.why is None:
            choice = self._inferred_yes_no(item, own)
        if options.stray:
            stray = ", ".join(repr(s) for s in options.stray)
            extra = f"the export lists option(s) {stray} that this item does not have"
            choice.why = f"{choice.why}; {extra}" if choice.why else extra
        self._set_choice(item, choice, _answer(own) or {})

    def _inferred_yes_no(self, item: Item, own: _Content) -> _Choice:
        """No option marked: read the value from the follow-up's details
        (inference.infer). Details written under the question itself, where
        the form has no "If yes, please provide ..." follow-up (Q119, Q122),
        can only show a plan: the form never asked for them "if yes", so a
        link or a name there (Q119 names the ICT Observatory and a 2021
        survey, not data disaggregated by gender) does not say Yes."""
        details = [self.contents[f.number] for f in self.q.follow_ups(item.number)
                   if self.contents.get(f.number)]
        found = infer(details[0].text, [s.url for s in details[0].sources]) if details else None
        if found is not None:
            return _Choice(found.value, evidence=found.evidence)
        found = infer(own.text, [s.url for s in own.sources]) if own else None
        if found is not None and found.value == "planned":
            return _Choice("planned", evidence=found.evidence)
        if own:
            return _Choice(why="no option marked; the details under the question do not say yes or no: "
                               "set the value if they do")
        return _Choice(why="no option marked in the export and no details to infer it from: set yes or no")

    def _choose(self, item: Item, options: _Options) -> None:
        """A choice item: free text after unmarked options is the "Other" answer."""
        own = self.contents[item.number]
        answer = _answer(own) or {}
        choice = _marked_choice(options, multiple=item.kind == Kind.MULTIPLE_CHOICE)
        has_other = any(o.value == "other" for o in item.options)
        if choice.value is None and choice.why is None:
            if own.text and has_other:
                choice = _Choice("other")
                period = _period(own.text)
                if period:
                    answer["period"] = period
            else:
                choice.why = "no option marked in the export"
        self._set_choice(item, choice, answer)

    def _set_choice(self, item: Item, choice: _Choice, answer: dict[str, Any]) -> None:
        if choice.value is not None:
            answer = {"value": choice.value, **answer}
        self._set(item.number, answer, choice.evidence, choice.why)

    def _flag_budget(self, item: Item, content: _Content) -> None:
        """Budget figures come as sentences; a person structures them."""
        parent = self.q.item(item.follow_up_of) if item.follow_up_of else None
        about_budget = any("budget" in i.prompt.en.lower() for i in (item, parent) if i is not None)
        if about_budget and content.text and re.search(r"\d", content.text):
            answer = self.answers.get(item.number) or {}
            self._set(item.number, answer, None, "budget figures given as text: structure them under `budget`")

    def _set(self, number: int, answer: dict[str, Any], evidence: str | None, why: str | None) -> None:
        """Store an answer, merging new flags into those it already has; an
        inferred value gets its evidence right after it."""
        flags = dict(answer.pop("flags", {}))
        if evidence:
            answer = _after_value(answer, "inferred", evidence)
        if why:
            flags["needs_review"] = f"{flags['needs_review']}; {why}" if "needs_review" in flags else why
        if flags:
            answer["flags"] = flags
        if "needs_review" in flags:
            self.review_items.add(number)
        self.answers[number] = answer or None

    def mark_missing(self, found: set[int]) -> None:
        """Items whose heading never came (an export that ends mid-way)."""
        missing = [item for item in self.q.items if item.number not in found]
        for item in missing:
            self.review_items.add(item.number)
            if item.number == COUNTRY_ITEM:
                self.notes.append(_country_problem(None))
            elif item.kind == Kind.CONSENT:
                self.notes.append(f"consent to publish (Q{item.number}) not found")
            elif item.group != RESPONDENT_GROUP:
                self.answers[item.number] = {"flags": {"needs_review": "not found in the export"}}
        if missing:
            self.notes.insert(0, f"not found in the export: {_ranges(i.number for i in missing)}")

    def mark_misplaced(self, misplaced: list[_Misplaced]) -> None:
        """Flag the items whose headings the export has out of place."""
        for entry in misplaced:
            if entry.kind == "duplicate":
                why = (f"the export gives this item twice (lines {entry.first_line} and {entry.line}); "
                       "only the first was imported: compare them")
            elif entry.kind == "out of order":
                why = f"out of order in the export (line {entry.line}): check that the answer belongs here"
            else:
                self.notes.append(f"line {entry.line}: content after the last item was not imported")
                continue
            self.flag(entry.number, why)

    def flag(self, number: int, why: str) -> None:
        """A review flag on an item; header items (country, respondent,
        consent) have no answer to carry it and get a note instead."""
        item = self.q.item(number)
        if number == COUNTRY_ITEM or item.group == RESPONDENT_GROUP or item.kind == Kind.CONSENT:
            self.review_items.add(number)
            self.notes.append(f"Q{number}: {why}")
            return
        self._set(number, dict(self.answers.get(number) or {}), None, why)

    # -- the result --

    def result(self, blocks: dict[int, _Block]) -> ImportResult:
        answers = {n: self.answers[n] for n in sorted(self.answers)}
        data: dict[str, Any] = {
            "country": self.country,
            "questionnaire": self.q.id,
            "submitted": None,  # the export carries no date
            "respondent": self.respondent,
            "consent": self.consent,
            "answers": answers,
        }
        header_answered = sum(v is not None for v in self.respondent.values()) + (
            self.country_name is not None) + (self.consent is not None)
        return ImportResult(
            data=data,
            items_found=len(blocks),
            answered=header_answered + sum(_is_answered(a) for a in answers.values()),
            inferred=sum(bool(a and a.get("inferred")) for a in answers.values()),
            planned=sum(bool(a and a.get("inferred") and a.get("value") == "planned") for a in answers.values()),
            needs_review=len(self.review_items),
            sources=len({urls.normalize(s["url"]) for a in answers.values() if a
                         for s in a.get("sources", [])}),
            missing=[i.number for i in self.q.items if i.number not in blocks],
            notes=self.notes,
            item_lines={n: b.line for n, b in blocks.items()},
            country_name=self.country_name,
        )


def _country_problem(name: str | None) -> str:
    return f"country {name!r} (Q1) not recognised" if name else "country (Q1) not given"


def _after_value(answer: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``answer`` with ``key`` placed right after ``value`` (where a reviewer looks)."""
    out: dict[str, Any] = {}
    for name, existing in answer.items():
        if name != key:
            out[name] = existing
        if name == "value":
            out[key] = value
    out.setdefault(key, value)
    return out


def _answer(content: _Content) -> dict[str, Any] | None:
    answer: dict[str, Any] = {}
    if content.text:
        answer["text"] = content.text
    if content.sources:
        answer["sources"] = [s.as_dict() for s in content.sources]
    return answer or None


def _is_answered(answer: dict[str, Any] | None) -> bool:
    return bool(answer and (answer.get("value") not in (None, "", []) or answer.get("text")
                            or answer.get("sources")))


def _one_line(content: _Content) -> str | None:
    text = " ".join((content.text or "").split())
    return text or None


def _period(text: str) -> dict[str, int] | None:
    match = re.search(r"\b((?:19|20)\d\d)\s*[-–/]\s*((?:19|20)\d\d)\b", text)
    if match is None:
        return None
    return {"start": int(match.group(1)), "end": int(match.group(2))}


# --- small text helpers -------------------------------------------------------------


def _unescape(text: str) -> str:
    r"""Drop Markdown backslash escapes, also doubled ones (``ver\\_decreto``)."""
    return re.sub(r"\\+([!-/:-@\[-`{-~])", r"\1", text)


def _plain(text: str) -> str:
    """Lower-case words without accents or punctuation, for comparing titles."""
    return " ".join(_words(text))


def _words(text: str) -> list[str]:
    text = re.sub(r"\[new\]?", " ", text, flags=re.IGNORECASE)
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", ascii_text)


def _ranges(numbers: Iterable[int]) -> str:
    """"Q61-Q64, Q70" from 61, 62, 63, 64, 70."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"Q{a}" if a == b else f"Q{a}-Q{b}" for a, b in spans)
