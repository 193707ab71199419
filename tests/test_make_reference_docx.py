"""scripts/make_reference_docx.py regenerates templates/reference.docx
byte for byte (issue 14, item 5): the committed file is what the script
makes, so a designer's change to the script shows as a change of the file,
and nothing in it depends on the clock, the time zone or the machine."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from reportgen.writers import TEMPLATES

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_reference_docx.py"


def _generate(output: Path, **env: str) -> bytes:
    """Run the script as a designer would, in its own process (the environment
    varied by the caller), and return the bytes it wrote."""
    result = subprocess.run([sys.executable, str(SCRIPT), str(output)], env={**os.environ, **env},
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {output}"
    return output.read_bytes()


def test_regenerating_reference_docx_is_idempotent_and_matches_the_committed_file(tmp_path: Path) -> None:
    first = _generate(tmp_path / "first.docx", TZ="Pacific/Kiritimati", SOURCE_DATE_EPOCH="0")
    second = _generate(tmp_path / "second.docx", TZ="America/Asuncion")
    assert first == second, "two runs of make_reference_docx.py wrote different bytes"
    committed = (TEMPLATES / "reference.docx").read_bytes()
    assert first == committed, (
        "templates/reference.docx is not what scripts/make_reference_docx.py makes: "
        "regenerate it with the script and review the styles")
    # What makes the bytes stable: every member stamped with the script's fixed date.
    with zipfile.ZipFile(tmp_path / "first.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
