"""Generate ``templates/reference.docx``: the styles of the DOCX country profile.

The DOCX writer takes every style, the page setup and the settings from this
file (pandoc's ``--reference-doc`` convention), so the look of the profile is
designed here, in code, and can be regenerated and reviewed::

    .venv/bin/python scripts/make_reference_docx.py [OUTPUT]

It starts from python-docx's default template, removes what we do not use
(its 150 table styles, thumbnail, legacy numbering) and defines our styles. The
output is byte-for-byte reproducible. Raw XML goes through
``reportgen.writers.docx.oxml`` like the writer's.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.styles.style import BaseStyle

from reportgen.writers.docx import oxml, package
from reportgen.writers.docx.translator import REQUIRED_STYLES

OUTPUT = Path(__file__).resolve().parents[1] / "templates" / "reference.docx"
STAMP = date(2024, 1, 1)  # fixed: the file must not change when nothing changed

# Calibri: in every Word installation, and LibreOffice renders it with the
# metric-compatible Carlito, so line and page breaks agree between the two.
FONT = "Calibri"
FONT_ALT = "Carlito"
# The other scripts' slots (w:eastAsia, w:cs): the profile's Chinese and Arabic
# faces, as in the PDF (docs/templates.md, "Right to left and fonts in the DOCX").
# Calibri has neither script; without them Word and LibreOffice would fall back
# to whatever the machine has.
EAST_ASIAN_FONT = "Noto Sans CJK SC"
COMPLEX_FONT = "Noto Naskh Arabic"
# w:lang slots: Word picks one by each character's script (Latin, Chinese, Arabic);
# the writer replaces the slot of the profile's own language.
LANGS = {"val": "en-GB", "eastAsia": "zh-CN", "bidi": "ar-SA"}
CODE_FONT = "Courier New"  # LibreOffice: metric-compatible Liberation Mono
UN_BLUE = "009EDB"  # rules and borders only: 3.0:1 on white is too faint for text (WCAG 1.4.3)
UN_BLUE_DARK = "00689D"  # text in blue and the fill behind white text: 6.0:1, as the PDF's CSS
LINK_BLUE = "0069A6"  # UN blue darkened to 5.5:1 contrast on white for link text
TEXT = "262626"
GREY = "595959"
FIGURE_GREY = "444444"  # the PDF's figcaption colour
HAIRLINE = "BFBFBF"
BAND = "EEF7FD"
RED = "C00000"

# python-docx template styles we keep besides ours (Word expects the defaults).
KEEP = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "Table Grid"}

P, C, T = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE
# Word 2010's duplicate of styles.xml in python-docx's template; Word rebuilds it.
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    document = docx.Document()
    prune(document)
    set_up_page(document)
    oxml.set_doc_defaults(document, (FONT, EAST_ASIAN_FONT, COMPLEX_FONT), 21, LANGS)
    oxml.describe_font(document, FONT, FONT_ALT)
    oxml.describe_font(document, EAST_ASIAN_FONT, charset="86")  # GB 2312
    oxml.describe_font(document, COMPLEX_FONT, charset="B2", family="roman")  # Arabic; a Naskh has contrast
    oxml.replace_numbering(document, oxml.bullet_numbering_xml(FONT, UN_BLUE, QUOTE_INDENT))
    oxml.tidy_settings(document, compatibility_mode=15)
    design_styles(document)
    write_specimen(document)
    set_properties(document)
    output.write_bytes(package.reproducible_zip(package.save(document), STAMP))
    print(f"wrote {output}")
    return 0


# --- package ----------------------------------------------------------------------


def prune(document: DocxDocument) -> None:
    """Drop the template's unused styles and parts, so the reference holds only ours."""
    for style in list(document.styles):
        if style.name not in KEEP and style.name not in REQUIRED_STYLES:
            style.delete()
    oxml.drop_relationships(document.part, {RT.CUSTOM_XML, STYLES_WITH_EFFECTS})
    oxml.drop_relationships(document.part.package, {RT.THUMBNAIL})
    oxml.replace_app_properties(document, "reportgen")


