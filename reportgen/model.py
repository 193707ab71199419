"""The format-neutral document model every writer walks.

A profile is narrated into Markdown, parsed into these nodes (``markup.py``),
completed once by the ordered transforms of ``transforms.py`` (citation
numbers, reference markers, sources lists, source-entry text, heading ids and
section titles), and then each writer (DOCX, HTML, PDF) renders the same tree
and computes none of these itself. Nodes are plain dataclasses so that a
test can build a document by hand and ``dump()`` gives a readable text form
for golden comparisons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})  # primary subtags written right to left


def direction(lang: str) -> str:
    """"rtl" or "ltr" for a BCP 47 tag (only the primary subtag decides)."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


# What already ends a sentence, in the scripts of the six languages.
SENTENCE_ENDS = (".", "?", "!", "\u3002", "\uff1f", "\uff01", "\u061f", "\u2026")


# Scripts that set no italic: Arabic and Chinese typography emphasise otherwise,
# and their fonts have no italic face (a slanted upright one is what a reader got).
UPRIGHT_LANGUAGES = frozenset({"ar", "zh"})


def full_stop(lang: str) -> str:
    return "\u3002" if lang.split("-")[0] == "zh" else "."


def has_italic(lang: str) -> bool:
    return lang.split("-")[0] not in UPRIGHT_LANGUAGES


def sentence(text: str, lang: str = "en") -> str:
    """``text`` ending like a sentence of ``lang`` ("." or Chinese "。"), without
    doubling an end already there ("?" "؟" "。" "…"): a source title in a list."""
    text = text.strip()
    if not text or text.endswith(SENTENCE_ENDS):
        return text
    return text + full_stop(lang)


@dataclass
class Span:
    """Text in another language than the document's (a sentence shown in
    English for want of a translation, a Spanish source title inside Arabic
    text): writers tag it with ``lang`` and isolate it in its own direction
    (``dir``), so that right-to-left text never reorders it."""

    lang: str
    children: list[Inline]

    @property
    def dir(self) -> str:
        return direction(self.lang)


@dataclass
class Citation:
    """A citation call ``[@source-id, locator]`` as a template wrote it.

    ``number`` (the source's number in the sources list) is filled in by
    ``transforms.number_citations``; ``transforms.make_references`` groups adjacent calls into one
    :class:`Reference`; writers render references, never bare calls.
    """

    source_id: str
    locator: str = ""
    number: int = 0


@dataclass
class RefPart:
    """A piece of a reference marker's text; ``number`` > 0 makes it a link to
    that entry of the sources list."""

    text: str
    number: int = 0


@dataclass
class Reference:
    """A reference marker such as "[12]", "[3, 5–7]" or "[12, p. 31]": one or
    more adjacent citation calls, numbered once on the model so that every
    format prints the same text and links the same numbers."""

    citations: list[Citation]
    parts: list[RefPart] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts)

    @property
    def numbers(self) -> list[int]:
        """The source numbers the marker links to, in its reading order."""
        return [part.number for part in self.parts if part.number]


Inline = Text | Strong | Emph | Code | LineBreak | Link | Span | Citation | Reference

# --- block nodes ------------------------------------------------------------


@dataclass
class Attr:
    """Attributes a template gives a block (``{#id .class key=value}``), as in
    pandoc's model: an identifier, classes and key-value pairs."""

    id: str = ""
    classes: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = ([f"#{self.id}"] if self.id else []) + [f".{c}" for c in self.classes]
        parts.extend(f"{key}={value!r}" for key, value in sorted(self.values.items()))
        return "{" + " ".join(parts) + "}" if parts else ""


@dataclass
class Heading:
    """A heading; ``attr.id`` (unique, stable) and ``section_title`` (the
    title of the part it belongs to, for running heads) are set by
    ``transforms.py`` unless a template gave the id."""

    level: int  # 1..3
    children: list[Inline]
    attr: Attr = field(default_factory=Attr)
    section_title: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.attr, str):  # Heading(1, [...], "id") in hand-built documents
            self.attr = Attr(self.attr)

    @property
    def id(self) -> str:
        return self.attr.id

    @id.setter
    def id(self, value: str) -> None:
        self.attr.id = value


@dataclass
class Paragraph:
    children: list[Inline]
    # A named role the writers map to a style: None (body text), "lead",
    # "note", "title", "subtitle", "status", "watermark", "publisher" (the
    # cover's organisation), "imprint" (a line of the imprint page).
    role: str | None = None
    # A template's {#id .class key=value} besides the role's class: HTML
    # writes them; the DOCX has no place for them (a paragraph's look is its role's style).
    attr: Attr = field(default_factory=Attr)


def _as_blocks(content: list[Block] | list[Inline]) -> list[Block]:
    """Blocks as they are; a run of inlines (a hand-built list item or cell) as one paragraph."""
    if content and not all(isinstance(node, BLOCK_TYPES) for node in content):
        return [Paragraph(list(content))]  # type: ignore[arg-type]
    return list(content)  # type: ignore[arg-type]


