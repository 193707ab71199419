"""Block quotes, nested lists, attributes and table cells holding blocks, in
every format, read back by independent readers: lxml (HTML), python-docx and
pandoc (DOCX), the PDF's text (pdftotext) and structure tree (pikepdf)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html

from reportgen import model as m
from reportgen import transforms
from reportgen.config import Config
from reportgen.markup import parse
from reportgen.writers.docx import write_docx
from reportgen.writers.html import write_html
from reportgen.writers.pdf import write_pdf
from tests.pdftagged import tagged_elements
from tests.test_markup import RICH  # the same Markdown the parser's test reads
from tests.writers.sample import sample_document


def rich_document() -> m.Document:
    t, p = m.Text, m.Paragraph
    cell_table = m.Table(header=[[p([t("Topic")])], [p([t("Value")])]],
                         rows=[[[p([t("Portals")])],
                                [p([t("Two:")]), m.BulletList([[t("national")], [t("open data")]])]]],
                         caption=[t("Cells with blocks")])
    meta = sample_document().meta
    return transforms.apply(m.Document(meta, [m.Section("rich", "body", [*parse(RICH), cell_table])]))


@pytest.fixture(scope="module")
def page() -> lxml_html.HtmlElement:
    return lxml_html.fromstring(write_html(rich_document(), Config()).decode("utf-8"))


def texts(elements: list) -> list[str]:
    return [" ".join(e.text_content().split()) for e in elements]


def test_html_quote_is_a_blockquote_with_its_list(page) -> None:
    [quote] = page.xpath("//blockquote")
    assert texts(quote.xpath("./p")) == ["The Government said this."]
    assert texts(quote.xpath("./ul/li")) == ["and listed this"]


def test_html_lists_nest_inside_their_items(page) -> None:
    outer = page.xpath("//main//ul[not(ancestor::li) and not(ancestor::blockquote) and not(ancestor::table)]")[0]
    assert texts(outer.xpath("./li/ul/li")) == ["inner one", "inner two"]
    assert texts(outer.xpath("./li/ol/li")) == ["first numbered", "second numbered"]
    assert [li.text.strip() for li in outer.xpath("./li")] == ["outer one", "outer two"]


def test_html_attributes_become_id_class_and_data(page) -> None:
    [heading] = page.xpath("//h2[@id='facts-title']")
    assert heading.get("class") == "wide" and heading.text_content() == "Facts"
    [table] = page.xpath("//table[@id='key-facts']")
    assert (table.get("class"), table.get("data-source")) == ("compact", "answers")


def test_html_cell_holds_its_paragraph_and_list(page) -> None:
    [cell] = page.xpath("//table[caption='Cells with blocks']//td")
    assert cell.text == "Two:" and texts(cell.xpath("./ul/li")) == ["national", "open data"]


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return write_docx(rich_document(), Config())


def level(paragraph) -> int | None:
    ilvl = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:ilvl')}")
    return None if ilvl is None else int(ilvl.get(qn("w:val")))


def test_docx_quote_style_and_list_levels(docx_bytes: bytes) -> None:
    document = docx.Document(io.BytesIO(docx_bytes))
    body = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Quote", "The Government said this.") in body
    assert ("Quote Bullet", "and listed this") in body
    bullets = [(p.text, level(p)) for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == [("outer one", None), ("inner one", 1), ("inner two", 1), ("outer two", None)]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["1.\tfirst numbered", "2.\tsecond numbered"]
    style_indent = document.styles["List Number"].paragraph_format.left_indent
    assert all(p.paragraph_format.left_indent > style_indent for p in numbered)  # one level in


def _styled(paragraph, tag: str):
    """``tag`` under ``w:pPr`` (or ``w:rPr`` for run properties) of the
    paragraph, else of its style and the styles it is based on."""
    if paragraph._p.pPr is not None and paragraph._p.pPr.find(qn(tag)) is not None:
        return paragraph._p.pPr.find(qn(tag))
    style = paragraph.style
    while style is not None:
        found = style.element.find(f"{qn('w:pPr')}/{qn(tag)}")
        if found is None:
            found = style.element.find(f"{qn('w:rPr')}/{qn(tag)}")
        if found is not None:
            return found
        style = style.base_style
    return None


def _numbering_ind(document, paragraph):
    """The ``w:ind`` of the numbering level a paragraph's style gives it."""
    num_pr = _styled(paragraph, "w:numPr")
    if num_pr is None:
        return None
    num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
    ilvl = level(paragraph) or 0
    numbering = document.part.numbering_part.element
    [num] = [n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id]
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    [abstract] = [a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id]
    [lvl] = [x for x in abstract.findall(qn("w:lvl")) if x.get(qn("w:ilvl")) == str(ilvl)]
    return lvl.find(f"{qn('w:pPr')}/{qn('w:ind')}")


