"""Walk the document model and build the DOCX with python-docx.

One small ``visit_*`` method per node type, dispatched by the shared
:class:`~reportgen.writers.visitor.Visitor`; ids, numbers and source-entry text
are the model's (``transforms.py``). Paragraph and character looks come
only from named styles of the reference document (never direct formatting), so
that an editor in Word restyles the whole profile by changing a style. Raw XML is
delegated to :mod:`oxml`.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.section import Section, _Header
from docx.shared import Emu, Pt, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from reportgen import model as m
from reportgen import urls
from reportgen.errors import WriterError
from reportgen.linebreaks import glue_before_reference, marker_text
from reportgen.writers import WriterConfig
from reportgen.writers.docx import bidi, oxml
from reportgen.writers.html import template_file
from reportgen.writers.visitor import Visitor

P, C, T = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE

# Every style the writer refers to, with its kind; the reference must have them all.
REQUIRED_STYLES: dict[str, WD_STYLE_TYPE] = {
    "Title": P, "Subtitle": P, "Lead": P, "Cover Status": P,
    "Heading 1": P, "Heading 2": P, "Heading 3": P,
    "Body Text": P, "Note": P, "List Bullet": P, "List Number": P, "Quote": P,
    "Quote Bullet": P, "Quote Number": P, "Table Bullet": P, "Table Number": P,
    "Profile Table": T, "Table Text": P, "Table Heading": P, "Caption": P, "Figure": P,
    "Figure Caption": P,
    "Footnote Text": P, "Footnote Reference": C, "Hyperlink": C, "Code": C,
    "TOC Heading": P, "TOC 1": P, "TOC 2": P, "Bibliography": P,
    "Header": P, "Footer": P, "Internal Notice": P,
}

ROLE_STYLES: dict[str | None, str] = {
    None: "Body Text", "title": "Title", "subtitle": "Subtitle", "lead": "Lead",
    "status": "Cover Status", "note": "Note",
    # the cover's organisation and the imprint's lines use existing styles, so
    # that a designer's reference.docx needs no new ones
    "publisher": "Lead", "imprint": "Body Text",
}


@dataclass(frozen=True)
class ListStyles:
    """The styles of a list's items where the list stands: the body's, or a
    block quote's and a table cell's, which keep that block's look (the quote's
    rule and indent, the cell's text size)."""

    bullet: str
    number: str


BODY_LISTS = ListStyles("List Bullet", "List Number")
QUOTE_LISTS = ListStyles("Quote Bullet", "Quote Number")
CELL_LISTS = ListStyles("Table Bullet", "Table Number")

TOC_FIELD = f'TOC \\o "1-{m.TOC_LEVELS}" \\h \\z \\u'
HEADING_1 = "Heading 1"
SPACE_AFTER_TABLE = Pt(9)

# Word's own regional defaults for the UN languages (Arabic as Word's default,
# Saudi Arabia; Chinese: Simplified, mainland); others pass through.
LANGUAGE_TAGS = {"en": "en-GB", "es": "es-ES", "fr": "fr-FR", "ru": "ru-RU", "ar": "ar-SA", "zh": "zh-CN"}
EAST_ASIAN_LANGUAGES = frozenset({"zh", "ja", "ko"})
# Punctuation Chinese shares with Latin text: the em dash and curly quotes
CJK_PUNCTUATION = re.compile("[\u2014\u2018\u2019\u201c\u201d]")
LRM, RLM = "\u200e", "\u200f"  # left-to-right and right-to-left marks

# Formats python-docx can embed; anything else (SVG) falls back to its alt text.
RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"}

_BOOKMARK_OK = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
LIST_INDENT = Twips(357)  # one level of a nested list, as the bullet levels of reference.docx


def language_tag(lang: str) -> str:
    return LANGUAGE_TAGS.get(lang, lang)


def is_east_asian(lang: str) -> bool:
    return lang.split("-")[0].lower() in EAST_ASIAN_LANGUAGES


