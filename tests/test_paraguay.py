"""Paraguay's real profile, end to end, checked by independent readers:
pdftotext/pdfinfo/pdffonts and pdfplumber on the PDF, python-docx and pandoc
on the DOCX, golden DOCX parts, and the two formats agreeing on footnotes."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from lxml import etree

from reportgen import build as builder
from reportgen import model as m
from reportgen.i18n import Locale
from reportgen.narrative import Options, build_document
from reportgen.questionnaire import load
from reportgen.responses import load_responses
from tests.pdfua_check import problems as pdfua_problems
from tests.writers.docx_golden import compare_docx_parts

EPOCH = "1732000000"
GOLDEN = Path(__file__).parent / "golden"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FOOTNOTE_LINE = re.compile(r"^(\d+)\. \[(\d+)\]")
LANGS = ("en", "es")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Paraguay in both languages and both formats, built once for the module."""
    out = tmp_path_factory.mktemp("build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        summary = builder.build([Path("responses/PRY.yaml")], builder.BuildOptions(out=out))
    assert summary.ok, [r.error for r in summary.failed]
    return out / "PRY"


@pytest.fixture(scope="module")
def documents() -> dict[str, m.Document]:
    responses, _ = load_responses(Path("responses/PRY.yaml"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return {lang: build_document(responses, load("msq-2024"), Locale(lang, country="PRY"), Options()).document
                for lang in LANGS}


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
    text = tool("pdftotext", "-enc", "UTF-8", str(built / f"PRY-profile-{lang}.pdf"), "-")
    flat = squeeze(text)
    for title in h1_titles(documents[lang]):
        assert squeeze(title) in flat, title
    # pdftotext joins a line that ends in "-" with the next one and drops the
    # "-" (it takes it for hyphenation), so addresses are compared without "-".
    unhyphenated = flat.replace("-", "")
    cited = {c.number for c in m.citations(documents[lang])}
    for source in documents[lang].sources:
        if source.number in cited:
            assert squeeze(source.url).replace("-", "") in unhyphenated, source.url


@pytest.mark.parametrize("lang", LANGS)
def test_pdfinfo_and_pdffonts(built: Path, documents, lang: str) -> None:
    path = str(built / f"PRY-profile-{lang}.pdf")
    info = dict(line.split(":", 1) for line in tool("pdfinfo", path).splitlines() if ":" in line)
    assert info["Title"].strip() == f"{documents[lang].meta.title}: Paraguay"
    assert info["Tagged"].strip() == "yes"
    assert 8 <= int(info["Pages"]) <= 20
    fonts = tool("pdffonts", path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    with pdfplumber.open(path) as pdf:
        assert pdf.doc.catalog["Lang"].decode() == lang


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
    path = built / f"PRY-profile-{lang}.pdf"
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
    options = builder.BuildOptions(out=tmp_path, languages=(lang,), formats=("pdf",),
                                   pdf_variant="pdf/a-3a+pdf/ua-1")
    summary = builder.build([Path("responses/PRY.yaml")], options)
    assert summary.ok, [r.error for r in summary.failed]
    path = tmp_path / "PRY" / f"PRY-profile-{lang}.pdf"
    assert pdfua_problems(path) == []
    assert "<pdfuaid:part>1</pdfuaid:part>" in tool("pdfinfo", "-meta", str(path))


@pytest.mark.parametrize("lang", LANGS)
def test_outline_has_one_entry_per_section(built: Path, documents, lang: str) -> None:
    with pdfplumber.open(built / f"PRY-profile-{lang}.pdf") as pdf:
        outline = [title for level, title, *_ in pdf.doc.get_outlines() if level == 1]
    assert outline == h1_titles(documents[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_no_character_outside_the_trim_box(built: Path, lang: str) -> None:
    with pdfplumber.open(built / f"PRY-profile-{lang}.pdf") as pdf:
        for page in pdf.pages:
            box = page.trimbox if hasattr(page, "trimbox") and page.trimbox else page.bbox
            x0, top, x1, bottom = box
            outside = [c["text"] for c in page.chars
                       if c["x0"] < x0 - 0.01 or c["x1"] > x1 + 0.01 or c["top"] < top or c["bottom"] > bottom]
            assert not outside, (page.page_number, "".join(outside)[:80])


def pdf_footnotes(path: Path) -> list[tuple[int, int]]:
    """(note number, source number) for each source named in each footnote,
    read from the 7.5 pt text of the footnote areas."""
    found: list[tuple[int, int]] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            notes = page.filter(lambda o: o.get("object_type") != "char" or 7.4 <= o["size"] <= 7.6)
            note = 0
            for line in (notes.extract_text() or "").splitlines():
                if match := FOOTNOTE_LINE.match(line):
                    note = int(match[1])
                    line = line[match.end(1) + 1:]
                found.extend((note, int(n)) for n in re.findall(r"\[(\d+)\]", line) if note)
    return found


def docx_footnotes(path: Path) -> list[tuple[int, int]]:
    """(note number, source number) for each source named in each real footnote."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/footnotes.xml"))
    notes = [n for n in root.iter(f"{W}footnote") if int(n.get(f"{W}id")) > 0]
    return [(index, int(number)) for index, note in enumerate(notes, start=1)
            for number in re.findall(r"\[(\d+)\]", "".join(note.itertext()))]


@pytest.mark.parametrize("lang", LANGS)
def test_footnote_numbers_agree_between_pdf_docx_and_model(built: Path, documents, lang: str) -> None:
    expected = [(c.note, c.number) for c in m.citations(documents[lang])]
    assert len(expected) > 30
    assert docx_footnotes(built / f"PRY-profile-{lang}.docx") == expected
    assert pdf_footnotes(built / f"PRY-profile-{lang}.pdf") == expected


# --- DOCX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_python_docx_reads_back_headings_tables_links(built: Path, documents, lang: str) -> None:
    document = docx.Document(str(built / f"PRY-profile-{lang}.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == h1_titles(documents[lang])
    assert len(document.tables) >= 5
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert "https://www.paraguay.gov.py/gobierno-electronico" in links


@pytest.mark.parametrize("lang", LANGS)
def test_pandoc_reads_headings_notes_and_links(built: Path, documents, lang: str) -> None:
    ast = json.loads(tool("pandoc", "-f", "docx", "-t", "json", str(built / f"PRY-profile-{lang}.docx")))
    headers, notes, links = [], 0, set()

    def walk(node: object) -> None:
        nonlocal notes
        if isinstance(node, dict):
            kind = node.get("t")
            if kind == "Header" and node["c"][0] == 1:
                headers.append(_pandoc_text(node["c"][2]))
            elif kind == "Note":
                notes += 1
            elif kind == "Link":
                links.add(node["c"][2][0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast["blocks"])
    assert headers == h1_titles(documents[lang])
    assert notes == len(m.note_groups(documents[lang]))
    cited_urls = {s.url for s in documents[lang].sources}
    assert cited_urls <= links


def _pandoc_text(inlines: list[dict]) -> str:
    out = []
    for node in inlines:
        out.append({"Str": lambda c: c, "Space": lambda c: " "}.get(node["t"], lambda c: "")(node.get("c")))
    return "".join(out)


@pytest.mark.parametrize("lang", LANGS)
def test_docx_golden_parts(built: Path, lang: str, update_golden: bool) -> None:
    data = (built / f"PRY-profile-{lang}.docx").read_bytes()
    compare_docx_parts(data, GOLDEN / f"docx-PRY-{lang}", update_golden)


def test_spanish_docx_is_spell_checked_as_spanish(built: Path) -> None:
    with zipfile.ZipFile(built / "PRY-profile-es.docx") as archive:
        styles = archive.read("word/styles.xml").decode()
    assert 'w:val="es-ES"' in styles and 'w:val="en-GB"' not in styles


def test_libreoffice_converts_the_spanish_docx(built: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (make test installs it)")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(built / "PRY-profile-es.docx")],
                   check=True, capture_output=True, timeout=240)
    converted = tmp_path / "PRY-profile-es.pdf"
    text = tool("pdftotext", str(converted), "-")
    assert "Paraguay" in text and "Fuentes" in text
    # opened as is (no field update), the contents page lists the sections
    contents = text.split("\f")[1]
    assert "Índice" in contents and "A. Marco institucional" in contents and "Fuentes" in contents


@pytest.mark.parametrize("lang", LANGS)
def test_docx_opens_finished(built: Path, lang: str) -> None:
    from tests.test_contrast import docx_colour_failures
    from tests.writers.test_docx import audit_errors

    path = built / f"PRY-profile-{lang}.docx"
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
    text = tool("pdftotext", str(built / f"PRY-profile-{lang}.pdf"), "-")
    with zipfile.ZipFile(built / f"PRY-profile-{lang}.docx") as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist())
    for secret in ("Laura Salinas", "lsalinas@mitic.gov.py"):
        assert secret not in text and secret.encode() not in xml


def test_docx_bytes_are_reproducible(built: Path, documents) -> None:
    from reportgen.writers import WriterOptions
    from reportgen.writers.docx import write_docx

    again = write_docx(documents["en"], WriterOptions())
    assert again == (built / "PRY-profile-en.docx").read_bytes()
    assert io.BytesIO(again).getbuffer().nbytes > 10_000


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
                       "approved by Resolution 1790/2021", "employment and social security",
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
                       "aprobado por la Resolución N.º 1790/2021", "empleo y seguridad social",
                       "se ha deducido de los detalles facilitados por el Gobierno"],
           "absent": ["11 de 11", "10 de 11", "Los datos de uso están desglosados por sexo", "N.º 2246",
                      "gracias a alianzas",
                      "desglosados por género", "empleo y protección social"]},
}


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("lang", LANGS)
def test_statuses_read_right_in_pdf_and_docx(built: Path, lang: str) -> None:
    """Planned stays planned and nothing is stated more strongly than the
    answer, in the text a reader gets from both formats."""
    pdf = " ".join(tool("pdftotext", "-enc", "UTF-8", str(built / f"PRY-profile-{lang}.pdf"), "-").split())
    word = " ".join(docx_text(built / f"PRY-profile-{lang}.docx").split())
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
    info = tool("pdfinfo", str(built / "PRY-profile-es.pdf"))
    keywords = next(line for line in info.splitlines() if line.startswith("Keywords:"))
    assert "gobierno electrónico" in keywords and "Encuesta de las Naciones Unidas" in keywords
    assert "e-government" not in keywords
    props = docx.Document(str(built / "PRY-profile-es.docx")).core_properties
    assert "gobierno electrónico" in props.keywords and "e-government" not in props.keywords
