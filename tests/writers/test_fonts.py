"""Fonts for every script, read back from Paraguay's PDFs by independent
readers: pdftotext finds the script of the language, pdffonts lists only the
profile's own subset fonts, and every character pdftotext extracts is drawn by
a real glyph of an embedded font program (pikepdf extracts them, fontTools
reads their cmaps, pdfminer reads the ToUnicode maps)."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pdfminer.cmapdb import CMapParser, FileUnicodeMap

from reportgen import build as builder
from reportgen import fonts
from reportgen.config import Config
from tests.conftest import ParaguayPDFs

EPOCH = "1732000000"
LANGS = ("ru", "ar", "zh")
# The script each language's text must show, as a pattern of its letters.
SCRIPTS = {"ru": re.compile("[\u0400-\u04ff]"), "ar": re.compile("[\u0600-\u06ff]"),
           "zh": re.compile("[\u4e00-\u9fff]")}
FAMILIES = {"ru": {"Profile-Sans"}, "ar": {"Profile-Sans", "Profile-Arabic"},
            "zh": {"Profile-Sans", "Profile-CJK-SC"}}


def tool(name: str, *args: str) -> str:
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed (scripts/system-deps.sh test installs it)")
    return subprocess.run([name, *args], capture_output=True, text=True, check=True).stdout


def build_pdfs(out: Path, langs: tuple[str, ...]) -> dict[str, Path]:
    """Paraguay's PDF in each of ``langs``: language -> file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        summary = builder.build([Path("responses/PRY.yaml")],
                                Config(out=out, languages=langs, formats=("pdf",)))
    assert summary.ok, [r.error for r in summary.failed]
    return {result.task.lang: Path(result.outputs["pdf"].path) for result in summary.built}


@pytest.fixture(scope="module")
def built(paraguay_pdfs: ParaguayPDFs) -> dict[str, Path]:
    """Paraguay's PDF in Russian, Arabic and Chinese, built once for the session
    (tests/conftest.py; test_typography reads Russian and Chinese too)."""
    return paraguay_pdfs(*LANGS)


def pdf_text(path: Path) -> str:
    return tool("pdftotext", "-enc", "UTF-8", str(path), "-")


def drawn(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) not in {"Cc", "Cf", "Zs", "Zl", "Zp"}}


def embedded_coverage(path: Path) -> tuple[set[int], list[str]]:
    """The code points some embedded font can draw: its cmap, and the text its
    ToUnicode map gives to glyphs the program has (contextual forms, such as
    Arabic medial letters, have no cmap entry of their own), never to
    ``.notdef``; and the embedded fonts' names."""
    covered: set[int] = set()
    names: list[str] = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                    and obj.get("/Subtype") == "/Type0"):
                continue
            descendant = obj.DescendantFonts[0]
            descriptor = descendant.FontDescriptor
            program = next(descriptor[k] for k in ("/FontFile2", "/FontFile3") if k in descriptor)
            font = TTFont(io.BytesIO(program.read_bytes()))
            names.append(str(descriptor.FontName))
            covered |= set(font.getBestCmap() or {})
            unicode_map = FileUnicodeMap()
            CMapParser(unicode_map, io.BytesIO(obj.ToUnicode.read_bytes())).run()
            glyphs = font["maxp"].numGlyphs
            for cid, text in unicode_map.cid2unichr.items():
                assert cid != 0, f"{names[-1]} draws .notdef for {text!r}"
                if cid < glyphs:
                    covered |= {ord(c) for c in text}
    return covered, names


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_is_in_the_script_of_its_language(built: dict[str, Path], lang: str) -> None:
    text = pdf_text(built[lang])
    assert len(SCRIPTS[lang].findall(text)) >= 20, "too few letters of the language's script"
    assert "\ufffd" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_every_character_is_drawn_by_an_embedded_subset_font(built: dict[str, Path], lang: str) -> None:
    path = built[lang]
    covered, names = embedded_coverage(path)
    missing = sorted(c for c in drawn(pdf_text(path)) if ord(c) not in covered)
    assert not missing, [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing]
    # only the profile's own families, each a subset (ABCDEF+ prefix): no system font stood in
    families = {re.sub(r"^/[A-Z]{6}\+|-(Bold|Italic|Oblique|BoldItalic|BoldOblique)$", "", name) for name in names}
    assert families == FAMILIES[lang], names
    rows = tool("pdffonts", str(path)).splitlines()[2:]
    assert rows and all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows), rows  # emb, sub, uni


@pytest.mark.slow  # a second Chinese build: about 10 s on a shared machine
def test_chinese_pdf_is_reproducible(built: dict[str, Path], tmp_path: Path) -> None:
    """A second build of the Chinese PDF (CJK subset by fontTools first, then
    by WeasyPrint) gives the same bytes."""
    again = build_pdfs(tmp_path, ("zh",))["zh"]
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(built["zh"].read_bytes()).digest()


def test_cjk_subset_is_deterministic_and_small() -> None:
    templates = Path("templates").resolve()
    text = set("电子政务调查：巴拉圭，2024年。")
    first = fonts.subset_bytes(fonts.CJK_SC[0], templates, text)
    fonts._subset.cache_clear()  # a second subsetting, not the first one's bytes kept by the process
    assert first == fonts.subset_bytes(fonts.CJK_SC[0], templates, text)
    font = TTFont(io.BytesIO(first))
    assert {chr(c) for c in font.getBestCmap()} >= text and len(first) < 60_000
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"


def test_chinese_takes_quotes_and_dashes_from_the_cjk_face() -> None:
    """In zh, Noto Sans's unicode-range leaves out “ ” ‘ ’ and — (the CJK face
    draws them full-width) and claims nothing the font lacks (fontconfig would
    then pick it for Han characters and draw boxes); other languages: no range."""
    templates = Config().templates
    face = fonts.NOTO_SANS[0]
    assert fonts.unicode_range(face, "en", templates) is None
    assert fonts.unicode_range(fonts.CJK_SC[0], "zh", templates) is None
    claimed: set[int] = set()
    for part in fonts.unicode_range(face, "zh", templates).split(", "):
        low, _, high = part.removeprefix("U+").partition("-")
        claimed |= set(range(int(low, 16), int(high or low, 16) + 1))
    has = set(TTFont(templates / face.file).getBestCmap())
    assert claimed == has - {0x2014, 0x2018, 0x2019, 0x201C, 0x201D}


def test_text_width_is_the_fonts_advances() -> None:
    font = TTFont(Config().templates / "fonts" / "NotoSans-Bold.ttf")
    cmap, units = font.getBestCmap(), font["head"].unitsPerEm
    expected = sum(font["hmtx"][cmap[ord(c)]][0] for c in "Paraguay") / units * 8
    assert fonts.text_width("Paraguay", "en", Config().templates, 8, weight=700) == pytest.approx(expected)
