"""Ordered transforms that complete the parsed document before any writer runs.

Like Sphinx's transforms or pandoc's filters: each is a function that changes
the :class:`model.Document` in place, and :data:`TRANSFORMS` applies them once,
in one order, so that every writer (DOCX, HTML, PDF) only renders what the
model carries: citation numbers, reference markers, the sources lists, the
text of each source entry, heading ids and section titles. No writer numbers,
slugs or composes any of these, so the formats cannot drift apart.

A hand-built document (a test's) goes through the same code: numbers,
details and ids it already carries are kept or recomputed to the same values.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from reportgen import housestyle, urls
from reportgen import model as m
from reportgen.citations import keep_locator, reference_parts
from reportgen.errors import TemplateError
from reportgen.linebreaks import NO_BREAK_SPACE

# Word's limit for a bookmark name; the DOCX writer uses heading ids as bookmarks.
MAX_ID = 40


def _own_text(text: str) -> str:
    return text


@dataclass(frozen=True)
class Context:
    """What the transforms need from outside the document: how a locator
    reads in the document's language ("p. 31" -> "第31页"), and the
    language-neutral key of a heading's text (the narrative: the English msgid
    it was translated from, None for a heading made of data; a hand-built
    document: the text itself)."""

    pages: Callable[[str], str] = keep_locator
    heading_key: Callable[[str], str | None] = _own_text


Transform = Callable[[m.Document, Context], None]


def number_citations(document: m.Document, context: Context) -> None:
    """Number sources by first citation in reading order; sources never cited
    follow, in the order the document lists them. ``document.sources`` holds
    every source that may be cited (the narrative's registry) and ends up in
    that order. An unknown source id is a template error."""
    known = {entry.id: entry for entry in document.sources}
    order: dict[str, int] = {}
    for call in m.citations(document):
        if call.source_id not in known:
            raise TemplateError(f"citation of unknown source [@{call.source_id}]")
        call.number = order.setdefault(call.source_id, len(order) + 1)
    cited = [known[sid] for sid in order]
    further = [entry for entry in document.sources if entry.id not in order]
    for number, entry in enumerate(cited + further, start=1):
        entry.number = number
    document.sources = cited + further


def make_references(document: m.Document, context: Context) -> None:
    """Replace each stretch of adjacent, numbered citation calls in every
    inline run (nested blocks too) by one reference marker."""
    for block in document.blocks():
        for run in m.block_inlines(block):
            _group_run(run, context.pages, document.meta.lang)


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


def fill_source_lists(document: m.Document, context: Context) -> None:
    """Put the cited entries into the sources list, the others into the
    further sources; an empty "further sources" list is removed together with
    the heading just before it."""
    cited = {call.source_id for call in m.citations(document)}
    numbered = [entry for entry in document.sources if entry.id in cited]
    further = [entry for entry in document.sources if entry.id not in cited]
    for section in document.sections:
        kept: list[m.Block] = []
        for block in section.blocks:
            if isinstance(block, m.SourceList):
                block.entries = numbered if block.numbered else further
                if not block.entries and not block.numbered:
                    if kept and isinstance(kept[-1], m.Heading):
                        kept.pop()
                    continue
            kept.append(block)
        section.blocks = kept


def source_details(document: m.Document, context: Context) -> None:
    """ "Items: Q34, Q56" ("Preguntas: P34, P56"): which answers give each
    source, in the document's words (its fixed labels). The date of the
    response is said once, above the list, to keep entries short."""
    labels, lang = document.meta.labels, document.meta.lang
    if "items" not in labels:
        return
    comma = housestyle.enumeration_comma(lang)
    prefix = labels.get("item_prefix", "Q")
    for entry in document.sources:
        if entry.items and not entry.details:
            # A no-break space: the label never ends a line without its first item
            # (the French editors' review: "Questions :" alone at a line end).
            items = comma.join(f"{prefix}{item}" for item in entry.items)
            entry.details = f"{labels['items']}:{NO_BREAK_SPACE}{items}"


def house_style(document: m.Document, context: Context) -> None:
    """The typography of the document's language (:mod:`housestyle`)."""
    housestyle.apply(document)


def source_entry_text(document: m.Document, context: Context) -> None:
    """What a writer prints of each entry: "Title. address. Items: Q34." with
    the title and the details ending as sentences of their language, the
    address shown clean (``display``; the link keeps the full ``url``) and no
    full stop after an address that ends in an ellipsis."""
    lang = document.meta.lang
    for entry in document.sources:
        entry.display = entry.display or urls.display(entry.url)
        entry.cite = m.sentence(entry.title, entry.lang or lang)
        entry.end = "" if entry.display.endswith("…") else m.full_stop(lang)
        entry.details = m.sentence(entry.details, lang)


def heading_ids(document: m.Document, context: Context) -> None:
    """A unique id for every heading, the same in every language: the one a
    template gave, else the section's id for its first heading and
    ``<section>-<slug>`` for the others, the slug made from the heading's
    language-neutral key (``Context.heading_key``: the English sentence it was
    translated from, so "Portales" and "门户网站" are both ``A-portals``), or,
    for a heading without one (made of data), ``<section>-<n>``, its place
    among the section's headings. Adding a paragraph changes none; a repeated
    one gets "-2", "-3". At most :data:`MAX_ID` characters, a letter first
    where the section id starts with one, so that each is a valid Word bookmark name."""
    headings = [(section, block) for section in document.sections for block in section.blocks
                if isinstance(block, m.Heading)]
    used: set[str] = set()
    for _, heading in headings:  # a template's ids first: generated ones never take them
        if heading.id:
            heading.id = _unique(heading.id, used)
    count: dict[str, int] = {}
    for section, heading in headings:
        count[section.id] = place = count.get(section.id, 0) + 1
        if heading.id:  # given, or made earlier in this loop
            continue
        if place == 1:
            candidate = section.id
        else:
            key = context.heading_key(m.plain_text(heading.children))
            room = MAX_ID - len(section.id) - 4  # "-" and a "-NN" suffix
            candidate = f"{section.id}-{slug(key, room) if key else place}"
        heading.id = _unique(candidate, used)


def _unique(candidate: str, used: set[str]) -> str:
    name, number = candidate, 1
    while name in used:
        number += 1
        name = f"{candidate}-{number}"
    used.add(name)
    return name


def slug(text: str, length: int = MAX_ID) -> str:
    """Lower-case ASCII letters and digits joined by "-" ("Legal instruments"
    -> "legal-instruments", "Índice" -> "indice", "People’s" -> "peoples"), cut at a word within
    ``length``; text with no Latin letter or digit (Arabic, Chinese, Russian)
    gets "h" and a short hash of itself, stable as long as the text is."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'\u2019").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    if not words:
        return "h" + hashlib.sha1(text.encode()).hexdigest()[:8]
    out = words[0][:length]
    for word in words[1:]:
        if len(out) + 1 + len(word) > length:
            break
        out += "-" + word
    return out


def section_titles(document: m.Document, context: Context) -> None:
    """Each heading's section title (the text of its part's first heading),
    which the HTML gives print.css for the running head."""
    for section in document.sections:
        found = [block for block in section.blocks if isinstance(block, m.Heading)]
        for heading in found:
            heading.section_title = m.plain_text(found[0].children)


# The order matters:
# - numbers come first, from the calls in reading order, and the markers are
#   made from numbered calls;
# - the lists are filled once numbering says which sources are cited, and
#   removing an empty "further sources" list removes its heading, before any
#   heading gets an id;
# - the entries' details are worded before the house style, which sets their
#   typography with the titles' and the text's (and puts Chinese reference
#   markers before a full stop, so it runs after the markers exist);
# - the entry text ends titles and details as sentences after that typography;
# - heading ids are made from the headings that will all be printed, before
#   the house style changes their text (their key is the text as the
#   template's sentence rendered it);
# - section titles come last, from the final text of the headings.
TRANSFORMS: list[Transform] = [
    number_citations,
    make_references,
    fill_source_lists,
    heading_ids,
    source_details,
    house_style,
    source_entry_text,
    section_titles,
]


def apply(document: m.Document, context: Context | None = None) -> m.Document:
    """Run :data:`TRANSFORMS` on the document, in order (in place); returns it."""
    for transform in TRANSFORMS:
        transform(document, context or Context())
    return document
