"""Regenerate docs/images/docx-{ar,zh}-at-a-glance.png: LibreOffice's rendering
of the "At a glance" page of Paraguay's Arabic and Chinese DOCX profiles::

    .venv/bin/python scripts/docx_pictures.py [OUTPUT_FOLDER]

Needs LibreOffice, poppler-utils (pdftoppm) and the Noto Naskh Arabic and Noto
Sans CJK SC fonts installed (Debian: fonts-noto-core, fonts-noto-cjk). The page
is found by its heading's bookmark, which LibreOffice exports as a PDF named
destination.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from reportgen.writers.docx import pages

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "images"
BOOKMARK = "at-a-glance"  # the heading id of the "At a glance" section
LANGS = ("ar", "zh")
RESOLUTION = "60"  # dpi: an A4 page 496 pixels wide, enough to read the layout


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    office = pages.libreoffice()
    if office is None or shutil.which("pdftoppm") is None:
        print("docx_pictures: needs LibreOffice (soffice) and pdftoppm", file=sys.stderr)
        return 1
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-pictures-") as scratch:
        work = Path(scratch)
        subprocess.run([str(Path(sys.executable).with_name("reportgen")), "build", "PRY", "--lang", ",".join(LANGS),
                        "--format", "docx", "--out", str(work / "build"), "--force", "-j", "0"],
                       cwd=ROOT, check=True, capture_output=True)
        for lang in LANGS:
            docx = next((work / "build" / "PRY").glob(f"PRY-profile*-{lang}*.docx"))  # name has edition, status
            picture(office, docx, work / lang, output / f"docx-{lang}-at-a-glance.png")
    return 0


def picture(office: str, docx: Path, work: Path, png: Path) -> None:
    """LibreOffice's PDF of ``docx``, then its "At a glance" page as ``png``."""
    work.mkdir()
    subprocess.run([office, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    "--convert-to", pages.EXPORT, "--outdir", str(work), str(docx)],
                   check=True, capture_output=True, timeout=pages.TIMEOUT)
    pdf = work / f"{docx.stem}.pdf"
    page = pages.destination_pages(pdf.read_bytes())[BOOKMARK]
    subprocess.run(["pdftoppm", "-png", "-r", RESOLUTION, "-f", page, "-l", page, "-singlefile",
                    str(pdf), str(png.with_suffix(""))], check=True)
    print(f"wrote {png} (page {page} of {docx.name})")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