def set_up_page(document: DocxDocument) -> None:
    """A4, 2.5 cm margins, header and footer 1.25 cm from the page edge."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", Cm(2.5))
    section.header_distance = section.footer_distance = Cm(1.25)
    section.gutter = Cm(0)


def set_properties(document: DocxDocument) -> None:
    props = document.core_properties
    stamp = datetime.combine(STAMP, time(0, 0), tzinfo=UTC)
    props.title = "E-Government Country Profile — reference document"
    props.author = props.last_modified_by = "reportgen"
    props.comments = "Styles for reportgen's DOCX writer; regenerate with scripts/make_reference_docx.py"
    props.created = props.modified = stamp
    props.revision = 1


# --- styles -----------------------------------------------------------------------


def design_styles(document: DocxDocument) -> None:
    for design in (base_styles, cover_styles, heading_styles, text_styles, table_styles,
                   note_styles, contents_styles, page_styles):
        design(document)
    for designed in document.styles:
        oxml.mirror_complex_script(designed)


def style(document: DocxDocument, name: str, kind: WD_STYLE_TYPE, based_on: str | None = None,
          quick: bool = False) -> BaseStyle:
    """Our version of ``name``: the template's (emptied) or a new one."""
    styles = document.styles
    if name in [s.name for s in styles]:
        found = styles[name]
        oxml.reset_style(found)
    else:
        # builtin: Word knows these names (Footnote Text, TOC 1 ...) and ties its
        # features to them, so they must not be marked as custom styles
        found = styles.add_style(name, kind, builtin=name not in CUSTOM)
    if based_on:
        found.base_style = styles[based_on]
    found.hidden = False
    found.unhide_when_used = False
    found.quick_style = quick
    return found


CUSTOM = {"Lead", "Cover Status", "Note", "Profile Table", "Table Text", "Table Heading",
          "Figure", "Figure Caption", "Code", "Internal Notice", "Quote Bullet", "Quote Number",
          "Table Bullet", "Table Number"}
QUOTE_INDENT = 567  # twips: a block quote's indent from each margin (1 cm)
LIST_INDENT = 357  # twips: a list's text from its bullet or number, and each nesting level


def font(target: BaseStyle, size: float | None = None, color: str | None = None,
         bold: bool | None = None, italic: bool | None = None) -> None:
    if size is not None:
        target.font.size = Pt(size)
    if color is not None:
        target.font.color.rgb = RGBColor.from_string(color)
    target.font.bold = bold
    target.font.italic = italic


def spacing(target: BaseStyle, before: float = 0, after: float = 0, line: float = 1.0,
            keep_with_next: bool | None = None) -> None:
    fmt = target.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
    fmt.keep_with_next = keep_with_next
    fmt.widow_control = True


def base_styles(document: DocxDocument) -> None:
    normal = style(document, "Normal", P)
    font(normal, color=TEXT)
    spacing(normal, line=1.15)
    body = style(document, "Body Text", P, "Normal", quick=True)
    spacing(body, after=8, line=1.25)
    code = style(document, "Code", C)
    oxml.set_fonts(code.element, CODE_FONT)
    font(code, size=9.5)
    link = style(document, "Hyperlink", C)
    font(link, color=LINK_BLUE)
    link.font.underline = True
    for unchecked in (code, link):
        unchecked.font.no_proof = True  # URLs and code are not misspelt words


def cover_styles(document: DocxDocument) -> None:
    title = style(document, "Title", P, "Normal", quick=True)
    font(title, size=44, color=TEXT, bold=True)
    spacing(title, before=150, after=2, keep_with_next=True)
    subtitle = style(document, "Subtitle", P, "Normal", quick=True)
    font(subtitle, size=22, color=UN_BLUE_DARK)
    spacing(subtitle, after=20, keep_with_next=True)
    oxml.set_paragraph_border(subtitle, "bottom", 18, UN_BLUE, 14)
    lead = style(document, "Lead", P, "Normal", quick=True)
    font(lead, size=14, color=GREY)
    spacing(lead, before=6, after=6, line=1.2)
    status = style(document, "Cover Status", P, "Normal", quick=True)
    font(status, size=11, color=UN_BLUE_DARK, bold=True)
    spacing(status, before=40)


