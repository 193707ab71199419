"""Paraguay's real profile, end to end, checked by independent readers:
pdftotext/pdfinfo/pdffonts and pdfplumber on the PDF, python-docx and pandoc
on the DOCX (tests/test_paraguay_docx.py: its structure), and every format agreeing on the reference numbers."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import docx
import pdfplumber
import pytest
from lxml import etree

from reportgen import build as builder
from reportgen import model as m
from reportgen.config import Config
from tests.pdfcheck import bracket_number, figure_alts, reference_links
from tests.pdftagged import tagged_elements
from tests.pdfua_check import problems as pdfua_problems

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LANGS = ("en", "es")


@pytest.fixture
def built(paraguay_build: Path) -> Path:
    """Paraguay in both languages and both formats, built once for the session (tests/conftest.py)."""
    return paraguay_build


@pytest.fixture
def documents(paraguay_documents: dict[str, m.Document]) -> dict[str, m.Document]:
    return paraguay_documents


@pytest.fixture(scope="module")
def plumbed(paraguay_build: Path) -> Iterator[dict[str, pdfplumber.PDF]]:
    """Each PDF opened once by pdfplumber for the module: it parses a page's
    objects once and keeps them, which the page-level checks below share."""
    opened = {lang: pdfplumber.open(paraguay_build / f"PRY-profile-2024-{lang}-draft.pdf") for lang in LANGS}
    yield opened
    for pdf in opened.values():
        pdf.close()


def tool(name: str, *args: str) -> str:
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed (make test installs it)")
    return subprocess.run([name, *args], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def h1_titles(document: m.Document) -> list[str]:
    return [m.plain_text(b.children) for b in document.blocks() if isinstance(b, m.Heading) and b.level == 1]


# --- PDF -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_has_every_section_title_and_cited_address(built: Path, documents, lang: str) -> None:
    # -raw: the content order, column by column (the source list has two columns)
    text = tool("pdftotext", "-raw", "-enc", "UTF-8", str(built / f"PRY-profile-2024-{lang}-draft.pdf"), "-")
    flat = squeeze(text)
    for title in h1_titles(documents[lang]):
        assert squeeze(title) in flat, title
    # each address printed once (in the sources list), cleanly: no text fragment, no long query
    for source in documents[lang].sources:
        stop = "" if source.display.endswith("…") else "."
        assert flat.count(squeeze(f"{source.display}{stop} {source.details}")) == 1, source.display
        assert (":" + squeeze(source.display)) not in flat  # never with its scheme
    assert ":~:text=" not in text and not re.search(r"\?[^\s…]{32,}", text)  # query <= 30 + "."


@pytest.mark.parametrize("lang", LANGS)
def test_pdfinfo_and_pdffonts(built: Path, plumbed, documents, lang: str) -> None:
    path = str(built / f"PRY-profile-2024-{lang}-draft.pdf")
    info = dict(line.split(":", 1) for line in tool("pdfinfo", path).splitlines() if ":" in line)
    assert info["Title"].strip() == f"{documents[lang].meta.title}: Paraguay"
    assert info["Tagged"].strip() == "yes"
    assert 8 <= int(info["Pages"]) <= 20
    fonts = tool("pdffonts", path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert plumbed[lang].doc.catalog["Lang"].decode() == lang


def structure_roles(path: Path) -> list[str]:
    """The structure types of a PDF's tagged elements, in document order (pikepdf)."""
    import pikepdf

    roles: list[str] = []
    with pikepdf.open(path) as pdf:
        stack = list(pdf.Root.StructTreeRoot.K)
        while stack:
            element = stack.pop(0)
            roles.append(str(element.S).lstrip("/"))
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            stack[:0] = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/StructElem"]
    return roles


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_passes_the_pdfua_checker(built: Path, documents, lang: str) -> None:
    path = built / f"PRY-profile-2024-{lang}-draft.pdf"
    assert pdfua_problems(path) == []
    assert path.stat().st_size < 400_000  # a dotted border once made the contents page 3 MB
    roles = structure_roles(path)
    tables = [b for b in documents[lang].blocks() if isinstance(b, m.Table)]
    assert roles.count("Table") == len(tables)
    assert roles.count("Part") == 1
    contents = tool("pdftotext", "-f", "2", "-l", "2", "-enc", "UTF-8", str(path), "-")
    assert "..." not in contents and re.search(r"\s\d{1,2}\n", contents)  # page numbers, no leader dots


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_archival_variant_passes_the_pdfua_checker(tmp_path: Path, lang: str) -> None:
    options = Config(out=tmp_path, languages=(lang,), formats=("pdf",), pdf_variant="pdf/a-3a+pdf/ua-1")
    summary = builder.build([Path("responses/PRY.yaml")], options)
    assert summary.ok, [r.error for r in summary.failed]
    (path,) = [Path(result.outputs["pdf"].path) for result in summary.built]  # the variant is in its name
    assert pdfua_problems(path) == []
    assert "<pdfuaid:part>1</pdfuaid:part>" in tool("pdfinfo", "-meta", str(path))


