"""Sources and their numbering.

A source is identified by its normalised address: the same URL cited from
several items, or with several locators ("p. 31", "p. 94"), is one source.
Numbering happens once, on the document model, before any writer runs: the
first source cited gets [1]; each footnote (one call, or adjacent calls, which
share a note) gets its number (``note``) in reading order; sources never cited
are kept as "further sources".
"""

from __future__ import annotations

import hashlib
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
                self._add(ref.url, ref.title or responses.source_title(ref.url), number)

    def _add(self, url: str, title: str | None, item: int) -> None:
        sid = source_id(url)
        source = self.sources.setdefault(sid, Source(sid, url, title))
        if source.title is None:  # a later answer may title what an earlier one did not
            source.title = title
        if item not in source.items:
            source.items.append(item)

    def get(self, sid: str) -> Source:
        return self.sources[sid]

    def __contains__(self, sid: str) -> bool:
        return sid in self.sources

    def __len__(self) -> int:
        return len(self.sources)


def number_citations(document: m.Document, registry: SourceRegistry, answered: date | None,
                     title_of: Callable[[Source], str]) -> None:
    """Number sources by first citation and notes in reading order, then fill
    the sources lists of the document. Unknown source ids are template errors."""
    order: dict[str, int] = {}
    for note, group in enumerate(m.note_groups(document), start=1):
        for call in group:
            if call.source_id not in registry:
                raise TemplateError(f"citation of unknown source [@{call.source_id}]")
            call.note = note
            call.first = call.source_id not in order
            call.number = order.setdefault(call.source_id, len(order) + 1)
    cited = [_entry(registry.get(sid), n, answered, title_of) for sid, n in order.items()]
    further_ids = [sid for sid in registry.sources if sid not in order]
    further = [_entry(registry.get(sid), len(order) + i, answered, title_of)
               for i, sid in enumerate(further_ids, start=1)]
    document.sources = cited + further
    _fill_lists(document, cited, further)


def _entry(source: Source, number: int, answered: date | None,
           title_of: Callable[[Source], str]) -> m.SourceEntry:
    return m.SourceEntry(number, source.id, source.url, title_of(source), urls.domain(source.url),
                         sorted(source.items), answered)


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
