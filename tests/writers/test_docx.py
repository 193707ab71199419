"""The DOCX writer: structure read back with python-docx, raw parts, pandoc and LibreOffice."""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import docx.text.paragraph
import pytest
import tinycss2
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from reportgen import model as m
from reportgen import transforms
from reportgen.config import Config
from reportgen.errors import WriterError
from reportgen.linebreaks import marker_text
from reportgen.writers import TEMPLATES
from reportgen.writers.docx import REQUIRED_STYLES, write_docx
from reportgen.writers.docx.translator import language_tag
from tests.writers.docx_golden import compare_docx_parts
from tests.writers.office import convert_to_pdf
from tests.writers.sample import sample_document

GOLDEN = Path(__file__).parent / "golden"
REFERENCE = TEMPLATES / "reference.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = qn("r:id")


# --- fixtures and helpers -------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> m.Document:
    return sample_document()


@pytest.fixture(scope="module")
def sample_bytes(sample: m.Document) -> bytes:
    return write_docx(sample, Config())


@pytest.fixture(scope="module")
def sample_docx(sample_bytes: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(sample_bytes))


def part_xml(docx_bytes: bytes, member: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return etree.fromstring(archive.read(member))


def relationships(docx_bytes: bytes, member: str) -> dict[str, str]:
    """rId -> target of a part's relationships."""
    rels = part_xml(docx_bytes, member)
    return {rel.get("Id"): rel.get("Target") for rel in rels}


def headings(document: m.Document) -> list[m.Heading]:
    return [b for b in document.blocks() if isinstance(b, m.Heading)]


def links(document: m.Document) -> set[str]:
    found = set()
    for block in document.blocks():
        for run in m.block_inlines(block):
            found |= {n.url for n in m.walk_inlines(run) if isinstance(n, m.Link)}
    return found


def source_urls(document: m.Document) -> set[str]:
    return {e.url for b in document.blocks() if isinstance(b, m.SourceList) for e in b.entries}


def without_style(tmp_path: Path, name: str) -> Path:
    """A copy of the reference document lacking one style."""
    reference = docx.Document(str(REFERENCE))
    reference.styles[name].delete()
    path = tmp_path / "reference.docx"
    reference.save(str(path))
    return path


def tiny_png() -> bytes:
    """A valid 2x1 RGB PNG, built by hand so that the test needs no image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00\x9e\xdb" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# --- reference document -----------------------------------------------------------


def test_reference_has_every_style_the_writer_uses() -> None:
    styles = {style.name: style.type for style in docx.Document(str(REFERENCE)).styles}
    for name, kind in REQUIRED_STYLES.items():
        assert styles.get(name) == kind, name


@pytest.mark.parametrize("name", ["Bibliography", "Profile Table", "Footnote Reference"])
def test_missing_style_is_a_writer_error_naming_it(tmp_path: Path, name: str) -> None:
    options = Config(reference_docx=without_style(tmp_path, name))
    with pytest.raises(WriterError, match=name):
        write_docx(sample_document(), options)


def test_missing_reference_is_a_writer_error(tmp_path: Path) -> None:
    with pytest.raises(WriterError, match="not found"):
        write_docx(sample_document(), Config(reference_docx=tmp_path / "none.docx"))


def test_reference_with_footnotes_keeps_separators_and_drops_notes(sample_bytes: bytes, tmp_path: Path) -> None:
    # a previous output has a footnotes part and every style: a valid reference
    reference = tmp_path / "reference.docx"
    reference.write_bytes(sample_bytes)
    again = write_docx(sample_document(), Config(reference_docx=reference))
    ids = [n.get(qn("w:id")) for n in part_xml(again, "word/footnotes.xml").iter(f"{W}footnote")]
    assert ids == ["-1", "0"]  # the separators only: references link to the sources list
    links_before = set(relationships(sample_bytes, "word/_rels/document.xml.rels").values())
    assert set(relationships(again, "word/_rels/document.xml.rels").values()) == links_before


def audit_errors(path: Path) -> list[str]:
    """openxml-audit's errors for a DOCX (schema order, references, parts)."""
    from openxml_audit import FileFormat, OpenXmlValidator

    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=50).validate(str(path))
    return [str(error) for error in result.errors]


# --- structure read back with python-docx ---------------------------------------


