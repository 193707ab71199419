"""PDF writer, checked with real PDF readers (poppler, pdfplumber) and a locked-down fetcher."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from reportgen import model as m
from reportgen import transforms
from reportgen.config import Config
from reportgen.errors import WriterError
from reportgen.writers.html import chart_uris
from reportgen.writers.pdf import SafeURLFetcher, render_pdf, write_pdf
from reportgen.writers.pdf_variants import WEASYPRINT_VARIANTS, pdf_variant, supported_variants
from tests.pdfcheck import bracket_number, figure_alts, reference_links
from tests.writers.sample import sample_document
from tests.writers.test_html import HOSTILE, hostile_document

OPTIONS = Config()
TEMPLATES = OPTIONS.templates.resolve()


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    result = subprocess.run([tool, *args], capture_output=True, text=True, check=True)
    return result.stdout


def squeeze(text: str) -> str:
    """Text without whitespace: lines may wrap anywhere in a URL."""
    return re.sub(r"\s+", "", text)


def weasyprint_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SafeURLFetcher]:
    fetcher = SafeURLFetcher(OPTIONS.templates)
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(render_pdf(sample_document(), OPTIONS, fetcher))
    return path, fetcher


@pytest.fixture(scope="module")
def pdf_path(rendered: tuple[Path, SafeURLFetcher]) -> Path:
    return rendered[0]


# --- what the readers see -------------------------------------------------------


def test_pdfinfo_title_tagged_pages_dates(pdf_path: Path) -> None:
    info = poppler("pdfinfo", "-isodates", str(pdf_path))
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    assert fields["Title"] == "E-Government Country Profile: Paraguay"
    assert fields["Subject"] == "E-government in Paraguay"
    assert fields["Author"] == "United Nations Department of Economic and Social Affairs"
    assert fields["Keywords"] == "e-government, Paraguay"
    assert fields["Tagged"] == "yes"
    assert fields["Pages"] == "4"  # cover, contents, body, sources
    assert fields["Page size"].startswith("595.276 x 841.89")  # A4
    assert fields["CreationDate"] == fields["ModDate"] == "2024-03-01T00:00:00Z"


def test_pdf_ua_identification(pdf_path: Path) -> None:
    xmp = poppler("pdfinfo", "-meta", str(pdf_path))
    assert 'pdfuaid:part="1"' in xmp
    assert "E-Government Country Profile: Paraguay" in xmp


def test_text_has_every_title_and_each_address_once(pdf_path: Path) -> None:
    text = poppler("pdftotext", "-enc", "UTF-8", str(pdf_path), "-")
    document = sample_document()
    for block in document.blocks():
        if isinstance(block, m.Heading):
            assert m.plain_text(block.children) in text
    for entry in document.sources:
        assert squeeze(text).count(squeeze(entry.display)) == 1, entry.display  # printed in the list only
    assert "<b>markup</b> & {{ 7*7 }}" in text


def test_fonts_are_bundled_embedded_and_subset(pdf_path: Path) -> None:
    rows = poppler("pdffonts", str(pdf_path)).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, _uni, _obj, _gen = row.split()
        assert (emb, sub) == ("yes", "yes"), row
        # "Profile Sans" exists only in templates/fonts/: the system's fonts were not used.
        assert re.fullmatch(r"[A-Z]{6}\+Profile-Sans(-\w+)?", name), row


def test_outline_has_one_entry_per_h1(pdf_path: Path) -> None:
    document = sample_document()
    h1 = [m.plain_text(b.children) for b in document.blocks() if isinstance(b, m.Heading) and b.level == 1]
    with pdfplumber.open(pdf_path) as pdf:
        outline = [(level, title) for level, title, *_ in pdf.doc.get_outlines()]
    assert [title for level, title in outline if level == 1] == h1
    assert (2, "Portals") in outline
    assert "Contents" not in [title for _, title in outline]


def test_each_reference_marker_links_to_its_source_entry(pdf_path: Path) -> None:
    links = reference_links(pdf_path)
    expected = [n for r in m.references(sample_document()) for n in r.numbers]
    assert [bracket_number(link.text) for link in links] == expected
    for link in links:
        number = bracket_number(link.text)
        assert link.dest == f"src-{number}"
        assert f"[{number}] " in link.dest_text[:12], link  # the entry the link lands on (its line)


def test_no_footnotes_and_no_second_numbering(pdf_path: Path) -> None:
    text = poppler("pdftotext", "-layout", "-enc", "UTF-8", str(pdf_path), "-")
    assert not re.search(r"^\s*\d+\.?\s+\[\d+", text, re.MULTILINE)  # no "9. [1] ..." note line
    markers = re.findall(r"\[\d[^\]]*\]", text)
    assert "[2]" in markers and "[1, p. 94]" in markers  # pdftotext prints the no-break space as a space


def test_chart_is_vector_with_alt_text_in_the_structure_tree(pdf_path: Path) -> None:
    alts = figure_alts(pdf_path)
    assert "United Nations emblem" in alts
    assert any(a.startswith("Legislation areas by status. In place (2)") for a in alts)
    with pdfplumber.open(pdf_path) as pdf:
        page = next(p for p in pdf.pages if "Opengovernmentdata" in squeeze(p.extract_text() or ""))
        assert not [i for i in page.images if i["width"] > 100]  # drawn as shapes and text, no raster
        assert "Notinplace(0)" in squeeze(page.extract_text())


def test_running_header_and_footer(pdf_path: Path) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    assert "Page" not in pages[0]  # the cover has no furniture
    assert "Paraguay" in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in text
        assert text.startswith("Paraguay")
    assert pages[2].splitlines()[0].endswith("At a glance")
    assert pages[3].splitlines()[0].endswith("Sources")


def test_contents_has_page_numbers(pdf_path: Path) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        text = pdf.pages[1].extract_text() or ""
    assert re.search(r"^At a glance 3$", text, re.M)
    assert re.search(r"^Sources 4$", text, re.M)
    assert "..." not in text  # no leader dots in the text layer


def test_no_character_outside_the_page(pdf_path: Path) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                assert char["x0"] >= 0 and char["x1"] <= page.width, (page.page_number, char["text"])
                assert char["top"] >= 0 and char["bottom"] <= page.height, (page.page_number, char["text"])


def test_figure_has_alt_text(pdf_path: Path) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        figures = [e for e in _walk(pdf.structure_tree) if e["type"] == "Figure"]
    assert [f.get("alt_text") for f in figures] == ["United Nations emblem", sample_document().blocks()[-5].alt]


def _walk(elements: list[dict]) -> list[dict]:
    found: list[dict] = []
    for element in elements:
        found.append(element)
        found.extend(_walk(element.get("children", [])))
    return found


def test_links_are_http_only(pdf_path: Path) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        uris = [link["uri"] for page in pdf.pages for link in page.hyperlinks if link.get("uri")]
    assert "https://www.presidencia.gov.py/ver_decreto/31861" in uris
    assert all(u.startswith(("https://", "http://", "mailto:")) for u in uris)


# --- the fetcher ----------------------------------------------------------------


def test_only_templates_were_fetched(rendered: tuple[Path, SafeURLFetcher]) -> None:
    _, fetcher = rendered
    assert fetcher.refused == []
    fetched = sorted(u.removeprefix(f"file://{TEMPLATES}/") for u in fetcher.fetched if not u.startswith("data:"))
    # besides the templates, only the document's own chart (a data: URI it made)
    assert [u for u in fetcher.fetched if u.startswith("data:")] == chart_uris(sample_document())
    assert fetched == sorted([
        "fonts/NotoSans-Regular.ttf", "fonts/NotoSans-Bold.ttf", "fonts/NotoSans-Italic.ttf",
        "fonts/NotoSans-BoldItalic.ttf", "html/print.css", "html/un-emblem.svg",
    ])


def test_render_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="weasyprint")
    write_pdf(sample_document(), OPTIONS)
    assert weasyprint_warnings(caplog) == []


def test_hostile_answers_render_as_text(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG, logger="weasyprint")
    fetcher = SafeURLFetcher(OPTIONS.templates)
    path = tmp_path / "hostile.pdf"
    path.write_bytes(render_pdf(hostile_document(), OPTIONS, fetcher))
    # The strings were escaped text: WeasyPrint never saw them as markup, so
    # nothing was even asked for, let alone fetched.
    assert fetcher.refused == []
    assert all(u.startswith(f"file://{TEMPLATES}/") or u in chart_uris(hostile_document()) for u in fetcher.fetched)
    assert weasyprint_warnings(caplog) == []
    text = squeeze(poppler("pdftotext", "-enc", "UTF-8", str(path), "-"))
    for string in HOSTILE:
        assert squeeze(string) in text
    assert "clickme" in text
    with pdfplumber.open(path) as pdf:
        uris = [link.get("uri") or "" for page in pdf.pages for link in page.hyperlinks]
    assert not any("javascript" in u for u in uris)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x",
        "https://example.org/font.ttf",
        "ftp://example.org/x",
        "file:///etc/hostname",
        "file:///etc/passwd",
        f"file://{TEMPLATES}/../pyproject.toml",
        f"file://{TEMPLATES}/html/../../pyproject.toml",
        f"file://{TEMPLATES}/html/missing.css",
        f"file://{TEMPLATES}/html",  # a directory
        "file://otherhost/etc/hostname",
        "data:text/css,body{color:red}",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses(url: str) -> None:
    fetcher = SafeURLFetcher(TEMPLATES)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.fetched == []


def test_fetcher_refuses_symlinks_out_of_templates(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    (templates / "link.css").symlink_to(outside)
    (templates / "ok.css").write_text("p {}", encoding="utf-8")
    fetcher = SafeURLFetcher(templates)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(f"file://{templates}/link.css")
    response = fetcher.fetch(f"file://{templates}/ok.css")
    assert response.read() == b"p {}"
    assert response.content_type == "text/css"


def test_fetcher_serves_only_its_own_data_uris() -> None:
    mine = "data:text/css;base64,cCB7fQ=="
    fetcher = SafeURLFetcher(TEMPLATES, allowed_data=[mine])
    assert fetcher.fetch(mine).read() == b"p {}"
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("data:text/css;base64,cSB7fQ==")


def test_refusals_are_kept_off_the_console(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """A template that names a network resource: refused, recorded, and not printed."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    css = templates / "html" / "print.css"
    css.write_text('@import url("http://127.0.0.1:1/x.css");\n' + css.read_text(encoding="utf-8"),
                   encoding="utf-8")
    caplog.set_level(logging.DEBUG, logger="weasyprint")
    fetcher = SafeURLFetcher(templates)
    render_pdf(sample_document(), Config(templates=templates), fetcher)
    assert fetcher.refused == ["http://127.0.0.1:1/x.css"]
    assert weasyprint_warnings(caplog) == []


