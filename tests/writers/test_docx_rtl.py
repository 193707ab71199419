"""The DOCX writer in Arabic (right to left) and Chinese: paragraph and table
direction, run direction, script fonts and languages, read back by lxml,
python-docx, pandoc and LibreOffice (pdftotext, pdffonts)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

from reportgen import model as m
from reportgen import transforms
from reportgen.config import Config
from reportgen.writers.docx import write_docx
from reportgen.writers.docx.bidi import segments
from reportgen.writers.docx.translator import LRM, RLM, language_slots
from tests.writers.office import convert_to_pdf
from tests.writers.sample import sample_document
from tests.writers.test_docx import audit_errors

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARABIC = re.compile(r"[\u0600-\u06ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
LEFT_MARGIN, RIGHT_MARGIN = 70.9, 595.3 - 70.9  # A4 with 2.5 cm margins, in points
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

t = m.Text
SPANISH_TITLE = "Ley N.º 5282/2014 de libre acceso ciudadano a la información pública."
ENGLISH_SENTENCE = "7 of 8 principles referenced."


def arabic_document() -> m.Document:
    """A small Arabic profile: Arabic text with a Spanish title, an English
    fallback sentence, a number, a link and a citation inside it."""
    source = m.SourceEntry(1, "s1", "https://www.presidencia.gov.py/ver_decreto/31861",
                           "المرسوم الرئاسي رقم 8942", "presidencia.gov.py", [34], date(2024, 3, 1),
                           "البنود: Q34", "www.presidencia.gov.py/ver_decreto/31861")
    cover = m.Section("cover", "cover", [m.Paragraph([t("باراغواي")], role="title"),
                                         m.Paragraph([t("الموجز القطري للحكومة الإلكترونية")], role="subtitle")])
    contents = m.Section("contents", "contents", [m.Contents("المحتويات")])
    glance = m.Section("at-a-glance", "body", [
        m.Heading(1, [t("لمحة عامة")], "at-a-glance"),
        m.Table(header=[[t("الموضوع")], [t("وفقا للرد")]],
                rows=[[[t("البوابة الوطنية")], [m.Link("https://www.paraguay.gov.py/", [t("paraguay.gov.py")])]],
                      [[t("المبادئ")], [m.Span("en", [t(ENGLISH_SENTENCE)])]]],
                caption=[t("حقائق رئيسية")], widths=[1, 2]),
        m.Paragraph([t("يضمن القانون الوصول إلى المعلومات منذ عام 2014 ("), m.Span("es", [t(SPANISH_TITLE)]),
                     t(")"), m.Citation("s1", "", 1), t(".")]),
        m.BulletList([[t("وزارة تكنولوجيا المعلومات والاتصالات")], [m.Span("en", [t("Open data portal")])]]),
    ])
    sources = m.Section("sources", "sources", [m.Heading(1, [t("المصادر")], "sources"), m.SourceList([source])])
    meta = m.Meta(title="الموجز القطري للحكومة الإلكترونية", country="باراغواي", country_code="PRY", lang="ar",
                  subject="الحكومة الإلكترونية في باراغواي", author="الأمم المتحدة", keywords=[],
                  edition="2024", status="مشروع", date=date(2024, 3, 1),
                  labels={"page": "الصفحة ", "of": " من ", "table": "جدول"})
    document = m.Document(meta, [cover, contents, glance, sources], sources=[source])
    transforms.apply(document)
    return document


# A note (the Note style, italic in English) with a Chinese dash, quotes and digits.
CHINESE_NOTE = "信通部——“开放数据”门户于2024年上线。"


def chinese_document() -> m.Document:
    cover = m.Section("cover", "cover", [m.Paragraph([t("巴拉圭")], role="title")])
    glance = m.Section("at-a-glance", "body", [
        m.Heading(1, [t("概览")], "at-a-glance"),
        m.Paragraph([t("牵头机构："), m.Strong([t("信息和通信技术部")]), t("（MITIC）。"),
                     m.Span("en", [t("Not reported.")])]),
        m.Table(header=[[t("主题")], [t("答复内容")]], rows=[[[t("国家门户网站")], [t("paraguay.gov.py")]]]),
        m.Paragraph([t(CHINESE_NOTE)], role="note"),
    ])
    meta = m.Meta(title="电子政务国家概况", country="巴拉圭", country_code="PRY", lang="zh",
                  subject="巴拉圭电子政务", author="联合国", keywords=[], edition="2024", status="草稿",
                  date=date(2024, 3, 1), labels={"page": "第", "of": "页，共", "page_end": "页"})
    return m.Document(meta, [cover, glance], sources=[])


@pytest.fixture(scope="module")
def arabic_bytes() -> bytes:
    return write_docx(arabic_document(), Config())


@pytest.fixture(scope="module")
def chinese_bytes() -> bytes:
    return write_docx(chinese_document(), Config())


def parts(data: bytes, pattern: str) -> list[Any]:
    """The parsed parts of a DOCX whose names match ``pattern``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [etree.fromstring(archive.read(name)) for name in archive.namelist() if re.fullmatch(pattern, name)]