def language_slots(lang: str) -> dict[str, str]:
    """The ``w:lang`` attribute for ``lang``'s script: Word reads ``w:bidi`` for
    right-to-left text, ``w:eastAsia`` for Chinese, ``w:val`` for the rest."""
    if m.direction(lang) == "rtl":
        slot = "bidi"
    elif is_east_asian(lang):
        slot = "eastAsia"
    else:
        slot = "val"
    return {slot: language_tag(lang)}


@dataclass(frozen=True)
class Look:
    """Character formatting inherited by nested inlines (Strong inside Emph ...)."""

    bold: bool = False
    italic: bool = False
    style: str | None = None
    lang: str | None = None  # a span in another language (w:lang)
    dir: str | None = None  # inside an isolated span or link: its direction; None: the text's own


@dataclass(frozen=True)
class Target:
    """Where inline runs go: a paragraph, possibly inside one of its hyperlinks,
    and the part whose relationships hold the hyperlinks' URLs."""

    paragraph: Paragraph
    part: Part
    element: Any = None  # a w:hyperlink inside the paragraph, else the paragraph itself
    linked: bool = False  # inside a w:hyperlink (Word cannot nest them)

    def run(self) -> Run:
        if self.element is None:
            return self.paragraph.add_run()
        return Run(oxml.append_run(self.element), self.paragraph)

    @property
    def xml(self) -> Any:
        return oxml.paragraph_xml(self.paragraph) if self.element is None else self.element


