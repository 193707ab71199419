"""Independent readers for the PDF tests: reference links (pikepdf for the
annotations and named destinations, pdfplumber for the text under them) and
the tagged figures' alt texts (pikepdf on the structure tree)."""

from __future__ import annotations

import bisect
import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf


@dataclass(frozen=True)
class InternalLink:
    page: int  # 0-based
    text: str  # the text under the link's rectangle
    dest: str  # the named destination, e.g. "src-12"
    dest_text: str  # the text of the line the destination points at


def _named_destinations(pdf: pikepdf.Pdf) -> dict[str, tuple[int, float, float]]:
    """name -> (0-based page, y from the top, x) of every named destination."""
    names = pikepdf.NameTree(pdf.Root.Names.Dests)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    found: dict[str, tuple[int, float, float]] = {}
    for name, dest in names.items():
        array = dest.D if isinstance(dest, pikepdf.Dictionary) else dest
        page = pages[array[0].objgen]
        top = float(pdf.pages[page].MediaBox[3]) - float(array[3])
        found[str(name)] = (page, top, float(array[2]))
    return found


class _PageChars:
    """A page's characters sorted by their vertical centre, for fast lookups by rectangle."""

    def __init__(self, chars: list[dict]):
        self.chars = sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))
        self.middles = [(c["top"] + c["bottom"]) / 2 for c in self.chars]

    def text_in(self, x0: float, top: float, x1: float, bottom: float) -> str:
        """The characters whose centre is inside the box, in reading order."""
        start, end = bisect.bisect_left(self.middles, top), bisect.bisect_right(self.middles, bottom)
        inside = [c for c in self.chars[start:end] if x0 <= (c["x0"] + c["x1"]) / 2 <= x1]
        inside.sort(key=lambda c: (round(c["top"]), c["x0"]))
        return "".join(c["text"] for c in inside).strip()


def internal_links(path: Path, plumbed: pdfplumber.PDF | None = None) -> list[InternalLink]:
    """Every link annotation that points inside the document, in page order.
    ``plumbed``: the same file already open in pdfplumber, whose pages keep
    the characters they parsed (a caller that reads them again saves that)."""
    links: list[InternalLink] = []
    opened = contextlib.nullcontext(plumbed) if plumbed is not None else pdfplumber.open(path)
    with pikepdf.open(path) as pdf, opened as plumber:
        dests = _named_destinations(pdf)
        pages = [_PageChars(page.chars) for page in plumber.pages]
        for index, page in enumerate(pdf.pages):
            height = float(page.MediaBox[3])
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link" or "/Dest" not in annot:
                    continue
                xa, ya, xb, yb = (float(v) for v in annot.Rect)
                x0, x1, y0, y1 = min(xa, xb), max(xa, xb), min(ya, yb), max(ya, yb)
                name = str(annot.Dest)
                dest_page, top, left = dests[name]
                # The line at the destination, in its own column (the source list has two):
                # from the destination's x across one column's width.
                line = pages[dest_page].text_in(left - 21, top - 1, left + 235, top + 8)
                links.append(InternalLink(index, pages[index].text_in(x0, height - y1, x1, height - y0), name, line))
    return links


def reference_links(path: Path, plumbed: pdfplumber.PDF | None = None) -> list[InternalLink]:
    """The links of the reference markers ("[12]", "5" in "[3, 5–7]")."""
    return [link for link in internal_links(path, plumbed) if link.dest.startswith("src-")]


def figure_alts(path: Path) -> list[str]:
    """The /Alt of every Figure element of the PDF's structure tree, in tree order."""
    alts: list[str] = []

    def walk(node: pikepdf.Object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node.Alt))
            if "/K" in node:
                walk(node.K)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return alts


def bracket_number(text: str) -> int:
    """The first number of a marker or entry text: "[12, p. 3]" -> 12, "5" -> 5."""
    return int(re.search(r"\d+", text)[0])