def heading_styles(document: DocxDocument) -> None:
    for level, size, color, before, after in ((1, 18, UN_BLUE_DARK, 24, 10), (2, 13.5, UN_BLUE_DARK, 16, 6),
                                              (3, 11, TEXT, 12, 4)):
        heading = style(document, f"Heading {level}", P, "Normal", quick=True)
        heading.next_paragraph_style = document.styles["Body Text"]
        font(heading, size=size, color=color, bold=True)
        spacing(heading, before=before, after=after, keep_with_next=True)
        heading.paragraph_format.keep_together = True
        oxml.set_outline_level(heading, level - 1)
    oxml.set_paragraph_border(document.styles["Heading 1"], "bottom", 6, UN_BLUE, 4)


def text_styles(document: DocxDocument) -> None:
    bullet = style(document, "List Bullet", P, "Body Text", quick=True)
    spacing(bullet, after=4, line=1.25)
    oxml.set_numbering(bullet, oxml.BULLETS)
    numbered = style(document, "List Number", P, "Body Text", quick=True)  # "1.\t" written by the writer
    spacing(numbered, after=4, line=1.25)
    hang(numbered, LIST_INDENT)
    # A block quote: set off by its indent and a rule at its start side (which
    # mirrors in right-to-left text), not by italics (Arabic and Chinese have none).
    quote = style(document, "Quote", P, "Body Text", quick=True)
    font(quote, color=GREY)
    quote.paragraph_format.left_indent = Twips(QUOTE_INDENT)
    quote.paragraph_format.right_indent = Twips(QUOTE_INDENT)
    oxml.set_paragraph_border(quote, "left", 12, UN_BLUE, 8)
    # A list in a quote: the quote's look, rule and indents, its bullets at the
    # quote's text edge (numbering QUOTE_BULLETS: the bullet levels moved in by
    # the quote's indent), so that every line of the quote sits inside its rule.
    # Not based on Quote: a style's own left indent would win over its
    # numbering's, and nested items would no longer step in.
    quote_bullet = style(document, "Quote Bullet", P, "Body Text")
    font(quote_bullet, color=GREY)
    quote_bullet.paragraph_format.right_indent = Twips(QUOTE_INDENT)
    oxml.set_paragraph_border(quote_bullet, "left", 12, UN_BLUE, 8)
    spacing(quote_bullet, after=4, line=1.25)
    oxml.set_numbering(quote_bullet, oxml.QUOTE_BULLETS)
    quote_number = style(document, "Quote Number", P, "Quote")
    spacing(quote_number, after=4, line=1.25)
    hang(quote_number, QUOTE_INDENT + LIST_INDENT)
    note = style(document, "Note", P, "Body Text", quick=True)
    font(note, size=9, color=GREY, italic=True)
    # Table captions: above the table, bold, in UN blue, at the start side, as
    # the PDF's <caption> (print.css).
    caption = style(document, "Caption", P, "Normal", quick=True)
    font(caption, size=9.5, color=UN_BLUE_DARK, bold=True)
    spacing(caption, before=12, after=6, keep_with_next=True)
    figure = style(document, "Figure", P, "Normal")
    spacing(figure, before=12, after=4, keep_with_next=True)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # A figure's or chart's caption: under it, centred, regular, small and
    # grey, as the PDF's <figcaption> (print.css: 8.5 pt, #444, 1.5 mm above).
    figure_caption = style(document, "Figure Caption", P, "Normal")
    font(figure_caption, size=8.5, color=FIGURE_GREY)
    spacing(figure_caption, before=4, after=10)
    figure_caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def hang(target: BaseStyle, indent: int) -> None:
    """Text at ``indent`` twips, the first line (its written number) hanging one
    list indent to the left, with a tab stop where the text starts."""
    target.paragraph_format.left_indent = Twips(indent)
    target.paragraph_format.first_line_indent = Twips(-LIST_INDENT)
    target.paragraph_format.tab_stops.add_tab_stop(Twips(indent))