class Translator(Visitor):
    """Translates one :class:`reportgen.model.Document` into a python-docx document."""

    writer = "DOCX"

    def __init__(self, docx: DocxDocument, document: m.Document, options: WriterConfig,
                 toc_pages: dict[str, str] | None = None):
        self.docx = docx
        self.document = document
        self.meta = document.meta
        self.options = options
        self.toc_pages = toc_pages or {}  # heading bookmark -> page number, from a layout pass
        self.style_ids = _style_ids(docx)
        self.container: Any = docx  # where paragraphs go: the body, or a table cell
        self.lists = BODY_LISTS  # the list styles where the writer is: body, quote, cell
        # An empty footnotes part: the profile has none (references link to the
        # sources list), but a reference document's separators are kept.
        oxml.footnotes_part(docx)
        self.next_bookmark = 1
        self.next_figure = 1
        self.new_page = False  # the next paragraph starts a page (after cover, contents)
        self.after_table = False  # the next paragraph follows a table: give it room above
        self.next_table = 1
        self.east_asian = is_east_asian(self.meta.lang)
        self.text_width = _text_width(docx.sections[0], options.reference_docx or options.templates / "reference.docx")

    # --- document -------------------------------------------------------------

    def translate(self) -> None:
        oxml.clear_body(self.docx)
        oxml.set_language(self.docx, language_slots(self.meta.lang))
        if not m.has_italic(self.meta.lang):
            # Chinese and Arabic have no italics (LibreOffice would slant the
            # glyphs): the styles' italic (Note: the disclaimer, the form's
            # notes) becomes regular, in the styles, so an editor still sees one look
            oxml.drop_italics(self.docx)
        if self.east_asian:
            oxml.set_east_asian_spacing(self.docx)
        oxml.drop_update_fields(self.docx)
        self.set_properties()
        self.set_page_furniture()
        for section in self.document.sections:
            self.visit_section(section)
        if self.meta.dir == "rtl":
            self.mirror()

    def mirror(self) -> None:
        """Right to left: every paragraph, table and the section (see :func:`oxml.mirror`)."""
        section = self.docx.sections[0]
        stories = [self.docx.element.body] + [
            oxml.story_xml(story) for story in (section.header, section.footer, section.first_page_header,
                                                section.first_page_footer)]
        oxml.mirror(stories, oxml.section_xml(section))

    def set_properties(self) -> None:
        props = self.docx.core_properties
        stamp = datetime.combine(self.meta.date, time(0, 0), tzinfo=UTC)
        props.title = self.meta.document_title
        props.subject = self.meta.subject
        props.author = self.meta.author
        props.last_modified_by = self.meta.author
        props.keywords = ", ".join(self.meta.keywords)
        props.language = language_tag(self.meta.lang)
        props.content_status = self.meta.status
        props.comments = ""  # python-docx's template says "generated by python-docx"
        props.created = stamp
        props.modified = stamp
        props.revision = 1

    def set_page_furniture(self) -> None:
        """Running header and "Page X of Y" footer; the cover (first page) has neither."""
        section = self.docx.sections[0]
        section.different_first_page_header_footer = True
        header = oxml.emptied(section.header)
        self.internal_notice(header)
        # The country, then the current section's title: Word and LibreOffice fill
        # the STYLEREF field on each page with the last "Heading 1" text.
        running = header.add_paragraph(style="Header")
        self.text(Target(running, header.part), f"{self.meta.country} — ", Look())
        title = oxml.add_field(oxml.paragraph_xml(running), f'STYLEREF "{HEADING_1}"', self.meta.title)
        if bidi.has_rtl(self.meta.title):
            oxml.set_run_rtl(title)
        footer_story = oxml.emptied(section.footer)
        footer = footer_story.add_paragraph(style="Footer")
        labels = self.meta.labels
        page, of, end = labels.get("page", "Page "), labels.get("of", " of "), labels.get("page_end", "")
        # Latin words in a right-to-left footer (labels not yet translated): the
        # line is marked left to right, else "Page 4 of 17" reads "17 Page 4 of"
        latin = self.meta.dir == "rtl" and not bidi.has_rtl(page + of)
        look = Look(dir="ltr") if latin else Look()
        if latin:
            self.run(Target(footer, footer_story.part), LRM, look, rtl=False)
        self.text(Target(footer, footer_story.part), page, look)
        oxml.add_field(oxml.paragraph_xml(footer), "PAGE", "1")
        self.text(Target(footer, footer_story.part), of, look)
        oxml.add_field(oxml.paragraph_xml(footer), "NUMPAGES", "1")
        if end:
            self.text(Target(footer, footer_story.part), end, look)
        if latin:
            self.run(Target(footer, footer_story.part), LRM, look, rtl=False)
        cover_header = oxml.emptied(section.first_page_header)
        if not self.internal_notice(cover_header):
            cover_header.add_paragraph()  # Normal: no header rule on the cover
        oxml.emptied(section.first_page_footer).add_paragraph()

    def internal_notice(self, story: _Header) -> bool:
        """The red "Not for publication" line, on every page of an internal build."""
        if not self.meta.internal:
            return False
        notice = story.add_paragraph(style="Internal Notice")
        self.text(Target(notice, story.part), self.meta.internal_label or "Not for publication", Look())
        return True

    def visit_section(self, section: m.Section) -> None:
        for block in section.blocks:
            self.visit(block)
        if section.kind in ("cover", "imprint", "contents"):
            self.new_page = True

    # --- blocks ---------------------------------------------------------------

    def paragraph(self, style: str) -> Paragraph:
        paragraph = self.container.add_paragraph()
        self.set_style(paragraph, style)
        if self.new_page:
            # page break as a paragraph property: no empty paragraph left at a page top
            paragraph.paragraph_format.page_break_before = True
            self.new_page = False
        if self.after_table:
            # Word puts no space after a table; the next paragraph keeps its distance
            # (a heading's own, larger space before stays)
            looks = paragraph.style  # None only if the document has no default style
            own = looks.paragraph_format.space_before if looks is not None else None
            if own is None or own < SPACE_AFTER_TABLE:
                paragraph.paragraph_format.space_before = SPACE_AFTER_TABLE
            self.after_table = False
        return paragraph

    def visit_heading(self, block: m.Heading) -> None:
        level = min(max(block.level, 1), 3)
        paragraph = self.paragraph(f"Heading {level}")
        self.inlines(self.target(paragraph), block.children)
        oxml.add_bookmark(paragraph, self.next_bookmark, bookmark_name(block.id))
        self.next_bookmark += 1

    def visit_paragraph(self, block: m.Paragraph) -> None:
        paragraph = self.paragraph(ROLE_STYLES.get(block.role, "Body Text"))
        self.inlines(self.target(paragraph), block.children)

    def visit_bullet_list(self, block: m.BulletList, level: int = 0) -> None:
        """One paragraph per item (a further paragraph of the item on a new
        line of it); a list nested in an item one level deeper: the bullet
        list's next numbering level, a numbered list indented by a level.
        The items take the list styles of where the list stands (body, quote, cell)."""
        styles = self.lists
        for number, item in enumerate(block.items, start=block.start):
            paragraph = self.paragraph(styles.number if block.ordered else styles.bullet)
            if block.ordered:
                # Numbers written, as in the sources list: they always equal the
                # HTML/PDF's, and no Word numbering instance is needed per list.
                self.text(self.target(paragraph), f"{number}.\t", Look())
                if level:
                    paragraph.paragraph_format.left_indent = self.nested_indent(styles.number, level)
            else:
                if level:
                    oxml.set_list_level(paragraph, level, self.nested_indent(styles.bullet, level))
                right = self.docx.styles[styles.bullet].paragraph_format.right_indent
                if right:
                    # the style's own (Quote Bullet: the quote's), repeated:
                    # LibreOffice takes a numbered paragraph's indents from its
                    # numbering level only, and would run the item to the margin
                    paragraph.paragraph_format.right_indent = right
            first = True
            for inner in item:
                if isinstance(inner, m.Paragraph) and inner.role is None:
                    if not first:
                        paragraph.add_run().add_break()
                    self.inlines(self.target(paragraph), inner.children)
                    first = False
                elif isinstance(inner, m.BulletList):
                    self.visit(inner, level + 1)
                else:
                    self.visit(inner)

    def nested_indent(self, style: str, level: int) -> Twips:
        """The text indent of a list item ``level`` levels in: the style's own
        (a numbered list's, or a bullet list's where a designer's style has no
        numbering), one list indent further per level."""
        own = self.docx.styles[style].paragraph_format.left_indent
        base = own.twips if own is not None else LIST_INDENT.twips
        return Twips(base + LIST_INDENT.twips * level)

    @contextmanager
    def list_styles(self, styles: ListStyles) -> Iterator[None]:
        outer, self.lists = self.lists, styles
        try:
            yield
        finally:
            self.lists = outer

    def visit_block_quote(self, block: m.BlockQuote) -> None:
        """Its paragraphs in the Quote style (indented, set off by a rule); a
        list in it in the Quote Bullet or Quote Number style, inside the same
        rule and indent, its bullets at the quote's text edge; other blocks as
        they are."""
        with self.list_styles(QUOTE_LISTS):
            for inner in block.blocks:
                if isinstance(inner, m.Paragraph) and inner.role is None:
                    self.inlines(self.target(self.paragraph("Quote")), inner.children)
                else:
                    self.visit(inner)

    def set_style(self, element: Paragraph | Run, name: str) -> None:
        """Give a paragraph or run the style ``name`` by its id, as python-docx
        would (no style element for the type's default)."""
        oxml.set_style_id(element, self.style_ids[name])

    def visit_table(self, block: m.Table) -> None:
        if block.caption or self.new_page:
            # caption above: a reader meets the table's subject before its rows
            self.inlines(self.target(self.paragraph("Caption")), block.caption)
        columns = max(len(block.header), *(len(row) for row in block.rows), 1)
        table = self.docx.add_table(rows=1 + len(block.rows), cols=columns)
        table.style = self.docx.styles["Profile Table"]
        table.autofit = False
        oxml.set_table_look(table)
        self.size_columns(table, _widths(block.widths, columns))
        self.fill_row(table.rows[0], block.header, "Table Heading")
        oxml.repeat_as_header(table.rows[0])
        for row, cells in zip(table.rows[1:], block.rows, strict=True):
            self.fill_row(row, cells, "Table Text")
        for row in table.rows:
            oxml.forbid_row_split(row)
        self.describe_table(table, block)
        self.after_table = True

    def describe_table(self, table: Any, block: m.Table) -> None:
        """Alt text title (the caption, else "Table n") and description (caption
        and column headings) for screen readers and Word's Alt Text pane."""
        caption = m.plain_text(block.caption).strip()
        columns = ", ".join(m.blocks_text(cell) for cell in block.header)
        title = caption or f"{self.meta.labels.get('table', 'Table')} {self.next_table}"
        self.next_table += 1
        oxml.set_table_alt_text(table, title, f"{title}: {columns}" if columns else title)

    def size_columns(self, table: Any, fractions: list[float]) -> None:
        """Columns in whole twips (Word's unit) that add up to exactly the text width."""
        total = self.text_width.twips
        twips = [int(total * f) for f in fractions[:-1]]
        twips.append(total - sum(twips))
        oxml.set_table_width(table, total)
        for column, width in zip(table.columns, map(Twips, twips), strict=True):
            column.width = width
            for cell in column.cells:
                cell.width = width  # Word reads tcW, LibreOffice gridCol: set both

    def fill_row(self, row: Any, cells: list[list[m.Block]], style: str) -> None:
        for cell, blocks in zip(row.cells, cells, strict=False):
            self.fill_cell(cell, blocks, style)
        for cell in row.cells[len(cells):]:
            self.set_style(cell.paragraphs[0], style)

    def fill_cell(self, cell: Any, blocks: list[m.Block], style: str) -> None:
        """A cell's first paragraph in the table's style; any further block
        (a paragraph, a list) added to the cell as it would be to the body."""
        paragraph = cell.paragraphs[0]
        self.set_style(paragraph, style)
        rest = blocks
        if blocks and isinstance(blocks[0], m.Paragraph) and blocks[0].role is None:
            self.inlines(self.target(paragraph), blocks[0].children)
            rest = blocks[1:]
        outer, self.container = self.container, cell
        try:
            with self.list_styles(CELL_LISTS):
                for block in rest:
                    if isinstance(block, m.Paragraph) and block.role is None:
                        self.inlines(self.target(self.paragraph(style)), block.children)
                    else:
                        self.visit(block)
        finally:
            self.container = outer

    def visit_figure(self, block: m.Figure) -> None:
        paragraph = self.paragraph("Figure")
        if not self.picture(paragraph, block):
            # no usable image: the alt text keeps the information in the document,
            # in italics to read as a stand-in rather than as body text
            self.text(self.target(paragraph), block.alt, Look(italic=True))
        if block.caption:  # under the figure, centred and regular, as the PDF's figcaption
            self.inlines(self.target(self.paragraph("Figure Caption")), block.caption)

    def picture(self, paragraph: Paragraph, block: m.Figure) -> bool:
        if block.chart is not None:  # a chart made from the data: its high-resolution PNG
            shape = paragraph.add_run().add_picture(io.BytesIO(block.chart.png), width=Pt(block.chart.width_pt))
            return self.place(shape, block)
        # Like the HTML writer: only a file really under templates/ (resolved,
        # no symlink out, no absolute path); anything else is a WriterError.
        path = template_file(self.options.templates, block.src)
        if path.suffix.lower() not in RASTER_SUFFIXES:
            return False
        try:
            shape = paragraph.add_run().add_picture(str(path))
        except UnrecognizedImageError:
            return False
        return self.place(shape, block)

    def place(self, shape: Any, block: m.Figure) -> bool:
        """Fit a picture to the text width and give it its alt text (``descr``)."""
        if shape.width > self.text_width:
            shape.height = Emu(int(shape.height * self.text_width / shape.width))
            shape.width = self.text_width
        oxml.set_alt_text(shape, block.alt, f"Figure {self.next_figure}", m.plain_text(block.caption).strip())
        self.next_figure += 1
        return True

    def visit_contents(self, block: m.Contents) -> None:
        """A TOC field whose cached result already lists the H1/H2 headings,
        each a hyperlink to its heading's bookmark.

        No ``w:updateFields``: Word and LibreOffice open the document without a
        prompt and show the cached entries as they are. Page numbers only when
        a layout pass gave them (``--docx-page-numbers``, LibreOffice);
        otherwise Word adds them when the field is updated (F9, "Update
        Field", or printing with "Update fields before printing"), LibreOffice
        with Tools > Update > Update All."""
        self.text(self.target(self.paragraph("TOC Heading")), block.title, Look())
        entries = [h for h in self.document.blocks() if isinstance(h, m.Heading) and h.level <= m.TOC_LEVELS]
        if not entries:
            paragraph = self.paragraph("TOC 1")
            oxml.begin_field(oxml.paragraph_xml(paragraph), TOC_FIELD)
            oxml.end_field(oxml.paragraph_xml(paragraph))
            return
        for index, heading in enumerate(entries):
            paragraph = self.paragraph(f"TOC {heading.level}")
            if index == 0:
                oxml.begin_field(oxml.paragraph_xml(paragraph), TOC_FIELD)
            bookmark = bookmark_name(heading.id)
            link = oxml.add_hyperlink(oxml.paragraph_xml(paragraph), anchor=bookmark)
            self.text(Target(paragraph, self.docx.part, link, linked=True), m.plain_text(heading.children), Look())
            page = self.toc_pages.get(bookmark)
            if page:  # known from a layout pass (pages.py): as Word writes its own entries,
                # a tab to the dotted right tab stop and the page as a PAGEREF field
                Run(oxml.append_run(link), paragraph).add_tab()
                oxml.add_field(link, f"PAGEREF {bookmark} \\h", page)
            if index == len(entries) - 1:
                oxml.end_field(oxml.paragraph_xml(paragraph))

    def visit_source_list(self, block: m.SourceList) -> None:
        """ "[n]<tab>Title. address. Items: Q34, Q56." in the Bibliography style,
        every piece as the model words it (``transforms.source_entry_text``).

        The numbers are written, not generated by Word's list numbering, so that
        they always equal the numbers the reference markers print; each numbered
        entry is bookmarked (``src_N``) for the markers' internal links."""
        for entry in block.entries:
            paragraph = self.paragraph("Bibliography")
            target = self.target(paragraph)
            number = f"[{entry.number}]\t" if block.numbered else ""
            self.pieces(target, [(number, False), (entry.cite, True), (" ", False)])
            self.link(target, entry.url, [m.Text(urls.breakable(entry.display))], Look())
            self.pieces(target, [(entry.end, False), (" ", False), (entry.details, True)]
                        if entry.details else [(entry.end, False)])
            if block.numbered:
                oxml.add_bookmark(paragraph, self.next_bookmark, source_bookmark(entry.number))
                self.next_bookmark += 1

    # --- inlines --------------------------------------------------------------

    def target(self, paragraph: Paragraph) -> Target:
        return Target(paragraph, self.docx.part)

    def inlines(self, target: Target, inlines: list[m.Inline], look: Look | None = None) -> None:
        # No visit_citation: calls are numbered and joined into references
        # (transforms.py) before writing, so a bare one is an error.
        for node, following in zip(inlines, [*inlines[1:], None], strict=True):
            if isinstance(node, m.Text) and isinstance(following, m.Reference):
                node = m.Text(glue_before_reference(node.text))  # no marker alone at a line start
            self.visit(node, target, look or Look())

    def visit_text(self, node: m.Text, target: Target, look: Look) -> None:
        self.phrase(target, node.text, look)

    def visit_code(self, node: m.Code, target: Target, look: Look) -> None:
        self.text(target, node.text, replace(look, style=look.style or "Code"))

    def visit_line_break(self, node: m.LineBreak, target: Target, look: Look) -> None:
        target.run().add_break()

    def visit_strong(self, node: m.Strong, target: Target, look: Look) -> None:
        self.inlines(target, node.children, replace(look, bold=True))

    def visit_emph(self, node: m.Emph, target: Target, look: Look) -> None:
        self.inlines(target, node.children, replace(look, italic=True))

    def visit_link(self, node: m.Link, target: Target, look: Look) -> None:
        self.link(target, node.url, node.children, look)

    def visit_span(self, node: m.Span, target: Target, look: Look) -> None:
        """Text in another language: ``w:lang`` on its runs and, when its
        direction differs from the text around it, kept in its own direction
        (an English sentence inside Arabic keeps its number at its start and its
        full stop at its end): see :meth:`isolated`."""
        look = replace(look, lang=node.lang)
        if node.dir == (look.dir or self.meta.dir):
            self.inlines(target, node.children, look)
            return
        with self.isolated(target, node.dir, look) as inner:
            self.inlines(target, node.children, inner)

    @contextmanager
    def isolated(self, target: Target, direction: str, look: Look) -> Iterator[Look]:
        """Runs written inside keep ``direction``: they are bracketed by
        left-to-right (or right-to-left) marks, which the bidi algorithm of
        every reader honours (ECMA-376 Part 1, Annex I.7, keeps LRM/RLM as
        text). Not ``w:dir``, Open XML's embedding element: pandoc, python-docx
        and LibreOffice drop or ignore what is inside it."""
        mark, around = (LRM, RLM) if direction == "ltr" else (RLM, LRM)
        inner = replace(look, dir=direction, style=None if look.style == "Hyperlink" else look.style)
        # Inside, the marks keep the span's first number and final full stop
        # with it; outside, the surrounding direction's marks keep the text
        # around out of it ("Date: 30 نوفمبر 2026" stays in Arabic order).
        self.run(target, around + mark, inner, rtl=direction == "rtl")
        yield replace(look, dir=direction)
        self.run(target, mark + around, inner, rtl=direction == "rtl")

    def phrase(self, target: Target, text: str, look: Look) -> None:
        """Text of the document: in right-to-left text, a piece with Latin letters
        and no Arabic one (an untranslated phrase, a Spanish title) is kept left
        to right as a whole, its final full stop included, like a span."""
        if (look.dir or self.meta.dir) == "rtl" and bidi.has_ltr(text) and not bidi.has_rtl(text):
            with self.isolated(target, "ltr", look) as inner:
                self.text(target, text, inner)
        else:
            self.text(target, text, look)

    def pieces(self, target: Target, pieces: list[tuple[str, bool]]) -> None:
        """Written text made of pieces, ``True`` for a phrase (a title) that is
        kept in its own direction inside right-to-left text; in left-to-right
        text one run, as ever."""
        if self.meta.dir == "ltr":
            self.text(target, "".join(text for text, _ in pieces), Look())
            return
        for text, phrase in pieces:
            (self.phrase if phrase else self.text)(target, text, Look())

    def text(self, target: Target, text: str, look: Look) -> None:
        """Runs of ``text``: one, or in right-to-left text one per direction
        (:mod:`bidi`), ``w:rtl`` on the right-to-left ones only."""
        if not text:
            return
        if look.dir == "ltr" or (look.dir is None and self.meta.dir == "ltr" and not bidi.has_rtl(text)):
            self.run(target, text, look, rtl=False)
            return
        for piece, rtl in bidi.segments(text):
            self.run(target, piece, look, rtl)

    def run(self, target: Target, text: str, look: Look, rtl: bool) -> None:
        run = target.run()
        oxml.set_new_run_text(run, text)  # lxml escapes <, & ...: answers never become markup
        if look.bold:
            run.bold = True
        if look.italic and m.has_italic(self.meta.lang):
            run.italic = True
        if look.style:
            self.set_style(run, look.style)
        if rtl:
            oxml.set_run_rtl(oxml.run_xml(run))
        if look.lang:
            oxml.set_run_lang(oxml.run_xml(run), language_slots(look.lang))
        if is_east_asian(look.lang or self.meta.lang) and CJK_PUNCTUATION.search(text):
            # "——" and “ ” are in both the Latin and the East Asian font slots;
            # without the hint Word and LibreOffice draw them with the Latin
            # font (Calibri's short dash, two dashes where Chinese has one bar)
            oxml.set_run_hint(oxml.run_xml(run), "eastAsia")

    def link(self, target: Target, url: str, children: list[m.Inline], look: Look) -> None:
        """A hyperlink; in right-to-left text one whose text has no right-to-left
        letter (an address, a Latin name) is isolated left to right, so that a
        final "/" or ")" stays at its end."""
        if target.linked:  # a link inside a link: Word cannot nest them
            self.inlines(target, children, look)
            return
        if (look.dir or self.meta.dir) == "rtl" and not bidi.has_rtl(m.plain_text(children)):
            with self.isolated(target, "ltr", look) as inner:
                self.link_runs(target, url, children, inner)
        else:
            self.link_runs(target, url, children, look)

    def link_runs(self, target: Target, url: str, children: list[m.Inline], look: Look) -> None:
        r_id = target.part.relate_to(url, RT.HYPERLINK, is_external=True)
        inside = replace(target, element=oxml.add_hyperlink(target.xml, r_id=r_id), linked=True)
        self.inlines(inside, children, replace(look, style="Hyperlink"))

    def visit_reference(self, node: m.Reference, target: Target, look: Look) -> None:
        """ "[12]" or "[3, 5–7; 12, p. 31]": each number an internal link to the
        bookmark of its entry in the sources list, the rest plain text."""
        for part in node.parts:
            text = marker_text(part.text)  # the marker does not break across lines
            if not part.number or target.linked:  # no link inside a link
                self.text(target, text, look)
                continue
            inside = replace(target, element=oxml.add_hyperlink(target.xml, anchor=source_bookmark(part.number)),
                             linked=True)
            self.text(inside, text, replace(look, style="Hyperlink"))


