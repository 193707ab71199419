"""HTML writer: the document model as semantic HTML5.

The same markup serves two purposes. With ``standalone`` (``--format
html``, the default) it is one self-contained page: screen.css inline, fonts and images as
``data:`` URIs. Without it, it is the input of the PDF writer: it links
``html/print.css`` and images by URLs relative to ``templates/``, which the PDF
writer resolves through its safe URL fetcher.

Every piece of text from the model is escaped here and nowhere else, so an
answer containing ``<style>`` or ``url(file:///...)`` stays text.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import unicodedata
from collections.abc import Callable
from html import escape, unescape
from pathlib import Path
from string import Template
from urllib.parse import quote, urlsplit

from reportgen import figures, fonts, housestyle, urls
from reportgen import model as m
from reportgen.errors import WriterError
from reportgen.linebreaks import glue_before_reference, marker_text
from reportgen.writers import WriterConfig, html_fonts
from reportgen.writers.visitor import Visitor

LAYOUT = "html/profile.html"
PRINT_CSS = "html/print.css"
SCREEN_CSS = "html/screen.css"
GENERATOR = "reportgen"  # no version: a release must not change the bytes of a PDF


# The families and faces per script are in reportgen.fonts; kept here under
# their old names for the writers' callers.
FONT_FAMILY = fonts.FONT_FAMILY
FONT_FACES: tuple[fonts.FontFace, ...] = fonts.NOTO_SANS


# Mime types the standard library may not know on every platform.
MIME_TYPES = {
    ".svg": "image/svg+xml", ".ttf": "font/ttf", ".otf": "font/otf", ".woff2": "font/woff2",
    ".woff": "font/woff", ".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg",
}
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]*)(?P=q)\s*\)""")
_HTML_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_ROLE_CLASS = {"title", "subtitle", "lead", "status", "note", "watermark", "publisher", "imprint"}


# --- public API -------------------------------------------------------------


def write_html(document: m.Document, options: WriterConfig, standalone: bool = True) -> bytes:
    """The profile as UTF-8 HTML5: one self-contained page, or (``standalone=False``)
    the PDF writer's input."""
    return render_html(document, options.templates, standalone=standalone).encode("utf-8")


def render_html(document: m.Document, templates: Path, standalone: bool) -> str:
    builder = _HtmlBuilder(document, templates, standalone)
    # Comments in the layout are notes for authors, not for readers of the profile.
    layout = Template(_HTML_COMMENT.sub("", template_file(templates, LAYOUT).read_text(encoding="utf-8")))
    meta = document.meta
    body = builder.body()
    fields = {
        "lang": _attr(html_lang(meta.lang)),
        "root_attributes": _root_attributes(meta),
        "title": _text(document_title(meta)),
        "metadata": _metadata(meta),
        "styles": _standalone_styles(templates, body, meta.lang) if standalone else _linked_styles(),
        "body": body,
    }
    try:
        return layout.substitute(fields)
    except (KeyError, ValueError) as error:  # an author's edit broke a placeholder
        raise WriterError(f"{LAYOUT}: bad placeholder ({error}); use only ${', $'.join(fields)}") from error


# Tags HTML and PDF readers need more precise than the catalogs' ones: "zh" is
# the Simplified Chinese of the UN. The region, not the script subtag: Pango
# and fontconfig pick the SC face of Noto Sans CJK for "zh-CN" only ("zh",
# "zh-Hans" and "zh-Hans-CN" get the JP face, checked with WeasyPrint 70);
# browsers and screen readers read zh-CN as Simplified Chinese too. It also
# becomes the PDF's /Lang.
_HTML_LANG = {"zh": "zh-CN"}


def html_lang(lang: str) -> str:
    """The ``lang`` attribute for a catalog language ("zh" -> "zh-CN")."""
    return _HTML_LANG.get(lang, lang)