def runs(root: Any) -> list[tuple[str, Any]]:
    """(text, rPr) of every run with text, wherever it is (hyperlinks too)."""
    found = []
    for run in root.iter(f"{W}r"):
        text = "".join(x.text or "" for x in run.iter(f"{W}t"))
        if text:
            found.append((text, run.find(f"{W}rPr")))
    return found


def has(rpr: Any, tag: str) -> bool:
    return rpr is not None and rpr.find(f"{W}{tag}") is not None


def lang_of(rpr: Any) -> dict[str, str]:
    lang = None if rpr is None else rpr.find(f"{W}lang")
    return {} if lang is None else {k.removeprefix(W): v for k, v in lang.attrib.items()}


# --- splitting text by direction -----------------------------------------------------


def test_segments_keep_latin_and_numbers_out_of_right_to_left_runs() -> None:
    text = "أطلقت وزارة MITIC بوابة paraguay.gov.py في عام 2024، بنسبة 0.85."
    pieces = segments(text)
    assert "".join(piece for piece, _ in pieces) == text
    assert [piece for piece, rtl in pieces if not rtl] == ["MITIC", "paraguay.gov.py", "2024", "0.85"]
    assert all(ARABIC.search(piece) or not piece.strip(" ،.") for piece, rtl in pieces if rtl)


def test_segments_of_latin_only_and_arabic_only_text() -> None:
    assert segments("Open data portal") == [("Open data portal", False)]
    assert segments("لمحة عامة") == [("لمحة عامة", True)]
    assert segments("") == []


# --- Arabic: direction ---------------------------------------------------------------


def test_every_paragraph_is_right_to_left(arabic_bytes: bytes) -> None:
    stories = parts(arabic_bytes, r"word/(document|header\d*|footer\d*)\.xml")
    assert len(stories) >= 3  # body, running head, page footer
    paragraphs = [p for story in stories for p in story.iter(f"{W}p")]
    assert len(paragraphs) > 15
    assert all(p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs)
    assert all(p[0].tag == f"{W}pPr" for p in paragraphs)  # schema order: pPr first
    assert stories[0].find(f"{W}body/{W}sectPr/{W}bidi") is not None


def test_tables_are_mirrored(arabic_bytes: bytes) -> None:
    tables = list(parts(arabic_bytes, "word/document.xml")[0].iter(f"{W}tbl"))
    assert tables and all(tbl.find(f"{W}tblPr/{W}bidiVisual") is not None for tbl in tables)


def test_rtl_only_on_arabic_runs(arabic_bytes: bytes) -> None:
    found = runs(parts(arabic_bytes, "word/document.xml")[0])
    arabic = [(text, rpr) for text, rpr in found if ARABIC.search(text)]
    latin = [(text, rpr) for text, rpr in found if LATIN.search(text) or re.fullmatch(r"\d[\d.,/]*", text)]
    assert arabic and latin
    assert all(has(rpr, "rtl") for _, rpr in arabic)
    assert not any(has(rpr, "rtl") for _, rpr in latin), [text for text, rpr in latin if has(rpr, "rtl")]
    assert not any(ARABIC.search(text) and LATIN.search(text) for text, _ in found)  # never mixed in a run