def test_cover_then_contents_on_a_new_page(sample_docx: DocxDocument) -> None:
    styles = [p.style.name for p in sample_docx.paragraphs[:6]]
    assert styles == ["Lead", "Title", "Subtitle", "Lead", "Cover Status", "TOC Heading"]
    # the publisher first, as on the PDF's cover (the cover template gives it)
    assert sample_docx.paragraphs[0].text == "United Nations Department of Economic and Social Affairs"
    assert sample_docx.paragraphs[1].text == "Paraguay"
    assert sample_docx.paragraphs[5].paragraph_format.page_break_before


def test_headings_have_heading_styles_and_bookmarks(sample: m.Document, sample_docx: DocxDocument) -> None:
    found = [(p.style.name, p.text) for p in sample_docx.paragraphs if p.style.name.startswith("Heading")]
    assert found == [(f"Heading {h.level}", m.plain_text(h.children)) for h in headings(sample)]
    body = sample_docx.element.body
    bookmarks = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    numbered = [e.number for b in sample.blocks() if isinstance(b, m.SourceList) and b.numbered for e in b.entries]
    assert sorted(bookmarks) == sorted([h.id for h in headings(sample)] + [f"src_{n}" for n in numbered])


def test_contents_is_a_toc_field_with_cached_entries(sample: m.Document, sample_bytes: bytes,
                                                      sample_docx: DocxDocument) -> None:
    instructions = [i.text for i in sample_docx.element.body.iter(qn("w:instrText"))]
    assert ' TOC \\o "1-2" \\h \\z \\u ' in instructions
    entries = [(p.style.name, p.text) for p in sample_docx.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    assert entries == [(f"TOC {h.level}", m.plain_text(h.children)) for h in headings(sample) if h.level <= 2]
    # no "update fields?" prompt on every open
    assert part_xml(sample_bytes, "word/settings.xml").find(f"{W}updateFields") is None
    assert sample_docx.settings.element.find(qn("w:updateFields")) is None
    # each cached entry is a hyperlink to its heading's bookmark
    anchors = [link.get(qn("w:anchor")) for p in sample_docx.paragraphs if p.style.name in ("TOC 1", "TOC 2")
               for link in p._p.iter(qn("w:hyperlink"))]
    assert anchors == [h.id for h in headings(sample) if h.level <= 2]


def test_tables_repeat_header_and_never_split_rows(sample_docx: DocxDocument) -> None:
    (table,) = sample_docx.tables
    assert table.style.name == "Profile Table"
    assert [c.text for c in table.rows[0].cells] == ["Indicator", "Answer"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    first, second = (column.width for column in table.columns)
    assert second == pytest.approx(2 * first, rel=0.01)  # widths=[1, 2]


def test_tables_have_alt_text_and_room_after(sample_docx: DocxDocument) -> None:
    (table,) = sample_docx.tables
    properties = table._tbl.tblPr
    assert properties.find(qn("w:tblCaption")).get(qn("w:val")) == "Key facts"
    assert properties.find(qn("w:tblDescription")).get(qn("w:val")) == "Key facts: Indicator, Answer"
    following = table._tbl.getnext()
    after = docx.text.paragraph.Paragraph(following, sample_docx._body)
    space = after.paragraph_format.space_before or after.style.paragraph_format.space_before
    assert space is not None and space.pt >= 9


def test_table_without_caption_is_named_in_the_document_language() -> None:
    document = sample_document(lang="es")
    table = next(b for b in document.blocks() if isinstance(b, m.Table))
    table.caption = []
    result = docx.Document(io.BytesIO(write_docx(document, Config())))
    caption = result.tables[0]._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val"))
    assert caption in ("Tabla 1", "Table 1")  # "Tabla" once the sample's labels are translated


def test_openxml_audit_finds_no_error(sample_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "sample.docx"
    path.write_bytes(sample_bytes)
    assert audit_errors(path) == []


def test_openxml_audit_sees_a_planted_fault(sample_bytes: bytes, tmp_path: Path) -> None:
    """Proof the audit can fail: table properties in the wrong schema order."""
    path = tmp_path / "faulty.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                tree = etree.fromstring(data)
                properties = next(tree.iter(f"{W}tblPr"))
                caption = properties.find(f"{W}tblCaption")
                properties.remove(caption)
                properties.insert(0, caption)
                data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(name, data)
    path.write_bytes(out.getvalue())
    assert audit_errors(path)


def test_table_caption_is_above_the_table(sample_docx: DocxDocument) -> None:
    table = sample_docx.tables[0]._tbl
    caption = table.getprevious()
    assert caption.style == sample_docx.styles["Caption"].style_id
    assert "".join(t.text for t in caption.iter(qn("w:t"))) == "Key facts"


def test_links_are_external_hyperlinks(sample: m.Document, sample_bytes: bytes,
                                       sample_docx: DocxDocument) -> None:
    targets = {rel.target_ref for rel in sample_docx.part.rels.values() if rel.reltype == RT.HYPERLINK}
    assert targets == links(sample) | source_urls(sample)
    rels = relationships(sample_bytes, "word/_rels/document.xml.rels")
    body_links = part_xml(sample_bytes, "word/document.xml").iter(f"{W}hyperlink")
    external = [h for h in body_links if h.get(R_ID)]
    assert {rels[h.get(R_ID)] for h in external} == targets
    for hyperlink in external:
        styles = {s.get(qn("w:val")) for s in hyperlink.iter(f"{W}rStyle")}
        assert styles == {"Hyperlink"}


def test_sources_list_in_bibliography_style(sample_docx: DocxDocument) -> None:
    entries = [p for p in sample_docx.paragraphs if p.style.name == "Bibliography"]
    # the address as displayed (no scheme), breakable only after "/" and before "." (zero-width spaces), not in "www."
    assert [p.text for p in entries] == [
        "[1]\tPresidential Decree No.\u00a08942 (National ICT Plan 2022–2030). "
        "www.presidencia\u200b.gov\u200b.py/\u200bver_decreto/\u200b31861. Items: Q34, Q56.",
        "[2]\tLaw No.\u00a05282/2014 on free citizen access to public information. "
        "informacionpublica\u200b.paraguay\u200b.gov\u200b.py/\u200bpublic/\u200bley_5282\u200b.pdf. Items: Q38.",
        "Open data portal. www.datos\u200b.gov\u200b.py. Items: Q10.",
    ]
    assert [h.address for p in entries for h in p.hyperlinks] == [
        "https://www.presidencia.gov.py/ver_decreto/31861",
        "https://informacionpublica.paraguay.gov.py/public/ley_5282.pdf",
        "https://www.datos.gov.py/",
    ]


def test_text_is_escaped_not_interpreted(sample_bytes: bytes, sample_docx: DocxDocument) -> None:
    text = "\n".join(p.text for p in sample_docx.paragraphs)
    assert "<b>markup</b> & {{ 7*7 }}" in text
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as archive:
        raw = archive.read("word/document.xml").decode()
    assert "&lt;b&gt;markup&lt;/b&gt; &amp; {{ 7*7 }}" in raw
    italic = [r for p in sample_docx.paragraphs for r in p.runs if r.italic]
    assert "<b>markup</b> & {{ 7*7 }}" in [r.text for r in italic]
    assert "MITIC" in [r.text for p in sample_docx.paragraphs for r in p.runs if r.bold]


def test_unusable_figure_leaves_its_alt_text(sample_docx: DocxDocument) -> None:
    # the sample's image is an SVG (or absent): python-docx embeds only raster images
    figures = [p for p in sample_docx.paragraphs if p.style.name == "Figure"]
    assert [p.text for p in figures] == ["United Nations emblem", ""]  # the second is the chart's PNG
    assert len(sample_docx.inline_shapes) == 1


def test_chart_is_a_high_resolution_png_with_alt_text(sample: m.Document, sample_docx: DocxDocument) -> None:
    (shape,) = sample_docx.inline_shapes
    chart = next(b for b in sample.blocks() if isinstance(b, m.Figure) and b.chart)
    assert shape._inline.docPr.get("descr") == chart.alt
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    image = sample_docx.part.related_parts[blip.embed].image
    assert image.content_type == "image/png"
    assert image.px_width / (shape.width.inches) >= 290  # about 300 dpi at its printed size


def test_figure_image_with_alt_text_and_caption(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "html").mkdir(parents=True)
    shutil.copy(REFERENCE, templates / "reference.docx")
    (templates / "html" / "chart.png").write_bytes(tiny_png())
    document = sample_document()
    document.sections[3].blocks[-2:] = [m.Figure("html/chart.png", "Bar chart of services", [m.Text("Services")])]
    result = docx.Document(io.BytesIO(write_docx(document, Config(templates=templates))))
    (shape,) = result.inline_shapes
    assert shape._inline.docPr.get("descr") == "Bar chart of services"
    assert shape._inline.docPr.get("title") == "Services"
    paragraphs = result.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.style.name == "Figure")
    assert (paragraphs[index + 1].style.name, paragraphs[index + 1].text) == ("Figure Caption", "Services")


def _css_declarations(selector: str) -> dict[str, str]:
    """The declarations of ``selector``'s rule in the PDF's print.css, read with tinycss2."""
    sheet = tinycss2.parse_stylesheet((TEMPLATES / "html" / "print.css").read_text(encoding="utf-8"),
                                      skip_comments=True, skip_whitespace=True)
    for rule in sheet:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == selector:
            declarations = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
            return {d.lower_name: tinycss2.serialize(d.value).strip() for d in declarations if d.type == "declaration"}
    raise AssertionError(f"no {selector} rule in print.css")


def _resolved(style, attribute: str):
    """A font or paragraph-format attribute of a style, else of the styles it is based on."""
    while style is not None:
        owner = style.paragraph_format if attribute == "alignment" else style.font
        value = getattr(owner, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def test_figure_caption_looks_as_the_pdfs(sample_docx: DocxDocument) -> None:
    """A chart's caption: centred, regular, the PDF's size (russian reviewer,
    "DOCX 4"); a table's caption stays bold at the start side, as the PDF's <caption>."""
    figure, caption = _css_declarations("figure"), _css_declarations("figcaption")
    assert figure["text-align"] == "center" and "font-weight" not in caption
    chart_caption = next(p for i, p in enumerate(sample_docx.paragraphs)
                         if i and sample_docx.paragraphs[i - 1].style.name == "Figure" and p.text)
    style = chart_caption.style
    assert style.name == "Figure Caption"
    assert _resolved(style, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
    assert not _resolved(style, "bold")
    assert f"{_resolved(style, 'size').pt:g}pt" == caption["font-size"]
    table_caption = sample_docx.styles["Caption"]
    assert _resolved(table_caption, "bold") and _resolved(table_caption, "alignment") in (None, WD_ALIGN_PARAGRAPH.LEFT)
    assert _css_declarations("caption")["font-weight"] == "bold"


# --- footnotes ------------------------------------------------------------------


def test_each_reference_number_links_to_its_bookmarked_source_entry(sample: m.Document, sample_bytes: bytes) -> None:
    body = part_xml(sample_bytes, "word/document.xml")
    assert not list(body.iter(f"{W}footnoteReference"))  # one scheme: no notes
    internal = [link for link in body.iter(f"{W}hyperlink") if link.get(qn("w:anchor"), "").startswith("src_")]
    texts = ["".join(t.text for t in link.iter(f"{W}t")) for link in internal]
    # the model's text, its spaces no-break: a marker does not break across lines
    assert texts == [marker_text(p.text) for r in m.references(sample) for p in r.parts if p.number]
    marks = {b.get(qn("w:name")): b for b in body.iter(f"{W}bookmarkStart")}
    for link, text in zip(internal, texts, strict=True):
        number = int(re.search(r"\d+", text)[0])
        assert link.get(qn("w:anchor")) == f"src_{number}"
        paragraph = marks[f"src_{number}"].getparent()
        assert "".join(t.text for t in paragraph.iter(f"{W}t")).startswith(f"[{number}]")  # (w:tab follows)


def test_adjacent_citations_make_one_marker() -> None:
    document = sample_document()
    paragraph = document.sections[3].blocks[4]  # "... guaranteed by law[2] and the decree[1, p. 94]."
    paragraph.children = [m.Text("Yes"), m.Citation("s2", "", 2), m.Citation("s1", "", 1)]
    transforms.apply(document)
    data = write_docx(document, Config())
    body = part_xml(data, "word/document.xml")
    (p,) = [p for p in body.iter(f"{W}p") if "".join(t.text for t in p.iter(f"{W}t")).startswith("Yes")]
    # glued to its word (a word joiner) and unbroken (a no-break space)
    assert "".join(t.text for t in p.iter(f"{W}t")) == "Yes\u2060[1,\u00a02]"
    assert [link.get(qn("w:anchor")) for link in p.iter(f"{W}hyperlink")] == ["src_1", "src_2"]


# --- page furniture, language, properties ---------------------------------------


def test_header_footer_and_no_furniture_on_cover(sample_docx: DocxDocument) -> None:
    section = sample_docx.sections[0]
    assert section.different_first_page_header_footer
    (running,) = section.header.paragraphs
    # "Paraguay — " and a STYLEREF field that shows the page's section title
    assert [i.text.strip() for i in running._p.iter(qn("w:instrText"))] == ['STYLEREF "Heading 1"']
    assert running.text == "Paraguay — E-Government Country Profile"  # the cached result
    footer = section.footer.paragraphs[0]
    instructions = [i.text.strip() for i in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Page ") and " of " in footer.text
    assert [p.text for p in section.first_page_header.paragraphs] == [""]
    assert [p.text for p in section.first_page_footer.paragraphs] == [""]


def test_internal_label_on_every_page_including_cover() -> None:
    result = docx.Document(io.BytesIO(write_docx(sample_document(internal=True), Config())))
    section = result.sections[0]
    for header in (section.header, section.first_page_header):
        notice = header.paragraphs[0]
        assert (notice.style.name, notice.text) == ("Internal Notice", "Not for publication")
    assert str(result.styles["Internal Notice"].font.color.rgb) == "C00000"


def test_spanish_document_is_proofed_in_spanish() -> None:
    data = write_docx(sample_document(lang="es"), Config())
    styles = part_xml(data, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default.get(qn("w:val")) == "es-ES"
    langs = [lang.get(qn("w:val")) for lang in styles.iter(f"{W}lang")]
    with_rpr = [s for s in styles.iter(f"{W}style") if s.find(f"{W}rPr") is not None]
    assert len(langs) == 1 + len(with_rpr)
    assert set(langs) == {"es-ES"}
    assert docx.Document(io.BytesIO(data)).core_properties.language == "es-ES"


def test_language_tags() -> None:
    assert [language_tag(x) for x in ("en", "es", "fr-CA")] == ["en-GB", "es-ES", "fr-CA"]


def test_core_properties(sample_docx: DocxDocument) -> None:
    props = sample_docx.core_properties
    author = "United Nations Department of Economic and Social Affairs"
    assert (props.author, props.last_modified_by) == (author, author)
    assert props.title == "E-Government Country Profile: Paraguay"  # as the PDF and HTML
    assert props.subject == "E-government in Paraguay"
    assert props.keywords == "e-government, Paraguay"
    assert props.created == props.modified == datetime(2024, 3, 1, tzinfo=UTC)
    assert props.revision == 1
    assert "python-docx" not in f"{props.author} {props.comments} {props.last_modified_by}"


def test_same_input_same_bytes(sample_bytes: bytes) -> None:
    assert write_docx(sample_document(), Config()) == sample_bytes
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(2024, 3, 1, 0, 0, 0)}


def test_golden_parts(sample_bytes: bytes, update_golden: bool) -> None:
    compare_docx_parts(sample_bytes, GOLDEN / "docx-sample", update_golden)


# --- other readers ----------------------------------------------------------------


def _pandoc_walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from _pandoc_walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _pandoc_walk(item)


def _pandoc_text(inlines: list[dict[str, Any]]) -> str:
    parts = []
    for node in inlines:
        if node["t"] == "Str":
            parts.append(node["c"])
        elif node["t"] in ("Space", "SoftBreak"):
            parts.append(" ")
    return "".join(parts)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_pandoc_reads_headings_notes_and_links(sample: m.Document, sample_bytes: bytes) -> None:
    result = subprocess.run(["pandoc", "-f", "docx", "-t", "json"], input=sample_bytes,
                            capture_output=True, check=True, timeout=120)
    ast = json.loads(result.stdout)
    nodes = list(_pandoc_walk(ast["blocks"]))
    found = [(n["c"][0], _pandoc_text(n["c"][2])) for n in nodes if n["t"] == "Header"]
    assert found == [(h.level, m.plain_text(h.children)) for h in headings(sample)]
    assert sum(1 for n in nodes if n["t"] == "Note") == 0  # references, not notes
    internal = [n for n in nodes if n["t"] == "Link" and n["c"][2][0].startswith("#src_")]
    assert [_pandoc_text(n["c"][1]) for n in internal] == [marker_text(p.text) for r in m.references(sample)
                                                           for p in r.parts if p.number]
    targets = {n["c"][2][0] for n in nodes if n["t"] == "Link"}
    assert source_urls(sample) | links(sample) <= targets


@pytest.fixture(scope="module")
def pdf_from_libreoffice(sample_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One LibreOffice conversion per test run (it takes seconds), in a private profile."""
    work = tmp_path_factory.mktemp("libreoffice")
    source = work / "sample.docx"
    source.write_bytes(sample_bytes)
    return convert_to_pdf([source], work)[0]


def test_libreoffice_converts_to_pdf(pdf_from_libreoffice: Path) -> None:
    assert pdf_from_libreoffice.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(["pdftotext", "-layout", str(pdf_from_libreoffice), "-"],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    pages = text.split("\f")
    assert "Page" not in pages[0] and "Paraguay" in pages[0]  # cover: no footer
    assert "Page 2 of" in pages[1] and "Contents" in pages[1]
    assert "[1]" in text and "Presidential Decree No. 8942" in text  # a source entry
    assert "<b>markup</b> & {{ 7*7 }}" in text


# --- contents page numbers from a LibreOffice layout pass --------------------------


def test_contents_page_numbers_from_libreoffice(sample: m.Document, tmp_path: Path) -> None:
    """--docx-page-numbers: each contents entry's PAGEREF field carries the page
    LibreOffice lays the heading on; converted again by LibreOffice, the contents
    page shows those numbers, and they are the pages the headings are on."""
    from reportgen.writers.docx.pages import bookmark_pages, libreoffice

    office = libreoffice()
    if office is None:
        pytest.skip("LibreOffice not installed")
    data = write_docx(sample, Config(docx_page_numbers=True))
    result = docx.Document(io.BytesIO(data))
    entries = [p for p in result.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    numbers = [p.text.rsplit("\t", 1)[-1] for p in entries]
    assert all(n.isdigit() for n in numbers), [p.text for p in entries]
    expected = bookmark_pages(data, office)  # the layout of the finished file
    anchors = [p._p.find(f".//{W}hyperlink").get(qn("w:anchor")) for p in entries]
    assert numbers == [expected[a] for a in anchors]
    assert int(numbers[0]) >= 3  # after the cover and the contents
    plain = write_docx(sample, Config())
    assert not any("\t" in p.text for p in docx.Document(io.BytesIO(plain)).paragraphs
                   if p.style.name in ("TOC 1", "TOC 2"))  # without the pass: no numbers


def test_an_ordered_list_is_numbered_from_its_start_in_the_docx() -> None:
    document = sample_document()
    document.sections[-1].blocks.append(m.BulletList([[m.Text("first")], [m.Text("second")]], ordered=True, start=3))
    written = docx.Document(io.BytesIO(write_docx(document, Config())))
    numbered = [p for p in written.paragraphs if p.style is not None and p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["3.\tfirst", "4.\tsecond"]


@pytest.mark.parametrize("text", ["", "plain", " spaced ", "a\tb", "line\nbreak\r\nend", "<b>&amp;</b>",
                                  "\u0627\u0644\u0639"])
def test_a_new_runs_text_is_written_as_python_docx_writes_it(text: str) -> None:
    """The writer's shortcut for text without tabs or breaks (oxml.set_new_run_text)
    makes the same run XML as python-docx's ``run.text``."""
    from lxml import etree

    from reportgen.writers.docx import oxml

    ours, theirs = docx.Document().add_paragraph().add_run(), docx.Document().add_paragraph().add_run()
    oxml.set_new_run_text(ours, text)
    theirs.text = text
    assert etree.tostring(oxml.run_xml(ours)) == etree.tostring(oxml.run_xml(theirs))


def _style_targets(kind: str, prepare: str) -> tuple[Any, Any]:
    """Two equal paragraphs or runs, each with what ``prepare`` adds first."""
    made = []
    for _ in range(2):
        paragraph = docx.Document().add_paragraph()
        target = paragraph if kind == "paragraph" else paragraph.add_run("x")
        if prepare == "formatting":  # properties that follow the style in the schema
            if kind == "paragraph":
                target.paragraph_format.keep_with_next = True
            else:
                target.bold = True
        elif prepare == "style":
            (target._p if kind == "paragraph" else target._r).style = "Old"
        made.append(target)
    return made[0], made[1]


@pytest.mark.parametrize("kind", ["paragraph", "run"])
@pytest.mark.parametrize("prepare", ["nothing", "formatting", "style"])
@pytest.mark.parametrize("style_id", ["Heading1", None])
def test_a_style_is_set_as_python_docx_sets_it(kind: str, prepare: str, style_id: str | None) -> None:
    """oxml.set_style_id puts ``w:pStyle``/``w:rStyle`` first without python-docx's
    search, and makes the same XML as python-docx's ``style`` setter."""
    from lxml import etree

    from reportgen.writers.docx import oxml

    ours, theirs = _style_targets(kind, prepare)
    oxml.set_style_id(ours, style_id)
    xml = theirs._p if kind == "paragraph" else theirs._r
    xml.style = style_id
    ours_xml = ours._p if kind == "paragraph" else ours._r
    assert etree.tostring(ours_xml) == etree.tostring(xml)
