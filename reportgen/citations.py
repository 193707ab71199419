"""Sources and their numbering.

A source is identified by its normalised address: the same URL cited from
several items, or with several locators ("p. 31", "p. 94"), is one source.
Numbering happens once, on the document model, before any writer runs
(``transforms.py``): the first source cited gets [1], the next new one [2],
and so on in reading order; sources never cited are kept as "further
sources". Adjacent calls become one reference marker, numbers sorted and runs merged ("[3, 5–7]"); a locator stays
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


# Inside a reference marker: between numbers, and between a number with its
# locator and the next ("[3, 5; 12, p. 31]"), in the document's script.
# French sets a narrow no-break space before ";" (UN French, editors' review:
# "[35 ; 19, p. 32]"), as housestyle does before "!" and "?".
_SEPARATORS = {"ar": ("\u060c ", "\u061b "), "zh": ("\uff0c", "\uff1b"), "fr": (", ", "\u202f; ")}


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


def entry(source: Source, answered: date | None, title: str, lang: str = "") -> m.SourceEntry:
    """The entry of a source, not yet numbered: ``transforms.number_citations``
    numbers it once the document's citations are known."""
    return m.SourceEntry(0, source.id, source.url, title, urls.domain(source.url),
                         sorted(source.items), answered, display=urls.display(source.url), lang=lang)