def text_direction(text: str) -> str:
    """"rtl" or "ltr" from the first strongly directional character of
    ``text`` (the rule of HTML's ``dir="auto"``, which WeasyPrint lacks);
    "" when it has none (digits and punctuation only)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return ""


def document_title(meta: m.Meta) -> str:
    """The title of the HTML page and of the PDF (``/Title``)."""
    return meta.document_title


def font_faces(templates: Path, lang: str, embed: bool, characters: set[str] | None = None,
               styles: set[tuple[int, str]] | None = None) -> list[tuple[fonts.FontFace, str]]:
    """Each face of ``lang``'s font stack (:mod:`reportgen.fonts`) with the URL
    its ``@font-face`` rule loads.

    ``embed`` gives ``data:`` URIs (standalone HTML): with ``characters``, each
    face subset to them as WOFF2 (:mod:`html_fonts`), and only the ``styles``
    the markup can use. Otherwise a bundled face is a URL relative to
    ``templates/``, fetched by the PDF writer's fetcher (WeasyPrint subsets the
    fonts it embeds itself); a system face (CJK, 16 MB) is given to WeasyPrint
    already subset to ``characters``, as a ``data:`` URI of OpenType, because
    reading the whole collection costs more than cutting it down (measured in
    docs/fonts.md).
    """
    faces: list[tuple[fonts.FontFace, str]] = []
    for family in fonts.stack(lang):
        for face in family:
            path = face.path(templates) if face.system else template_file(templates, face.file)
            if styles is not None and (face.weight, face.style) not in styles:
                continue
            if face.system and characters is None:
                raise WriterError(f"{path}: a system font is only used subset to the page's characters")
            if embed and characters is not None:
                url = html_fonts.woff2_data_uri(face, templates, characters)
            elif embed:
                url = data_uri(path)
            elif face.system:
                assert characters is not None
                url = "data:font/otf;base64," + base64.b64encode(
                    fonts.subset_bytes(face, templates, characters)).decode("ascii")
            else:
                url = quote(face.file)
            faces.append((face, url))
    return faces


def font_face_css(templates: Path, embed: bool, body: str | None = None, lang: str = "en",
                  faces: list[tuple[fonts.FontFace, str]] | None = None) -> str:
    """``@font-face`` rules for the fonts of ``lang`` (see :func:`font_faces`;
    with the page's ``body``, only the faces it can use, subset to its
    characters); ``faces`` when the caller has made them already."""
    if faces is None:
        styles = html_fonts.used_styles(body) if body is not None else None
        characters = html_fonts.page_characters(body) if body is not None else None
        faces = font_faces(templates, lang, embed, characters, styles)
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
        f'font-style: {face.style}; src: url("{url}");{_range(face, lang, templates)} }}'
        for face, url in faces
    )


def _range(face: fonts.FontFace, lang: str, templates: Path) -> str:
    """A face's ``unicode-range`` descriptor in ``lang``, if it has one
    (Chinese quotes and dashes from the CJK face: :func:`fonts.unicode_range`)."""
    ranges = fonts.unicode_range(face, lang, templates)
    return f" unicode-range: {ranges};" if ranges else ""


def template_file(templates: Path, relative: str) -> Path:
    """A file inside ``templates/``; refuses absolute paths, URLs and escapes."""
    root = templates.resolve()
    if not relative or urlsplit(relative).scheme or relative.startswith(("/", "\\")):
        raise WriterError(f"{relative!r}: not a path relative to {root}")
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise WriterError(f"{relative!r}: points outside {root}")
    if not path.is_file():
        raise WriterError(f"{relative!r}: no such file in {root}")
    return path


def data_uri(path: Path) -> str:
    mime = MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def chart_uri(chart: m.Chart) -> str:
    """The ``data:`` URI of a chart for the PDF (the PDF writer's fetcher
    allows exactly these): its SVG, or its PNG when WeasyPrint would draw the
    SVG's text wrongly (Arabic: :func:`figures.needs_raster`)."""
    if figures.needs_raster(chart.svg):
        return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
    return _svg_uri(chart.svg)


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


_SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")


def chart_font_style(svgs: list[str], templates: Path, lang: str = "en") -> str:
    """A ``<style>`` with ``@font-face`` rules for the regular and bold faces
    of ``lang``'s stack, subset (WOFF2, as the page's own fonts:
    :mod:`html_fonts`) to the characters the charts' text uses; made once per
    document, since subsetting costs far more than the bytes it is embedded in."""
    chars = {c for svg in svgs for text in _SVG_TEXT.findall(svg) for c in unescape(text)} | {" "}
    rules = []
    for family in fonts.stack(lang):
        for face in family:
            if face.style != "normal":
                continue
            if not face.system:
                template_file(templates, face.file)  # a missing font fails here, not silently later
            uri = html_fonts.woff2_data_uri(face, templates, chars)
            rules.append(f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                         f'src: url("{uri}"); }}')
    return "<style>" + " ".join(rules) + "</style>"


