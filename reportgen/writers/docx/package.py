"""Opening the reference document and writing the final, reproducible ZIP."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError

from reportgen.errors import WriterError
from reportgen.writers.docx.reference import sanitized_reference

if TYPE_CHECKING:
    from reportgen.limits import Limits

# "[Content_Types].xml" first: some readers (and the OPC spec's streaming
# consumers) expect it before anything else; python-docx puts it there too.
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def open_reference(path: Path, limits: Limits | None = None) -> DocxDocument:
    """The reference document whose styles, page setup and settings we write
    into, rebuilt from its whitelisted parts (see ``reference``)."""
    if not path.is_file():
        raise WriterError(f"{path}: reference document not found")
    if limits is None:  # imported here: the writers need no pydantic unless called without a configuration
        from reportgen.limits import Limits

        limits = Limits()
    data = sanitized_reference(path, limits)
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise WriterError(f"{path}: not a usable DOCX reference document ({error})") from None


def check_styles(document: DocxDocument, required: dict[str, WD_STYLE_TYPE], source: Path) -> None:
    """Fail early, naming the style, rather than with python-docx's KeyError halfway."""
    names = {style.name: style.type for style in document.styles}
    for name, kind in required.items():
        if name not in names:
            raise WriterError(f"{source}: reference document has no style {name!r}")
        if names[name] != kind:
            raise WriterError(
                f"{source}: style {name!r} is a {names[name].name.lower()} style, "
                f"expected a {kind.name.lower()} style"
            )


def save(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def reproducible_zip(data: bytes, stamp: date) -> bytes:
    """Rewrite a DOCX with fixed entry times, order and attributes.

    python-docx stamps every entry with the current time, so two runs differ
    byte for byte; the same input must give the same file (reproducible builds,
    golden tests, no spurious diffs in a document archive).
    """
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        order = [n for n in _FIRST if n in names] + [n for n in names if n not in _FIRST]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in order:
                target.writestr(_entry(name, when), source.read(name))
    return out.getvalue()


def _entry(name: str, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # fixed, whatever the building OS
    info.external_attr = 0o644 << 16
    return info