def test_spans_keep_their_language_and_direction(arabic_bytes: bytes) -> None:
    found = runs(parts(arabic_bytes, "word/document.xml")[0])
    # (the house style binds numbers with no-break spaces: "N.º 5282", "7 of")
    spanish = [(text, rpr) for text, rpr in found if text.replace("\xa0", " ") == SPANISH_TITLE]
    english = [(text, rpr) for text, rpr in found if text.replace("\xa0", " ") == ENGLISH_SENTENCE]
    assert len(spanish) == len(english) == 1
    assert lang_of(spanish[0][1]) == {"val": "es-ES"} and not has(spanish[0][1], "rtl")
    assert lang_of(english[0][1]) == {"val": "en-GB"} and not has(english[0][1], "rtl")


def test_spans_and_latin_links_are_isolated_by_marks(arabic_bytes: bytes) -> None:
    """Each left-to-right span is bracketed RLM LRM ... LRM RLM, so that its
    number stays at its start and its full stop at its end."""
    texts = [text.replace("\xa0", " ") for text, _ in runs(parts(arabic_bytes, "word/document.xml")[0])]
    for inside in (SPANISH_TITLE, ENGLISH_SENTENCE, "paraguay.gov.py"):
        at = texts.index(inside)
        assert texts[at - 1] == RLM + LRM and texts[at + 1] == LRM + RLM, texts[at - 1: at + 2]


def test_bold_and_size_reach_arabic_text(arabic_bytes: bytes) -> None:
    """Word and LibreOffice format Arabic with the complex-script properties."""
    styles = parts(arabic_bytes, "word/styles.xml")[0]
    for style in styles.iter(f"{W}style"):
        rpr = style.find(f"{W}rPr")
        if rpr is None:
            continue
        name = style.find(f"{W}name").get(f"{W}val")
        for plain, complex_script in (("b", "bCs"), ("i", "iCs"), ("sz", "szCs")):
            if has(rpr, plain):
                assert has(rpr, complex_script), (name, complex_script)
                assert rpr.find(f"{W}{plain}").attrib == rpr.find(f"{W}{complex_script}").attrib, name


def test_openxml_audit_finds_no_error(arabic_bytes: bytes, chinese_bytes: bytes, tmp_path: Path) -> None:
    """The direction and language markup in schema order (Word refuses files
    whose pPr, rPr, tblPr or sectPr children are out of order)."""
    for name, data in (("ar.docx", arabic_bytes), ("zh.docx", chinese_bytes)):
        path = tmp_path / name
        path.write_bytes(data)
        assert audit_errors(path) == [], name


# --- fonts and languages ---------------------------------------------------------------


def test_script_fonts_and_languages_in_the_defaults(arabic_bytes: bytes, chinese_bytes: bytes) -> None:
    for data, mine in ((arabic_bytes, {"bidi": "ar-SA"}), (chinese_bytes, {"eastAsia": "zh-CN"})):
        styles = parts(data, "word/styles.xml")[0]
        rpr = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        fonts = {k.removeprefix(W): v for k, v in rpr.find(f"{W}rFonts").attrib.items()}
        assert fonts["eastAsia"] == "Noto Sans CJK SC" and fonts["cs"] == "Noto Naskh Arabic"
        assert fonts["ascii"] == fonts["hAnsi"]
        assert lang_of(rpr) == {"val": "en-GB", "eastAsia": "zh-CN", "bidi": "ar-SA", **mine}
        langs = [lang_of(s.find(f"{W}rPr")) for s in styles.iter(f"{W}style") if s.find(f"{W}rPr") is not None]
        assert langs and all(lang.items() >= mine.items() for lang in langs)


def test_language_slots() -> None:
    assert language_slots("ar") == {"bidi": "ar-SA"}
    assert language_slots("zh") == {"eastAsia": "zh-CN"}
    assert language_slots("es") == {"val": "es-ES"}
    assert language_slots("ru") == {"val": "ru-RU"}


def test_core_properties_name_the_language(arabic_bytes: bytes, chinese_bytes: bytes) -> None:
    assert docx.Document(io.BytesIO(arabic_bytes)).core_properties.language == "ar-SA"
    assert docx.Document(io.BytesIO(chinese_bytes)).core_properties.language == "zh-CN"