def table_styles(document: DocxDocument) -> None:
    table = style(document, "Profile Table", T, "Normal Table", quick=True)
    oxml.design_table_style(table, rule=UN_BLUE, grid=HAIRLINE, header_fill=UN_BLUE_DARK,
                            header_text="FFFFFF", band_fill=BAND)
    cell = style(document, "Table Text", P, "Normal")
    font(cell, size=9.5)
    spacing(cell, before=2, after=2, line=1.1)
    head = style(document, "Table Heading", P, "Table Text")
    font(head, color="FFFFFF", bold=True)
    head.paragraph_format.keep_with_next = True
    # A list in a cell: the cell's text size and spacing (not the body's), its
    # bullets at the cell's edge.
    cell_bullet = style(document, "Table Bullet", P, "Table Text")
    oxml.set_numbering(cell_bullet, oxml.BULLETS)
    cell_number = style(document, "Table Number", P, "Table Text")
    hang(cell_number, LIST_INDENT)


def note_styles(document: DocxDocument) -> None:
    text = style(document, "Footnote Text", P, "Normal")
    font(text, size=8.5)
    spacing(text, after=2, line=1.0)
    ref = style(document, "Footnote Reference", C)
    ref.font.superscript = True
    ref.font.color.rgb = RGBColor.from_string(LINK_BLUE)  # UN blue is too faint at 6 pt
    bib = style(document, "Bibliography", P, "Normal")
    font(bib, size=9.5)
    spacing(bib, after=6, line=1.15)
    bib.paragraph_format.left_indent, bib.paragraph_format.first_line_indent = Cm(1), Cm(-1)
    bib.paragraph_format.tab_stops.add_tab_stop(Cm(1))


def contents_styles(document: DocxDocument) -> None:
    heading = style(document, "TOC Heading", P, "Normal")
    font(heading, size=18, color=UN_BLUE_DARK, bold=True)
    spacing(heading, before=24, after=18, keep_with_next=True)  # as Heading 1
    oxml.set_outline_level(heading, 9)  # not itself listed in the contents
    for level, size, bold, indent, before in ((1, 11, True, 0, 8), (2, 10.5, None, 0.6, 0)):
        entry = style(document, f"TOC {level}", P, "Normal")
        font(entry, size=size, bold=bold)
        spacing(entry, before=before, after=3)
        entry.paragraph_format.left_indent = Cm(indent)
        # Word puts the page numbers here when it refreshes the TOC field
        entry.paragraph_format.tab_stops.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def page_styles(document: DocxDocument) -> None:
    header = style(document, "Header", P, "Normal")
    font(header, size=8.5, color=GREY)
    spacing(header, after=0)
    oxml.set_paragraph_border(header, "bottom", 4, HAIRLINE, 4)
    footer = style(document, "Footer", P, "Normal")
    font(footer, size=8.5, color=GREY)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    notice = style(document, "Internal Notice", P, "Normal")
    font(notice, size=9, color=RED, bold=True)
    notice.font.all_caps = True
    spacing(notice, after=4)
    notice.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


# --- specimen ---------------------------------------------------------------------

SPECIMEN = ("Title", "Subtitle", "Lead", "Cover Status", "TOC Heading", "TOC 1", "TOC 2",
            "Heading 1", "Body Text", "Heading 2", "List Bullet", "List Number", "Heading 3", "Note", "Caption",
            "Bibliography")


def write_specimen(document: DocxDocument) -> None:
    """One paragraph per style, so that a designer opening the file sees them all.
    The writer empties the body before writing a profile."""
    oxml.clear_body(document)
    for name in SPECIMEN:
        document.add_paragraph(f"{name} style", style=name)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
