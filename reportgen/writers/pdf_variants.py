"""The PDF variants a build can ask for, known without importing WeasyPrint.

The command line checks ``--pdf-variant`` before it knows whether anything
needs building; importing WeasyPrint for that cost a no-op rebuild half a
second (issue 16). The list is WeasyPrint 70's ``weasyprint.pdf.VARIANTS``
(pyproject pins ``<71``); a test compares the two, so an upgrade that adds or
drops a variant fails there, not in a user's build.
"""

from __future__ import annotations

from reportgen.errors import WriterError

WEASYPRINT_VARIANTS = (
    "pdf/a-1a", "pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b", "pdf/a-3u",
    "pdf/a-4e", "pdf/a-4f", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2", "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g",
)

# Archival variants that are both PDF/A (accessible level "a": tagged) and
# PDF/UA-1: WeasyPrint writes the PDF/A file, pdf_tags adds the UA identifier.
COMBINED_VARIANTS = {"pdf/a-2a+pdf/ua-1": "pdf/a-2a", "pdf/a-3a+pdf/ua-1": "pdf/a-3a"}


def supported_variants() -> list[str]:
    """WeasyPrint's PDF variants (not its "debug" one) and the PDF/A + PDF/UA
    combinations reportgen makes."""
    return sorted([*WEASYPRINT_VARIANTS, *COMBINED_VARIANTS])


def pdf_variant(variant: str | None) -> str | None:
    """The normalised name of a PDF variant (``None``: plain PDF), or WriterError.

    Besides WeasyPrint's variants, ``pdf/a-2a+pdf/ua-1`` and ``pdf/a-3a+pdf/ua-1``
    claim both standards; no other combination is offered (PDF/UA needs the
    tagged, accessible level "a" of PDF/A).
    """
    if variant is None:
        return None
    name = variant.strip().lower().replace(" ", "")
    if name in supported_variants():
        return name
    known = ", ".join(supported_variants())
    combined = "; combinations other than pdf/a-2a or pdf/a-3a with pdf/ua-1 cannot be made" if (
        "+" in name or "," in name) else ""
    raise WriterError(f"PDF variant {variant!r} is not supported{combined} (choose one of: {known})")