def with_style(svg: str, style: str) -> str:
    """The SVG with ``style`` as its first child."""
    head, _, rest = svg.partition(">")
    return f"{head}>\n{style}{rest}"


def chart_uris(document: m.Document) -> list[str]:
    """The ``data:`` URIs of every chart of the document."""
    return [chart_uri(b.chart) for b in document.all_blocks() if isinstance(b, m.Figure) and b.chart]


def safe_url(url: str) -> str | None:
    """``url`` if it may become a link (http, https, mailto), else ``None``."""
    return url if urls.is_safe_link(url) else None


# --- head -------------------------------------------------------------------


def _text(text: str) -> str:
    return escape(text, quote=False)


# Words longer than this are wrapped in <span class="long-word">, which the
# stylesheets do not hyphenate: WeasyPrint re-hyphenates the rest of a word at
# every line, so a 5,000-letter token took minutes; it still breaks anywhere.
LONG_WORD = 64
# Han, kana, CJK punctuation and full-width forms are not part of a "word":
# Chinese has no spaces, lines break between its characters, and a sentence is
# not a pasted token (it would be wrapped, and broken letter by letter).
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_LONG_WORD = re.compile(r"[^\s" + _CJK + "]{" + str(LONG_WORD) + ",}")


# The class that marks a long word (the stylesheets' and pdf_tags' name for it).
LONG_WORD_CLASS = "long-word"
_LONG_OPEN = f'<span class="{LONG_WORD_CLASS}">'
_LONG_WORD_SPAN = re.compile(re.escape(_LONG_OPEN) + r"([^<]*)</span>")
# A long word as the writer marks it, in a span or as a link's text.
_LONG_WORD_ELEMENT = re.compile(rf'(<(span|a) class="{LONG_WORD_CLASS}"[^>]*>)([^<]*)(</\2>)')
# A break opportunity every this many characters of a long word, in the PDF.
BREAK_EVERY = 8


def breakable_long_words(source: str) -> str:
    """The writer's HTML ``source`` with a zero-width space every
    :data:`BREAK_EVERY` characters of each long word: for WeasyPrint only.

    A word with no break opportunity (``overflow-wrap: anywhere``) makes
    WeasyPrint lay out everything left of it again for each line it breaks,
    so a pasted 5,000-letter token cost time quadratic in its length. With
    the spaces its lines break every few letters, as a URL's do at "/" and
    "." (``urls.breakable``), and end at most seven letters short of the
    margin. Pango draws no glyph for the space, so the PDF's text keeps the
    word whole (pdftotext reads it so); the web HTML, where browsers have no
    such cost, keeps the word as it was written. A word with right-to-left
    letters is left alone: a space between two Arabic letters would break
    their joining."""
    return _LONG_WORD_ELEMENT.sub(_with_break_opportunities, source)


def _with_break_opportunities(match: re.Match[str]) -> str:
    word = unescape(match[3])
    if figures.is_rtl_text(word):
        return match[0]
    pieces: list[str] = []
    run = 0
    for index, char in enumerate(word):
        if run >= BREAK_EVERY and _may_break_before(word, index):
            pieces.append(urls.ZERO_WIDTH_SPACE)
            run = 0
        pieces.append(char)
        run += 1
    return f"{match[1]}{_text(''.join(pieces))}{match[4]}"


def _may_break_before(word: str, index: int) -> bool:
    """Whether a break between ``word[index - 1]`` and ``word[index]`` keeps
    every character with what it belongs to: not before a combining mark or a
    modifier, not next to a format character (a word joiner, a zero-width joiner)."""
    following = unicodedata.category(word[index])
    return (following[0] != "M" and following not in ("Cf", "Sk")
            and unicodedata.category(word[index - 1]) != "Cf")


