"""Reading a forms export's structure: lines -> item blocks, form text, options.

An export is the Markdown a person gets by copying one response out of a
form's "View results" page. Item headings come with or without ``#``/``**``
markup, sometimes glued to a section title, and answers contain numbered
paragraphs ("2. Infocenters.", "9.4.1. UPDATE ...") that are not items: a
heading is only accepted for the next expected item number (or a few ahead)
and when its words match the catalog's prompt. Headings out of order,
repeated, or past the last item are reported with their lines
(``Misplaced``), never merged into a neighbouring answer.

What a line *says* (its words without emphasis, escapes or tags) is read
through markdown-it tokens (content.plain_text). Regexes stay for what is
the form's layout rather than Markdown: item numbers at the start of a line
or after a ``**`` (``_NUMBERED``, ``_heading_fragments``), the form's
"required" star, instructions and notes (``_FORM_PATTERNS``), and checkbox
marks (``[x]``, ``☒``, ``✓``), which CommonMark does not have.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from reportgen.errors import InputError
from reportgen.importers.forms.content import plain_text
from reportgen.importers.text import plain, words
from reportgen.questionnaire import Group, Item, Kind, Questionnaire, Section

# How far ahead of the expected item number a heading may jump (items missing
# from a damaged export), and how well its words must match the prompt then.
LOOKAHEAD = 5
MATCH_EXPECTED = 0.5
MATCH_AHEAD = 0.75

YES_NO_KINDS = (Kind.YES_NO, Kind.YES_NO_OTHER, Kind.CONSENT)
CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)


# Characters no export needs (C0 controls but tab and newlines, DEL, C1
# controls, non-characters): they would reach terminals and documents.
_EXPORT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def refuse_control_characters(text: str, source_name: str) -> None:
    """An export is plain text: the first control character is an error at its line."""
    found = _EXPORT_CONTROL.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise InputError(source_name, line, f"control character U+{ord(found.group()):04X} is not allowed "
                         "in an export: remove it (the export must be plain text)")


# --- splitting into items ------------------------------------------------------------


@dataclass
class Block:
    """One item's heading and the raw lines under it."""

    number: int
    line: int  # 1-based line of the heading
    heading: str  # the heading's text after the number
    body: list[str] = field(default_factory=list)


def normalize_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text.replace("\u00a0", " ").split("\n")


_NUMBERED = re.compile(r"(\d{1,3})\.(?!\d)\s*(.*)")
_STOP_WORDS = frozenset({
    "a", "an", "and", "any", "are", "as", "at", "be", "by", "do", "does", "for", "from", "if", "in",
    "is", "it", "its", "of", "on", "or", "please", "provide", "the", "this", "to", "with", "your",
    "you", "new",
})


@dataclass
class Misplaced:
    """An item heading the export has where it should not: an item again
    (``duplicate``), an earlier item skipped before (``out of order``), or a
    numbered item after the questionnaire's last one (``after the end``)."""

    number: int
    line: int
    kind: str
    first_line: int | None = None  # duplicate: the line of the heading kept


def split_items(lines: list[str], questionnaire: Questionnaire) -> tuple[dict[int, Block], list[Misplaced]]:
    """Cut the export into item blocks; text before item 1 (the preamble) is dropped.

    Headings out of place are reported, never merged into the item before
    them: an earlier item not seen yet gets its block (flagged out of order),
    a repeated item's text and anything after an unknown item past the last
    one go into a detached block that is not imported (flagged)."""
    blocks: dict[int, Block] = {}
    misplaced: list[Misplaced] = []
    current: Block | None = None
    expected = 1
    last_item = max(item.number for item in questionnaire.items)
    for index, line in enumerate(lines, start=1):
        heading = _match_heading(line, expected, questionnaire)
        if heading is not None and heading[0] not in blocks:
            number, rest = heading
            current = blocks[number] = Block(number, index, rest)
            expected = number + 1
            continue
        earlier = heading or (_match_misplaced_heading(line, expected, questionnaire) if current else None)
        beyond = _number_beyond(line, last_item) if expected > last_item else None
        if earlier is not None:
            number, rest = earlier
            if number in blocks:
                misplaced.append(Misplaced(number, index, "duplicate", blocks[number].line))
                current = Block(number, index, rest)  # detached: not imported
            else:
                misplaced.append(Misplaced(number, index, "out of order"))
                current = blocks[number] = Block(number, index, rest)
        elif beyond is not None:
            misplaced.append(Misplaced(beyond, index, "after the end"))
            current = Block(beyond, index, "")  # detached: not imported
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
        found = [w for w in words(rest) if w not in _STOP_WORDS]
        if len(found) >= 2 and _prompt_score(rest, questionnaire.item(number)) >= MATCH_AHEAD:
            return number, rest
    return None


