"""The fonts of a profile, per script: which faces a document in a language
may use, where their files are, which characters they cover.

Every document uses the bundled Noto Sans ("Profile Sans": Latin, Greek,
Cyrillic). An Arabic document adds Noto Naskh Arabic (bundled too, "Profile
Arabic"); a Chinese one adds the SC face of Noto Sans CJK ("Profile CJK SC"),
installed by Debian's ``fonts-noto-cjk`` (16 MB a weight: too large to
bundle). The stylesheets name the three families in that order
(``CSS_FAMILIES``); the writers declare (``@font-face``) only the families of
the document's language, and :mod:`reportgen.glyphs` refuses a document with a
character none of them has, so the fallback to an undeclared name (a system
font) is never taken.

Each script has its own family name, not one family with ``unicode-range``
subsets as on the web: WeasyPrint 70 keys the fonts of a PDF by family, weight
and style, so two files under one family would be merged into one embedded
font with the wrong glyphs (tried: Arabic letters came out as Latin ones).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from reportgen.errors import ReportgenError

# Family names no system has: if the declared files were not used, pdffonts
# would show another font, never a same-named copy installed on the machine.
FONT_FAMILY = "Profile Sans"
ARABIC_FAMILY = "Profile Arabic"
CJK_FAMILY = "Profile CJK SC"
# The font-family list of the stylesheets and charts, first choice first.
CSS_FAMILIES = f'"{FONT_FAMILY}", "{ARABIC_FAMILY}", "{CJK_FAMILY}"'

# Where Debian's fonts-noto-cjk puts the collections (a module constant so a
# test can point it at an empty folder to see the "not installed" error).
SYSTEM_FONT_DIR = Path("/usr/share/fonts/opentype/noto")
CJK_PACKAGE = "fonts-noto-cjk"


class FontMissingError(ReportgenError):
    """A font the document's language needs is not installed."""


@dataclass(frozen=True)
class FontFace:
    """One face of a stack. ``file`` is relative to ``templates/`` for a
    bundled font; a system font (``system=True``) is a file under
    ``SYSTEM_FONT_DIR``, a collection whose face ``face_name`` is meant."""

    family: str  # the name the stylesheets use (CSS_FAMILIES)
    name: str  # the font's own family name, as the DOCX and error messages name it
    weight: int
    style: str
    file: str
    system: bool = False
    face_name: str = ""

    def path(self, templates: Path) -> Path:
        """The font file; a missing system font is a one-line error saying how
        to install it (a bundled one is checked by the writers' ``template_file``)."""
        if not self.system:
            return templates / self.file
        path = SYSTEM_FONT_DIR / self.file
        if not path.is_file():
            raise FontMissingError(
                f"{path}: font {self.name} is not installed; install Debian's {CJK_PACKAGE} package "
                f"(sudo apt-get install {CJK_PACKAGE}, or scripts/system-deps.sh run)"
            )
        return path


NOTO_SANS: tuple[FontFace, ...] = (
    FontFace(FONT_FAMILY, "Noto Sans", 400, "normal", "fonts/NotoSans-Regular.ttf"),
    FontFace(FONT_FAMILY, "Noto Sans", 700, "normal", "fonts/NotoSans-Bold.ttf"),
    FontFace(FONT_FAMILY, "Noto Sans", 400, "italic", "fonts/NotoSans-Italic.ttf"),
    FontFace(FONT_FAMILY, "Noto Sans", 700, "italic", "fonts/NotoSans-BoldItalic.ttf"),
)
NASKH: tuple[FontFace, ...] = (
    FontFace(ARABIC_FAMILY, "Noto Naskh Arabic", 400, "normal", "fonts/NotoNaskhArabic-Regular.ttf"),
    FontFace(ARABIC_FAMILY, "Noto Naskh Arabic", 700, "normal", "fonts/NotoNaskhArabic-Bold.ttf"),
)
CJK_SC: tuple[FontFace, ...] = (
    FontFace(CJK_FAMILY, "Noto Sans CJK SC", 400, "normal", "NotoSansCJK-Regular.ttc", system=True,
             face_name="Noto Sans CJK SC"),
    FontFace(CJK_FAMILY, "Noto Sans CJK SC", 700, "normal", "NotoSansCJK-Bold.ttc", system=True,
             face_name="Noto Sans CJK SC"),
)
# The families a language adds after Noto Sans, in fallback order.
SCRIPT_FAMILIES: dict[str, tuple[tuple[FontFace, ...], ...]] = {
    "ar": (NASKH,),
    "zh": (CJK_SC,),
}


# Punctuation that Chinese sets full-width from the CJK face, though Noto Sans
# (first in the stack) has narrow Latin forms of it: the em dash ("——") and
# the curly quotation marks (UN Chinese editors' review).
CJK_PUNCTUATION: dict[str, str] = {"zh": "\u2014\u2018\u2019\u201c\u201d"}