def _prose(text: str) -> str:
    """Running text: escaped, very long words marked as such."""
    parts: list[str] = []
    last = 0
    for match in _LONG_WORD.finditer(text):
        parts.append(_text(text[last:match.start()]))
        parts.append(f"{_LONG_OPEN}{_text(match.group())}</span>")
        last = match.end()
    parts.append(_text(text[last:]))
    return "".join(parts)


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _root_attributes(meta: m.Meta) -> str:
    """Fixed words for the print stylesheet's page furniture, as data attributes.

    print.css reads them with ``string-set: ... attr(data-...)``, so translated
    words reach the running header and footer without generating CSS.
    """
    attrs = {
        # Right to left: print.css and screen.css are written with logical
        # properties, so the attribute alone mirrors the page.
        **({"dir": "rtl"} if meta.dir == "rtl" else {}),
        "data-country": meta.country,
        "data-label-page": meta.labels.get("page", "Page "),
        "data-label-of": meta.labels.get("of", " of "),
        "data-label-end": meta.labels.get("page_end", ""),
    }
    if meta.internal:
        attrs["data-internal-label"] = meta.internal_label
    classes = "internal" if meta.internal else ""
    parts = [f'{name}="{_attr(value)}"' for name, value in attrs.items()]
    if classes:
        parts.append(f'class="{classes}"')
    return " ".join(parts)


def _metadata(meta: m.Meta) -> str:
    """``<meta>`` elements WeasyPrint maps to the PDF's document information."""
    day = meta.date.isoformat()
    fields = [
        ("author", meta.author),
        ("description", meta.subject),
        ("keywords", ", ".join(meta.keywords)),
        ("generator", GENERATOR),
        # Fixed dates: without them the PDF has none, with them it has these,
        # never the time of the build, so the same input gives the same bytes.
        ("dcterms.created", day),
        ("dcterms.modified", day),
    ]
    return "\n".join(f'<meta name="{name}" content="{_attr(value)}">' for name, value in fields if value)


def _linked_styles() -> str:
    return (
        f'<link rel="stylesheet" href="{PRINT_CSS}" media="print">\n'
        f'<link rel="stylesheet" href="{SCREEN_CSS}" media="screen">'
    )


def _standalone_styles(templates: Path, body: str, lang: str) -> str:
    css_path = template_file(templates, SCREEN_CSS)
    css = font_face_css(templates, embed=True, body=body, lang=lang) + "\n" + _inline_css_urls(
        css_path.read_text(encoding="utf-8"), css_path.parent, templates
    )
    # "</style" inside the CSS would end the element early; "<\/" means the same in CSS.
    return "<style>\n" + css.replace("</", "<\\/") + "\n</style>"


def _inline_css_urls(css: str, base: Path, templates: Path) -> str:
    """Replace each ``url()`` of a stylesheet by a ``data:`` URI of the file it names."""

    def inline(match: re.Match[str]) -> str:
        url = match["url"].strip()
        if url.startswith("data:"):
            return match[0]
        root = templates.resolve()
        path = (base / url).resolve()
        if urlsplit(url).scheme or not path.is_relative_to(root):
            raise WriterError(f"{url!r} in a stylesheet: only files inside {root} can be embedded")
        return f'url("{data_uri(template_file(templates, path.relative_to(root).as_posix()))}")'

    # Comments go first: they may mention url() and they are dead weight inline.
    return _CSS_URL.sub(inline, _CSS_COMMENT.sub("", css))


# --- body -------------------------------------------------------------------


