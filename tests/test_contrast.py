"""Text colours against their backgrounds (WCAG 2.1, 1.4.3): at least 4.5:1,
3:1 for large text (18 pt, or 14 pt bold). Checked where the colours live:
the PDF's and the web page's CSS (read with tinycss2, WeasyPrint's own CSS
parser) and the DOCX's styles.xml and document parts (read with lxml)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import tinycss2
from lxml import etree

from reportgen.config import Config
from reportgen.writers.docx import write_docx
from tests.writers.sample import sample_document

TEMPLATES = Config().templates
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHITE = "FFFFFF"
UN_BLUE = "009EDB"
# Text print.css places on a background set elsewhere (the cover's blue band is
# the @page cover background): selector -> that background.
CSS_BACKGROUNDS = {"html/print.css": {"@page cover @top-center": UN_BLUE, "header.cover .publisher": UN_BLUE}}
# DOCX paragraph styles used only where a table style shades the cell:
# style name -> (table style, condition).
DOCX_CELL_STYLES = {"Table Heading": ("Profile Table", "firstRow")}


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def required(points: float, bold: bool) -> float:
    return 3.0 if points >= 18 or (bold and points >= 14) else 4.5


def test_contrast_formula_matches_wcag_examples() -> None:
    assert contrast("000000", "FFFFFF") == pytest.approx(21)
    assert contrast(UN_BLUE, WHITE) == pytest.approx(3.04, abs=0.01)  # the 3.0:1
    assert contrast("00689D", WHITE) >= 4.5


# --- CSS -----------------------------------------------------------------------


@dataclass
class Rule:
    selector: str
    colour: str | None
    background: str | None
    points: float
    bold: bool


def _hex(value: str, variables: dict[str, str]) -> str | None:
    value = value.strip()
    var = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if var:
        value = variables.get(var[1], "")
    match = re.search(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})\b", value)
    if not match:
        return None
    digits = match[1].upper()
    return "".join(c * 2 for c in digits) if len(digits) == 3 else digits


def _points(value: str, inherited: float) -> float:
    match = re.search(r"([\d.]+)(pt|px|rem|em)\b", value)
    if not match:
        return inherited
    number, unit = float(match[1]), match[2]
    return {"pt": number, "px": number * 0.75, "rem": number * 12, "em": number * inherited}[unit]


def _declarations(content: list) -> dict[str, str]:
    return {d.lower_name: tinycss2.serialize(d.value) for d in tinycss2.parse_blocks_contents(
        content, skip_whitespace=True, skip_comments=True) if d.type == "declaration"}


def css_rules(path: Path, base_points: float) -> list[Rule]:
    sheet = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_whitespace=True, skip_comments=True)
    variables: dict[str, str] = {}
    rules: list[Rule] = []

    def visit(nodes: list, prefix: str) -> None:
        for node in nodes:
            if node.type == "qualified-rule":
                selector = (prefix + tinycss2.serialize(node.prelude)).strip()
                add(selector, _declarations(node.content))
            elif node.type == "at-rule" and node.content is not None:
                name = f"{prefix}@{node.lower_at_keyword} {tinycss2.serialize(node.prelude).strip()}".strip()
                if node.lower_at_keyword == "page":
                    add(name, _declarations(node.content))
                    inner = tinycss2.parse_blocks_contents(node.content, skip_whitespace=True, skip_comments=True)
                    visit([n for n in inner if n.type == "at-rule"], name + " ")
                elif node.lower_at_keyword == "media":
                    visit(tinycss2.parse_rule_list(node.content, skip_whitespace=True, skip_comments=True), "")
                else:
                    add(name.strip(), _declarations(node.content))

    def add(selector: str, declarations: dict[str, str]) -> None:
        if selector == ":root":
            variables.update({k: v for k, v in declarations.items() if k.startswith("--")})
        font = declarations.get("font", "")
        size = declarations.get("font-size", font)
        weight = declarations.get("font-weight", font)
        rules.append(Rule(
            selector,
            _hex(declarations.get("color", ""), variables),
            _hex(declarations.get("background-color", declarations.get("background", "")), variables),
            _points(size, base_points),
            "bold" in weight or "700" in weight,
        ))

    visit(sheet, "")
    return rules


@pytest.mark.parametrize(("sheet", "base"), [("html/print.css", 9.5), ("html/screen.css", 12)])
def test_css_text_colours_have_enough_contrast(sheet: str, base: float) -> None:
    rules = [r for r in css_rules(TEMPLATES / sheet, base) if r.colour]
    assert len(rules) >= 8  # the parser found the colours
    failures = []
    for rule in rules:
        background = rule.background or CSS_BACKGROUNDS.get(sheet, {}).get(rule.selector, WHITE)
        ratio = contrast(rule.colour, background)
        if ratio < required(rule.points, rule.bold):
            failures.append(f"{rule.selector}: #{rule.colour} on #{background} is {ratio:.2f}:1")
    assert failures == []


# --- DOCX ----------------------------------------------------------------------


def _style_map(styles: etree._Element) -> dict[str, etree._Element]:
    return {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}


def _inherited(style: etree._Element, styles: dict[str, etree._Element], path: str) -> etree._Element | None:
    """The first element at ``path`` in the style or the styles it is based on."""
    seen = set()
    while style is not None and id(style) not in seen:
        seen.add(id(style))
        found = style.find(path)
        if found is not None:
            return found
        based = style.find(f"{W}basedOn")
        style = styles.get(based.get(f"{W}val")) if based is not None else None
    return None


def _run_looks(rpr: etree._Element | None) -> tuple[str | None, float | None, bool]:
    if rpr is None:
        return None, None, False
    colour = rpr.find(f"{W}color")
    size = rpr.find(f"{W}sz")
    return (colour.get(f"{W}val") if colour is not None else None,
            int(size.get(f"{W}val")) / 2 if size is not None else None,
            rpr.find(f"{W}b") is not None)


def docx_colour_failures(data: bytes) -> tuple[int, list[str]]:
    """(colours checked, failures) over styles.xml and the document's parts."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
        parts = [etree.fromstring(package.read(n)) for n in package.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", n)]
    by_id = _style_map(styles)
    names = {s.find(f"{W}name").get(f"{W}val"): s for s in by_id.values() if s.find(f"{W}name") is not None}
    checked, failures = 0, []
    for style in by_id.values():
        colour = _inherited(style, by_id, f"{W}rPr/{W}color")
        if colour is None or colour.get(f"{W}val") in (None, "auto"):
            continue
        size = _inherited(style, by_id, f"{W}rPr/{W}sz")
        bold = _inherited(style, by_id, f"{W}rPr/{W}b") is not None
        points = int(size.get(f"{W}val")) / 2 if size is not None else 11
        name = style.find(f"{W}name").get(f"{W}val")
        background = WHITE
        if name in DOCX_CELL_STYLES:
            table, condition = DOCX_CELL_STYLES[name]
            fill = names[table].find(f"{W}tblStylePr[@{W}type='{condition}']/{W}tcPr/{W}shd")
            background = fill.get(f"{W}fill")
        shading = _inherited(style, by_id, f"{W}pPr/{W}shd")
        if shading is not None and shading.get(f"{W}fill") not in (None, "auto"):
            background = shading.get(f"{W}fill")
        checked += 1
        ratio = contrast(colour.get(f"{W}val"), background)
        if ratio < required(points, bold):
            failures.append(f"style {name}: #{colour.get(f'{W}val')} on #{background} is {ratio:.2f}:1")
    for table in names.values():  # text colours a table style sets for its header row and bands
        for condition in table.findall(f"{W}tblStylePr"):
            colour, _, _ = _run_looks(condition.find(f"{W}rPr"))
            fill = condition.find(f"{W}tcPr/{W}shd")
            if colour:
                checked += 1
                background = fill.get(f"{W}fill") if fill is not None else WHITE
                if contrast(colour, background) < 4.5:
                    failures.append(f"table style condition {condition.get(f'{W}type')}: #{colour} on #{background}")
    for part in parts:
        for run in part.iter(f"{W}r"):
            colour, size, bold = _run_looks(run.find(f"{W}rPr"))
            if colour and colour != "auto":
                checked += 1
                if contrast(colour, WHITE) < required(size or 11, bold):
                    failures.append(f"run colour #{colour}: {''.join(run.itertext())[:40]!r}")
    return checked, failures


def test_docx_colours_have_enough_contrast() -> None:
    checked, failures = docx_colour_failures(write_docx(sample_document(), Config()))
    assert checked >= 8
    assert failures == []


def test_docx_check_sees_a_faint_colour() -> None:
    """The check can fail: the old UN blue headings (3.0:1) are refused."""
    data = write_docx(sample_document(), Config())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "word/styles.xml":
                content = content.replace(b'w:val="00689D"', f'w:val="{UN_BLUE}"'.encode())
            target.writestr(name, content)
    _, failures = docx_colour_failures(out.getvalue())
    assert any("heading 2" in f.lower() for f in failures), failures