@pytest.mark.parametrize("lang", LANGS)
def test_outline_has_one_entry_per_section(plumbed, documents, lang: str) -> None:
    outline = [title for level, title, *_ in plumbed[lang].doc.get_outlines() if level == 1]
    assert outline == h1_titles(documents[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_no_character_outside_the_trim_box(plumbed, lang: str) -> None:
    for page in plumbed[lang].pages:
        box = page.trimbox if hasattr(page, "trimbox") and page.trimbox else page.bbox
        x0, top, x1, bottom = box
        outside = [c["text"] for c in page.chars
                   if c["x0"] < x0 - 0.01 or c["x1"] > x1 + 0.01 or c["top"] < top or c["bottom"] > bottom]
        assert not outside, (page.page_number, "".join(outside)[:80])


def model_reference_numbers(document: m.Document) -> list[int]:
    """The linked numbers of every reference marker, in reading order."""
    return [number for reference in m.references(document) for number in reference.numbers]


@pytest.mark.parametrize("lang", LANGS)
def test_reference_numbers_agree_between_pdf_docx_html_and_model(built: Path, plumbed, documents, paraguay_html,
                                                                  lang: str) -> None:
    expected = model_reference_numbers(documents[lang])
    assert len(expected) > 30
    links = reference_links(built / f"PRY-profile-2024-{lang}-draft.pdf", plumbed[lang])
    assert [bracket_number(link.text) for link in links] == expected
    for link in links:  # each marker is a link that lands on its own entry of the list
        assert link.dest == f"src-{bracket_number(link.text)}"
        assert f"[{bracket_number(link.text)}] " in link.dest_text[:12], link  # the line it lands on
    with zipfile.ZipFile(built / f"PRY-profile-2024-{lang}-draft.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    anchors = [a.get(f"{W}anchor") for a in body.iter(f"{W}hyperlink") if a.get(f"{W}anchor", "").startswith("src_")]
    assert anchors == [f"src_{n}" for n in expected]
    html = paraguay_html[lang].decode()
    assert [int(n) for n in re.findall(r'<a href="#src-(\d+)" role="doc-biblioref">', html)] == expected


def _flat(text: str) -> str:
    """Text as every reader can compare it: no spaces, line breaks, break
    opportunities (zero-width spaces, word joiners) or soft hyphens."""
    return re.sub(r"[\s\u200b\u00ad]+", "", text)


@pytest.mark.parametrize("lang", LANGS)
def test_docx_html_and_pdf_have_the_same_headings_and_source_entries(built: Path, plumbed, documents, paraguay_html,
                                                                     lang: str) -> None:
    """Issue 14's "done when": the same document in the three formats, read
    back by python-docx, lxml and the PDF's structure tree (pikepdf and
    pdfplumber), has the same headings (level, text, order) and the same
    source entries (number, title, address and link). The reference numbers
    of every marker are compared by the test just above."""
    from lxml import html as lxml_html

    document = documents[lang]
    headings = [(b.level, " ".join(m.plain_text(b.children).split()))
                for b in document.blocks() if isinstance(b, m.Heading)]
    entries = [(e.number, e.cite, e.display, e.url)
               for b in document.blocks() if isinstance(b, m.SourceList) and b.numbered for e in b.entries]
    assert len(headings) > 15 and len(entries) > 20

    docx_file = docx.Document(str(built / f"PRY-profile-2024-{lang}-draft.docx"))
    docx_headings = [(int(p.style.name.split()[-1]), p.text) for p in docx_file.paragraphs
                     if p.style.name.startswith("Heading ")]
    docx_entries = []
    for paragraph in (p for p in docx_file.paragraphs if p.style.name == "Bibliography"):
        number, text = re.sub("[\u200b\u2060]", "", paragraph.text).split("\t", 1)
        docx_entries.append((int(number.strip("[]")), text, {link.url for link in paragraph.hyperlinks}))

    page = lxml_html.fromstring(paraguay_html[lang].decode("utf-8"))  # write_html(document, Config())
    html_headings = [(int(h.tag[1]) - 1, " ".join(h.text_content().split()))
                     for h in page.iter("h2", "h3", "h4") if h.get("id") != "contents-title"]
    html_entries = [(int(li.get("value")), li.findtext("cite"),
                     re.sub("[\u200b\u2060]", "", li.find_class("url")[0].text_content()),
                     li.find_class("url")[0].get("href"))
                    for li in page.xpath("//ol[contains(concat(' ', @class, ' '), ' sources ')]/li")]

    contents = next(b.title for b in document.blocks() if isinstance(b, m.Contents))
    tagged = tagged_elements(built / f"PRY-profile-2024-{lang}-draft.pdf", {"/H2", "/H3", "/H4", "/LI"}, plumbed[lang])
    pdf_headings = [(int(kind[2]) - 1, text) for kind, text, _ in tagged
                    if kind != "/LI" and not (kind == "/H2" and text == contents)]
    pdf_entries = [(text, set(uris)) for kind, text, uris in tagged
                   if kind == "/LI" and re.match(r"\[\d+\]", text) and uris]

    assert docx_headings == html_headings == headings
    assert [(level, _flat(text)) for level, text in pdf_headings] == [(level, _flat(t)) for level, t in headings]

    assert [n for n, *_ in docx_entries] == [n for n, *_ in html_entries] == [n for n, *_ in entries]
    assert [bracket_number(text) for text, _ in pdf_entries] == [n for n, *_ in entries]
    for (number, cite, display, url), (_, docx_text, docx_links), html_entry, (pdf_text, pdf_links) in zip(
            entries, docx_entries, html_entries, pdf_entries, strict=True):
        assert docx_text.startswith(f"{cite} {display}") and docx_links == {url}, number
        assert html_entry == (number, cite, display, url)
        assert _flat(pdf_text).startswith(_flat(f"[{number}]{cite}{display}")) and pdf_links == {url}, number


@pytest.mark.parametrize("lang", LANGS)
def test_no_note_prints_two_numbers(built: Path, lang: str) -> None:
    # -raw: the content order, column by column (the source list has two columns)
    text = tool("pdftotext", "-raw", str(built / f"PRY-profile-2024-{lang}-draft.pdf"), "-")
    assert not re.search(r"^\s*\d+\.\s+\[\d+\]", text, re.MULTILINE)  # the old "9. [1] MITIC..."
    lines = text.splitlines()
    start = max(i for i, line in enumerate(lines) if line.strip() in ("Sources", "Fuentes"))
    entries = re.findall(r"^\s*\[(\d+)\]", "\n".join(lines[start:]), re.MULTILINE)
    assert [int(n) for n in entries] == list(range(1, len(entries) + 1))  # the list, numbered once


def test_figures_with_alt_text_in_every_format_and_language(built: Path, paraguay_html) -> None:
    found: dict[str, list[str]] = {}
    for lang in LANGS:
        pdf_alts = [a for a in figure_alts(built / f"PRY-profile-2024-{lang}-draft.pdf") if len(a) > 40]
        document = docx.Document(str(built / f"PRY-profile-2024-{lang}-draft.docx"))
        docx_alts = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
        html = paraguay_html[lang].decode()
        html_alts = [unescape(a) for a in re.findall(r'<img src="data:image/svg\+xml[^"]*" alt="([^"]*)"', html)]
        assert len(pdf_alts) >= 3 and pdf_alts == docx_alts == html_alts
        found[lang] = pdf_alts
    assert all(en != es for en, es in zip(found["en"], found["es"], strict=True))
    assert any("Ámbitos de la legislación" in alt for alt in found["es"])


# --- DOCX ------------------------------------------------------------------------------------


def test_spanish_docx_is_spell_checked_as_spanish(built: Path) -> None:
    with zipfile.ZipFile(built / "PRY-profile-2024-es-draft.docx") as archive:
        styles = archive.read("word/styles.xml").decode()
    assert 'w:val="es-ES"' in styles and 'w:val="en-GB"' not in styles


def test_libreoffice_converts_the_spanish_docx(built: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (make test installs it)")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(built / "PRY-profile-2024-es-draft.docx")],
                   check=True, capture_output=True, timeout=240)
    converted = tmp_path / "PRY-profile-2024-es-draft.pdf"
    text = tool("pdftotext", str(converted), "-")
    assert "Paraguay" in text and "Fuentes" in text
    # opened as is (no field update), the contents page lists the sections
    contents = next(page for page in text.split("\f")[:4] if "Índice" in page)  # right after the cover
    assert "A. Marco institucional" in contents and "Fuentes" in contents


@pytest.mark.parametrize("lang", LANGS)
def test_docx_opens_finished(built: Path, lang: str) -> None:
    from tests.test_contrast import docx_colour_failures
    from tests.writers.test_docx import audit_errors

    path = built / f"PRY-profile-2024-{lang}-draft.docx"
    document = docx.Document(str(path))
    assert document.settings.element.find(f"{W}updateFields") is None
    assert audit_errors(path) == []
    checked, failures = docx_colour_failures(path.read_bytes())
    assert checked > 10 and failures == []
    for table in document.tables:
        assert table._tbl.tblPr.find(f"{W}tblCaption").get(f"{W}val")
        assert table._tbl.tblPr.find(f"{W}tblDescription").get(f"{W}val")


# --- privacy -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_respondent_never_appears(built: Path, lang: str) -> None:
    text = tool("pdftotext", str(built / f"PRY-profile-2024-{lang}-draft.pdf"), "-")
    with zipfile.ZipFile(built / f"PRY-profile-2024-{lang}-draft.docx") as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist())
    for secret in ("Laura Salinas", "lsalinas@mitic.gov.py"):
        assert secret not in text and secret.encode() not in xml


def test_docx_bytes_are_reproducible(built: Path, documents) -> None:
    from reportgen.writers.docx import write_docx

    again = write_docx(documents["en"], Config())
    assert again == (built / "PRY-profile-2024-en-draft.docx").read_bytes()
    assert io.BytesIO(again).getbuffer().nbytes > 10_000


# --- pagination and house style on the page (pdfplumber) ------------------------------------


@pytest.fixture(scope="module")
def lines(plumbed) -> dict[str, list[list[dict]]]:
    """The text lines of every page of each PDF, read once for the pagination tests."""
    found = {}
    for lang in LANGS:
        found[lang] = [page.extract_text_lines() for page in plumbed[lang].pages]
    return found


def _is_heading(line: dict, size: float) -> bool:
    return abs(line["chars"][0]["size"] - size) < 0.3 and line["top"] > 55


@pytest.mark.parametrize("lang", LANGS)
def test_running_head_names_the_section_the_page_starts_in(lines, documents, lang: str) -> None:
    """The section of a heading that opens the page, else the section running
    on from the previous page, even when another starts lower down (editors'
    review: a page beginning with the end of C's table was headed D)."""
    document = documents[lang]
    section_of: dict[str, str] = {}
    for section in document.sections:
        heads = [b for b in section.blocks if isinstance(b, m.Heading)]
        for head in heads:
            section_of.setdefault(squeeze(m.plain_text(head.children))[:30], m.plain_text(heads[0].children))
    current = ""
    for number, page in enumerate(lines[lang], start=1):
        headings = [ln for ln in page if _is_heading(ln, 16) or _is_heading(ln, 12)]
        head = " ".join(ln["text"] for ln in page if ln["top"] < 55)
        if number <= 2:  # cover; contents and imprint
            continue
        body = [ln for ln in page if ln["top"] > 55]
        if headings and body and body[0] is headings[0]:
            current = section_of.get(squeeze(headings[0]["text"])[:30], current)
        assert head == f"Paraguay {current}", (number, head)
        if headings:  # the next page without a heading continues the last one's section
            current = section_of.get(squeeze(headings[-1]["text"])[:30], current)


@pytest.mark.parametrize("lang", LANGS)
def test_headings_start_at_the_same_distance_after_every_break(lines, lang: str) -> None:
    tops: dict[float, set[float]] = {16: set(), 12: set()}
    for page in lines[lang][2:]:
        body = [ln for ln in page if ln["top"] > 55]
        for size in tops:
            if body and _is_heading(body[0], size):
                tops[size].add(round(body[0]["top"], 1))
    assert len(tops[16]) == 1, tops  # forced (new part) and unforced breaks alike
    assert len(tops[12]) <= 1, tops


@pytest.mark.parametrize("lang", LANGS)
def test_no_hyphenation_in_headings_table_headers_and_labels(lines, lang: str) -> None:
    for number, page in enumerate(lines[lang], start=1):
        for line in page:
            bold = all("Bold" in c["fontname"] for c in line["chars"] if c["text"].strip())
            assert not (bold and line["text"].endswith("\u2010")), (number, line["text"])


@pytest.mark.parametrize("lang", LANGS)
def test_a_caption_never_ends_a_page_without_its_table(lines, documents, lang: str) -> None:
    tables = [b for b in documents[lang].blocks() if isinstance(b, m.Table) and b.caption]
    pages = lines[lang]
    for table in tables:
        caption = squeeze(m.plain_text(table.caption))
        header = m.blocks_text(table.header[0]).split()[0]  # a header cell may wrap
        where = [(n, i) for n, page in enumerate(pages) for i, ln in enumerate(page)
                 if squeeze(ln["text"]).startswith(caption)]
        assert where, caption
        page, index = where[0]
        assert pages[page][index + 1]["text"].startswith(header), caption  # the next line: its header row


# --- cover and imprint --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_same_cover_and_imprint_in_pdf_and_docx(built: Path, plumbed, documents, lang: str) -> None:
    document = documents[lang]
    cover_pdf, imprint_pdf = (squeeze(plumbed[lang].pages[i].extract_text() or "") for i in (0, 1))
    paragraphs = [p.text for p in docx.Document(str(built / f"PRY-profile-2024-{lang}-draft.docx")).paragraphs]
    for kind, page_text in (("cover", cover_pdf), ("imprint", imprint_pdf)):
        section = next(s for s in document.sections if s.kind == kind)
        texts = [m.plain_text(b.children) for b in section.blocks if isinstance(b, m.Paragraph)]
        assert texts and all(squeeze(t) in page_text for t in texts), kind
        assert all(t in paragraphs for t in texts), kind  # the DOCX has the same lines
    cover = [m.plain_text(b.children) for b in document.sections[0].blocks]
    organisation, country, title, _, status = cover
    assert (country, title) == ("Paraguay", document.meta.title)
    assert organisation == document.meta.author and "2024" in status and document.meta.status in status
    assert ("Cómocitar" if lang == "es" else "Howtocite") in imprint_pdf


# --- what the Government said, as the reader sees it (issue 9) -----------------------------

STATUS_TEXT = {
    "en": {"present": ["In place in 9 of 11 areas",
                       "planned: new and emerging technologies and ethical use of artificial intelligence",
                       "7 of 8 referenced", "Regional or global guidelines: not stated.",
                       "Sub-national and local strategies: planned.",
                       "without stating whether such a strategy exists",
                       "Law No. 5189/2014 on information on the use of public resources",
                       "Breaking satisfaction data down by sex is planned.",
                       "Asked whether usage data are broken down by sex, the response does not say",
                       "the budget of the Ministry of Information and Communication Technologies (MITIC)",
                       "approved by Resolution 1790/2021",
                       "it was read from the details the Government gave"],
           "absent": ["11 of 11", "10 of 11", "8 of 8", "Usage data are broken down by sex", "Resolution 2246",
                      "General Budget of the Nation 2023", "MITIC – Regulation",
                      "dedicated digital strategy for crisis and emergency response and recovery.",
                      "national portal dedicated to crises", "sub-national levels coordinate",
                      "SINAFOCAL distance-learning platform offer free", "employment and social protection",
                      "Satisfaction data are not broken down by sex"]},
    "es": {"present": ["En vigor en 9 de 11 ámbitos", "prevista: tecnologías nuevas y emergentes y uso ético",
                       "sin indicar si existe tal estrategia", "se establecieron alianzas con",
                       "Está previsto desglosar por sexo los datos de satisfacción.",
                       "Preguntado si los datos de uso están desglosados por sexo, el Gobierno no lo indica",
                       "aprobado por la Resolución N.º 1790/2021",
                       "se ha deducido de los detalles facilitados por el Gobierno"],
           "absent": ["11 de 11", "10 de 11", "Los datos de uso están desglosados por sexo", "N.º 2246",
                      "gracias a alianzas",
                      "desglosados por género", "empleo y protección social"]},
}


def _without_furniture(page: str) -> str:
    """A page's text without its running head ("Paraguay" and the section
    title, on one line or two) and its folio ("Page 3 of 14")."""
    lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
    lines = [ln for ln in lines if not re.fullmatch(r"(Page|Página) \d+ (of|de) \d+", ln)]
    if lines and lines[0] == "Paraguay":
        lines = lines[2:]
    elif lines and lines[0].startswith("Paraguay "):
        lines = lines[1:]
    return " ".join(lines)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("lang", LANGS)
def test_statuses_read_right_in_pdf_and_docx(built: Path, lang: str) -> None:
    """Planned stays planned and nothing is stated more strongly than the
    answer, in the text a reader gets from both formats."""
    pages = tool("pdftotext", "-enc", "UTF-8", str(built / f"PRY-profile-2024-{lang}-draft.pdf"), "-").split("\f")
    # without the page furniture (running head, folio), so a sentence that runs on to the next page reads whole
    pdf = " ".join(" ".join(_without_furniture(page) for page in pages).split())
    word = " ".join(docx_text(built / f"PRY-profile-2024-{lang}-draft.docx").split())
    # WeasyPrint's automatic hyphens (U+2010 at a line end) are in the text
    # layer: compare the PDF without them and without line breaks.
    pdf_flat = pdf.replace("\u2010 ", "").replace("\u00ad", "")
    for phrase in STATUS_TEXT[lang]["present"]:
        assert phrase in word, ("docx", phrase)
        assert squeeze(phrase) in squeeze(pdf_flat), ("pdf", phrase)
    for phrase in STATUS_TEXT[lang]["absent"]:
        assert phrase not in word, ("docx", phrase)
        assert squeeze(phrase) not in squeeze(pdf_flat), ("pdf", phrase)


def test_spanish_metadata_is_spanish(built: Path) -> None:
    info = tool("pdfinfo", str(built / "PRY-profile-2024-es-draft.pdf"))
    keywords = next(line for line in info.splitlines() if line.startswith("Keywords:"))
    assert "gobierno electrónico" in keywords and "Encuesta de las Naciones Unidas" in keywords
    assert "e-government" not in keywords
    props = docx.Document(str(built / "PRY-profile-2024-es-draft.docx")).core_properties
    assert "gobierno electrónico" in props.keywords and "e-government" not in props.keywords


@pytest.mark.parametrize("lang", LANGS)
def test_page_plan_fits_ten_pages_with_a_six_page_body(built: Path, documents, lang: str) -> None:
    """Issue 10's target, read from the PDF itself: at most 10 A4 pages, and
    At a glance to section G on at most six of them."""
    path = str(built / f"PRY-profile-2024-{lang}-draft.pdf")
    info = dict(line.split(":", 1) for line in tool("pdfinfo", path).splitlines() if ":" in line)
    pages = tool("pdftotext", "-enc", "UTF-8", path, "-").split("\f")
    assert int(info["Pages"]) <= 10
    titles = h1_titles(documents[lang])
    glance, sources = titles[0], titles[-1]

    def first_page_with(title: str) -> int:
        return next(i for i, page in enumerate(pages, start=1)
                    if any(line.strip() == title for line in page.splitlines()[2:]))

    body_pages = first_page_with(sources) - first_page_with(glance)
    assert body_pages <= 6, (lang, first_page_with(glance), first_page_with(sources))


def test_heading_ids_are_the_same_in_every_language(built: Path, documents) -> None:
    """A web team links a section by one anchor in all six languages: the
    heading ids of the English, Spanish and Chinese models are equal (and
    unique), and the Spanish DOCX bookmarks, HTML ids and PDF named
    destinations are those ids."""
    import pikepdf
    from lxml import html as lxml_html

    from reportgen.i18n import Locale
    from reportgen.narrative import build_document
    from reportgen.questionnaire import load
    from reportgen.responses import load_responses
    from reportgen.writers.html import write_html

    responses, _ = load_responses(Path("responses/PRY.yaml"))
    chinese = build_document(responses, load("msq-2024"), Locale("zh", country="PRY"), Config()).document
    ids = {lang: [b.id for b in document.blocks() if isinstance(b, m.Heading)]
           for lang, document in (*documents.items(), ("zh", chinese))}
    assert ids["en"] == ids["es"] == ids["zh"], ids
    assert len(set(ids["en"])) == len(ids["en"]) > 15
    assert "A-portals" in ids["zh"]  # from the English sentence, not a hash of "门户网站"

    docx_file = docx.Document(str(built / "PRY-profile-2024-es-draft.docx"))
    bookmarks = [p._p.find(f"{W}bookmarkStart").get(f"{W}name") for p in docx_file.paragraphs
                 if p.style.name.startswith("Heading ")]
    page = lxml_html.fromstring(write_html(documents["es"], Config()).decode("utf-8"))
    anchors = [h.get("id") for h in page.iter("h2", "h3", "h4") if h.get("id") != "contents-title"]
    assert bookmarks == anchors == ids["es"]
    with pikepdf.open(built / "PRY-profile-2024-es-draft.pdf") as pdf:
        destinations = set(dict(pikepdf.NameTree(pdf.Root.Names.Dests).items()))
    assert set(ids["es"]) <= destinations, set(ids["es"]) - destinations
