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
from reportgen import urls
from reportgen.config import Config
from reportgen.errors import WriterError
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
    html = write_html(document, Config(), standalone=standalone)
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
    cited = next(b for b in document.blocks() if isinstance(b, m.SourceList) and b.numbered)
    assert values == [e.number for e in cited.entries] == [1, 2]
    further = [ul for ul in tree.iter("ul") if "further" in ul.classes()]
    assert "Open data portal" in further[0].all_text()
    first = urls.unbreakable(numbered[0].all_text().split("\n")[1])  # without the break controls
    # the same words as the DOCX; the address shown clean, the link keeping it whole
    assert first == ("Presidential Decree No.\u00a08942 (National ICT Plan 2022–2030). "
                     "www.presidencia.gov.py/ver_decreto/31861. Items: Q34, Q56.")
    (link,) = next(numbered[0].iter("li")).iter("a")
    assert link.attrs["href"] == "https://www.presidencia.gov.py/ver_decreto/31861"
    section = next(s for s in tree.iter("section") if "sources" in s.classes())
    assert section.attrs["role"] == "doc-bibliography"


def test_each_reference_number_links_to_its_source_entry(sample: tuple[bytes, Element]) -> None:
    html, tree = sample
    refs = [e for e in tree.iter("span") if "ref" in e.classes()]
    # the model's text, its spaces no-break (a marker does not break across lines)
    assert [r.all_text() for r in refs] == [r.text.replace(" ", "\u00a0") for r in m.references(sample_document())]
    assert [r.all_text() for r in refs] == ["[1,\u00a0p.\u00a031]", "[1,\u00a0p.\u00a0123]", "[2]",
                                            "[1,\u00a0p.\u00a094]"]
    entries = {li.attrs["id"]: li for ol in tree.iter("ol") if "sources" in ol.classes() for li in ol.iter("li")}
    for ref in refs:
        (link,) = ref.iter("a")
        assert link.attrs["role"] == "doc-biblioref"
        target = entries[link.attrs["href"].removeprefix("#")]
        assert target.attrs["value"] == re.match(r"\[(\d+)", ref.all_text())[1]
    assert "footnote" not in html.decode()  # one scheme: no notes, no second numbering


def test_address_breaks_only_after_slash_or_before_dot() -> None:
    document = sample_document()
    document.sources[0].display = "www.presidencia.gov.py/url-sistema-visor-decretos/index.php"
    html = write_html(document, Config()).decode()
    shown = re.search(r'<a class="url" href="https://www.presidencia[^"]*">(.*?)</a>', html)[1]
    # zero-width spaces only after "/" and before "." (never in "www."), a word
    # joiner after each "-"; no markup inside the link
    assert shown.split("\u200b") == ["www.presidencia", ".gov", ".py/",
                                     "url-\u2060sistema-\u2060visor-\u2060decretos/", "index", ".php"]
    assert "<" not in shown


def test_chart_is_svg_with_alt_text_and_caption(sample: tuple[bytes, Element]) -> None:
    _, tree = sample
    figure = next(f for f in tree.iter("figure") if "chart" in f.classes())
    img = next(figure.iter("img"))
    assert img.attrs["src"].startswith("data:image/svg+xml;base64,")
    assert img.attrs["alt"].startswith("Legislation areas by status. In place (2): Cybersecurity")
    assert next(figure.iter("figcaption")).all_text() == "Legislation areas by status"


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
    assert next(img.attrs["alt"] for img in body.iter("img")) == "United Nations emblem"
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
    # only the charts the document made itself are data: URIs (the PDF fetcher allows exactly those)
    assert re.findall(rb'"(data:[^;,"]*)', html) == [b"data:image/svg+xml"]
    assert not list(tree.iter("style"))


@pytest.mark.parametrize("src", ["../pyproject.toml", "/etc/passwd", "http://127.0.0.1:1/x.png",
                                 "file:///etc/hostname", "html/missing.svg", "data:image/png;base64,AA=="])
def test_figure_outside_templates_is_refused(src: str) -> None:
    document = sample_document()
    document.sections[2].blocks.append(m.Figure(src, "alt"))
    with pytest.raises(WriterError):
        write_html(document, Config())


def test_layout_template_placeholders_are_checked(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "html").mkdir(parents=True)
    shutil.copy(Config().templates / "html" / "un-emblem.svg", templates / "html")
    (templates / "html" / "profile.html").write_text("<html>$nonsense</html>", encoding="utf-8")
    with pytest.raises(WriterError, match="placeholder"):
        write_html(sample_document(), Config(templates=templates), standalone=False)


