"""An independent reader of a tagged PDF's structure tree (pikepdf) and of
the marked content its elements own (pdfplumber's per-character MCIDs): the
text and link addresses of each heading or list item as a PDF reader sees it."""

from __future__ import annotations

import collections
import contextlib
from pathlib import Path

import pdfplumber
import pikepdf


def tagged_elements(path: Path, kinds: set[str],
                    plumbed: pdfplumber.PDF | None = None) -> list[tuple[str, str, list[str]]]:
    """(kind, text, link URIs) of every structure element of ``kinds`` (/H2, /LI ...),
    in structure-tree order: text from the marked content its MCIDs name.
    ``plumbed``: the same file already open in pdfplumber (its pages keep the
    characters they parsed)."""
    found: list[tuple[str, str, list[str]]] = []
    opened = contextlib.nullcontext(plumbed) if plumbed is not None else pdfplumber.open(path)
    with pikepdf.open(path) as pdf, opened as plumber:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        chars: dict[tuple[int, int], list[str]] = collections.defaultdict(list)
        for index, page in enumerate(plumber.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    chars[(index, char["mcid"])].append(char["text"])

        def content(node: object, page: int | None, mcids: list, uris: list[str]) -> None:
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    content(kid, page, mcids, uris)
            elif isinstance(node, pikepdf.Dictionary):
                page = pages[node.Pg.objgen] if "/Pg" in node else page
                if node.get("/Type") == "/OBJR" and "/A" in node.Obj and "/URI" in node.Obj.A:
                    uris.append(str(node.Obj.A.URI))
                if "/MCID" in node:
                    mcids.append((page, int(node.MCID)))
                if "/K" in node:
                    content(node.K, page, mcids, uris)
            elif isinstance(node, int):
                mcids.append((page, int(node)))

        def walk(node: object, page: int | None) -> None:
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid, page)
            elif isinstance(node, pikepdf.Dictionary):
                page = pages[node.Pg.objgen] if "/Pg" in node else page
                if str(node.get("/S")) in kinds:
                    mcids: list[tuple[int | None, int]] = []
                    uris: list[str] = []
                    content(node.get("/K"), page, mcids, uris)
                    found.append((str(node.S), "".join("".join(chars[key]) for key in mcids), uris))
                elif "/K" in node:
                    walk(node.K, page)

        walk(pdf.Root.StructTreeRoot, None)
    return found
