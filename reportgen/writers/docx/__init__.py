"""The DOCX writer: the document model into a Word file styled by a reference document.

Following pandoc's ``--reference-doc`` convention, the styles, page setup and
settings come from ``templates/reference.docx`` (made by
``scripts/make_reference_docx.py``); the writer empties its body and fills it.
"""

from __future__ import annotations

from dataclasses import replace

from reportgen.model import Document
from reportgen.writers import WriterOptions
from reportgen.writers.docx import package, pages
from reportgen.writers.docx.translator import REQUIRED_STYLES, Translator

__all__ = ["REQUIRED_STYLES", "write_docx"]


def write_docx(document: Document, options: WriterOptions | None = None) -> bytes:
    """The profile as DOCX bytes; the same document and reference give the same bytes.

    With ``options.docx_page_numbers`` the contents get page numbers from a
    LibreOffice layout of the document (:mod:`pages`), when LibreOffice is there."""
    options = options or WriterOptions()
    data = _write(document, options)
    if options.docx_page_numbers and not options.toc_pages:
        numbers = pages.bookmark_pages(data)
        if numbers:
            data = _write(document, replace(options, toc_pages=numbers))
    return data


def _write(document: Document, options: WriterOptions) -> bytes:
    reference = options.reference_docx or options.templates / "reference.docx"
    docx = package.open_reference(reference, options.limits)
    package.check_styles(docx, REQUIRED_STYLES, reference)
    Translator(docx, document, options).translate()
    return package.reproducible_zip(package.save(docx), document.meta.date)