def _number_beyond(line: str, last_item: int) -> int | None:
    """The number of a heading-like line ("127. Any other comment") past the
    questionnaire's last item."""
    match = re.match(r"(\d{1,4})\.\s+\S", _plain_line(line))
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
    """The words of a heading: no bold, escapes, list dash or required star."""
    text = re.sub(r"^\s*-\s+", "", plain_text(text).replace("**", ""))
    return re.sub(r"\s*\*\s*$", "", text).strip()


def _prompt_score(heading: str, item: Item) -> float:
    """Share of the heading's first words found in the item's prompt or label.

    A heading without words gets just enough to pass for the expected item."""
    heading_words = [w for w in words(heading) if w not in _STOP_WORDS][:8]
    if not heading_words:
        return MATCH_EXPECTED
    known = set()
    for text in (item.prompt.en, item.prompt.es, item.label.en, item.label.es):
        known.update(words(text))
    return sum(w in known for w in heading_words) / len(heading_words)


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


def form_titles(questionnaire: Questionnaire) -> frozenset[str]:
    titles: set[str] = set()
    entries: list[Section | Group] = [*questionnaire.sections, *questionnaire.groups]
    for entry in entries:
        titles.update({plain(entry.title.en), plain(entry.title.es)})
    return frozenset(titles)


def _plain_line(line: str) -> str:
    """A line without heading marks, bold and escapes, for comparisons."""
    line = re.sub(r"^\s*#{1,6}\s*", "", line)
    return plain_text(line).replace("**", "").strip()


def _is_required_mark(line: str) -> bool:
    """A lone ``*`` or a short line ending in one: the form's "required" mark
    (``- E-services or similar *``, ``I/We authorize ... *``)."""
    line_text = _plain_line(line)
    return line_text == "*" or (len(line_text) < 250 and bool(_REQUIRED_MARK.search(line.strip())))


def _is_edge_form_line(line: str, titles: frozenset[str]) -> bool:
    """Form text that appears next to item headings: section and group titles,
    notes, instructions, "THANK YOU"."""
    line_text = _plain_line(line)
    if not line_text or _is_required_mark(line):
        return True
    if any(p.search(line_text) for p in _FORM_PATTERNS):
        return True
    without_letter = re.sub(r"^[A-Z]\.\s+", "", line_text)
    if plain(without_letter) in titles:
        return True
    return line.lstrip().startswith("#") and bool(re.match(r"^[A-G]\.\s+[A-Z]", line_text))


def strip_form_text(body: list[str], titles: frozenset[str]) -> list[str]:
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
class Options:
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
            labels[plain(option.label.en)] = option.value
            labels[plain(option.label.es)] = option.value
        return labels
    labels = {"yes": "yes", "si": "yes", "no": "no"}
    if item.kind == Kind.YES_NO_OTHER:
        labels.update({"other": "other", "otro": "other", "otra": "other"})
    return labels


def read_options(lines: list[str], item: Item) -> Options:
    """Sort an item's lines into listed (and marked) options and the rest."""
    labels = _option_labels(item)
    found = Options()
    for line in lines:
        checked = bool(_CHECKED.match(line) or _CHECKED_AFTER.search(line))
        text = _CHECKED_AFTER.sub("", _UNCHECKED.sub("", _CHECKED.sub("", line)))
        text = re.sub(r"^\s*[-*+]\s+", "", _plain_line(text))
        if plain(text) in _STRAY_OPTIONS:
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
    normal = plain(text)
    if not normal:
        return None
    if normal in labels:
        return [labels[normal]]
    close = difflib.get_close_matches(normal, list(labels), n=1, cutoff=0.9)
    if close and len(normal) > 12:  # long labels: tolerate a typo or a lost word
        return [labels[close[0]]]
    line_words = normal.split()
    if 1 < len(line_words) <= 4 and all(w in labels for w in line_words):
        return [labels[w] for w in line_words]
    return None