def test_standalone_chart_carries_the_documents_font(sample: tuple[bytes, Element]) -> None:
    """A browser draws an SVG image without the page's fonts: the chart brings
    a subset of the bundled font that covers every character it shows."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    _, tree = sample
    img = next(next(f.iter("img")) for f in tree.iter("figure") if "chart" in f.classes())
    svg = base64.b64decode(img.attrs["src"].split(",", 1)[1]).decode()
    face = r'font-family: "Profile Sans"; font-weight: (\d+); src: url\("data:font/woff2;base64,([^"]+)'
    fonts = re.findall(face, svg)
    assert [weight for weight, _ in fonts] == ["400", "700"]
    shown = set("".join(re.findall(r"<text\b[^>]*>([^<]*)</text>", svg))) - {" "}
    for _, data in fonts:
        cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
        assert {chr(c) for c in cmap} >= shown


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


# --- right to left and languages (issue 13) ------------------------------------


def lxml_tree(document: m.Document, standalone: bool = False):
    """The page parsed by lxml's HTML parser (an independent reader)."""
    from lxml import html as lxml_html

    return lxml_html.fromstring(write_html(document, Config(), standalone=standalone))


def test_arabic_page_is_right_to_left() -> None:
    from tests.writers.sample import arabic_document

    root = lxml_tree(arabic_document())
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    english = lxml_tree(sample_document())
    assert english.get("dir") is None and english.get("lang") == "en"


def test_what_runs_left_to_right_is_isolated_in_arabic() -> None:
    """A Spanish title (Span), a law number with a slash, an acronym and an
    address each sit in an element of their own with dir="ltr", so the
    Arabic around them never reorders them."""
    from tests.writers.sample import arabic_document

    root = lxml_tree(arabic_document())
    paragraph = next(p for p in root.iter("p") if "5189/2014" in p.text_content())
    ltr = {e.text_content(): (e.tag, e.get("lang")) for e in paragraph.iter() if e.get("dir") == "ltr"}
    assert ltr == {
        "5189/2014": ("span", None),
        "MITIC": ("span", None),
        "www.paraguay.gov.py": ("a", None),
        "Ley de Acceso a la Información Pública": ("span", "es"),
    }
    # Arabic text itself is never wrapped, and nothing is isolated twice.
    assert not any(e.get("dir") for e in paragraph.iter() if e is not paragraph and
                   any("\u0600" <= c <= "\u06ff" for c in e.text_content()))
    assert not any(e.get("dir") for e in paragraph.iter("a") for e in e.iterdescendants())
    # Addresses in the sources list read left to right too.
    assert {a.get("dir") for a in root.find_class("url")} == {"ltr"}


def test_spans_carry_lang_and_dir_only_against_the_document() -> None:
    """An English document: a Spanish span gets lang but no dir (same
    direction); an Arabic span gets lang and dir="rtl"; a fallback English
    sentence in an Arabic document gets lang="en" dir="ltr" and its Latin words
    are not isolated again inside."""
    from tests.writers.sample import arabic_document

    document = sample_document()
    document.sections[3].blocks.append(m.Paragraph([m.Span("es", [m.Text("Ley 5282/2014")]), m.Text(" and "),
                                                    m.Span("ar", [m.Text("قانون")])]))
    spans = {s.text_content(): (s.get("lang"), s.get("dir")) for s in lxml_tree(document).iter("span")
             if s.get("lang")}
    assert spans == {"Ley 5282/2014": ("es", None), "قانون": ("ar", "rtl")}
    arabic = arabic_document()
    arabic.sections[3].blocks.append(m.Paragraph([m.Span("en", [m.Text("Shown in English: Law 5282/2014.")])]))
    fallback = next(s for s in lxml_tree(arabic).iter("span") if s.get("lang") == "en")
    assert fallback.get("dir") == "ltr" and len(fallback) == 0  # no element inside


def test_chinese_lang_tag_and_no_long_word_in_a_sentence() -> None:
    """zh is written zh-CN (fontconfig picks the SC glyphs for it; it becomes the
    PDF's /Lang); a Chinese sentence longer than 64 characters is not a
    "long word" (lines break between Han characters)."""
    document = sample_document(lang="zh")
    sentence = "巴拉圭信息和通信技术部负责电子政务" * 5
    document.sections[3].blocks.append(m.Paragraph([m.Text(sentence)]))
    root = lxml_tree(document)
    assert root.get("lang") == "zh-CN" and root.get("dir") is None
    paragraph = next(p for p in root.iter("p") if sentence in p.text_content())
    assert len(paragraph) == 0
    hostile = sample_document(lang="zh")
    hostile.sections[3].blocks.append(m.Paragraph([m.Text("x" * 80)]))
    assert lxml_tree(hostile).find_class("long-word")


