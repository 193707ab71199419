"""Page numbers for the DOCX contents from a LibreOffice layout pass.

The writer knows no page numbers: only a layout engine does. When asked
(``--docx-page-numbers``) and LibreOffice is installed, the finished DOCX is
laid out by LibreOffice headless into a PDF whose named destinations are the
DOCX bookmarks (the headings'); each destination's page becomes the cached
result of that entry's PAGEREF field. LibreOffice lays out with Carlito, which
has Calibri's metrics, so Word's pages normally agree; Word refreshes them
with the field anyway. Without LibreOffice the entries keep no numbers.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pikepdf

# Bookmarks exported as PDF named destinations, nothing else changed.
EXPORT = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
TIMEOUT = 240  # seconds: a first start of LibreOffice on a busy machine is slow


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def bookmark_pages(docx: bytes, office: str | None = None) -> dict[str, str]:
    """Bookmark name -> page number (as text) in LibreOffice's layout of
    ``docx``; empty when LibreOffice is missing or fails (the DOCX is then
    written without numbers, never refused)."""
    office = office or libreoffice()
    if office is None:
        return {}
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as scratch:
        work = Path(scratch)
        source = work / "profile.docx"
        source.write_bytes(docx)
        command = [office, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--convert-to", EXPORT, "--outdir", str(work), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=True)
            data = (work / "profile.pdf").read_bytes()
        except (OSError, subprocess.SubprocessError):
            return {}
    return destination_pages(data)


def destination_pages(pdf_bytes: bytes) -> dict[str, str]:
    """Named destination -> 1-based page number of a PDF."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        names = pdf.Root.get("/Names")
        items: Iterable[tuple[str, pikepdf.Object]]
        if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
            items = pikepdf.NameTree(names.Dests).items()
        else:
            items = pdf.Root.get("/Dests", pikepdf.Dictionary()).items()
        found: dict[str, str] = {}
        for name, value in items:
            target = value if isinstance(value, pikepdf.Array) else value.get("/D")
            if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in pages:
                found[str(name).lstrip("/")] = str(pages[target[0].objgen])
        return found
