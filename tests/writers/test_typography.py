"""The typography the UN editors flagged in the French, Russian and Chinese
profiles (docs/translation-fr.md, -ru.md, -zh.md), read back from Paraguay's
PDFs by independent readers: pdfplumber for the running head and for which
font draws a character, pikepdf for the outline (where each section starts),
pdftotext -layout for line breaks."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from reportgen.config import Config
from reportgen.writers.pdf import write_pdf
from tests.conftest import ParaguayPDFs
from tests.writers.sample import sample_document

LANGS = ("fr", "ru", "zh", "en")
TOP_MARGIN = 20 / 25.4 * 72  # print.css: the running head sits in the 20 mm top margin
COUNTRY = {"fr": "Paraguay", "ru": "Парагвай", "zh": "巴拉圭", "en": "Paraguay"}


@pytest.fixture(scope="module")
def pdfs(paraguay_pdfs: ParaguayPDFs) -> dict[str, Path]:
    """Paraguay's PDF in French, Russian, Chinese and English, built once for
    the session (tests/conftest.py; test_fonts reads Russian and Chinese too)."""
    return paraguay_pdfs(*LANGS)


def layout(path: Path, first: int = 1, last: int = 0) -> list[str]:
    """``pdftotext -layout`` of pages ``first`` to ``last`` (0: the end), one string a page."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    args = ["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(first)] + (["-l", str(last)] if last else [])
    text = subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def outline(path: Path) -> list[tuple[str, int, float]]:
    """The PDF's top-level bookmarks: (title, page number, top of the heading in points)."""
    with pikepdf.open(path) as pdf:
        numbers = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        with pdf.open_outline() as tree:
            return [(item.title, numbers[item.destination[0].objgen], float(item.destination[3]))
                    for item in tree.root]


@pytest.fixture(scope="module")
def plumbed(pdfs: dict[str, Path]) -> Iterator[dict[str, pdfplumber.PDF]]:
    """Each PDF opened once by pdfplumber for the module: its pages keep the
    characters they parsed, which the checks below read again."""
    opened = {lang: pdfplumber.open(path) for lang, path in pdfs.items()}
    yield opened
    for pdf in opened.values():
        pdf.close()


def running_heads(pdf: pdfplumber.PDF) -> list[list[str]]:
    """Each page's lines of text in the top margin (pdfplumber, by baseline)."""
    return [(page.crop((0, 0, page.width, TOP_MARGIN)).extract_text() or "").splitlines() for page in pdf.pages]


# --- 1. running heads ---------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_running_head_is_one_line_naming_the_section_the_page_starts_in(pdfs: dict[str, Path], plumbed,
                                                                        lang: str) -> None:
    """One line: the country, then the whole title of the section running at
    the top of the page: the heading that opens the page, else the last one
    started on an earlier page (French p. 6 begins with the end of C's table
    and then starts D: its head is C)."""
    sections = outline(pdfs[lang])
    heads = running_heads(plumbed[lang])
    page_top = max(top for _, _, top in sections)  # a heading that opens a page
    checked = 0
    for number, lines in enumerate(heads, start=1):
        started = [title for title, page, top in sections if page < number or (page == number and top >= page_top - 1)]
        if number < 3 or not started:
            continue
        assert len(lines) == 1, (lang, number, lines)
        assert lines[0].startswith(COUNTRY[lang]), (lang, number, lines)
        assert lines[0].endswith(started[-1]), (lang, number, lines, started[-1])
        checked += 1
    assert checked >= 6


def test_a_page_that_starts_mid_section_is_headed_by_that_section(pdfs: dict[str, Path], plumbed) -> None:
    """The case the French editors saw: some page opens with the end of one
    section and starts the next one lower down; it is headed by the first."""
    sections = outline(pdfs["fr"])
    heads = running_heads(plumbed["fr"])
    page_top = max(top for _, _, top in sections)
    opening = {page for _, page, top in sections if top >= page_top - 1}
    mid = [(title, page) for title, page, top in sections if top < page_top - 1 and page not in opening]
    assert mid, sections
    for title, page in mid:
        before = [t for t, p, _ in sections if p < page]
        assert heads[page - 1][0].endswith(before[-1]) and title not in heads[page - 1][0], (page, heads[page - 1])


def test_a_title_too_long_for_the_head_ends_with_an_ellipsis(tmp_path: Path) -> None:
    """One line even when the title cannot fit, beside the "internal" label,
    whose characters it does not overlap."""
    document = sample_document(internal=True)
    long_title = " ".join(["Institutional framework and digital government"] * 4)
    for section in document.sections:
        if section.id in ("at-a-glance", "A"):
            for block in section.blocks:
                if hasattr(block, "section_title"):
                    block.section_title = long_title
    path = tmp_path / "long-head.pdf"
    path.write_bytes(write_pdf(document, Config()))
    with pdfplumber.open(path) as pdf:
        page = next(p for p in pdf.pages if "leads e-government" in (p.extract_text() or ""))
        head = [c for c in page.chars if c["top"] < TOP_MARGIN]
    assert len({round(c["bottom"]) for c in head}) == 1  # one baseline
    text = "".join(c["text"] for c in sorted(head, key=lambda c: c["x0"]))
    assert text.rstrip().endswith("…") and "NOTFORPUBLICATION" in text.replace(" ", "")
    label = [c for c in head if c["fontname"].endswith("Bold") and c["text"].isupper() and c["x0"] > page.width / 4]
    title = [c for c in head if not c["fontname"].endswith("Bold")]
    assert max(c["x1"] for c in label) < min(c["x0"] for c in title)


# --- 2. reference markers -----------------------------------------------------

OPEN_MARKER = re.compile(r"\[\d[^\]]*$")