# --- helpers ------------------------------------------------------------------


def bookmark_name(heading_id: str) -> str:
    """The Word bookmark of a heading: its id (unique, made by
    ``transforms.heading_ids``) where Word accepts it (a letter first, at most
    40 characters), else a hidden ``_Toc`` name derived from the id, so that
    the same heading always gets the same bookmark."""
    if _BOOKMARK_OK.fullmatch(heading_id):
        return heading_id
    return "_Toc" + hashlib.sha1(heading_id.encode()).hexdigest()[:12]


def source_bookmark(number: int) -> str:
    """The bookmark of a numbered source's entry (Word names: letters, digits, "_")."""
    return f"src_{number}"


def _widths(widths: list[float], columns: int) -> list[float]:
    """Fractions of the text width per column; equal when unset or malformed."""
    if len(widths) != columns or any(w <= 0 for w in widths):
        return [1 / columns] * columns
    total = sum(widths)
    return [w / total for w in widths]



def _style_ids(docx: DocxDocument) -> dict[str, str | None]:
    """Each style's id by its name, None for a type's default style.

    Read once per document: python-docx looks a style up by name, and then the
    type's default, by scanning every style of the document on each
    assignment, a fifth of the writer's time (issue 16)."""
    ids: dict[str, str | None] = {style.name: style.style_id for style in docx.styles if style.name}
    for kind in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
        default = docx.styles.default(kind)
        if default is not None and default.name:
            ids[default.name] = None
    return ids


__all__ = ["REQUIRED_STYLES", "Translator", "language_slots", "language_tag"]


def _text_width(section: Section, reference: Path) -> Emu:
    """The width between the margins of a section of the ``reference`` document."""
    width, left, right = section.page_width, section.left_margin, section.right_margin
    if width is None or left is None or right is None:  # no w:pgSz or w:pgMar
        raise WriterError(f"{reference}: not a usable DOCX reference document (no page width or margins)")
    return Emu(width - left - right)
