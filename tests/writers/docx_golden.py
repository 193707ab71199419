"""Golden-file comparison of a DOCX's main XML parts.

A whole DOCX is a ZIP and cannot be diffed; its parts, pretty-printed, can. Use::

    compare_docx_parts(write_docx(doc), GOLDEN / "docx-paraguay", update_golden)

and run ``pytest --update-golden`` to (re)write the files after an intended change,
then review the diff of ``tests/writers/golden/`` like any other code change.
"""

from __future__ import annotations

import difflib
import io
import zipfile
from pathlib import Path

from lxml import etree

# ZIP member -> golden file name
PARTS: dict[str, str] = {
    "word/document.xml": "document.xml",
    "word/footnotes.xml": "footnotes.xml",
    "word/styles.xml": "styles.xml",
    "word/_rels/document.xml.rels": "document.xml.rels",
}

MAX_DIFF_LINES = 80


def pretty_xml(data: bytes) -> str:
    """One element per line, indented, attribute order as written: stable for diffs."""
    parser = etree.XMLParser(remove_blank_text=True)
    root = etree.fromstring(data, parser)
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def docx_parts(docx_bytes: bytes) -> dict[str, str]:
    """The pretty-printed golden parts of a DOCX, by golden file name."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        present = set(archive.namelist())
        missing = [member for member in PARTS if member not in present]
        if missing:
            raise AssertionError(f"DOCX lacks part(s): {', '.join(missing)}")
        return {name: pretty_xml(archive.read(member)) for member, name in PARTS.items()}


def compare_docx_parts(docx_bytes: bytes, golden_dir: Path, update: bool) -> None:
    """Compare part by part with ``golden_dir``; with ``update``, rewrite it instead.

    Raises AssertionError listing every differing or missing part with a diff."""
    parts = docx_parts(docx_bytes)
    if update:
        golden_dir.mkdir(parents=True, exist_ok=True)
        for name, text in parts.items():
            (golden_dir / name).write_text(text, encoding="utf-8")
        return
    problems = [p for name, text in parts.items() if (p := _compare(golden_dir / name, text))]
    if problems:
        raise AssertionError("\n\n".join(problems))


def _compare(path: Path, actual: str) -> str:
    if not path.is_file():
        return f"{path}: golden file missing (run pytest --update-golden)"
    expected = path.read_text(encoding="utf-8")
    if expected == actual:
        return ""
    diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                     f"golden/{path.name}", f"actual/{path.name}", lineterm=""))
    shown = diff[:MAX_DIFF_LINES]
    if len(diff) > MAX_DIFF_LINES:
        shown.append(f"... {len(diff) - MAX_DIFF_LINES} more diff lines")
    return f"{path}: differs (run pytest --update-golden if intended)\n" + "\n".join(shown)
