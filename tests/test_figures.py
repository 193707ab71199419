"""Figures made from the data: deterministic bytes, the document's font,
a 300 dpi PNG the same size as the SVG, words and numbers in the profile's
language (read back with lxml and Pillow)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from reportgen import figures
from reportgen import model as m
from reportgen.config import Config
from reportgen.i18n import Locale
from reportgen.narrative import build_document
from reportgen.questionnaire import load
from reportgen.responses import load_responses
from reportgen.writers import TEMPLATES

SVG = "{http://www.w3.org/2000/svg}"
FONTS = figures.Fonts(TEMPLATES / "fonts" / "NotoSans-Regular.ttf", TEMPLATES / "fonts" / "NotoSans-Bold.ttf")


@pytest.fixture(scope="module")
def charts() -> dict[str, dict[str, m.Figure]]:
    responses, _ = load_responses(Path("responses/PRY.yaml"))
    found: dict[str, dict[str, m.Figure]] = {}
    for lang in ("en", "es"):
        document = build_document(responses, load("msq-2024"), Locale(lang, country="PRY"), Config()).document
        found[lang] = {b.chart.name: b for b in document.blocks() if isinstance(b, m.Figure) and b.chart}
    return found


def test_three_figures_per_profile(charts) -> None:
    """The overview (legislation, principles and sectors at a glance), then legislation
    by status and the principles, each beside the text it illustrates."""
    for lang in ("en", "es"):
        assert set(charts[lang]) == {"overview", "legislation", "principles"}


def test_same_data_same_bytes() -> None:
    rows = [figures.Row("Cybersecurity", "positive"), figures.Row("Digital identity", "planned")]
    columns = [figures.Column(k, k.title()) for k in figures.KINDS]
    first = figures.render("x", figures.status_matrix(rows, columns, FONTS), FONTS, "Title")
    again = figures.render("x", figures.status_matrix(rows, columns, FONTS), FONTS, "Title")
    assert (first.svg, first.png) == (again.svg, again.png)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_svg_is_text_in_the_documents_font(charts, lang: str) -> None:
    chart = charts[lang]["legislation"].chart
    root = etree.fromstring(chart.svg.encode())
    assert root.find(f"{SVG}g").get("font-family").startswith("Profile Sans")  # the PDF's bundled font
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert ("Access to information" if lang == "en" else "Acceso a la información") in texts
    assert ("In place (9)" if lang == "en" else "En vigor (9)") in texts  # words from the catalogs
    assert root.find(f"{SVG}title").text == charts[lang]["legislation"].caption[0].text


def test_png_is_300_dpi_at_the_svgs_size(charts) -> None:
    chart = charts["en"]["principles"].chart
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG" and round(image.info["dpi"][0]) == 300
    assert abs(image.width - chart.width_pt * 300 / 72) <= 1 and abs(image.height - chart.height_pt * 300 / 72) <= 1
    assert len(image.getcolors(1 << 16) or []) > 8  # drawn: text anti-aliasing gives many shades


def test_alt_text_says_what_the_figure_shows_in_each_language(charts) -> None:
    en, es = charts["en"]["legislation"].alt, charts["es"]["legislation"].alt
    assert en.startswith("Legislation areas by status. In place (9): Access to information")
    assert es.startswith("Ámbitos de la legislación según su situación. En vigor (9): Acceso a la información")
    assert "Planned (2)" in en


def test_counts_are_formatted_by_babel() -> None:
    bars = [figures.Bar("Areas", {"positive": 1250, "negative": 250})]
    columns = [figures.Column("positive", "Yes"), figures.Column("negative", "No")]
    texts = {lang: [s.text for s in figures.stacked_bars(bars, columns, FONTS, Locale(lang).number).shapes]
             for lang in ("en", "es")}
    assert "1,250" in texts["en"] and "1.250" in texts["es"]


def test_right_to_left_chart_is_mirrored_and_rasterised_for_the_pdf() -> None:
    """Arabic: labels right-aligned at the right edge, the first status
    column at the right; Arabic words measured in Noto Naskh Arabic (its cmap
    has them); the PDF gets the PNG (WeasyPrint's SVG text is unshaped),
    an English chart keeps its SVG."""
    from fontTools.ttLib import TTFont

    from reportgen.writers.html import chart_uri

    if not any((d / figures.ARABIC_FONTS[0]).is_file() for d in (FONTS.regular.parent, figures.SYSTEM_ARABIC)):
        pytest.skip("Noto Naskh Arabic is not installed (fonts-noto-core)")
    rows = [figures.Row("الأمن السيبراني", "positive"), figures.Row("الهوية الرقمية", "planned")]
    columns = [figures.Column("positive", "نعم"), figures.Column("planned", "مخطط")]
    canvas = figures.status_matrix(rows, columns, FONTS)
    chart = figures.render("legislation", canvas, FONTS, "مجالات التشريع", direction="rtl")
    svg = etree.fromstring(chart.svg.encode("utf-8"))
    labels = {t.text: t for t in svg.iter(f"{SVG}text")}
    label = labels["الأمن السيبراني"]
    # right-aligned at the right edge: "start" of a right-to-left text (direction="rtl" on the group)
    assert label.get("text-anchor") == "start" and float(label.get("x")) == pytest.approx(chart.width_pt)
    assert svg.find(f"{SVG}g").get("direction") == "rtl"
    assert float(labels["نعم (1)"].get("x")) > float(labels["مخطط (1)"].get("x"))
    # Every character of every label is drawn from a face that has it (fontTools
    # reads the cmaps): Naskh for Arabic, Noto Sans for the brackets it lacks.
    for text in labels:
        for run, face in figures.font_runs(text, FONTS):
            cmap = TTFont(face.path, fontNumber=face.index).getBestCmap()
            assert all(ord(c) in cmap for c in run), (text, run, face)
    assert [face.path.name for _, face in figures.font_runs("نعم (1)", FONTS)] == [
        "NotoNaskhArabic-Regular.ttf", "NotoSans-Regular.ttf"]
    assert figures.needs_raster(chart.svg) and chart_uri(chart).startswith("data:image/png;base64,")
    english = figures.render("legislation", figures.status_matrix(
        [figures.Row("Cybersecurity", "positive")], [figures.Column("positive", "In place")], FONTS), FONTS, "x")
    assert not figures.needs_raster(english.svg) and chart_uri(english).startswith("data:image/svg+xml")
    assert 'font-family="Profile Sans, Profile Arabic, Profile CJK SC, Noto Naskh Arabic' in chart.svg
    image = Image.open(io.BytesIO(chart.png))
    assert image.size == (round(chart.width_pt * figures.SCALE), round(chart.height_pt * figures.SCALE))


def test_chinese_labels_are_measured_in_the_cjk_face() -> None:
    """A Han label is measured in Noto Sans CJK SC (1 em a character), not
    in Noto Sans, which has no Han glyphs: the label column is wide enough."""
    if not figures.CJK_FONTS[0].is_file():
        pytest.skip("Noto Sans CJK is not installed (fonts-noto-cjk)")
    runs = figures.font_runs("立法领域 (9)", FONTS)
    assert len(runs) == 1 and runs[0][1].path.suffix == ".ttc"
    assert figures.text_width("立法领域", 10, FONTS) == pytest.approx(40, abs=0.5)
