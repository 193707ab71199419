"""Paraguay in the six official languages, through the command line, as a
publication team builds it (slow: 18 documents, about a minute here)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html

LANGS = ("en", "es", "fr", "ru", "ar", "zh")
SCRIPT = {"en": "[A-Za-z]", "es": "[ñáéíóú]", "fr": "[éèàç]", "ru": "[\u0400-\u04ff]", "ar": "[\u0600-\u06ff]",
          "zh": "[\u4e00-\u9fff]"}


@pytest.mark.slow
def test_build_pry_in_six_languages(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "reportgen"
    done = subprocess.run([str(exe), "build", "PRY", "--lang", ",".join(LANGS), "--format", "pdf,docx,html",
                           "--out", str(tmp_path), "--jobs", "2"], capture_output=True, text=True, check=False,
                          env={"SOURCE_DATE_EPOCH": "1732000000", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    folder = tmp_path / "PRY"
    for lang in LANGS:
        stem = folder / f"PRY-profile-2024-{lang}-draft"
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", f"{stem}.pdf", "-"], capture_output=True, text=True,
                              check=True).stdout
        assert len(re.findall(SCRIPT[lang], text)) > 200, lang
        assert "\ufffd" not in text, lang
        with zipfile.ZipFile(f"{stem}.docx") as archive:
            body = archive.read("word/document.xml").decode("utf-8")
        assert ("<w:bidi/>" in body) == (lang == "ar"), lang
        page = lxml_html.parse(f"{stem}.html", parser=lxml_html.HTMLParser(encoding="utf-8")).getroot()
        assert page.get("dir") == ("rtl" if lang == "ar" else None), lang