def test_chinese_is_left_to_right_with_english_span_tagged(chinese_bytes: bytes) -> None:
    document = parts(chinese_bytes, "word/document.xml")[0]
    assert document.find(f".//{W}bidi") is None and document.find(f".//{W}bidiVisual") is None
    found = runs(document)
    assert not any(has(rpr, "rtl") for _, rpr in found)
    assert [lang_of(rpr) for text, rpr in found if text == "Not reported."] == [{"val": "en-GB"}]
    assert not any(LRM in text or RLM in text for text, _ in found)


def test_left_to_right_documents_are_untouched() -> None:
    """English and Spanish: no direction markup and no marks at all."""
    for lang in ("en", "es"):
        data = write_docx(sample_document(lang=lang), Config())
        document = parts(data, "word/document.xml")[0]
        assert not [e for tag in ("bidi", "bidiVisual", "rtl") for e in document.iter(f"{W}{tag}")]
        assert not any(LRM in text or RLM in text for text, _ in runs(document))


# --- other readers ---------------------------------------------------------------------


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        if node.get("t") == "Str":
            return [node["c"]]
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_pandoc_reads_the_arabic_docx_back(arabic_bytes: bytes) -> None:
    result = subprocess.run(["pandoc", "-f", "docx", "-t", "json"], input=arabic_bytes,
                            capture_output=True, check=True, timeout=120)
    blocks = json.loads(result.stdout)["blocks"]
    headers = [" ".join(_strings(b["c"][2])) for b in blocks if b["t"] == "Header"]
    assert headers == ["لمحة عامة", "المصادر"]
    text = " ".join(_strings(blocks)).replace(LRM, "").replace(RLM, "")
    for expected in ("Ley", "5282/2014", "principles", "referenced.", "paraguay.gov.py", "الوصول"):
        assert expected in text.split(), expected


