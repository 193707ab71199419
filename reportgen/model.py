"""The format-neutral document model every writer walks.

A profile is narrated into Markdown, parsed into these nodes (``markup.py``),
its citations are numbered once (``citations.py``), and then each writer
(DOCX, HTML, PDF) renders the same tree. Nodes are plain dataclasses so that a
test can build a document by hand and ``dump()`` gives a readable text form
for golden comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

TOC_LEVELS = 2  # heading levels in the contents, the DOCX TOC field and the PDF outline

# --- inline nodes -----------------------------------------------------------


@dataclass
class Text:
    text: str


@dataclass
class Strong:
    children: list[Inline]


@dataclass
class Emph:
    children: list[Inline]


@dataclass
class Code:
    text: str


@dataclass
class LineBreak:
    pass


@dataclass
class Link:
    """A hyperlink; ``url`` is always http, https or mailto (checked in markup)."""

    url: str
    children: list[Inline]


@dataclass
class Span:
    """Text in another language than the document's (a sentence shown in
    English for want of a translation): writers tag it with ``lang``."""

    lang: str
    children: list[Inline]


@dataclass
class Citation:
    """A citation call ``[@source-id, locator]``.

    Adjacent calls (``[@a][@b]``) make one footnote that names both sources.
    ``note`` (the footnote's number, 1, 2, 3 ... in reading order), ``number``
    (the source's number in the sources list) and ``first`` are filled in by
    ``citations.number_citations``.
    """

    source_id: str
    locator: str = ""
    note: int = 0
    number: int = 0
    # The source's first citation: its note gives the full address; later
    # notes give number, title and locator only (the sources list has the rest).
    first: bool = False


Inline = Text | Strong | Emph | Code | LineBreak | Link | Span | Citation

# --- block nodes ------------------------------------------------------------


@dataclass
class Heading:
    level: int  # 1..3
    children: list[Inline]
    id: str = ""


@dataclass
class Paragraph:
    children: list[Inline]
    # A named role the writers map to a style: None (body text), "lead",
    # "note", "title", "subtitle", "status", "watermark".
    role: str | None = None


@dataclass
class BulletList:
    items: list[list[Inline]]


@dataclass
class Table:
    header: list[list[Inline]]
    rows: list[list[list[Inline]]]
    caption: list[Inline] = field(default_factory=list)
    # Relative column widths (any positive numbers); empty means equal.
    widths: list[float] = field(default_factory=list)


@dataclass
class Figure:
    """An image from ``templates/`` with its alt text and caption."""

    src: str
    alt: str
    caption: list[Inline] = field(default_factory=list)


@dataclass
class Contents:
    """Placeholder for a table of contents; writers build it from headings."""

    title: str


@dataclass
class SourceEntry:
    number: int
    id: str
    url: str
    title: str
    domain: str
    items: list[int]  # questionnaire items whose answers give this source
    accessed: date | None = None  # the date of the answer
    # "Items: Q34, Q56; response of 1 March 2024", in the document's language
    # (made once by the narrative so every writer prints the same words).
    details: str = ""


@dataclass
class SourceList:
    """The numbered sources list (cited) or the further sources (never cited)."""

    entries: list[SourceEntry]
    numbered: bool = True


Block = Heading | Paragraph | BulletList | Table | Figure | Contents | SourceList


@dataclass
class Section:
    """A part of the profile: cover, contents, a questionnaire section, sources, annex."""

    id: str
    kind: str  # "cover" | "contents" | "body" | "sources" | "annex"
    blocks: list[Block]


@dataclass
class Meta:
    title: str  # "E-Government Country Profile"
    country: str  # country name in the document's language
    country_code: str  # ISO 3166-1 alpha-3
    lang: str  # BCP 47, e.g. "en" or "es"
    subject: str
    author: str  # publishing organisation
    keywords: list[str]
    edition: str  # "2024"
    status: str  # "Draft" | "Final", already translated
    date: date  # the answers' date or SOURCE_DATE_EPOCH
    internal: bool = False  # "Not for publication" on every page
    internal_label: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # fixed words: "page", "of", "contents", ...

    @property
    def document_title(self) -> str:
        """The title every format records: the HTML <title>, the PDF and DOCX properties."""
        return f"{self.title}: {self.country}"


@dataclass
class Document:
    meta: Meta
    sections: list[Section]
    sources: list[SourceEntry] = field(default_factory=list)  # filled by numbering

    def blocks(self) -> list[Block]:
        return [block for section in self.sections for block in section.blocks]


# --- helpers ----------------------------------------------------------------


def plain_text(inlines: list[Inline]) -> str:
    """The text of inline nodes without markup or citation calls."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Code)):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        elif isinstance(node, (Strong, Emph, Link, Span)):
            parts.append(plain_text(node.children))
    return "".join(parts)


def walk_inlines(inlines: list[Inline]):
    """Yield every inline node, depth first, in reading order."""
    for node in inlines:
        yield node
        if isinstance(node, (Strong, Emph, Link, Span)):
            yield from walk_inlines(node.children)


def block_inlines(block: Block) -> list[list[Inline]]:
    """The inline runs of a block, in reading order."""
    if isinstance(block, (Heading, Paragraph)):
        return [block.children]
    if isinstance(block, BulletList):
        return list(block.items)
    if isinstance(block, Table):
        runs = [block.caption, *block.header]
        for row in block.rows:
            runs.extend(row)
        return runs
    if isinstance(block, Figure):
        return [block.caption]
    return []


def citations(document: Document) -> list[Citation]:
    """Every citation call of the document in reading order."""
    found: list[Citation] = []
    for block in document.blocks():
        for run in block_inlines(block):
            found.extend(n for n in walk_inlines(run) if isinstance(n, Citation))
    return found


def note_groups(document: Document) -> list[list[Citation]]:
    """The footnotes of the document in reading order: each is a run of
    adjacent citation calls (nothing between them) in one inline list."""
    groups: list[list[Citation]] = []
    for block in document.blocks():
        for run in block_inlines(block):
            groups.extend(_groups_in(run))
    return groups


def _groups_in(run: list[Inline]) -> list[list[Citation]]:
    groups: list[list[Citation]] = []
    for node in with_note_groups(run):
        if isinstance(node, list):
            groups.append(node)
        elif isinstance(node, (Strong, Emph, Link, Span)):
            groups.extend(_groups_in(node.children))
    return groups


def with_note_groups(run: list[Inline]) -> list[Inline | list[Citation]]:
    """The run with each stretch of adjacent citation calls as one list: one
    footnote, as writers render it."""
    out: list[Inline | list[Citation]] = []
    for node in run:
        if isinstance(node, Citation) and out and isinstance(out[-1], list):
            out[-1].append(node)
        else:
            out.append([node] if isinstance(node, Citation) else node)
    return out


def dump(document: Document) -> str:
    """A readable, stable text form of the document for golden tests."""
    lines = [
        f"META title={document.meta.title!r} country={document.meta.country!r} "
        f"lang={document.meta.lang} status={document.meta.status!r} date={document.meta.date}"
    ]
    for section in document.sections:
        lines.append(f"SECTION {section.id} ({section.kind})")
        for block in section.blocks:
            lines.extend("  " + line for line in _dump_block(block))
    return "\n".join(lines) + "\n"


def _dump_inlines(inlines: list[Inline]) -> str:
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Code):
            out.append(f"`{node.text}`")
        elif isinstance(node, LineBreak):
            out.append("⏎")
        elif isinstance(node, Strong):
            out.append(f"**{_dump_inlines(node.children)}**")
        elif isinstance(node, Emph):
            out.append(f"_{_dump_inlines(node.children)}_")
        elif isinstance(node, Link):
            out.append(f"[{_dump_inlines(node.children)}]<{node.url}>")
        elif isinstance(node, Span):
            out.append(f"[{_dump_inlines(node.children)}]{{lang={node.lang}}}")
        elif isinstance(node, Citation):
            loc = f", {node.locator}" if node.locator else ""
            out.append(f"^{node.note}[{node.number}{loc}]")
    return "".join(out)


def _dump_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"H{block.level} #{block.id} {_dump_inlines(block.children)}"]
    if isinstance(block, Paragraph):
        role = f"({block.role}) " if block.role else ""
        return [f"P {role}{_dump_inlines(block.children)}"]
    if isinstance(block, BulletList):
        return [f"- {_dump_inlines(item)}" for item in block.items]
    if isinstance(block, Table):
        lines = [f"TABLE {_dump_inlines(block.caption)}"]
        lines.append("  | " + " | ".join(_dump_inlines(c) for c in block.header) + " |")
        lines.extend("  | " + " | ".join(_dump_inlines(c) for c in row) + " |" for row in block.rows)
        return lines
    if isinstance(block, Figure):
        return [f"FIGURE {block.src} alt={block.alt!r} {_dump_inlines(block.caption)}"]
    if isinstance(block, Contents):
        return [f"CONTENTS {block.title}"]
    if isinstance(block, SourceList):
        kind = "SOURCES" if block.numbered else "FURTHER SOURCES"
        lines = [kind]
        for e in block.entries:
            lines.append(f"  [{e.number}] {e.title} <{e.url}> items={e.items} accessed={e.accessed}")
        return lines
    raise TypeError(f"unknown block {block!r}")
