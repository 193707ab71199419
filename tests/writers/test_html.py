"""HTML writer: semantic, balanced HTML5; every answer escaped; standalone means self-contained."""

from __future__ import annotations

import base64
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from reportgen import model as m
from reportgen.errors import WriterError
from reportgen.writers import WriterOptions
from reportgen.writers.html import safe_url, write_html
from tests.writers.sample import sample_document

VOID = {"meta", "link", "br", "img", "col", "hr", "input", "source", "wbr"}

HOSTILE = [
    "<link rel=stylesheet href=file:///etc/passwd>",
    "<style>@import url(file:///etc/hostname)</style>",
    "url(file:///etc/hostname)",
    "<img src=http://127.0.0.1:1/x>",
]


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    content: list[Element | str] = field(default_factory=list)  # in document order

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        if tag is None or self.tag == tag:
            yield self
        for child in self.content:
            if isinstance(child, Element):
                yield from child.iter(tag)

    def all_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.all_text() for c in self.content)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class TreeBuilder(HTMLParser):
    """A strict tree builder: every non-void element must be closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].content.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse(html: bytes) -> Element:
    builder = TreeBuilder()
    builder.feed(html.decode("utf-8"))
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def render(document: m.Document, standalone: bool = True) -> tuple[bytes, Element]:
    html = write_html(document, WriterOptions(html_standalone=standalone))
    return html, parse(html)


@pytest.fixture(scope="module")
def sample() -> tuple[bytes, Element]:
    return render(sample_document())


def hostile_document() -> m.Document:
    document = sample_document()
    body = next(s for s in document.sections if s.id == "A")
    body.blocks.append(m.Paragraph([m.Text(text) for text in HOSTILE]))
    body.blocks.append(m.Paragraph([m.Link("javascript:alert(1)", [m.Text("click me")])]))
    return document


# --- structure ---------------------------------------------------------------


def test_document_has_lang_title_and_metadata(sample: tuple[bytes, Element]) -> None:
    html, tree = sample
    assert html.startswith(b"<!DOCTYPE html>")
    root = next(tree.iter("html"))
    assert root.attrs["lang"] == "en"
    assert next(tree.iter("title")).all_text() == "E-Government Country Profile: Paraguay"
    metas = {e.attrs.get("name"): e.attrs.get("content") for e in tree.iter("meta")}
    assert metas["dcterms.created"] == "2024-03-01"
    assert metas["description"] == "E-government in Paraguay"


def test_cover_contents_and_sections(sample: tuple[bytes, Element]) -> None:
    _, tree = sample
    header = next(tree.iter("header"))
    assert "cover" in header.classes()
    assert "Paraguay" in header.all_text()
    nav = next(tree.iter("nav"))
    ids = {e.attrs["id"] for e in tree.iter() if "id" in e.attrs}
    targets = [a.attrs["href"] for a in nav.iter("a")]
    assert targets == ["#at-a-glance", "#A", "#A-portals", "#sources", "#further-sources"]
    assert all(t[1:] in ids for t in targets)
    sections = list(next(tree.iter("main")).iter("section"))
    assert [s.attrs["data-section"] for s in sections] == ["at-a-glance", "A", "sources"]
    # one <h1>, the title; the model's level-1 headings are <h2>
    assert [h.all_text() for h in tree.iter("h1")] == ["Paraguay"]
    assert [h.attrs["id"] for h in tree.iter("h2")] == ["contents-title", "at-a-glance", "A", "sources"]
    assert next(tree.iter("h4")).attrs["id"] == "A-legal"


def test_ids_are_unique(sample: tuple[bytes, Element]) -> None:
    _, tree = sample
    ids = [e.attrs["id"] for e in tree.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids))


def test_table_has_caption_and_header_scopes(sample: tuple[bytes, Element]) -> None:
    _, tree = sample
    table = next(tree.iter("table"))
    assert next(table.iter("caption")).all_text() == "Key facts"
    assert [th.attrs["scope"] for th in next(table.iter("thead")).iter("th")] == ["col", "col"]
    row_headers = list(next(table.iter("tbody")).iter("th"))
    assert [th.attrs["scope"] for th in row_headers] == ["row"] * 3
    assert [c.attrs["style"] for c in table.iter("col")] == ["width: 33.33%", "width: 66.67%"]


def test_figure_has_alt_and_caption(sample: tuple[bytes, Element]) -> None:
    _, tree = sample
    figure = next(tree.iter("figure"))
    img = next(figure.iter("img"))
    assert img.attrs["alt"] == "United Nations emblem"
    assert next(figure.iter("figcaption")).all_text() == "Figure caption"


def test_sources_are_numbered_like_the_model(sample: tuple[bytes, Element]) -> None:
    _, tree = sample
    document = sample_document()
    numbered = [ol for ol in tree.iter("ol") if "sources" in ol.classes()]
    assert len(numbered) == 1
    values = [int(li.attrs["value"]) for li in numbered[0].iter("li")]
    assert values == [e.number for e in document.sources]
    further = [ul for ul in tree.iter("ul") if "further" in ul.classes()]
    assert "Open data portal" in further[0].all_text()
    assert "presidencia.gov.py. https://www.presidencia.gov.py/ver_decreto/31861. Items: Q34, Q56." \
        in numbered[0].all_text()  # the same words as the DOCX


def test_each_footnote_is_one_span(sample: tuple[bytes, Element]) -> None:
    _, tree = sample
    notes = [e for e in tree.iter("span") if "footnote" in e.classes()]
    groups = m.note_groups(sample_document())
    assert [int(n.attrs["data-note"]) for n in notes] == [g[0].note for g in groups]
    assert [n.attrs["data-sources"] for n in notes] == [" ".join(str(c.number) for c in g) for g in groups]
    first = notes[0].all_text()
    assert "[1] Presidential Decree No. 8942" in first
    assert first.endswith("p. 31")
    urls = [a.attrs["href"] for a in notes[0].iter("a")]
    assert urls == ["https://www.presidencia.gov.py/ver_decreto/31861"]


def test_spanish_document() -> None:
    _, tree = render(sample_document(lang="es"))
    assert next(tree.iter("html")).attrs["lang"] == "es"


def test_internal_document_is_marked() -> None:
    _, tree = render(sample_document(internal=True))
    root = next(tree.iter("html"))
    assert root.attrs["data-internal-label"] == "Not for publication"
    banners = [p for p in tree.iter("p") if "internal-label" in p.classes()]
    assert banners and banners[0].all_text() == "Not for publication"


# --- escaping and links -------------------------------------------------------


def test_answers_are_escaped_text() -> None:
    html, tree = render(sample_document())
    assert b"&lt;b&gt;markup&lt;/b&gt; &amp; {{ 7*7 }}" in html
    assert not list(next(tree.iter("main")).iter("b"))


def test_hostile_text_stays_text() -> None:
    html, tree = render(hostile_document())
    body = next(tree.iter("body"))
    text = body.all_text()
    for string in HOSTILE:
        assert string in text
    assert not list(body.iter("link")) and not list(body.iter("style"))
    assert [img.attrs["alt"] for img in body.iter("img")] == ["United Nations emblem"]
    assert b"javascript:" not in html
    assert "click me" in text


def test_links_only_http_https_mailto(sample: tuple[bytes, Element]) -> None:
    _, tree = sample
    for a in tree.iter("a"):
        href = a.attrs["href"]
        assert href.startswith(("#", "http://", "https://", "mailto:")), href


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?b=1", True),
        ("HTTP://EXAMPLE.ORG/", True),
        ("mailto:egov@un.org", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>", False),
        ("file:///etc/passwd", False),
        ("vbscript:x", False),
        ("//evil.example/x", False),
        ("relative/path", False),
    ],
)
def test_safe_url(url: str, safe: bool) -> None:
    assert (safe_url(url) is not None) is safe


# --- standalone and PDF-path HTML ---------------------------------------------


def test_standalone_has_no_external_references(sample: tuple[bytes, Element]) -> None:
    html, tree = sample
    text = html.decode("utf-8")
    assert not list(tree.iter("link")) and not list(tree.iter("script"))
    for src in re.findall(r'\ssrc="([^"]*)"', text):
        assert src.startswith("data:"), src[:60]
    css = "".join(style.all_text() for style in tree.iter("style"))
    urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", css)
    # regular, bold and italic (the sample has <em>, but none in bold text): no bold italic
    assert len(urls) == 3
    assert all(u.startswith("data:font/woff2;base64,") for u in urls)
    assert "font-weight: 700; font-style: italic" not in css
    assert "@import" not in css
    assert '"Profile Sans"' in css


def test_pdf_path_html_links_templates_relative() -> None:
    html, tree = render(sample_document(), standalone=False)
    links = {e.attrs["href"]: e.attrs["media"] for e in tree.iter("link")}
    assert links == {"html/print.css": "print", "html/screen.css": "screen"}
    assert next(tree.iter("img")).attrs["src"] == "html/un-emblem.svg"
    assert b"data:" not in html
    assert not list(tree.iter("style"))


@pytest.mark.parametrize("src", ["../pyproject.toml", "/etc/passwd", "http://127.0.0.1:1/x.png",
                                 "file:///etc/hostname", "html/missing.svg", "data:image/png;base64,AA=="])
def test_figure_outside_templates_is_refused(src: str) -> None:
    document = sample_document()
    document.sections[2].blocks.append(m.Figure(src, "alt"))
    with pytest.raises(WriterError):
        write_html(document, WriterOptions())


def test_layout_template_placeholders_are_checked(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "html").mkdir(parents=True)
    shutil.copy(WriterOptions().templates / "html" / "un-emblem.svg", templates / "html")
    (templates / "html" / "profile.html").write_text("<html>$nonsense</html>", encoding="utf-8")
    with pytest.raises(WriterError, match="placeholder"):
        write_html(sample_document(), WriterOptions(templates=templates, html_standalone=False))


def embedded_fonts(tree: Element) -> list[TTFont]:
    css = "".join(style.all_text() for style in tree.iter("style"))
    return [TTFont(io.BytesIO(base64.b64decode(payload)))
            for payload in re.findall(r"data:font/woff2;base64,([A-Za-z0-9+/=]+)", css)]


def test_fonts_are_subset_to_the_page(sample: tuple[bytes, Element]) -> None:
    """fontTools reads the WOFF2 faces back: each has every character of the
    page's text and no more than a few hundred glyphs (Noto Sans has ~4,500)."""
    _, tree = sample
    body = next(tree.iter("body"))
    text = {c for c in body.all_text() if not c.isspace()}
    for font in embedded_fonts(tree):
        assert font.flavor == "woff2"
        cmap = {chr(code) for code in font.getBestCmap()}
        assert text <= cmap, sorted(text - cmap)
        assert "ж" not in cmap  # Cyrillic: in Noto Sans, not on the page
        assert font["maxp"].numGlyphs < 400


def test_bold_italic_face_only_when_used() -> None:
    document = sample_document()
    body = next(s for s in document.sections if s.id == "A")
    body.blocks.append(m.Paragraph([m.Strong([m.Emph([m.Text("both")])])]))
    html, tree = render(document, standalone=True)
    assert len(embedded_fonts(tree)) == 4
    assert "font-weight: 700; font-style: italic" in html.decode("utf-8")