def _outer_edge(document, paragraph) -> int:
    """Where the paragraph's leftmost line starts, in twips: its left indent
    less a hanging first line (a bullet or a written number), from the
    paragraph, its style chain or (style first, as Word resolves it) its numbering."""
    ind = _styled(paragraph, "w:ind")
    if ind is None or ind.get(qn("w:left")) is None:
        ind = _numbering_ind(document, paragraph)
    assert ind is not None, paragraph.text
    left = int(ind.get(qn("w:left"), "0"))
    hanging = int(ind.get(qn("w:hanging"), "0")) or -int(ind.get(qn("w:firstLine"), "0"))
    return left - max(hanging, 0)


def test_docx_every_line_of_a_quote_sits_inside_its_rule(docx_bytes: bytes) -> None:
    """The quote's list items too: the same left rule as the quote's text, and
    no line (the bullet included) starting left of the quote's indent."""
    document = docx.Document(io.BytesIO(docx_bytes))
    quote = [p for p in document.paragraphs if p.text in ("The Government said this.", "and listed this")]
    assert len(quote) == 2
    rules = [_styled(p, "w:pBdr") for p in quote]
    assert all(r is not None and r.find(qn("w:left")) is not None for r in rules)
    assert len({tuple(sorted(r.find(qn("w:left")).attrib.items())) for r in rules}) == 1
    edges = [_outer_edge(document, p) for p in quote]
    assert edges[1] == edges[0] > 0, edges  # the bullet at the quote's text edge
    # and its right indent on the item itself, where LibreOffice reads it for a numbered paragraph
    assert quote[1].paragraph_format.right_indent == document.styles["Quote"].paragraph_format.right_indent


def _size(paragraph) -> float:
    style = paragraph.style
    while style.font.size is None:
        style = style.base_style
    return style.font.size.pt


def test_docx_cell_holds_its_paragraph_and_list(docx_bytes: bytes) -> None:
    table = docx.Document(io.BytesIO(docx_bytes)).tables[-1]
    cell = table.rows[1].cells[1]
    assert [(p.style.name, p.text) for p in cell.paragraphs] == [
        ("Table Text", "Two:"), ("Table Bullet", "national"), ("Table Bullet", "open data")]
    # the bullets and their text in the cell's size, not the body's
    assert {_size(p) for p in cell.paragraphs} == {9.5}


def test_pandoc_reads_a_block_quote_and_nested_lists(docx_bytes: bytes, tmp_path: Path) -> None:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed (make test installs it)")
    path = tmp_path / "rich.docx"
    path.write_bytes(docx_bytes)
    ast = json.loads(subprocess.run(["pandoc", "-f", "docx", "-t", "json", str(path)],
                                    capture_output=True, text=True, check=True).stdout)
    kinds: list[str] = []

    def walk(node: object, inside: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            kind = node.get("t", "")
            if kind in ("BlockQuote", "BulletList", "OrderedList"):
                kinds.append("/".join((*inside, kind)))
                inside = (*inside, kind)
            for value in node.values():
                walk(value, inside)
        elif isinstance(node, list):
            for value in node:
                walk(value, inside)

    walk(ast["blocks"], ())
    assert "BlockQuote" in kinds
    assert "BulletList/BulletList" in kinds  # "inner one" nested in "outer one"


def test_pdf_keeps_quote_and_nesting_in_text_and_tags(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (make test installs it)")
    path = tmp_path / "rich.pdf"
    path.write_bytes(write_pdf(rich_document(), Config()))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    order = ["The Government said this.", "and listed this", "outer one", "inner one", "inner two",
             "outer two", "first numbered", "second numbered", "Two:", "national", "open data"]
    positions = [text.find(words) for words in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions, strict=True))
    tagged = tagged_elements(path, {"/BlockQuote"})
    assert [" ".join(t.split()) for _, t, _ in tagged] == ["The Government said this.• and listed this"]


def attributed_document() -> m.Document:
    from tests.test_markup import PARAGRAPH_ATTRIBUTES

    meta = sample_document().meta
    section = m.Section("notes", "body", parse(PARAGRAPH_ATTRIBUTES), m.Attr(classes=["two-columns"]))
    return transforms.apply(m.Document(meta, [section]))


def test_html_writes_a_paragraphs_and_a_sections_attributes() -> None:
    page = lxml_html.fromstring(write_html(attributed_document(), Config()).decode("utf-8"))
    [section] = page.xpath("//section[@data-section='notes']")
    assert section.get("class").split() == ["body", "two-columns"]
    [note] = section.xpath(".//p[@id='why']")
    assert (note.get("class").split(), note.get("data-basis")) == (["note", "wide"], "answers")
    assert section.xpath(".//p[text()='A lead.']")[0].get("class") == "lead"
    assert section.xpath(".//p[text()='Plain text in a box.']")[0].get("class") == "boxed"


def test_docx_shows_a_paragraphs_role_and_ignores_what_it_cannot_show() -> None:
    document = docx.Document(io.BytesIO(write_docx(attributed_document(), Config())))
    assert [(p.style.name, p.text) for p in document.paragraphs] == [
        ("Note", "Read from the details."), ("Lead", "A lead."), ("Body Text", "Plain text in a box.")]