@pytest.mark.parametrize("lang", LANGS)
def test_reference_markers_neither_start_a_line_nor_break(pdfs: dict[str, Path], lang: str) -> None:
    """No line of the text pages begins with a marker ("[19, p. 96]" alone),
    none ends inside one ("[36, 37; 19, p. 119," / "121]")."""
    sources_page = outline(pdfs[lang])[-1][1]  # the last bookmark: the sources list
    problems = []
    for number, page in enumerate(layout(pdfs[lang], 3, sources_page - 1), start=3):
        for line in page.splitlines()[1:]:  # below the running head
            text = line.strip()
            if re.match(r"\[\d", text) or OPEN_MARKER.search(text):
                problems.append((number, text[-70:]))
    assert not problems


def test_french_markers_space_the_semicolon(pdfs: dict[str, Path]) -> None:
    """"[35 ; 19, p. 32]": a space before the semicolon (pdftotext gives the
    narrow no-break space as a space; test_html checks which space it is)."""
    text = "".join(layout(pdfs["fr"]))
    assert re.search(r"\[\d+ ; \d", text)
    assert not re.search(r"\[[^\]]*\d; ", text)


# --- 3 and 4. run-in labels and proper nouns ------------------------------------


def squeezed(path: Path) -> str:
    """The whole text with every run of whitespace as one space."""
    return re.sub(r"\s+", " ", "".join(layout(path)))


@pytest.mark.parametrize(("lang", "shown", "not_shown"), [
    ("fr", "Connectivité. Parmi", "Connectivité :"),
    ("ru", "Подключенность. К мерам", "Подключенность:"),
    ("en", "Connectivity: Measures", "Connectivity."),
])
def test_run_in_labels_of_section_e(pdfs: dict[str, Path], lang: str, shown: str, not_shown: str) -> None:
    """French and Russian do not follow a colon with a capital: the label ends
    with a full stop; English keeps its colon."""
    text = squeezed(pdfs[lang])
    assert shown in text and not_shown not in text


@pytest.mark.parametrize(("lang", "name"), [("fr", "Internet des objets"), ("ru", "Интернет вещей"),
                                             ("en", "Internet of Things")])
def test_a_proper_noun_keeps_its_capital_in_a_running_list(pdfs: dict[str, Path], lang: str, name: str) -> None:
    text = squeezed(pdfs[lang])
    assert name in text and name[0].lower() + name[1:] not in text


# --- 5. Chinese punctuation ------------------------------------------------------


def test_chinese_quotes_and_dashes_come_from_the_cjk_face(plumbed) -> None:
    """“ ” and —— are drawn by the CJK face (full width), never by Noto Sans."""
    drawn: dict[str, set[str]] = {}
    for page in plumbed["zh"].pages:
        for char in page.chars:
            if set(char["text"]) & set("\u2014\u2018\u2019\u201c\u201d"):
                drawn.setdefault(char["text"], set()).add(char["fontname"].split("+")[-1])
    assert {"\u201c", "\u201d"} <= set(drawn) and any("\u2014" in text for text in drawn)
    assert all(name.startswith("Profile-CJK-SC") for names in drawn.values() for name in names), drawn


def test_no_space_after_a_chinese_full_width_colon(pdfs: dict[str, Path]) -> None:
    text = "".join(layout(pdfs["zh"], 2, 2))
    assert "版次：2024年" in text and not re.search("：[ \u00a0]+\\S", text)


# --- 6. addresses -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_addresses_never_break_after_www(pdfs: dict[str, Path], lang: str) -> None:
    """The sources list breaks an address after "/" or before ".", never in "www."."""
    text = "".join(layout(pdfs[lang]))
    assert "www." in text
    # a line end, or the gap between the two columns of the sources list
    assert not re.search(r"www\.(?:\s{2,}|$)", text, re.M)


SOURCES_GAP = 4 / 25.4 * 72  # white between the sources list's two columns, at least 4 mm


@pytest.mark.parametrize("lang", LANGS)
def test_the_sources_columns_keep_white_between_them(pdfs: dict[str, Path], plumbed, lang: str) -> None:
    """The second column's numbers ("[26]") stand in the gap between the
    columns; the first column's longest lines must stay clear of them (they
    came within 1 mm)."""
    first_page = outline(pdfs[lang])[-1][1]  # the sources section ends the profile
    gaps = []
    for page in plumbed[lang].pages[first_page - 1:]:
        words = page.extract_words()
        markers = [w for w in words if re.fullmatch(r"\[\d+\]", w["text"])]
        right = [m for m in markers if m["x0"] > page.width / 2]
        if not right:
            continue
        edge = min(m["x0"] for m in right)
        top = min(m["top"] for m in markers)
        gaps.append(edge - max(w["x1"] for w in words if w["x1"] <= edge and w["top"] >= top - 1))
    assert gaps, "no page of the sources list has two columns"
    assert min(gaps) >= SOURCES_GAP, f"{min(gaps) / 72 * 25.4:.1f} mm"


@pytest.mark.parametrize("lang", LANGS)
def test_a_sources_entry_keeps_its_label_with_the_first_item(pdfs: dict[str, Path], lang: str) -> None:
    """"Questions :" never ends a line with its items on the next one (the
    French editors' review); the label and the first item share a no-break space."""
    label = {"fr": "Questions", "ru": "Пункты", "zh": "问卷项目", "en": "Items"}[lang]
    lines = [column.strip() for page in layout(pdfs[lang]) for line in page.splitlines()
             for column in re.split(r" {3,}", line)]
    assert any(label in line for line in lines)
    assert not [line for line in lines if re.search(re.escape(label) + r"\s*[:：]$", line)]
