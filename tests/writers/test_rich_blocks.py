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
    bullets = [(p.text, level(p)) for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == [("and listed this", 1), ("outer one", None), ("inner one", 1), ("inner two", 1),
                       ("outer two", None)]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["1.\tfirst numbered", "2.\tsecond numbered"]
    style_indent = document.styles["List Number"].paragraph_format.left_indent
    assert all(p.paragraph_format.left_indent > style_indent for p in numbered)  # one level in


def test_docx_cell_holds_its_paragraph_and_list(docx_bytes: bytes) -> None:
    table = docx.Document(io.BytesIO(docx_bytes)).tables[-1]
    cell = table.rows[1].cells[1]
    assert [(p.style.name, p.text) for p in cell.paragraphs] == [
        ("Table Text", "Two:"), ("List Bullet", "national"), ("List Bullet", "open data")]


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
