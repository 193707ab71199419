"""PDF writer: the HTML of ``html.py`` laid out by WeasyPrint.

Resources (print.css, fonts, images) are fetched only from ``templates/``
through ``SafeURLFetcher``; answers are escaped text in the HTML, so nothing a
questionnaire says can make WeasyPrint read a file or open a connection.
"""

from __future__ import annotations

import base64
import logging
import os
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from reportgen.writers import weasyprint_loader  # noqa: F401  (imports WeasyPrint first: see there)

# isort: split
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from reportgen import glyphs
from reportgen import model as m
from reportgen.errors import WriterError
from reportgen.writers import WriterConfig, pdf_tags
from reportgen.writers.html import MIME_TYPES, breakable_long_words, chart_uris, font_face_css, font_faces, render_html
from reportgen.writers.pdf_variants import COMBINED_VARIANTS, pdf_variant

# Marks our refusals in WeasyPrint's log messages, which quote the exception.
REFUSED = "refused by reportgen"
LOGGER_NAME = "weasyprint"


class RefusedURL(ValueError):
    """Raised by the fetcher; WeasyPrint turns it into a logged, skipped resource."""


class SafeURLFetcher(URLFetcher):
    """Serves regular files under ``root`` and nothing else.

    Refuses network URLs, ``file:`` URLs outside ``root`` (after resolving
    ``..`` and symlinks) and ``data:`` URLs not in ``allowed_data``. Every URL
    is recorded in ``fetched`` or ``refused`` so tests can see what happened.
    """

    def __init__(self, root: Path, allowed_data: Iterable[str] = ()) -> None:
        # Only sets up urllib handlers we never call; fail_on_errors=False lets a
        # refusal skip the resource instead of aborting the whole render.
        super().__init__(timeout=1, allowed_protocols={"file"}, fail_on_errors=False)
        self.root = root.resolve()
        self.allowed_data = frozenset(allowed_data)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url in self.allowed_data:
            self.fetched.append(url)
            return _data_response(url)
        path = self.local_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"{REFUSED}: {url[:200]}")
        self.fetched.append(url)
        mime = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    def local_path(self, url: str) -> Path | None:
        """The file a ``file:`` URL names if it is a regular file under ``root``."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            # url2pathname decodes %-escapes; containment is checked after resolving.
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):  # missing file, symlink loop
            return None
        return path if path.is_relative_to(self.root) and path.is_file() else None


def _data_response(url: str) -> URLFetcherResponse:
    header, _, payload = url.partition(",")
    mime = header.removeprefix("data:").split(";")[0] or "text/plain"
    body = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
    return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


# WeasyPrint's notice when the system lacks libharfbuzz-subset: the PDF is the
# same (fontTools subsets instead), so it is no news for a user, on every render.
_KNOWN_NOTICES = (REFUSED, "Using fontTools instead of HarfBuzz-Subset")


class _DropExpected(logging.Filter):
    """Drops WeasyPrint's messages that are expected: URLs the fetcher refused on
    purpose and the HarfBuzz notice. They are kept in ``dropped``.

    A logger filter stops the record before any handler or parent logger, so
    the user's console stays quiet; anything else WeasyPrint says still passes.
    """

    def __init__(self) -> None:
        super().__init__()
        self.dropped: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(notice in message for notice in _KNOWN_NOTICES):
            self.dropped.append(message)
            return False
        return True


@contextmanager
def _quiet_expected() -> Iterator[_DropExpected]:
    logger = logging.getLogger(LOGGER_NAME)
    dropped = _DropExpected()
    logger.addFilter(dropped)
    try:
        yield dropped
    finally:
        logger.removeFilter(dropped)


def _weasyprint_variant(variant: str | None) -> tuple[str | None, bool]:
    """WeasyPrint's variant for ours, and whether pdf_tags must add the UA claim."""
    if variant in COMBINED_VARIANTS:
        return COMBINED_VARIANTS[variant], True
    return variant, False


def write_pdf(document: m.Document, options: WriterConfig) -> bytes:
    """The profile as a (by default PDF/UA-1, tagged) PDF."""
    return render_pdf(document, options, SafeURLFetcher(options.templates))


def render_pdf(document: m.Document, options: WriterConfig, fetcher: SafeURLFetcher) -> bytes:
    """``write_pdf`` with the caller's fetcher, whose logs tests inspect."""
    pdf_variant(options.pdf_variant)  # refuse a bad variant before any work
    source = render_html(document, options.templates.resolve(), standalone=False)
    return html_to_pdf(source, document, options, fetcher)