@dataclass
class BulletList:
    """A list; ``ordered`` ones ("1. ...") are numbered from ``start``. Each
    item holds blocks: its paragraphs and the lists nested in it."""

    items: list[list[Block]]
    ordered: bool = False
    start: int = 1
    attr: Attr = field(default_factory=Attr)

    def __post_init__(self) -> None:
        self.items = [_as_blocks(item) for item in self.items]


@dataclass
class BlockQuote:
    """A quotation set off from the text (Markdown's ``>``)."""

    blocks: list[Block]
    attr: Attr = field(default_factory=Attr)


@dataclass
class Table:
    """A table whose cells hold blocks (a paragraph, or paragraphs and lists);
    the first cell of each row names it (a row header)."""

    header: list[list[Block]]
    rows: list[list[list[Block]]]
    caption: list[Inline] = field(default_factory=list)
    # Relative column widths (any positive numbers); empty means equal.
    widths: list[float] = field(default_factory=list)
    attr: Attr = field(default_factory=Attr)

    def __post_init__(self) -> None:
        self.header = [_as_blocks(cell) for cell in self.header]
        self.rows = [[_as_blocks(cell) for cell in row] for row in self.rows]


@dataclass
class Chart:
    """A figure drawn from the data (``figures.py``): the same drawing as SVG
    (PDF, HTML) and as a high-resolution PNG (DOCX), with its size on the page.
    The PNG is drawn when first asked for: only the DOCX writer needs it."""

    name: str  # "legislation", "principles", "sectors", ...
    svg: str
    width_pt: float
    height_pt: float
    raster: Callable[[], bytes] = field(repr=False, compare=False, default=lambda: b"")
    _png: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def png(self) -> bytes:
        if self._png is None:
            self._png = self.raster()
        return self._png


@dataclass
class Figure:
    """An image with its alt text and caption: a file from ``templates/``
    (``src``) or, when ``chart`` is set, a chart made from the answers."""

    src: str
    alt: str
    caption: list[Inline] = field(default_factory=list)
    chart: Chart | None = None
    attr: Attr = field(default_factory=Attr)


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
    # "Items: Q34, Q56.", in the document's language, ending as a sentence
    # (made once by transforms.py so every writer prints the same words).
    details: str = ""
    # The address as printed: no scheme, text fragment or long query
    # (urls.display); the link always keeps the full ``url``.
    display: str = ""
    # The title's language when it is not the document's (a title quoted as
    # the Government gave it, in Spanish): writers mark it like a Span.
    lang: str = ""
    # What writers print, made by transforms.py: the title ending as a
    # sentence of its language, and what follows the address (a full stop,
    # none after an ellipsis).
    cite: str = ""
    end: str = ""


@dataclass
class SourceList:
    """The numbered sources list (cited) or the further sources (never cited)."""

    entries: list[SourceEntry]
    numbered: bool = True


Block = Heading | Paragraph | BulletList | BlockQuote | Table | Figure | Contents | SourceList
BLOCK_TYPES = (Heading, Paragraph, BulletList, BlockQuote, Table, Figure, Contents, SourceList)


@dataclass
class Section:
    """A part of the profile: cover, contents, a questionnaire section, sources, annex."""

    id: str
    kind: str  # "cover" | "imprint" | "contents" | "body" | "sources" | "annex"
    blocks: list[Block]
    # The part's own attributes (profile.yaml's ``classes``): HTML writes the
    # classes on its <section>; the DOCX has no place for them.
    attr: Attr = field(default_factory=Attr)


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
    def dir(self) -> str:
        """The document's base direction: "rtl" for Arabic, else "ltr"."""
        return direction(self.lang)

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
        """The sections' top-level blocks (not those inside lists, quotes and tables)."""
        return [block for section in self.sections for block in section.blocks]

    def all_blocks(self) -> list[Block]:
        """Every block, nested ones too, in reading order."""
        return [inner for block in self.blocks() for inner in walk_blocks(block)]


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


def blocks_text(blocks: list[Block]) -> str:
    """The plain text of blocks (a table cell, a list item): their runs joined by spaces."""
    return " ".join(plain_text(run).strip() for block in blocks for run in block_inlines(block)).strip()


def walk_inlines(inlines: list[Inline]):
    """Yield every inline node, depth first, in reading order."""
    for node in inlines:
        yield node
        if isinstance(node, (Strong, Emph, Link, Span)):
            yield from walk_inlines(node.children)


def child_blocks(block: Block) -> list[Block]:
    """The blocks directly inside a block (list items, a quote, table cells)."""
    if isinstance(block, BulletList):
        return [inner for item in block.items for inner in item]
    if isinstance(block, BlockQuote):
        return list(block.blocks)
    if isinstance(block, Table):
        return [inner for row in [block.header, *block.rows] for cell in row for inner in cell]
    return []