class _HtmlBuilder(Visitor):
    """Visits the model; one ``visit_*`` method per node type, each returning
    escaped HTML. Ids, numbers and section titles are the model's (set by
    ``transforms.py``); nothing here computes them."""

    writer = "HTML"

    def __init__(self, document: m.Document, templates: Path, standalone: bool) -> None:
        self.document = document
        self.templates = templates
        self.standalone = standalone
        self.labels = document.meta.labels
        self.dir = document.meta.dir  # the direction of the text being written (a Span's inside one)
        self._chart_style: str | None = None

    # -- sections --

    def body(self) -> str:
        parts = [self.internal_banner()]
        main: list[str] = []
        for section in self.document.sections:
            html = self.visit(section)
            # Cover and contents frame the document; the rest is its main content.
            (parts if section.kind in ("cover", "imprint", "contents") else main).append(html)
        parts.append("<main>\n" + "\n".join(main) + "\n</main>")
        return "\n".join(p for p in parts if p)

    def internal_banner(self) -> str:
        meta = self.document.meta
        if not meta.internal:
            return ""
        return f'<p class="internal-label" role="note">{_text(meta.internal_label)}</p>'

    def visit_section(self, section: m.Section) -> str:
        inner = self.blocks(section.blocks)
        if section.kind == "cover":
            return f'<header class="cover" id="cover">\n{inner}\n</header>'
        if section.kind == "contents":
            return f'<nav class="contents" id="contents" aria-labelledby="contents-title">\n{inner}\n</nav>'
        if section.kind == "imprint":  # publication details: a complementary landmark before the contents
            label = _attr(self.labels.get("imprint", "Imprint"))
            return f'<aside class="imprint" id="imprint" aria-label="{label}">\n{inner}\n</aside>'
        labelled = self._first_heading_id(section)
        aria = f' aria-labelledby="{_attr(labelled)}"' if labelled else ""
        # the sources list is the bibliography every reference marker links to
        role = ' role="doc-bibliography"' if section.kind == "sources" else ""
        classes = _attr(" ".join([section.kind, *section.attr.classes]))
        return f'<section class="{classes}" data-section="{_attr(section.id)}"{role}{aria}>\n{inner}\n</section>'

    def _first_heading_id(self, section: m.Section) -> str:
        heading = next((b for b in section.blocks if isinstance(b, m.Heading)), None)
        return heading.id if heading else ""

    # -- blocks --

    def blocks(self, blocks: list[m.Block]) -> str:
        return "\n".join(self.visit(block) for block in blocks)

    def visit_heading(self, block: m.Heading) -> str:
        """A heading that names its section (``data-section``, the section's
        first heading) for print.css's running head."""
        # One <h1> per page, the profile's title: the model's levels 1-3 are h2-h4.
        level = min(max(block.level, 1), 3) + 1
        attrs = _attrs(block.attr, data_section=self.running_title(block.section_title))
        return f'<h{level}{attrs}>{self.inlines(block.children)}</h{level}>'

    def running_title(self, title: str) -> str:
        """The section title as the running head shows it: whole when it fits
        on one line of its half of the head, else cut with an ellipsis
        (WeasyPrint neither wraps nor clips a margin box's text well: a
        wrapped title put the country on its second line's baseline)."""
        meta = self.document.meta
        if not meta.internal and len(title) * HEAD_SIZE <= HEAD_WIDTH / 2 - HEAD_GAP:
            return title  # no glyph is wider than 1 em: it fits, and no font need be read
        label = fonts.text_width(meta.internal_label.upper(), meta.lang, self.templates, HEAD_SIZE, 700) \
            if meta.internal else 0.0
        return shortened(title, (HEAD_WIDTH - label) / 2 - HEAD_GAP,
                         lambda text: fonts.text_width(text, meta.lang, self.templates, HEAD_SIZE))

    def visit_paragraph(self, block: m.Paragraph) -> str:
        if block.role == "title":  # the page's one <h1>, a heading in the PDF too
            return f'<h1 class="title">{self.inlines(block.children)}</h1>'
        role = [block.role] if block.role in _ROLE_CLASS else []
        attr = m.Attr(block.attr.id, [*role, *block.attr.classes], block.attr.values)
        return f"<p{_attrs(attr)}>{self.inlines(block.children)}</p>"

    def visit_bullet_list(self, block: m.BulletList) -> str:
        """``<ul>`` or ``<ol start>``; a list nested in an item is inside its ``<li>``."""
        items = "".join(f"<li>{self.flow(item)}</li>" for item in block.items)
        if block.ordered:
            start = f' start="{block.start}"' if block.start != 1 else ""
            return f"<ol{_attrs(block.attr)}{start}>{items}</ol>"
        return f"<ul{_attrs(block.attr)}>{items}</ul>"

    def flow(self, blocks: list[m.Block]) -> str:
        """The content of a list item or table cell: its plain paragraphs as
        lines of text (a tight item, a cell: no ``<p>`` margins), joined by
        ``<br>``; any other block (a nested list) as itself."""
        out: list[str] = []
        lines: list[str] = []
        for block in blocks:
            if isinstance(block, m.Paragraph) and block.role is None:
                lines.append(self.inlines(block.children))
                continue
            if lines:
                out.append("<br>".join(lines))
                lines = []
            out.append(self.visit(block))
        if lines:
            out.append("<br>".join(lines))
        return "".join(out)

    def visit_block_quote(self, block: m.BlockQuote) -> str:
        return f"<blockquote{_attrs(block.attr)}>\n{self.blocks(block.blocks)}\n</blockquote>"

    def visit_table(self, block: m.Table) -> str:
        caption = f"<caption>{self.inlines(block.caption)}</caption>" if block.caption else ""
        head = "".join(f'<th scope="col">{self.flow(cell)}</th>' for cell in block.header)
        rows = "\n".join(f"<tr>{self.row(row)}</tr>" for row in block.rows)
        return (
            f'<table{_attrs(block.attr)}>{caption}{_colgroup(block.widths, len(block.header))}\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody></table>"
        )

    def row(self, row: list[list[m.Block]]) -> str:
        # The first column names the row (an indicator), so it is a row header.
        cells = [f'<th scope="row">{self.flow(row[0])}</th>'] if row else []
        cells.extend(f"<td>{self.flow(cell)}</td>" for cell in row[1:])
        return "".join(cells)

    def visit_figure(self, block: m.Figure) -> str:
        if block.chart is not None:
            return self.chart(block, block.chart)
        path = template_file(self.templates, block.src)
        src = data_uri(path) if self.standalone else quote(path.relative_to(self.templates.resolve()).as_posix())
        caption = f"<figcaption>{self.inlines(block.caption)}</figcaption>" if block.caption else ""
        return f'<figure{_attrs(block.attr)}><img src="{_attr(src)}" alt="{_attr(block.alt)}">{caption}</figure>'

    def chart(self, block: m.Figure, chart: m.Chart) -> str:
        """A chart made from the data: its SVG as a ``data:`` image (vector in
        the PDF and the browser), the alt text saying what it shows. A browser
        shows an SVG image in isolation from the page's fonts, so the standalone
        page's SVG carries a subset of the bundled font."""
        caption = f"<figcaption>{self.inlines(block.caption)}</figcaption>" if block.caption else ""
        uri = _svg_uri(with_style(chart.svg, self.chart_style())) if self.standalone else chart_uri(chart)
        return (
            f'<figure class="chart" data-chart="{_attr(chart.name)}"><img src="{uri}" '
            f'alt="{_attr(block.alt)}" style="width: {chart.width_pt:.1f}pt">{caption}</figure>'
        )

    def chart_style(self) -> str:
        """The charts' font rules, made at the first chart of the document."""
        if self._chart_style is None:
            svgs = [b.chart.svg for b in self.document.all_blocks() if isinstance(b, m.Figure) and b.chart]
            self._chart_style = chart_font_style(svgs, self.templates, self.document.meta.lang)
        return self._chart_style

    def visit_contents(self, block: m.Contents) -> str:
        title = f'<h2 id="contents-title" data-section="{_attr(block.title)}">{_text(block.title)}</h2>'
        return f'{title}\n<ol class="toc">\n{self._toc_items()}\n</ol>'

    def _toc_items(self) -> str:
        """h1 entries, each with its h2 entries as a nested list."""
        items: list[str] = []
        for heading in _toc_headings(self.document):
            entry = self._toc_entry(heading)
            if heading.level == 1 or not items:
                items.append(entry)
            else:
                items[-1] = _append_sub_entry(items[-1], entry)
        return "\n".join(f'<li class="toc-1">{item}</li>' for item in items)

    def _toc_entry(self, heading: m.Heading) -> str:
        anchor = _attr("#" + heading.id)
        return f'<a href="{anchor}">{_text(m.plain_text(heading.children))}</a>'

    def visit_source_list(self, block: m.SourceList) -> str:
        """The numbered list every reference marker links to (``#src-N``)."""
        if block.numbered:
            items = "\n".join(
                f'<li value="{e.number}" id="{source_anchor(e.number)}">{self.source_entry(e)}</li>'
                for e in block.entries
            )
            return f'<ol class="sources">\n{items}\n</ol>'
        # Further sources are never cited, so their numbers mean nothing to a reader.
        items = "\n".join(f"<li>{self.source_entry(e)}</li>" for e in block.entries)
        return f'<ul class="sources further">\n{items}\n</ul>'

    def source_entry(self, entry: m.SourceEntry) -> str:
        """"Title. address. Items: Q34, Q56." as in the DOCX, every piece as
        the model words it (``transforms.source_entry_text``)."""
        parts = [f"<cite{self.dir_attr(entry.cite)}>{_prose(entry.cite)}</cite> "
                 f"{self.url(entry.url, entry.display)}{_text(entry.end)}"]
        if entry.details:
            parts.append(f'<span class="source-details">{_text(entry.details)}</span>')
        return " ".join(parts)

    # -- inlines --

    def inlines(self, nodes: list[m.Inline]) -> str:
        # No visit_citation: calls are numbered and joined into references
        # (transforms.py) before writing, so a bare one is an error.
        out = [self.visit(node) for node in nodes]
        for index, node in enumerate(nodes[1:], start=1):
            if isinstance(node, m.Reference):
                out[index - 1] = glue_before_reference(out[index - 1])
        return "".join(out)

    def visit_text(self, node: m.Text) -> str:
        return self.text(node.text)

    def visit_code(self, node: m.Code) -> str:
        return f"<code{self.dir_attr(node.text)}>{_text(node.text)}</code>"

    def visit_line_break(self, node: m.LineBreak) -> str:
        return "<br>"

    def visit_strong(self, node: m.Strong) -> str:
        return f"<strong>{self.inlines(node.children)}</strong>"

    def visit_emph(self, node: m.Emph) -> str:
        return f"<em>{self.inlines(node.children)}</em>"

    def text(self, text: str) -> str:
        """Running text; in a right-to-left document each stretch of Latin
        text or number with slashes ("Law No. 5189/2014", "MITIC", an
        address) is isolated left to right, so that its words and the
        punctuation inside it are never reordered by the Arabic around it."""
        if self.dir != "rtl":
            return _prose(text)
        parts: list[str] = []
        last = 0
        for match in _LTR_RUN.finditer(text):
            run = match.group()
            if not (_LATIN_LETTER.search(run) or _SLASHED_NUMBER.search(run)):
                continue  # a bare number: the bidi algorithm keeps its digits in order
            parts.append(_prose(text[last:match.start()]))
            parts.append(f'<span dir="ltr">{_prose(run)}</span>')
            last = match.end()
        parts.append(_prose(text[last:]))
        return "".join(parts)

    def against(self, text: str) -> str:
        """``text``'s direction when it runs against the current one, else "":
        the isolation HTML's ``dir="auto"`` would give, decided here because
        WeasyPrint does not know ``auto``."""
        direction = text_direction(text)
        return direction if direction != self.dir else ""

    def dir_attr(self, text: str) -> str:
        """`` dir="ltr"`` (or rtl) when ``text`` runs against the current direction."""
        direction = self.against(text)
        return f' dir="{direction}"' if direction else ""

    def visit_span(self, node: m.Span) -> str:
        """Text in another language: ``lang``, and ``dir`` (which isolates it
        in browsers and gives WeasyPrint its own base direction) when its
        direction differs from the document's."""
        direction = f' dir="{node.dir}"' if node.dir != self.dir else ""
        inner = self.inlines_in(node.children, node.dir)
        return f'<span lang="{_attr(html_lang(node.lang))}"{direction}>{inner}</span>'

    def inlines_in(self, nodes: list[m.Inline], direction: str) -> str:
        """``nodes`` inside an element of direction ``direction``: what runs
        against it is isolated, what runs with it needs nothing more."""
        outer, self.dir = self.dir, direction or self.dir
        try:
            return self.inlines(nodes)
        finally:
            self.dir = outer

    def visit_link(self, node: m.Link) -> str:
        url = safe_url(node.url)
        against = self.against(m.plain_text(node.children))
        direction = f' dir="{against}"' if against else ""
        # Links are never hyphenated (print.css): a long word in one needs no
        # span, and a span would put the link's tag under /Span in a PDF.
        inner = _LONG_WORD_SPAN.sub(r"\1", self.inlines_in(node.children, against))
        # Any other scheme (javascript:, file:, data:) is shown as its text only.
        if not url:
            return inner
        if _LONG_OPEN in inner:
            # The link itself carries the class: a span inside <a> would own the
            # PDF's link annotation (tagged /Span, not /Link). Escaped answer text
            # holds no "<", so these tags are the ones _prose added.
            inner = inner.replace(_LONG_OPEN, "").replace("</span>", "")
            return f'<a class="{LONG_WORD_CLASS}" href="{_attr(url)}"{direction}>{inner}</a>'
        return f'<a href="{_attr(url)}"{direction}>{inner}</a>'

    def url(self, url: str, shown: str = "") -> str:
        """An address shown (as ``shown``, else itself) with a break
        opportunity after each "/" and "." only, linked when its scheme is safe."""
        text = _text(urls.breakable(shown or url))
        safe = safe_url(url)
        # An address reads left to right in every language.
        direction = ' dir="ltr"' if self.dir != "ltr" else ""
        if safe:
            return f'<a class="url" href="{_attr(safe)}"{direction}>{text}</a>'
        return f'<span class="url"{direction}>{text}</span>'

    def visit_reference(self, node: m.Reference) -> str:
        """ "[12]" or "[3, 5–7; 12, p. 31]": each number a link to its entry.
        The marker does not break across lines (editors' review: "[36, 37;
        19, p. 119, | 121]"): print.css keeps each linked number whole,
        ``marker_text`` the text between them."""
        inner = "".join(
            f'<a href="#{source_anchor(part.number)}" role="doc-biblioref">{_text(marker_text(part.text))}</a>'
            if part.number else _text(marker_text(part.text))
            for part in node.parts
        )
        return f'<span class="ref">{inner}</span>'