@pytest.fixture(scope="module")
def office_pdfs(arabic_bytes: bytes, chinese_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Arabic and Chinese documents, the Paraguay sample in English for
    comparison, converted by LibreOffice in one start."""
    work = tmp_path_factory.mktemp("office-rtl")
    sources = []
    for lang, data in (("ar", arabic_bytes), ("zh", chinese_bytes),
                       ("en", write_docx(sample_document(), Config()))):
        sources.append(work / f"{lang}.docx")
        sources[-1].write_bytes(data)
    return dict(zip(("ar", "zh", "en"), convert_to_pdf(sources, work), strict=True))


def pdftotext(pdf: Path, *args: str) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    text = subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    return BIDI_CONTROLS.sub("", text)  # poppler brackets right-to-left lines with RLE ... PDF


def test_libreoffice_draws_arabic_and_chinese(office_pdfs: dict[str, Path]) -> None:
    arabic, chinese = pdftotext(office_pdfs["ar"]), pdftotext(office_pdfs["zh"])
    assert "\ufffd" not in arabic + chinese
    assert len(ARABIC.findall(arabic)) > 100 and "لمحة" in arabic and "الصفحة" in arabic
    assert len(HAN.findall(chinese)) > 15 and "概览" in chinese and "信息和通信技术部" in chinese
    assert "Ley N.º 5282/2014 de libre acceso" in " ".join(arabic.split())  # in its own order


def words(pdf: Path, page: int) -> dict[str, tuple[float, float]]:
    """Word -> (xMin, xMax) on one page, from pdftotext's bounding boxes (which
    give an Arabic word's letters in visual order: turned back here)."""
    html = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
    found = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>', html)
    return {(word[::-1] if ARABIC.search(word) else word): (float(x0), float(x1)) for x0, x1, word in found}


def test_libreoffice_lays_the_arabic_page_out_right_to_left(office_pdfs: dict[str, Path]) -> None:
    """The heading ends at the right margin, the table's first column is on the
    right, and "7 of 8 ..." reads in order; in English the heading is on the left."""
    position = words(office_pdfs["ar"], 3)  # cover, contents, At a glance
    assert abs(position["لمحة"][1] - RIGHT_MARGIN) < 2  # the heading's first word at the right margin
    assert position["الموضوع"][0] > position["للرد"][1]  # first column on the right
    assert position["7"][1] < position["of"][0] < position["8"][0] < position["principles"][0]
    assert position["Ley"][1] < position["N.º"][0] < position["5282/2014"][0] < position["libre"][0]
    assert position["عامة"][0] > 595 / 2
    english = words(office_pdfs["en"], 3)
    assert abs(english["At"][0] - LEFT_MARGIN) < 2


def test_pdffonts_shows_the_script_fonts(office_pdfs: dict[str, Path]) -> None:
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    if "Noto Naskh Arabic" not in installed or "Noto Sans CJK SC" not in installed:
        pytest.skip("fonts-noto-core and fonts-noto-cjk not installed (scripts/system-deps.sh test)")
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts not installed")
    fonts = {lang: subprocess.run(["pdffonts", str(office_pdfs[lang])], capture_output=True, text=True,
                                  check=True).stdout for lang in ("ar", "zh")}
    assert "NotoNaskhArabic" in fonts["ar"]
    assert "NotoSansCJK" in fonts["zh"]


# --- Chinese and Arabic: no italics; Chinese spacing, dashes and quotes ---------------


def styles_xml(data: bytes) -> Any:
    return parts(data, "word/styles.xml")[0]


def test_no_italic_style_in_chinese_or_arabic(arabic_bytes: bytes, chinese_bytes: bytes) -> None:
    """The disclaimer and the form's notes (the Note style) are regular in
    the languages without italics; English keeps its italic Note."""
    for data in (arabic_bytes, chinese_bytes):
        styles = styles_xml(data)
        assert not styles.findall(f".//{W}i") and not styles.findall(f".//{W}iCs")
    english = docx.Document(io.BytesIO(write_docx(sample_document(), Config())))
    assert english.styles["Note"].font.italic is True


def test_chinese_keeps_latin_next_to_han(chinese_bytes: bytes, arabic_bytes: bytes) -> None:
    """No automatic space between Han and Latin letters or digits in Chinese ("2024年")."""
    defaults = styles_xml(chinese_bytes).find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
    assert [defaults.find(f"{W}{tag}").get(f"{W}val") for tag in ("autoSpaceDE", "autoSpaceDN")] == ["0", "0"]
    assert styles_xml(arabic_bytes).find(f".//{W}autoSpaceDE") is None


def test_chinese_dash_and_quotes_take_the_east_asian_font(chinese_bytes: bytes) -> None:
    body = parts(chinese_bytes, "word/document.xml")[0]
    runs = [(run.findtext(f"{W}t") or "", run.find(f"{W}rPr/{W}rFonts")) for run in body.iter(f"{W}r")]
    marked = [text for text, fonts in runs if re.search("[\u2014\u2018-\u201d]", text)]
    assert CHINESE_NOTE in marked
    for text, fonts in runs:
        hinted = fonts is not None and fonts.get(f"{W}hint") == "eastAsia"
        assert hinted == (text in marked), text


def test_libreoffice_sets_the_chinese_note_upright_with_cjk_dashes(office_pdfs: dict[str, Path]) -> None:
    """LibreOffice's rendering: the note's glyphs are not slanted (no skew in
    their text matrix) and its em dashes and quotes are drawn with the CJK
    font (LibreOffice 7.4 ignores ``w:autoSpaceDE``: docs/docx.md)."""
    import pdfplumber

    with pdfplumber.open(office_pdfs["zh"]) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    start = next(i for i in range(len(chars)) if "".join(c["text"] for c in chars[i:i + 3]) == "信通部")
    note, text = [], ""
    for char in chars[start:]:  # a glyph may stand for two characters ("——")
        if text == CHINESE_NOTE:
            break
        note.append(char)
        text += char["text"]
    assert text == CHINESE_NOTE
    assert all(abs(c["matrix"][2]) < 1e-3 for c in note), {c["matrix"] for c in note}
    punctuation = [c for c in note if re.search("[\u2014\u201c\u201d]", c["text"])]
    assert len(punctuation) >= 3 and all("CJK" in c["fontname"] for c in punctuation), \
        [(c["text"], c["fontname"]) for c in punctuation]
