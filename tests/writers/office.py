"""LibreOffice headless for the DOCX tests: one conversion to PDF, in a private profile."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

TIMEOUT = 240  # seconds: a first start of LibreOffice on a busy machine is slow


def office() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice not installed (scripts/system-deps.sh test installs it)")
    return found


def convert_to_pdf(sources: list[Path], work: Path) -> list[Path]:
    """The PDFs LibreOffice makes of ``sources`` (DOCX files), in one start."""
    command = [office(), f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(work), *map(str, sources)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    pdfs = [work / f"{source.stem}.pdf" for source in sources]
    assert result.returncode == 0 and all(pdf.is_file() for pdf in pdfs), result.stderr
    return pdfs
