"""The machine-checkable Matterhorn Protocol points (PDF/UA-1) that apply to the
profiles, checked with pikepdf alone (veraPDF cannot be installed here).

``problems(path)`` returns one line per failure, each starting with the
Matterhorn checkpoint it breaks; an empty list means the file passes. What it
covers: metadata and catalog (06, 07, 11), tagged vs artifact content (01),
running heads and folios as artifacts (18, by position in the page margins),
standard structure types (02), headings (14), tables (15), lists (09 rules of
ISO 32000 14.8.4), figures (13), notes (19), links and annotations (28), fonts
(31) and the IDTree of elements with /ID (ISO 32000 14.7.2).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary

MM = 72 / 25.4
STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index", "NonStruct",
    "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH",
    "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot",
    "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form",
}
# Kids each grouping element may have (ISO 32000-1 14.8.4.3); None: anything.
ALLOWED_KIDS: dict[str, set[str]] = {
    "L": {"LI", "L", "Caption", "NonStruct"},
    "LI": {"Lbl", "LBody"},
    "Table": {"TR", "THead", "TBody", "TFoot", "Caption"},
    "THead": {"TR"}, "TBody": {"TR"}, "TFoot": {"TR"},
    "TR": {"TH", "TD"},
}
TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass
class Margins:
    """Bands at the top and bottom of each page where only furniture is drawn
    (running head, folio), in points; defaults fit templates/html/print.css."""

    # print.css: @page margins 20 mm (top) and 18 mm (bottom); a baseline of the
    # last body line can sit just above the bottom one (19.9 mm seen).
    top: float = 22 * MM
    bottom: float = 18 * MM


@dataclass
class _Tree:
    elements: list[Dictionary] = field(default_factory=list)
    parent_of: dict[tuple[int, int], Dictionary] = field(default_factory=dict)
    mcid_owner: dict[tuple[tuple[int, int], int], Dictionary] = field(default_factory=dict)
    annotation_owner: dict[tuple[int, int], list[Dictionary]] = field(default_factory=dict)


def problems(path: Path | str, margins: Margins | None = None) -> list[str]:
    """Every Matterhorn failure found in the PDF at ``path``."""
    margins = margins or Margins()
    with pikepdf.open(path) as pdf:
        found: list[str] = []
        found += _catalog(pdf)
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return [*found, "01-005 no structure tree"]
        tree = _walk(root)
        found += _content(pdf, tree, margins)
        found += _structure(root, tree)
        found += _annotations(pdf, tree)
        found += _fonts(pdf)
        return found


# --- catalog and metadata -------------------------------------------------------


def _catalog(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    meta = pdf.open_metadata()
    if str(meta.get("pdfuaid:part", "")) != "1":
        found.append("06-002 XMP metadata has no pdfuaid:part 1")
    if not str(meta.get("dc:title", "")).strip():
        found.append("06-003 XMP metadata has no dc:title")
    prefs = pdf.Root.get("/ViewerPreferences")
    if not (isinstance(prefs, Dictionary) and bool(prefs.get("/DisplayDocTitle", False))):
        found.append("07-001 ViewerPreferences has no DisplayDocTitle true")
    mark = pdf.Root.get("/MarkInfo")
    if not (isinstance(mark, Dictionary) and bool(mark.get("/Marked", False))):
        found.append("01-002 MarkInfo has no Marked true")
    lang = str(pdf.Root.get("/Lang", ""))
    if not LANG.match(lang):
        found.append(f"11-006 catalog /Lang {lang!r} is not a language tag")
    for number, page in enumerate(pdf.pages, start=1):
        if page.obj.get("/Annots") and page.obj.get("/Tabs") != "/S":
            found.append(f"28-010 page {number} has annotations but /Tabs is not /S")
    return found


# --- structure tree -------------------------------------------------------------


def _is_element(obj: Any) -> bool:
    return isinstance(obj, Dictionary) and "/S" in obj and obj.get("/Type", "/StructElem") == "/StructElem"


def _kids(element: Dictionary) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _walk(root: Dictionary) -> _Tree:
    tree = _Tree()
    seen: set[tuple[int, int]] = set()

    def visit(element: Dictionary, parent: Dictionary | None) -> None:
        if element.objgen in seen and element.objgen != (0, 0):
            return
        seen.add(element.objgen)
        tree.elements.append(element)
        if parent is not None:
            tree.parent_of[element.objgen] = parent
        for kid in _kids(element):
            if isinstance(kid, int):
                tree.mcid_owner[(element.Pg.objgen, int(kid))] = element
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                page = kid.get("/Pg", element.get("/Pg"))
                tree.mcid_owner[(page.objgen, int(kid.MCID))] = element
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                tree.annotation_owner.setdefault(kid.Obj.objgen, []).append(element)
            elif _is_element(kid):
                visit(kid, element)

    for top in _kids(root):
        if _is_element(top):
            visit(top, None)
    return tree


def _role(root: Dictionary, element: Dictionary) -> str:
    """The standard type of an element (through the RoleMap)."""
    name = str(element.S).lstrip("/")
    role_map = root.get("/RoleMap", Dictionary())
    for _ in range(10):
        if name in STANDARD_TYPES:
            return name
        mapped = role_map.get("/" + name)
        if mapped is None:
            return name
        name = str(mapped).lstrip("/")
    return name


def _structure(root: Dictionary, tree: _Tree) -> list[str]:
    found: list[str] = []
    roles = {e.objgen: _role(root, e) for e in tree.elements}
    ids: dict[str, Dictionary] = {}
    headings: list[int] = []
    for element in tree.elements:
        role = roles[element.objgen]
        if role not in STANDARD_TYPES:
            found.append(f"02-004 structure type {role!r} is neither standard nor role-mapped")
        allowed = ALLOWED_KIDS.get(role)
        if allowed is not None:
            for kid in _kids(element):
                if _is_element(kid) and roles.get(kid.objgen) not in allowed:
                    found.append(f"09-004 {role} contains {roles.get(kid.objgen)}")
        if role == "TH":
            found += _header_cell(element)
        if role == "Figure" and not (str(element.get("/Alt", "")) or str(element.get("/ActualText", ""))):
            found.append("13-004 Figure without /Alt or /ActualText")
        if role == "Note" and "/ID" not in element:
            found.append("19-003 Note without /ID")
        if role == "Link" and _ancestor(tree, element, roles, "Link"):
            found.append("28-011 Link nested in a Link")
        if role in ("H1", "H2", "H3", "H4", "H5", "H6"):
            headings.append(int(role[1]))
        lang = element.get("/Lang")
        if lang is not None and not LANG.match(str(lang)):
            found.append(f"11-004 /Lang {str(lang)!r} is not a language tag")
        if "/ID" in element:
            key = str(element.ID)
            if key in ids:
                found.append(f"ID {key!r} used twice")
            ids[key] = element
    found += _headings(headings)
    found += _id_tree(root, ids)
    for element in tree.elements:
        attributes = element.get("/A")
        if roles[element.objgen] == "TD" and isinstance(attributes, Dictionary):
            for header in attributes.get("/Headers", Array()):
                if str(header) not in ids:
                    found.append(f"15-004 TD /Headers names {str(header)!r}, no element has that /ID")
    return found


def _header_cell(element: Dictionary) -> list[str]:
    attributes = element.get("/A")
    owners = list(attributes) if isinstance(attributes, Array) else [attributes]
    for owner in owners:
        if isinstance(owner, Dictionary) and str(owner.get("/Scope", "")) in ("/Row", "/Column", "/Both"):
            return []
    return ["15-003 TH without /Scope"]


def _ancestor(tree: _Tree, element: Dictionary, roles: dict[tuple[int, int], str], role: str) -> bool:
    parent = tree.parent_of.get(element.objgen)
    while parent is not None:
        if roles.get(parent.objgen) == role:
            return True
        parent = tree.parent_of.get(parent.objgen)
    return False


def _headings(levels: list[int]) -> list[str]:
    if not levels:
        return ["14-001 no headings"]
    found = [] if levels[0] == 1 else [f"14-002 the first heading is H{levels[0]}, not H1"]
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            found.append(f"14-003 heading level skipped: H{before} then H{after}")
    return found


def _id_tree(root: Dictionary, ids: dict[str, Dictionary]) -> list[str]:
    if not ids:
        return []
    if "/IDTree" not in root:
        return [f"IDTree missing although {len(ids)} elements have /ID"]
    named = dict(pikepdf.NameTree(root.IDTree).items())
    return [f"IDTree lacks or misnames {key!r}" for key, element in ids.items()
            if key not in named or named[key].objgen != element.objgen]


# --- content streams ----------------------------------------------------------


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5],
    ]


@dataclass
class _Mark:
    artifact: bool
    mcid: int | None


def _text_runs(page: pikepdf.Page) -> Iterator[tuple[list[_Mark], float, str]]:
    """Each text-showing operator with its marked-content stack and the
    y coordinate (PDF user space, origin bottom left) where it draws."""
    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack: list[list[float]] = []
    text_matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    line_matrix = list(text_matrix)
    marks: list[_Mark] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(list(ctm))
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == "BT":
            text_matrix, line_matrix = [1.0, 0, 0, 1.0, 0, 0], [1.0, 0, 0, 1.0, 0, 0]
        elif op == "Tm":
            text_matrix = [float(v) for v in operands]
            line_matrix = list(text_matrix)
        elif op in ("Td", "TD"):
            line_matrix = _multiply([1, 0, 0, 1, float(operands[0]), float(operands[1])], line_matrix)
            text_matrix = list(line_matrix)
        elif op in ("BDC", "BMC"):
            properties = operands[1] if op == "BDC" and len(operands) > 1 else None
            mcid = properties.get("/MCID") if isinstance(properties, Dictionary) else None
            marks.append(_Mark(str(operands[0]) == "/Artifact", None if mcid is None else int(mcid)))
        elif op == "EMC" and marks:
            marks.pop()
        elif op in TEXT_OPERATORS:
            y = _multiply(text_matrix, ctm)[5]
            yield list(marks), y, op


def _content(pdf: pikepdf.Pdf, tree: _Tree, margins: Margins) -> list[str]:
    found: list[str] = []
    for number, page in enumerate(pdf.pages, start=1):
        height = float(page.mediabox[3]) - float(page.mediabox[1])
        counts: dict[str, int] = {}
        for marks, y, _ in _text_runs(page):
            tagged = [m for m in marks if m.mcid is not None]
            artifact = any(m.artifact for m in marks)
            if artifact and tagged:
                counts["01-003 artifact and tagged content nested in each other"] = 1
            elif not artifact and not tagged:
                counts["01-001 text neither tagged nor artifact"] = 1
            elif tagged and (page.obj.objgen, tagged[-1].mcid) not in tree.mcid_owner:
                counts["01-005 tagged text whose MCID no structure element owns"] = 1
            if tagged and not artifact and (y > height - margins.top or y < margins.bottom):
                counts["18-001 text in the page margins (running head, folio) tagged as content"] = 1
        found += [f"{message} (page {number})" for message in counts]
    return found


# --- annotations and fonts ------------------------------------------------------


def _annotations(pdf: pikepdf.Pdf, tree: _Tree) -> list[str]:
    found: list[str] = []
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", Array()):
            subtype = str(annotation.get("/Subtype", ""))
            if subtype in ("/Popup",):
                continue
            owners = tree.annotation_owner.get(annotation.objgen, [])
            if len(owners) != 1:
                found.append(f"28-002 {subtype} annotation on page {number} is in {len(owners)} structure elements")
            elif subtype == "/Link" and str(owners[0].S) not in ("/Link", "/Reference"):
                found.append(f"28-011 Link annotation on page {number} tagged as {owners[0].S}")
            if subtype == "/Link" and not str(annotation.get("/Contents", "")).strip():
                found.append(f"28-004 Link annotation on page {number} without /Contents")
    return found


def _fonts(pdf: pikepdf.Pdf) -> list[str]:
    found: set[str] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
        for font in fonts.values():
            name = str(font.get("/BaseFont", "?"))
            descendants = font.get("/DescendantFonts")
            target = descendants[0] if descendants is not None else font
            descriptor = target.get("/FontDescriptor", Dictionary())
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                found.add(f"31-009 font {name} not embedded")
            if "/ToUnicode" not in font:
                found.add(f"31-027 font {name} has no ToUnicode map")
    return sorted(found)