def html_to_pdf(source: str, document: m.Document, options: WriterConfig, fetcher: SafeURLFetcher,
                timings: dict[str, float] | None = None) -> bytes:
    """WeasyPrint's part alone: lay out the HTML writer's output and write the PDF
    (separate so the benchmark can time it on the same HTML); ``timings`` gets
    the seconds of the structure repair ("pdf tags": marking the HTML and
    repairing the PDF)."""
    variant, claim_ua = _weasyprint_variant(pdf_variant(options.pdf_variant))
    templates = options.templates.resolve()
    source = breakable_long_words(source)  # a long word's cost to WeasyPrint: see there
    # The document's own charts are data: URIs of SVG it made; nothing else is.
    fetcher.allowed_data = fetcher.allowed_data | frozenset(chart_uris(document))
    # The language's font stack; a system font (CJK) comes subset to the
    # characters of the page and its charts, as a data: URI allowed here.
    characters = set(source) | glyphs.document_characters(document)
    characters |= {c.upper() for c in characters} | {c.lower() for c in characters}
    declared = font_faces(templates, document.meta.lang, embed=False, characters=characters)
    fetcher.allowed_data = fetcher.allowed_data | {url for _, url in declared if url.startswith("data:")}
    base_url = path2url(str(templates) + "/")
    # One FontConfiguration for the @font-face rules and the layout, or the
    # bundled fonts would be unknown when the text is shaped.
    fonts = FontConfiguration()
    # Tagged even as plain PDF: the structure costs little and helps readers.
    pdf_options = {"pdf_variant": variant, "pdf_tags": True}
    check_reproducible_subsetting()
    with _quiet_expected(), warnings.catch_warnings():
        # WeasyPrint 70 never closes its own sRGB profile (PDF/A output intent).
        warnings.filterwarnings("ignore", message=r"unclosed file .*sRGB2014\.icc", category=ResourceWarning)
        faces = CSS(string=font_face_css(templates, embed=False, faces=declared, lang=document.meta.lang),
                    base_url=base_url,
                    url_fetcher=fetcher, font_config=fonts)
        # Ids on containers, a bookmark rule for the rest: each page's public
        # anchors and bookmarks then say which elements it holds or starts,
        # which pdf_tags needs to pair tags with elements (see there).
        start = time.perf_counter()
        marked = pdf_tags.mark_elements(source, every=False)
        starts_css = CSS(string=pdf_tags.STARTS_CSS, font_config=fonts)
        marking = time.perf_counter() - start
        html = HTML(string=marked, base_url=base_url, url_fetcher=fetcher)
        laid_out = html.render(font_config=fonts, stylesheets=[faces, starts_css], **pdf_options)
        starts = pdf_tags.take_starts(laid_out.pages)  # before write_pdf: the outline is the headings'
        data = laid_out.write_pdf(**pdf_options)
        # The structure tree is repaired after WeasyPrint: see pdf_tags.
        start = time.perf_counter()
        texts = pdf_tags.anchor_texts(html.etree_element)
        try:
            fixed = pdf_tags.fix_structure(data, html.etree_element, [set(page.anchors) for page in laid_out.pages],
                                           texts, claim_ua=claim_ua, page_starts=starts)
        except pdf_tags.AmbiguousPairing as reason:
            # Do not guess: lay out again with an id on every element (slower, exact).
            _LOG.debug("PDF structure: %s; laying out again with every element marked", reason)
            html = HTML(string=pdf_tags.mark_elements(source), base_url=base_url, url_fetcher=fetcher)
            laid_out = html.render(font_config=fonts, stylesheets=[faces], **pdf_options)
            data = laid_out.write_pdf(**pdf_options)
            fixed = pdf_tags.fix_structure(data, html.etree_element, [set(page.anchors) for page in laid_out.pages],
                                           texts, claim_ua=claim_ua)
        if timings is not None:
            timings["pdf tags"] = marking + time.perf_counter() - start
        return fixed


_LOG = logging.getLogger(__name__)  # debug: why a PDF was laid out a second time


def check_reproducible_subsetting() -> None:
    """Refuse to write a PDF whose bytes would depend on the wall clock.

    WeasyPrint subsets the embedded fonts with libharfbuzz-subset (>= 4.1),
    which keeps each font's ``head.modified``; without it WeasyPrint falls back
    to fontTools, which stamps the current time there unless
    ``SOURCE_DATE_EPOCH`` is set. reportgen no longer sets that variable for
    the length of a render (the environment is process-wide, and keys and
    bytes must use one build date), so that one case is a one-line error that
    says how to fix it. Our own subsetting (fonts.py) keeps the font's date.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return
    if os.environ.get("SOURCE_DATE_EPOCH"):  # fontTools reads it: reproducible
        return
    raise WriterError("PDF: libharfbuzz-subset (HarfBuzz >= 4.1) is not installed, and without it the PDF's "
                      "fonts would carry the time of the build; install it (scripts/system-deps.sh) "
                      "or set SOURCE_DATE_EPOCH")
