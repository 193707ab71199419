"""Writers: one module or subpackage per output format, each a function
``(document, config) -> bytes``. The registry maps a format name to its writer
and is imported lazily so that a DOCX-only build never loads WeasyPrint.

Writers read the run's configuration (:class:`reportgen.config.Config`)
through :class:`WriterConfig`, the few fields they use; what is particular to
one document (the DOCX contents' page numbers, standalone HTML against the
PDF's HTML) is an argument of the writer, not configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reportgen.model import Document
from reportgen.paths import TEMPLATES

if TYPE_CHECKING:
    from reportgen.limits import Limits

__all__ = ["FORMATS", "TEMPLATES", "Writer", "WriterConfig", "default_config", "get_writer"]


class WriterConfig(Protocol):
    """What a writer reads of the configuration (read-only)."""

    @property
    def templates(self) -> Path: ...  # templates/ (html/, fonts/, reference.docx)
    @property
    def reference_docx(self) -> Path | None: ...  # overrides templates/reference.docx
    @property
    def pdf_variant(self) -> str | None: ...  # None = plain PDF
    @property
    def limits(self) -> Limits: ...  # reference_docx_bytes, reference_docx_parts
    @property
    def docx_page_numbers(self) -> bool: ...  # page numbers in the DOCX contents from LibreOffice's layout


def default_config() -> WriterConfig:
    """The defaults, for a writer called without a configuration (imported
    here, not at module level: a writer needs no pydantic to be typed)."""
    from reportgen.config import Config

    return Config()


Writer = Callable[[Document, WriterConfig], bytes]

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