# The running head (print.css, @page): 8pt text over the A4 text width
# (210 mm less the two 18 mm margins); the country and the section share what
# the middle box ("Not for publication") leaves, less a gap between them.
HEAD_SIZE = 8.0
HEAD_WIDTH = (210 - 2 * 18) / 25.4 * 72
HEAD_GAP = 6.0
ELLIPSIS = "\u2026"


def shortened(title: str, room: float, width: Callable[[str], float]) -> str:
    """``title`` if ``width`` says it fits in ``room`` points, else as many of
    its words (its characters, in a script without spaces) as fit with "…"."""
    if width(title) <= room:
        return title
    cut = title
    while cut and width(cut + ELLIPSIS) > room:
        cut = cut[:-1].rstrip()
    following = title[len(cut):len(cut) + 1]
    if " " in cut and following.isalnum() and not housestyle.is_cjk(following):
        cut = cut[:cut.rfind(" ")]  # a whole word, not part of one (Chinese has none)
    return cut.rstrip(" ,;:–-") + ELLIPSIS


# Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko
# and their presentation forms), which end a left-to-right run.
_RTL_LETTERS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
# From a Latin letter or digit to the last one before right-to-left letters;
# brackets end a run too, so that "(MITIC)" keeps its brackets in the Arabic
# (mirrored) order around the isolated name.
_LTR_EDGE = "A-Za-z0-9\u00c0-\u024f"
_LTR_RUN = re.compile(f"[{_LTR_EDGE}](?:[^{_RTL_LETTERS}()\\[\\]{{}}<>«»]*[{_LTR_EDGE}])?")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_SLASHED_NUMBER = re.compile(r"\d/\d")


