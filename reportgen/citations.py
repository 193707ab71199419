"""Sources and their numbering.

A source is identified by its normalised address: the same URL cited from
several items, or with several locators ("p. 31", "p. 94"), is one source.
Numbering happens once, on the document model, before any writer runs: the
first source cited gets [1], the next new one [2], and so on in reading order;
sources never cited are kept as "further sources". Adjacent calls become one
reference marker, numbers sorted and runs merged ("[3, 5–7]"); a locator stays
with its number ("[12, p. 31]", "[3, 5; 12, p. 31]"). Writers print the
marker's parts and link each number to its entry in the sources list: there
are no footnotes and no second numbering.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from reportgen import model as m
from reportgen import urls
from reportgen.errors import TemplateError
from reportgen.responses import Responses


@dataclass
class Source:
    id: str
    url: str
    title: str | None  # None: the answers give no title (the narrative names the site)
    items: list[int] = field(default_factory=list)
    lang: str | None = None  # the title is quoted as given in this language (not the answers')


def source_id(url: str) -> str:
    """A short stable id for an address, used in citation calls."""
    return "src-" + hashlib.sha1(urls.normalize(url).encode()).hexdigest()[:8]


class SourceRegistry:
    """Every source of one country's answers, in order of first appearance."""

    def __init__(self, responses: Responses):
        self.sources: dict[str, Source] = {}
        for number in sorted(responses.answers):
            answer = responses.answers[number]
            for ref in answer.sources if answer else []:
                if ref.title:
                    self._add(ref.url, ref.title, number, ref.lang)
                else:
                    self._add(ref.url, responses.source_title(ref.url), number, responses.source_lang(ref.url))

    def _add(self, url: str, title: str | None, item: int, lang: str | None = None) -> None:
        sid = source_id(url)
        source = self.sources.setdefault(sid, Source(sid, url, title, lang=lang))
        if source.title is None:  # a later answer may title what an earlier one did not
            source.title, source.lang = title, lang
        if item not in source.items:
            source.items.append(item)

    def get(self, sid: str) -> Source:
        return self.sources[sid]

    def __contains__(self, sid: str) -> bool:
        return sid in self.sources

    def __len__(self) -> int:
        return len(self.sources)


def number_citations(document: m.Document, registry: SourceRegistry, answered: date | None,
                     title_of: Callable[[Source], str], pages: Callable[[str], str] | None = None,
                     lang: str = "en") -> None:
    """Number sources by first citation in reading order, turn each stretch of
    adjacent calls into a :class:`model.Reference`, then fill the sources lists
    of the document. Unknown source ids are template errors."""
    order: dict[str, int] = {}
    for call in m.citations(document):
        if call.source_id not in registry:
            raise TemplateError(f"citation of unknown source [@{call.source_id}]")
        call.number = order.setdefault(call.source_id, len(order) + 1)
    make_references(document, pages, lang)
    cited = [_entry(registry.get(sid), n, answered, title_of) for sid, n in order.items()]
    further_ids = [sid for sid in registry.sources if sid not in order]
    further = [_entry(registry.get(sid), len(order) + i, answered, title_of)
               for i, sid in enumerate(further_ids, start=1)]
    document.sources = cited + further
    _fill_lists(document, cited, further)


def make_references(document: m.Document, pages: Callable[[str], str] | None = None, lang: str = "en") -> None:
    """Replace each stretch of adjacent, numbered citation calls in every inline
    run of the document by one reference marker (in place). ``pages`` writes a
    locator in the document's language ("p. 31" -> "第31页"); by default the
    locator stays as the answers give it."""
    for block in document.blocks():
        for run in m.block_inlines(block):
            _group_run(run, pages or keep_locator, lang)


def _group_run(run: list[m.Inline], pages: Callable[[str], str], lang: str) -> None:
    grouped: list[m.Inline] = []
    for node in m.citation_groups(run):
        if isinstance(node, list):
            grouped.append(m.Reference(node, reference_parts(node, pages, lang)))
        else:
            if isinstance(node, (m.Strong, m.Emph, m.Link, m.Span)):
                _group_run(node.children, pages, lang)
            grouped.append(node)
    run[:] = grouped


# Inside a reference marker: between numbers, and between a number with its
# locator and the next ("[3, 5; 12, p. 31]"), in the document's script.
_SEPARATORS = {"ar": ("\u060c ", "\u061b "), "zh": ("\uff0c", "\uff1b")}


def _separators(lang: str) -> tuple[str, str]:
    return _SEPARATORS.get(lang.split("-")[0], (", ", "; "))


def keep_locator(locator: str) -> str:
    """The locator as given, a no-break space keeping "p." with its number."""
    return _PAGE.sub("\\1\u00a0", locator)


def reference_parts(calls: list[m.Citation], pages: Callable[[str], str] | None = None,
                    lang: str = "en") -> list[m.RefPart]:
    """The text of one marker, as parts whose numbers link to the sources list.

    Numbers without a locator come first, sorted, duplicates dropped, three or
    more consecutive ones as a range ("5–7"); each number with a locator
    follows, after "; ", in the order cited ("[3, 5–7; 12, p. 31]"). A marker
    with a single number is one linked part, brackets included, so the whole
    "[12]" is the link a reader clicks."""
    bare = sorted({c.number for c in calls if not c.locator})
    located: list[tuple[int, str]] = []
    for call in calls:
        if call.locator and (call.number, call.locator) not in located:
            located.append((call.number, call.locator))
    located = [(number, (pages or keep_locator)(locator)) for number, locator in located]
    comma, semicolon = _separators(lang)
    if len(bare) + len(located) == 1:
        number, locator = (bare[0], "") if bare else located[0]
        return [m.RefPart(f"[{number}{comma + locator if locator else ''}]", number)]
    parts = [m.RefPart("[")]
    for index, run in enumerate(_runs(bare)):
        if index:
            parts.append(m.RefPart(comma))
        parts.append(m.RefPart(str(run[0]), run[0]))
        if len(run) > 1:
            parts.append(m.RefPart("–" if len(run) > 2 else comma))
            parts.append(m.RefPart(str(run[-1]), run[-1]))
    for index, (number, locator) in enumerate(located):
        if index or bare:
            parts.append(m.RefPart(semicolon))
        parts.extend([m.RefPart(str(number), number), m.RefPart(f"{comma}{locator}")])
    parts.append(m.RefPart("]"))
    return parts


# "p. 31", "pp. 32, 95": a no-break space keeps the abbreviation with its number.
_PAGE = re.compile(r"(?<!\w)(pp?\.|p\.º|págs?\.|с\.|ص) ")


def _runs(numbers: list[int]) -> list[list[int]]:
    """Sorted numbers in runs of consecutive ones: [3, 5, 6, 7] -> [[3], [5, 6, 7]]."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def _entry(source: Source, number: int, answered: date | None,
           title_of: Callable[[Source], str]) -> m.SourceEntry:
    return m.SourceEntry(number, source.id, source.url, title_of(source), urls.domain(source.url),
                         sorted(source.items), answered, display=urls.display(source.url))


def _fill_lists(document: m.Document, cited: list[m.SourceEntry], further: list[m.SourceEntry]) -> None:
    """Put the entries into the SourceList placeholders; an empty "further
    sources" list is removed together with the heading just before it."""
    for section in document.sections:
        kept: list[m.Block] = []
        for block in section.blocks:
            if isinstance(block, m.SourceList):
                block.entries = cited if block.numbered else further
                if not block.entries and not block.numbered:
                    if kept and isinstance(kept[-1], m.Heading):
                        kept.pop()
                    continue
            kept.append(block)
        section.blocks = kept
