"""Regenerate the pictures of docs/right-to-left.md: the At a glance page of
Paraguay's Arabic and Chinese PDF profiles, as small PNGs (60 dpi)::

    .venv/bin/python scripts/rtl_pictures.py [OUTPUT_FOLDER]   (default docs/images)

It builds the two PDFs with the installed ``reportgen`` into a temporary
folder, finds the At a glance page through the PDF outline (its first entry)
with pikepdf, and renders that page with poppler's ``pdftoppm -png -r 60``.
Needs poppler-utils and, until the fonts are bundled, Debian's
fonts-noto-core and fonts-noto-cjk.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("ar", "zh")
DPI = 60


def first_outline_page(pdf_path: Path) -> int:
    """The 1-based page of the PDF outline's first entry (At a glance)."""
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        destination = outline.root[0].destination
        if destination is None:  # WeasyPrint writes /A << /S /GoTo /D [...] >>
            destination = outline.root[0].action.D
        page = destination[0]
        return next(n for n, p in enumerate(pdf.pages, start=1) if p.obj.objgen == page.objgen)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(ROOT / ".venv" / "bin" / "reportgen"), "-q", "build", "PRY", "--lang", ",".join(LANGUAGES),
                        "--format", "pdf", "--out", tmp, "--force", "-j", "0"], cwd=ROOT, check=True)
        for lang in LANGUAGES:
            # the name carries the edition and the status: PRY-profile-2024-ar-draft.pdf
            pdf = next((Path(tmp) / "PRY").glob(f"PRY-profile-*{lang}*.pdf"))
            page = str(first_outline_page(pdf))
            target = out / f"at-a-glance-{lang}"
            subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", page, "-l", page, "-singlefile",
                            str(pdf), str(target)], check=True)
            print(f"{target}.png (page {page} of {pdf.name})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