def walk_blocks(block: Block) -> Iterator[Block]:
    """The block and every block nested in it, depth first, in reading order."""
    yield block
    for inner in child_blocks(block):
        yield from walk_blocks(inner)


def block_inlines(block: Block) -> list[list[Inline]]:
    """The inline runs of a block and of the blocks nested in it, in reading
    order (a table's caption before its cells)."""
    if isinstance(block, (Heading, Paragraph)):
        return [block.children]
    if isinstance(block, Figure):
        return [block.caption]
    runs = [block.caption] if isinstance(block, Table) else []
    for inner in child_blocks(block):
        runs.extend(block_inlines(inner))
    return runs


def citations(document: Document) -> list[Citation]:
    """Every citation call of the document in reading order (inside references too)."""
    found: list[Citation] = []
    for block in document.blocks():
        for run in block_inlines(block):
            for node in walk_inlines(run):
                if isinstance(node, Citation):
                    found.append(node)
                elif isinstance(node, Reference):
                    found.extend(node.citations)
    return found


def references(document: Document) -> list[Reference]:
    """Every reference marker of the document in reading order."""
    return [node for block in document.blocks() for run in block_inlines(block)
            for node in walk_inlines(run) if isinstance(node, Reference)]


def citation_groups(run: list[Inline]) -> list[Inline | list[Citation]]:
    """The run with each stretch of adjacent citation calls (nothing between
    them) as one list: the calls one reference marker will stand for."""
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
        lines.append(f"SECTION {section.id} ({section.kind}){_attr(section.attr)}")
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
            out.append(f"[@{node.number}{loc}]")
        elif isinstance(node, Reference):
            out.append(f"^{node.text}")
    return "".join(out)


def _attr(attr: Attr) -> str:
    return f" {attr}" if str(attr) else ""


def _dump_cell(cell: list[Block]) -> str:
    """A table cell on one line: its blocks' lines joined by " / "."""
    lines = [line for block in cell for line in _dump_block(block)]
    if len(cell) == 1 and isinstance(cell[0], Paragraph) and not cell[0].role:
        return _dump_inlines(cell[0].children)  # the usual cell: its text only
    return " / ".join(line.strip() for line in lines)


def _dump_item(marker: str, item: list[Block]) -> list[str]:
    """A list item: the marker before its first line, the rest indented under it."""
    lines: list[str] = []
    for block in item:
        if isinstance(block, Paragraph) and not block.role:
            lines.append(_dump_inlines(block.children))
        else:
            lines.extend(_dump_block(block))
    if not lines:
        return [marker.rstrip()]
    return [marker + lines[0]] + ["  " + line for line in lines[1:]]


def _dump_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        extra = _attr(Attr("", block.attr.classes, block.attr.values))
        return [f"H{block.level} #{block.id}{extra} {_dump_inlines(block.children)}"]
    if isinstance(block, Paragraph):
        role = f"({block.role}) " if block.role else ""
        attr = f"{block.attr} " if str(block.attr) else ""
        return [f"P {role}{attr}{_dump_inlines(block.children)}"]
    if isinstance(block, BulletList):
        lines = [f"LIST{_attr(block.attr)}"] if str(block.attr) else []
        for number, item in enumerate(block.items, start=block.start):
            lines.extend(_dump_item(f"{number}. " if block.ordered else "- ", item))
        return lines
    if isinstance(block, BlockQuote):
        return [f"QUOTE{_attr(block.attr)}"] + ["> " + line for inner in block.blocks for line in _dump_block(inner)]
    if isinstance(block, Table):
        lines = [f"TABLE{_attr(block.attr)} {_dump_inlines(block.caption)}"]
        lines.append("  | " + " | ".join(_dump_cell(c) for c in block.header) + " |")
        lines.extend("  | " + " | ".join(_dump_cell(c) for c in row) + " |" for row in block.rows)
        return lines
    if isinstance(block, Figure):
        src = f"chart:{block.chart.name}" if block.chart else block.src
        return [f"FIGURE{_attr(block.attr)} {src} alt={block.alt!r} {_dump_inlines(block.caption)}"]
    if isinstance(block, Contents):
        return [f"CONTENTS {block.title}"]
    if isinstance(block, SourceList):
        kind = "SOURCES" if block.numbered else "FURTHER SOURCES"
        lines = [kind]
        for e in block.entries:
            lang = f" {{lang={e.lang}}}" if e.lang else ""
            # every field a writer prints (display, details) or links by (id), so a golden shows them
            lines.append(f"  [{e.number}] {e.title}{lang} <{e.url}> id={e.id} display={e.display!r} "
                         f"items={e.items} accessed={e.accessed}")
            if e.details:
                lines.append(f"      {e.details}")
        return lines
    raise TypeError(f"unknown block {block!r}")