def source_anchor(number: int) -> str:
    """The id of a numbered source's entry, the target of its reference markers."""
    return f"src-{number}"


# --- helpers ----------------------------------------------------------------


def _attrs(attr: m.Attr, data_section: str | None = None) -> str:
    """A node's attributes as HTML ones: ``id``, ``class`` and each key-value
    pair as a ``data-`` attribute (which no stylesheet or reader mistakes for
    a real HTML attribute); ``data-section`` for a heading's running head."""
    pairs = [("id", attr.id)] if attr.id else []
    if data_section is not None:
        pairs.append(("data-section", data_section))
    if attr.classes:
        pairs.append(("class", " ".join(attr.classes)))
    pairs.extend((f"data-{_data_name(key)}", value) for key, value in sorted(attr.values.items()))
    return "".join(f' {name}="{_attr(value)}"' for name, value in pairs)


def _data_name(key: str) -> str:
    """A key as the name of a ``data-`` attribute: lower-case letters, digits and "-"."""
    return re.sub(r"[^a-z0-9-]", "-", key.lower()) or "value"


def _toc_headings(document: m.Document) -> list[m.Heading]:
    return [
        block
        for section in document.sections if section.kind not in ("cover", "imprint", "contents")
        for block in section.blocks if isinstance(block, m.Heading) and block.level <= m.TOC_LEVELS
    ]


def _append_sub_entry(item: str, entry: str) -> str:
    sub = f'<li class="toc-2">{entry}</li>'
    if item.endswith("</ol>"):
        return item[: -len("</ol>")] + sub + "</ol>"
    return f"{item}<ol>{sub}</ol>"


def _colgroup(widths: list[float], columns: int) -> str:
    """Relative column widths as percentages; ignored when they do not fit the table."""
    if len(widths) != columns or any(w <= 0 for w in widths):
        return ""
    total = sum(widths)
    cols = "".join(f'<col style="width: {100 * w / total:.2f}%">' for w in widths)
    return f"<colgroup>{cols}</colgroup>"
