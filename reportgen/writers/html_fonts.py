"""The bundled fonts of the standalone HTML, subset to what the page shows.

Inlining the four full Noto Sans faces made every profile about 2.9 MB. Here
each face the page can use is cut down with fontTools to the characters of
the page (plus printable ASCII, which the stylesheets' generated content such
as "[1]" may need) and stored as WOFF2 (Brotli); faces the markup cannot use
(italic without any ``<em>``, bold italic without emphasis in bold text) are
left out. A few tens of kB instead of megabytes.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path

from lxml import html as lxml_html

from reportgen import fonts

# Elements whose text the stylesheets set in bold or italic.
BOLD_TAGS = {"strong", "b", "h1", "h2", "h3", "h4", "h5", "h6", "th", "cite", "caption", "dt"}
ITALIC_TAGS = {"em", "i"}
ALWAYS = {chr(code) for code in range(0x20, 0x7F)} | {"\u00a0", "\u2013", "\u2014", "\u2019", "\u201c", "\u201d"}


def used_styles(body: str) -> set[tuple[int, str]]:
    """The (weight, style) pairs the markup of ``body`` can show."""
    used = {(400, "normal"), (700, "normal")}
    tree = lxml_html.fragment_fromstring(body, create_parent="div")
    for element in tree.iter(*ITALIC_TAGS):
        used.add((400, "italic"))
        if any(ancestor.tag in BOLD_TAGS for ancestor in element.iterancestors()) or any(
            child.tag in BOLD_TAGS for child in element.iter()
        ):
            used.add((700, "italic"))
    return used


def page_characters(body: str) -> set[str]:
    """Every character of the page's text, and the ones generated content uses."""
    tree = lxml_html.fragment_fromstring(body, create_parent="div")
    text = "".join(tree.itertext())
    # Upper- and lower-case forms too: text-transform may change the case.
    return set(text) | set(text.upper()) | set(text.lower()) | ALWAYS


def woff2_data_uri(face: fonts.FontFace, templates: Path, characters: Iterable[str]) -> str:
    """``face`` subset to ``characters`` as a WOFF2 ``data:`` URI (the same
    input gives the same bytes: :func:`reportgen.fonts.subset_bytes`)."""
    data = fonts.subset_bytes(face, templates, characters, flavor="woff2")
    return "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")