def test_an_ordered_list_is_an_ol_with_its_start() -> None:
    from lxml import html as lxml_html

    document = sample_document()
    document.sections[-1].blocks.append(m.BulletList([[m.Text("first")], [m.Text("second")]], ordered=True, start=3))
    page = lxml_html.fromstring(write_html(document, Config()))
    [listed] = [ol for ol in page.iter("ol") if ol.get("start")]  # (the contents and sources are lists too)
    assert listed.get("start") == "3" and [li.text_content() for li in listed.iter("li")] == ["first", "second"]


# --- the editors' typography (docs/translation-fr.md, -ru.md, -zh.md) ------------


def marker_html(run: list[m.Inline], lang: str = "en") -> str:
    """The HTML of one paragraph holding ``run``, in a built sample document."""
    from reportgen import transforms

    document = sample_document(lang)
    for number in (4, 5):
        document.sources.append(m.SourceEntry(number, f"s{number}", f"https://example.org/{number}",
                                              f"Source {number}", "example.org", [number]))
    section = next(s for s in document.sections if s.id == "A")
    section.blocks.append(m.Paragraph(run, role=""))
    transforms.apply(document)
    html = write_html(document, Config(), standalone=False).decode()
    return re.findall(r"<p>(.*?)</p>", html)[-1]


def test_a_reference_marker_is_glued_to_its_word_and_never_breaks() -> None:
    """"…word [19, p. 96]": a no-break space before it (a word joiner when no
    space separates them), none but no-break spaces inside, a joiner after "–"."""
    html = marker_html([m.Text("the plan "), m.Citation("s1", "p. 119, 121", 1), m.Citation("s2", "", 2),
                        m.Citation("s4", "", 4), m.Citation("s5", "", 5), m.Text(" and the country."),
                        m.Citation("s1", "p. 96", 1)])
    first, second = re.findall(r'<span class="ref">.*?</span>', html)
    assert "the plan\u00a0<span" in html and "country.\u2060<span" in html
    text = re.sub(r"<[^>]+>", "", first)
    assert " " not in text and "\u2013\u2060" in text, text  # "[2–4; 1, p. 119, 121]" in one piece
    assert "p.\u00a0119,\u00a0121" in text
    assert " " not in re.sub(r"<[^>]+>", "", second)


def test_french_markers_have_a_narrow_no_break_space_before_the_semicolon() -> None:
    from reportgen.citations import reference_parts

    calls = [m.Citation("a", "", 35), m.Citation("b", "p.\u00a032", 19)]
    assert "".join(p.text for p in reference_parts(calls, lang="fr")) == "[35\u202f; 19, p.\u00a032]"
    assert "".join(p.text for p in reference_parts(calls, lang="en")) == "[35; 19, p.\u00a032]"


def test_a_running_title_too_long_for_its_half_of_the_head_is_cut_at_a_word() -> None:
    from reportgen.writers.html import shortened

    def width(text: str) -> float:
        return len(text) * 5.0

    assert shortened("E. Digital inclusion", 200, width) == "E. Digital inclusion"
    assert shortened("E. Inclusion numérique et participation en ligne", 150, width) == "E. Inclusion numérique et…"
    assert shortened("E. 数字包容和电子参与", 40, width) == "E. 数字包容…"


def test_running_titles_in_the_html_fit_their_half_of_the_head() -> None:
    """The title a heading gives the running head is whole when it fits and
    cut with an ellipsis when it does not (measured with the bundled font)."""
    from reportgen.writers.html import HEAD_GAP, HEAD_WIDTH

    document = sample_document()
    long_title = "A. " + "Institutional framework and digital government " * 4
    for block in next(s for s in document.sections if s.id == "A").blocks:
        if isinstance(block, m.Heading):
            block.section_title = long_title
    html = write_html(document, Config(), standalone=False).decode()
    titles = set(re.findall(r'data-section="([^"]*)"', html))
    assert "At a glance" in titles
    (cut,) = [t for t in titles if t.startswith("A. ")]
    regular = TTFont(Config().templates / "fonts" / "NotoSans-Regular.ttf")
    cmap, metrics, units = regular.getBestCmap(), regular["hmtx"], regular["head"].unitsPerEm
    width = sum(metrics[cmap[ord(c)]][0] for c in cut) / units * 8
    assert cut.endswith("\u2026") and long_title.startswith(cut[:-1])
    assert HEAD_WIDTH / 2 - HEAD_GAP - 60 < width <= HEAD_WIDTH / 2 - HEAD_GAP  # less a word at most