# --- determinism and variants -----------------------------------------------------


def test_same_input_same_bytes(pdf_path: Path) -> None:
    assert write_pdf(sample_document(), OPTIONS) == pdf_path.read_bytes()


IN_A_WORKER = """
import sys
from reportgen.build import WorkerPool
from reportgen.config import Config
from reportgen.writers.pdf import write_pdf
from tests.writers.sample import sample_document

with WorkerPool(1, formats=("pdf",)) as pool:
    sys.stdout.buffer.write(pool.submit(write_pdf, sample_document(), Config()).result(timeout=120))
"""


def test_a_worker_of_the_pool_writes_the_same_bytes(pdf_path: Path) -> None:
    """Workers are forked from a server that has already laid out and written
    a page (reportgen.warmup), so that each need not set up WeasyPrint's
    libraries again: what that leaves behind must not change a byte. In a
    fresh process, whose fork server is sure to be this build's."""
    done = subprocess.run([sys.executable, "-c", IN_A_WORKER], capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout == pdf_path.read_bytes()


@pytest.mark.parametrize("variant", ["pdf/a-3u", "pdf/a-3a", None])
def test_other_variants(variant: str | None, tmp_path: Path) -> None:
    path = tmp_path / "variant.pdf"
    path.write_bytes(write_pdf(sample_document(), Config(pdf_variant=variant)))
    info = poppler("pdfinfo", str(path))
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    if variant:
        xmp = poppler("pdfinfo", "-meta", str(path))
        assert 'pdfaid:part="3"' in xmp
        assert f'pdfaid:conformance="{variant[-1].upper()}"' in xmp


@pytest.mark.parametrize("variant", ["pdf/z-9", "debug", "pdf/a-3u+pdf/ua-1", "pdf/a-3a,pdf/ua-1", ""])
def test_unsupported_variant(variant: str) -> None:
    with pytest.raises(WriterError, match="not supported"):
        write_pdf(sample_document(), Config(pdf_variant=variant))


def test_combined_variant_says_why() -> None:
    with pytest.raises(WriterError, match="other than pdf/a-2a or pdf/a-3a with pdf/ua-1"):
        write_pdf(sample_document(), Config(pdf_variant="pdf/a-3u+pdf/ua-1"))


def long_document() -> m.Document:
    """Many table rows, an unbreakable URL and a long word: what overflows if anything does."""
    document = sample_document()
    url = "https://example.org/" + "a" * 180
    document.sources.append(m.SourceEntry(4, "s4", url, "Very long address", "example.org", [1]))
    body = next(s for s in document.sections if s.id == "A")
    rows = [[[m.Text(f"Row {i}")], [m.Text("Donaudampfschifffahrtsgesellschaftskapitän " * 3),
                                    m.Citation("s4", "", 4)]] for i in range(1, 31)]
    body.blocks.append(m.Table([[m.Text("Indicator")], [m.Text("Answer")]], rows, [m.Text("Long table")]))
    body.blocks.append(m.Paragraph([m.Link(url, [m.Text(url)])]))
    transforms.apply(document)
    return document


def test_long_document_stays_on_the_page(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(write_pdf(long_document(), OPTIONS))
    with pdfplumber.open(path) as pdf:
        table_pages = [p for p in pdf.pages if "Row " in (p.extract_text() or "")]
        for page in pdf.pages:
            for char in page.chars:
                assert char["x0"] >= 0 and char["x1"] <= page.width, (page.page_number, char["text"])
                assert char["top"] >= 0 and char["bottom"] <= page.height, (page.page_number, char["text"])
    assert len(table_pages) > 1
    for page in table_pages[1:]:  # the header row repeats on every page of the table
        assert "Indicator Answer" in (page.extract_text() or "")


def test_supported_variants_include_ua_and_a() -> None:
    assert {"pdf/ua-1", "pdf/a-3u", "pdf/a-3a"} <= set(supported_variants())
    assert pdf_variant(" PDF/UA-1 ") == "pdf/ua-1"
    assert pdf_variant(None) is None


def test_variant_list_is_the_installed_weasyprints() -> None:
    """The command line checks variants without importing WeasyPrint; the copy must match."""
    from weasyprint.pdf import VARIANTS

    assert sorted(WEASYPRINT_VARIANTS) == sorted(name for name in VARIANTS if name != "debug")


def test_internal_label_on_every_page(tmp_path: Path) -> None:
    path = tmp_path / "internal.pdf"
    path.write_bytes(write_pdf(sample_document(internal=True), OPTIONS))
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert "NOT FOR PUBLICATION" in (page.extract_text() or ""), page.page_number


# --- right to left (issue 13) -------------------------------------------------

A4_WIDTH = 595.28
MARGIN = 18 / 25.4 * 72  # print.css: 18 mm left and right


@dataclass
class Word:
    page: int
    text: str
    x_min: float
    x_max: float
    y_min: float
    y_max: float


def words(path: Path) -> list[Word]:
    """Every word with its box, from poppler's pdftotext -bbox-layout (XHTML,
    read with lxml). Poppler gives Arabic words in visual order (reversed)."""
    from lxml import etree

    tree = etree.fromstring(poppler("pdftotext", "-bbox-layout", str(path), "-").encode("utf-8"),
                            etree.XMLParser(recover=True))
    found = []
    for number, page in enumerate(tree.iter("{*}page"), start=1):
        for word in page.iter("{*}word"):
            box = [float(word.get(k)) for k in ("xMin", "xMax", "yMin", "yMax")]
            found.append(Word(number, word.text or "", *box))
    return found


def find(found: list[Word], text: str, page: int | None = None) -> Word:
    """The first word ``text`` (or its visual, reversed form) on ``page``."""
    return next(w for w in found if w.text in (text, text[::-1]) and (page is None or w.page == page))


@pytest.fixture(scope="module")
def arabic_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.writers.sample import arabic_document

    path = tmp_path_factory.mktemp("pdf-ar") / "sample-ar.pdf"
    path.write_bytes(write_pdf(arabic_document(), OPTIONS))
    return path


def test_arabic_headings_are_right_aligned(arabic_pdf: Path, rendered) -> None:
    """The heading's right end touches the right margin in Arabic; in
    English its left end touches the left margin."""
    arabic = words(arabic_pdf)
    heading = max((w for w in arabic if w.text in ("المؤسسي", "المؤسسي"[::-1])),
                  key=lambda w: w.y_max - w.y_min)  # the last word of the h2 "الإطار المؤسسي", leftmost
    right_end = max(w.x_max for w in arabic if w.page == heading.page and abs(w.y_min - heading.y_min) < 1)
    assert abs(right_end - (A4_WIDTH - MARGIN)) < 1.5, right_end
    assert heading.x_min > A4_WIDTH / 2
    # the h2 "A. Institutional framework", not its entry in the contents
    english = max((w for w in words(rendered[0]) if w.text == "A."), key=lambda w: w.y_max - w.y_min)
    assert abs(english.x_min - MARGIN) < 1.5, english.x_min


def test_arabic_page_furniture_and_tables_are_mirrored(arabic_pdf: Path, rendered) -> None:
    """Country at the top right, page number at the bottom left; the table's
    first column (its row headers) on the right."""
    arabic = words(arabic_pdf)
    country = find(arabic, "Paraguay", page=3)
    assert abs(country.x_max - (A4_WIDTH - MARGIN)) < 1.5
    assert find(arabic, "Page", page=3).x_min < A4_WIDTH / 3
    assert find(arabic, "Indicator").x_min > find(arabic, "Answer").x_max
    english = words(rendered[0])
    assert abs(find(english, "Paraguay", page=3).x_min - MARGIN) < 1.5
    assert find(english, "Page", page=3).x_min > A4_WIDTH / 2
    assert find(english, "Indicator").x_max < find(english, "Answer").x_min


def test_arabic_pdf_language_and_spans(arabic_pdf: Path) -> None:
    """/Lang ar on the document, es on the Spanish title's structure element
    (pikepdf); the law number with its slash is extracted in its own order."""
    import pikepdf

    with pikepdf.open(arabic_pdf) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        tagged = {str(e.Lang) for e in _struct_elements(pdf.Root.StructTreeRoot) if "/Lang" in e}
    assert tagged == {"es"}
    assert "5189/2014" in poppler("pdftotext", str(arabic_pdf), "-")


def test_chinese_pdf_language(tmp_path: Path) -> None:
    import pikepdf

    document = sample_document(lang="zh")
    document.sections[3].blocks.append(m.Paragraph([m.Text("巴拉圭信息和通信技术部负责电子政务。")]))
    path = tmp_path / "zh.pdf"
    path.write_bytes(write_pdf(document, OPTIONS))
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "zh-CN"
    if not Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").is_file():
        pytest.skip("fonts-noto-cjk is not installed")
    # Han characters in the Simplified Chinese face: with lang "zh" or
    # "zh-Hans" fontconfig falls back to the Japanese one (other glyph shapes).
    with pdfplumber.open(path) as pdf:
        faces = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars if c["text"] == "巴"}
    assert faces == {"Profile-CJK-SC"}  # the SC face of the collection (reportgen.fonts.CJK_SC), subset


def _struct_elements(node):
    import pikepdf

    kids = node.get("/K")
    if kids is None:
        return
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from _struct_elements(kid)


# --- reproducible bytes without the environment -------------------------------------


def _build_at(out: Path, wall_clock: float, langs: tuple[str, ...], formats: tuple[str, ...],
              monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Paraguay built in this process with the build date in the configuration
    only (no SOURCE_DATE_EPOCH in the environment, where fontTools would read
    it) and the wall clock at ``wall_clock``: output name -> bytes."""
    import time

    from reportgen import build as builder

    options = Config(out=out, languages=langs, formats=formats, source_date_epoch=1732000000)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: wall_clock)
        summary = builder.build([Path("responses/PRY.yaml")], options)
    assert summary.ok, [r.error for r in summary.failed]
    import os

    assert "SOURCE_DATE_EPOCH" not in os.environ  # nothing set it while rendering
    return {Path(o.path).name: Path(o.path).read_bytes() for r in summary.built for o in r.outputs.values()}


def _assert_same(first: dict[str, bytes], second: dict[str, bytes]) -> None:
    assert first.keys() == second.keys() and first
    for name in first:
        assert first[name] == second[name], f"{name}: a timestamp of the wall clock leaked into the bytes"


def test_no_wall_clock_timestamp_leaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      paraguay_build: Path) -> None:
    """The same profile built at two wall-clock times gives the same bytes in
    every format: fonts subset by WeasyPrint (HarfBuzz) and by us (fontTools,
    standalone HTML) keep their own dates, and the documents' dates come from
    the configuration. The PDF and the DOCX of the other time are the
    session's build (tests/conftest.py: today's wall clock, the same date set
    in the environment, both languages in one batch), which spares a second
    PDF render; Spanish alone here, in another folder and another batch, so
    this is also the build's same-inputs-same-bytes check."""
    late = _build_at(tmp_path / "b", 1_950_000_000.0, ("es",), ("pdf", "html", "docx"), monkeypatch)
    early = _build_at(tmp_path / "a", 1_000_000_000.0, ("es",), ("html",), monkeypatch)
    early |= {name: (paraguay_build / name).read_bytes()
              for name in ("PRY-profile-2024-es-draft.pdf", "PRY-profile-2024-es-draft.docx")}
    _assert_same(early, late)


@pytest.mark.slow  # two Chinese PDF builds: about 20 s on a shared machine
def test_no_wall_clock_timestamp_leaks_from_a_system_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same with the CJK face we subset ourselves before WeasyPrint does."""
    _assert_same(_build_at(tmp_path / "a", 1_000_000_000.0, ("zh",), ("pdf",), monkeypatch),
                 _build_at(tmp_path / "b", 1_950_000_000.0, ("zh",), ("pdf",), monkeypatch))


def test_without_harfbuzz_subset_the_pdf_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libharfbuzz-subset WeasyPrint would subset with fontTools,
    which stamps the wall clock: one line that says what to do, unless
    SOURCE_DATE_EPOCH is set (fontTools then uses it)."""
    import weasyprint.text.ffi as ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with pytest.raises(WriterError, match=r"^PDF: libharfbuzz-subset .* set SOURCE_DATE_EPOCH$") as caught:
        write_pdf(sample_document(), OPTIONS)
    assert "\n" not in str(caught.value)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")
    from reportgen.writers.pdf import check_reproducible_subsetting

    check_reproducible_subsetting()  # no error


def test_the_two_column_sources_list_is_laid_out_once_per_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint 70 lays a multi-column box out a second time when it has a
    bottom margin, padding or border, and balancing the columns is the costliest
    layout of a profile (issue 16): print.css gives ol.sources none."""
    import weasyprint.layout.block as block

    laid_out: list[int] = []
    original = block.columns_layout

    def counting(context, box, *args, **kwargs):
        laid_out.append(context.current_page)
        return original(context, box, *args, **kwargs)

    monkeypatch.setattr(block, "columns_layout", counting)
    render_pdf(sample_document(), OPTIONS, SafeURLFetcher(OPTIONS.templates))
    assert laid_out, "the sample's sources list is no longer in columns: this test checks nothing"
    assert len(laid_out) == len(set(laid_out)), f"pages laid out more than once: {laid_out}"
