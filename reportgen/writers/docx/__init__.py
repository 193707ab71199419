"""The DOCX writer: the document model into a Word file styled by a reference document.

Following pandoc's ``--reference-doc`` convention, the styles, page setup and
settings come from ``templates/reference.docx`` (made by
``scripts/make_reference_docx.py``); the writer empties its body and fills it.
"""

from __future__ import annotations

from reportgen.model import Document
from reportgen.writers import WriterConfig, default_config
from reportgen.writers.docx import package, pages
from reportgen.writers.docx.translator import REQUIRED_STYLES, Translator

__all__ = ["REQUIRED_STYLES", "write_docx"]


def write_docx(document: Document, options: WriterConfig | None = None,
               toc_pages: dict[str, str] | None = None) -> bytes:
    """The profile as DOCX bytes; the same document and reference give the same bytes.

    ``toc_pages`` (heading bookmark -> page number) puts page numbers in the
    contents; without them and with ``options.docx_page_numbers`` they come
    from a LibreOffice layout of the document (:mod:`pages`), when LibreOffice is there."""
    options = options or default_config()
    data = _write(document, options, toc_pages or {})
    if options.docx_page_numbers and not toc_pages:
        numbers = pages.bookmark_pages(data)
        if numbers:
            data = _write(document, options, numbers)
    return data


def _write(document: Document, options: WriterConfig, toc_pages: dict[str, str]) -> bytes:
    reference = options.reference_docx or options.templates / "reference.docx"
    docx = package.open_reference(reference, options.limits)
    package.check_styles(docx, REQUIRED_STYLES, reference)
    Translator(docx, document, options, toc_pages).translate()
    return package.reproducible_zip(package.save(docx), document.meta.date)