def unicode_range(face: FontFace, lang: str, templates: Path) -> str | None:
    """The CSS ``unicode-range`` of ``face`` in a ``lang`` document: the
    characters it has but the ones the language takes from its own script's
    face (``CJK_PUNCTUATION``), or None (the whole font). Only what the font
    has: WeasyPrint gives fontconfig the range as the font's character set, so
    a range that claims Han characters would make it draw them as boxes."""
    excluded = {ord(char) for char in CJK_PUNCTUATION.get(lang.split("-")[0].lower(), "")}
    if face.family != FONT_FAMILY or not excluded:
        return None
    ranges: list[list[int]] = []
    for code in sorted(cmap(face, templates) - excluded):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ", ".join(f"U+{low:X}" if low == high else f"U+{low:X}-{high:X}" for low, high in ranges)


@lru_cache(maxsize=32)
def _advances(face: FontFace, templates: Path) -> tuple[dict[int, int], float]:
    """Each code point's advance width in ``face``, and its units per em."""
    font = load(face, templates, lazy=True)
    metrics = font["hmtx"]
    return {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm


def text_width(text: str, lang: str, templates: Path, size: float, weight: int = 400) -> float:
    """The width of ``text`` set at ``size`` points in ``lang``'s stack, in
    points: each character in the first family that has it, as a line of
    the PDF would take it (no kerning: a little wider, never narrower, than
    WeasyPrint draws it but for kerning pairs)."""
    faces = [next((f for f in family if f.weight == weight and f.style == "normal"), family[0])
             for family in stack(lang)]
    tables = [_advances(face, templates.resolve()) for face in faces]
    width = 0.0
    for char in text:
        for advances, units in tables:
            if ord(char) in advances:
                width += advances[ord(char)] / units * size
                break
    return width


def stack(lang: str) -> tuple[tuple[FontFace, ...], ...]:
    """The families (each a tuple of faces) a document in ``lang`` may use,
    first choice first."""
    return (NOTO_SANS, *SCRIPT_FAMILIES.get(lang.split("-")[0].lower(), ()))


def stack_names(lang: str) -> list[str]:
    return [family[0].name for family in stack(lang)]


def load(face: FontFace, templates: Path, lazy: bool | None = None) -> TTFont:
    """The face as a fontTools font (the right member of a collection), read
    from the file's bytes so that no file stays open behind a lazy font."""
    path = face.path(templates)
    data = io.BytesIO(path.read_bytes())
    if path.suffix.lower() not in (".ttc", ".otc"):
        return TTFont(data, lazy=lazy, recalcTimestamp=False)
    collection = TTCollection(data, lazy=lazy, recalcTimestamp=False)
    for font in collection.fonts:
        if font["name"].getDebugName(1) == face.face_name:
            return font
    raise FontMissingError(f"{path}: no face {face.face_name!r} in the collection; reinstall {CJK_PACKAGE}")


@lru_cache(maxsize=32)
def _cmap(face: FontFace, templates: Path) -> frozenset[int]:
    return frozenset(load(face, templates, lazy=True).getBestCmap())


def cmap(face: FontFace, templates: Path) -> frozenset[int]:
    """The code points ``face`` has a glyph for (read once per process)."""
    return _cmap(face, templates.resolve())


def coverage(family: tuple[FontFace, ...], templates: Path) -> frozenset[int]:
    """What every face of a family has: a character styled bold must not fall
    back to another family because only the regular face has it."""
    sets = [cmap(face, templates) for face in family]
    return frozenset.intersection(*sets)


def subset_bytes(face: FontFace, templates: Path, characters: Iterable[str], flavor: str | None = None) -> bytes:
    """The face with only ``characters`` (and the glyphs their shaping needs),
    as TrueType/OpenType (``flavor=None``) or WOFF2 bytes; the same input
    gives the same bytes (fontTools keeps the font's own timestamps here).

    Kept for the process's next identical request: subsetting reads the
    face's whole layout tables (seconds for Noto Sans), and the same faces
    are cut to the same characters again and again (a page and its charts,
    the documents a worker builds, the test suite: half of its HTML time)."""
    return _subset(face, templates.resolve(), frozenset(characters), flavor)


@lru_cache(maxsize=16)
def _subset(face: FontFace, templates: Path, characters: frozenset[str], flavor: str | None) -> bytes:
    from fontTools import subset  # 0.08 s to import; only a subset font (CJK, the web's) needs it

    options = subset.Options()
    options.flavor = flavor
    # fontTools' default layout features (kerning, ligatures, marks, Arabic
    # joining forms...): a third smaller than keeping every feature.
    options.name_IDs = ["*"]  # keeps the copyright and licence (OFL) names
    options.notdef_outline = True
    font = load(face, templates)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in characters})
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = flavor
    font.save(out, reorderTables=False)
    return out.getvalue()
