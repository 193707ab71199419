"""Writers: one module or subpackage per output format, each a function
``(document, options) -> bytes``. The registry maps a format name to its writer
and is imported lazily so that a DOCX-only build never loads WeasyPrint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from reportgen.limits import Limits
from reportgen.model import Document
from reportgen.paths import TEMPLATES


@dataclass(frozen=True)
class WriterOptions:
    templates: Path = TEMPLATES  # templates/ (html/, fonts/, reference.docx)
    reference_docx: Path | None = None  # overrides templates/reference.docx
    pdf_variant: str | None = "pdf/ua-1"  # None = plain PDF
    html_standalone: bool = True  # --format html: CSS inline, fonts embedded
    limits: Limits = field(default_factory=Limits)  # reference_docx_bytes, reference_docx_parts
    docx_page_numbers: bool = False  # page numbers in the DOCX contents from LibreOffice's layout
    # DOCX contents: heading bookmark -> page number, when a layout pass knows them
    toc_pages: dict[str, str] = field(default_factory=dict)


Writer = Callable[[Document, WriterOptions], bytes]

# format -> (module, function); extension is the format name.
_REGISTRY: dict[str, tuple[str, str]] = {
    "docx": ("reportgen.writers.docx", "write_docx"),
    "html": ("reportgen.writers.html", "write_html"),
    "pdf": ("reportgen.writers.pdf", "write_pdf"),
}

FORMATS = tuple(_REGISTRY)


def writer_module(fmt: str) -> str:
    """The module that writes ``fmt`` (for the worker pool's fork server to import)."""
    return _REGISTRY[fmt][0]


def get_writer(fmt: str) -> Writer:
    module, function = _REGISTRY[fmt]
    return getattr(import_module(module), function)
