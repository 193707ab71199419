"""Importing the PDF writer loads WeasyPrint's libraries without a compiler, in a fresh process each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the lookup is Linux's")

LOADED = "from weasyprint.text import ffi; assert ffi.pango and ffi.fontconfig; print('loaded')"


def tools_that_record(folder: Path) -> tuple[dict[str, str], Path]:
    """A PATH whose ``gcc``, ``cc`` and ``ld`` write their names to a log and fail."""
    log = folder / "ran.log"
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    for tool in ("gcc", "cc", "ld"):
        script = bin_dir / tool
        script.write_text(f'#!/bin/sh\necho {tool} >> "{log}"\nexit 1\n')
        script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}, log


def run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)


def test_the_pdf_writer_loads_weasyprints_libraries_without_running_a_compiler(tmp_path: Path) -> None:
    env, log = tools_that_record(tmp_path)
    run(f"import weasyprint; {LOADED}", env)
    assert "gcc" in log.read_text()  # WeasyPrint alone asks the compiler: the test can fail
    log.unlink()
    result = run(f"import reportgen.writers.pdf; {LOADED}", env)
    assert result.stdout == "loaded\n"
    assert not log.exists()


def test_a_library_only_the_full_lookup_finds_is_still_loaded_and_nothing_is_printed(tmp_path: Path) -> None:
    # Every load fails while find_library answers from the loader's cache alone,
    # as it would for a library that only the compiler's search finds.
    code = (
        "import ctypes.util, cffi.api\n"
        "full, load = ctypes.util.find_library, cffi.api._load_backend_lib\n"
        "def only_with_the_full_lookup(*args):\n"
        "    if ctypes.util.find_library is not full:\n"
        "        raise OSError('not in the loader cache')\n"
        "    return load(*args)\n"
        "cffi.api._load_backend_lib = only_with_the_full_lookup\n"
        f"import reportgen.writers.pdf, weasyprint; weasyprint.urls, weasyprint.text.ffi; {LOADED}"
    )
    result = run(code, dict(os.environ))
    assert result.stdout == "loaded\n"  # whole, and WeasyPrint's installation advice was not printed
