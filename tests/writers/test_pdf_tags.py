"""The PDF/UA structure after pdf_tags, read back with pikepdf and poppler, and
the Matterhorn checker (tests/pdfua_check.py) proven to fail on planted faults."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from weasyprint.urls import path2url

from reportgen import model as m
from reportgen.config import Config
from reportgen.writers import pdf_tags
from reportgen.writers.html import breakable_long_words, render_html
from reportgen.writers.pdf import SafeURLFetcher, html_to_pdf, write_pdf
from tests.pdfua_check import problems
from tests.writers.sample import sample_document
from tests.writers.test_pdf import long_document, poppler


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tags") / "sample.pdf"
    path.write_bytes(write_pdf(sample_document(), Config()))
    return path


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tags") / "long.pdf"
    path.write_bytes(write_pdf(long_document(), Config()))
    return path


def elements(pdf: pikepdf.Pdf, role: str | None = None) -> list[Dictionary]:
    found: list[Dictionary] = []

    def visit(element: Dictionary) -> None:
        if role is None or str(element.S) == f"/{role}":
            found.append(element)
        kids = element.get("/K")
        for kid in (list(kids) if isinstance(kids, Array) else [kids]):
            if isinstance(kid, Dictionary) and kid.get("/Type") == "/StructElem":
                visit(kid)

    root = pdf.Root.StructTreeRoot.K
    visit(root[0] if isinstance(root, Array) else root)
    return found


# --- the repaired structure -----------------------------------------------------


def test_checker_passes_on_the_sample(sample_pdf: Path) -> None:
    assert problems(sample_pdf) == []


def test_checker_passes_on_a_table_across_pages(long_pdf: Path) -> None:
    assert problems(long_pdf) == []


def test_one_table_element_per_table_across_pages(long_pdf: Path) -> None:
    tables = [b for b in long_document().blocks() if isinstance(b, m.Table)]
    with pikepdf.open(long_pdf) as pdf:
        assert len(elements(pdf, "Table")) == len(tables)
        assert len(elements(pdf, "THead")) == len(tables)  # repeated header rows are artifacts
        rows = sum(1 + len(t.rows) for t in tables)
        assert len(elements(pdf, "TR")) == rows
        assert len(elements(pdf, "Part")) == 1  # <main>, whole across pages
        pages_with_long_table = {int(e.Pg.objgen[0]) for e in elements(pdf, "TR")}
        assert len(pages_with_long_table) > 1


def test_page_furniture_is_artifact(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        texts = []
        for page in pdf.pages[1:]:
            ops = pikepdf.parse_content_stream(page)
            texts.append(sum(1 for operands, op in ops if str(op) == "BDC" and operands[0] == "/Artifact"
                             and isinstance(operands[1], Dictionary) and operands[1].get("/Type") == "/Pagination"))
        assert all(count >= 2 for count in texts)  # running head and folio on every page after the cover


def test_contents_links_are_single_and_named(sample_pdf: Path) -> None:
    headings = {h.id: m.plain_text(h.children) for h in sample_document().blocks() if isinstance(h, m.Heading)}
    with pikepdf.open(sample_pdf) as pdf:
        annotations = [a for a in pdf.pages[1].Annots if a.Subtype == "/Link"]
        links = [e for e in elements(pdf, "Link") if e.Pg.objgen == pdf.pages[1].obj.objgen]
        destinations = [str(a.Dest) for a in annotations]
        assert len(annotations) == len(links) == len(set(destinations)) == 5
        for annotation in annotations:
            assert str(annotation.Contents) == headings[str(annotation.Dest)]


def test_title_is_a_heading_and_header_cells_have_scope(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        assert len(elements(pdf, "H1")) == 1
        scopes = {str(th.A.Scope) for th in elements(pdf, "TH")}
        assert scopes == {"/Column", "/Row"}
        ids = dict(pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree).items())
        assert len(ids) == sum(1 for e in elements(pdf) if "/ID" in e) > 0


def test_no_inserted_hyphens(long_pdf: Path) -> None:
    text = poppler("pdftotext", str(long_pdf), "-")
    assert "\u2010" not in text and "\u00ad" not in text
    assert not re.search(r"[a-zäö]-\n[a-zäö]", text)


def test_archival_variant_claims_pdfa_and_pdfua(tmp_path: Path) -> None:
    path = tmp_path / "archival.pdf"
    path.write_bytes(write_pdf(sample_document(), Config(pdf_variant="pdf/a-3a+pdf/ua-1")))
    xmp = poppler("pdfinfo", "-meta", str(path))
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp  # declared, as PDF/A requires
    assert problems(path) == []
    with pikepdf.open(path) as pdf:
        assert "/Filter" not in pdf.Root.Metadata  # PDF/A: the XMP packet stays readable


# --- planted faults -------------------------------------------------------------


def planted(source: Path, target: Path, fault: str) -> Path:
    with pikepdf.open(source) as pdf:
        PLANTERS[fault](pdf)
        pdf.save(target)
    return target


def _tag_running_head(pdf: pikepdf.Pdf) -> None:
    """The first pagination artifact of page 3 becomes a Span of the Document."""
    page = pdf.pages[2]
    ops = pikepdf.parse_content_stream(page)
    mcid = 1 + max(int(o[1].MCID) for o, op in ops if str(op) == "BDC" and "/MCID" in o[1])
    index = next(i for i, (o, op) in enumerate(ops) if str(op) == "BDC" and o[0] == "/Artifact")
    ops[index] = pikepdf.ContentStreamInstruction([Name.Span, Dictionary(MCID=mcid)], pikepdf.Operator("BDC"))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
    document = pdf.Root.StructTreeRoot.K[0]
    span = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Span, P=document, Pg=page.obj, K=mcid))
    document.K.append(span)


def _drop_a_scope(pdf: pikepdf.Pdf) -> None:
    del elements(pdf, "TH")[0].A["/Scope"]


def _nest_a_link(pdf: pikepdf.Pdf) -> None:
    outer, inner = elements(pdf, "Link")[:2]
    parent = inner.P
    parent.K = Array([k for k in parent.K if not (isinstance(k, Dictionary) and k.objgen == inner.objgen)])
    outer.K.append(inner)
    inner.P = outer


PLANTERS = {"running head": _tag_running_head, "TH without scope": _drop_a_scope, "nested link": _nest_a_link}
EXPECTED = {"running head": "18-001", "TH without scope": "15-003", "nested link": "28-011"}


@pytest.mark.parametrize("fault", list(PLANTERS))
def test_checker_fails_on_a_planted_fault(fault: str, sample_pdf: Path, tmp_path: Path) -> None:
    found = problems(planted(sample_pdf, tmp_path / "faulty.pdf", fault))
    assert found, fault
    assert all(line.startswith(EXPECTED[fault]) for line in found), found


# --- what the HTML says, carried into the tags -------------------------------------


def test_reference_markers_are_references_and_there_are_no_notes(sample_pdf: Path) -> None:
    """Each linked number of a marker ("[1, p. 31]", "5" in "[3, 5–7]") is a
    Link in a Reference; the profile has no footnotes (issue 10)."""
    linked = [n for r in m.references(sample_document()) for n in r.numbers]
    with pikepdf.open(sample_pdf) as pdf:
        assert elements(pdf, "Note") == []
        references = [r for r in elements(pdf, "Reference") if any(
            isinstance(k, Dictionary) and k.get("/S") == "/Link" for k in r.K)]
        assert len(references) == len(linked)


def test_html_lang_and_reference_roles_reach_the_tags(tmp_path: Path) -> None:
    """A span in another language gets /Lang; a doc-biblioref link sits in a Reference."""
    document = sample_document()
    options = Config()
    source = render_html(document, options.templates.resolve(), standalone=False)
    source = source.replace("<strong>MITIC</strong>", '<strong lang="es">MITIC</strong> '
                            '<a href="#source-1" role="doc-biblioref">[1]</a>', 1)
    path = tmp_path / "lang.pdf"
    path.write_bytes(html_to_pdf(source, document, options, SafeURLFetcher(options.templates)))
    assert problems(path) == []
    with pikepdf.open(path) as pdf:
        assert [str(e.Lang) for e in elements(pdf) if "/Lang" in e] == ["es"]
        references = [r for r in elements(pdf, "Reference") if any(
            isinstance(k, Dictionary) and k.get("/S") == "/Link" for k in r.K)]
        linked = [n for r in m.references(document) for n in r.numbers]
        assert len(references) == 1 + len(linked)  # the added one and the document's own markers


def test_checker_passes_on_the_arabic_sample(tmp_path: Path) -> None:
    """Mirrored page furniture (the named page rtl) and isolated spans keep
    the structure valid: furniture is artifact, /Lang es on the Spanish span."""
    from tests.writers.sample import arabic_document

    path = tmp_path / "ar.pdf"
    path.write_bytes(write_pdf(arabic_document(), Config()))
    assert problems(path) == []
    with pikepdf.open(path) as pdf:  # one element per line of the span when it wraps
        assert {str(e.Lang) for e in elements(pdf) if "/Lang" in e} == {"es"}


# --- pairing tags with HTML elements through public API only -------------------------


def sample_source() -> tuple[m.Document, Config, str]:
    document, options = sample_document(), Config()
    return document, options, render_html(document, options.templates.resolve(), standalone=False)


def render_source(source: str, document: m.Document, options: Config, path: Path) -> Path:
    path.write_bytes(html_to_pdf(source, document, options, SafeURLFetcher(options.templates)))
    return path


def test_every_body_element_gets_an_id_and_given_ids_stay() -> None:
    """Read back with lxml: the head and raw text untouched, ids added only where none was."""
    from lxml import html as lxml_html

    _, _, source = sample_source()
    source = source.replace("</h2>", "</h2><style>p > a { color: red }</style>", 1)
    source = source.replace("Answer text with", f"Answer text with {pdf_tags.MARK_PREFIX}1", 1)  # text may
    marked = pdf_tags.mark_elements(source)
    before, after = lxml_html.document_fromstring(source), lxml_html.document_fromstring(marked)
    assert lxml_html.tostring(before.find("head")) == lxml_html.tostring(after.find("head"))
    body = list(after.find("body").iter())[1:]
    assert all(element.get("id") for element in body)
    given = [e.get("id") for e in before.find("body").iter() if e.get("id")]
    assert given and given == [e.get("id") for e in body if not e.get("id").startswith(pdf_tags.MARK_PREFIX)]
    assert after.find(".//style").text == "p > a { color: red }"
    with pytest.raises(ValueError, match="reserved prefix"):
        pdf_tags.mark_elements(marked)


def test_added_ids_leave_no_destination_and_no_link(sample_pdf: Path) -> None:
    """WeasyPrint writes a named destination per id; those of the added ids are removed."""
    _, _, source = sample_source()
    given = set(re.findall(r'id="([^"]+)"', source.split("<body", 1)[1]))
    with pikepdf.open(sample_pdf) as pdf:
        names = set(pikepdf.NameTree(pdf.Root.Names.Dests).keys())
        targets = {str(a.Dest) for page in pdf.pages for a in page.obj.get("/Annots", []) if "/Dest" in a}
    assert names == given  # the HTML's own anchors, nothing else
    assert targets <= names
    assert not any(pdf_tags.MARK_PREFIX in name for name in names | targets)


def test_lang_in_a_nested_list_reaches_the_tags(tmp_path: Path) -> None:
    """WeasyPrint hangs a list nested in an item on the item's list: the pairing follows."""
    document, options, source = sample_source()
    source = source.replace("<li>Open data<br>second line</li>", '<li>Open data<ul><li>One</li>'
                            '<li>Two <span lang="es">datos abiertos</span></li></ul></li>', 1)
    path = render_source(source, document, options, tmp_path / "nested.pdf")
    assert problems(path) == []
    with pikepdf.open(path) as pdf:
        assert [str(e.Lang) for e in elements(pdf) if "/Lang" in e] == ["es"]


FOOTNOTE_CSS = "<style>.footnote { float: footnote }</style></head>"


def footnoted_source() -> tuple[m.Document, Config, str]:
    document, options, source = sample_source()
    source = source.replace("</head>", FOOTNOTE_CSS, 1).replace(
        "leads e-government", 'leads e-government<span class="footnote" id="fn-1">Since 2018.</span>', 1)
    return document, options, source


def test_a_css_footnote_is_a_note_with_its_label_and_a_reference_call(tmp_path: Path) -> None:
    document, options, source = footnoted_source()
    path = render_source(source, document, options, tmp_path / "footnote.pdf")
    assert "Since 2018." in poppler("pdftotext", str(path), "-")
    with pikepdf.open(path) as pdf:
        notes = elements(pdf, "Note")
        assert [str(n.ID) for n in notes] == ["fn-1"]
        kids = [k for k in notes[0].K if isinstance(k, Dictionary) and k.get("/Type") == "/StructElem"]
        assert str(kids[0].S) == "/Lbl"  # the ::footnote-marker
        calls = [r for r in elements(pdf, "Reference") if not any(
            isinstance(k, Dictionary) and k.get("/S") == "/Link" for k in r.K)]
        assert len(calls) == 1  # the ::footnote-call


def test_a_lost_footnote_fails_loudly(tmp_path: Path) -> None:
    """WeasyPrint 70 can drop a footnote (WeasyPrint #2432): no page then holds
    its anchor, and pdf_tags refuses the PDF instead of tagging what is left."""
    from weasyprint import HTML
    from weasyprint.urls import path2url

    _, options, source = footnoted_source()
    html = HTML(string=pdf_tags.mark_elements(source), base_url=path2url(str(options.templates.resolve()) + "/"))
    laid_out = html.render(pdf_tags=True)
    data = laid_out.write_pdf(pdf_tags=True)
    anchors = [set(page.anchors) for page in laid_out.pages]
    assert any("fn-1" in page for page in anchors)
    pdf_tags.fix_structure(data, html.etree_element, anchors, {})  # as laid out: fine
    lost = [page - {"fn-1"} for page in anchors]
    with pytest.raises(ValueError, match=re.escape("'Since 2018.' is on no page")):
        pdf_tags.fix_structure(data, html.etree_element, lost, {})


def test_a_span_broken_over_lines_keeps_its_lang_on_every_line(tmp_path: Path) -> None:
    """WeasyPrint makes one Span per line of a wrapped span; each is paired with
    it, not with the span that follows."""
    document, options, source = sample_source()
    spanish = "la Secretaría Nacional de Tecnologías de la Información y Comunicación " * 4
    source = source.replace("leads e-government", f'leads <span lang="es">{spanish}</span>, '
                            '<span lang="fr">gouvernement</span> e-government', 1)
    path = render_source(source, document, options, tmp_path / "wrapped.pdf")
    assert problems(path) == []
    with pikepdf.open(path) as pdf:
        langs = [str(e.Lang) for e in elements(pdf) if "/Lang" in e]
    assert len(langs) >= 4 and langs == ["es"] * (len(langs) - 1) + ["fr"]


# --- sparse marks: ids on containers, the rest found by where it starts -----------------

# Eight 16px lines to a page, so a test places a page break where it wants it.
SMALL_PAGES = ("@page { size: 240px 160px; margin: 16px } body { margin: 0; font: 10px/16px sans-serif } "
               "h2, p, ul, li, table { margin: 0; padding: 0; font-size: 10px; orphans: 1; widows: 1 } "
               "td, th { padding: 0; line-height: 16px }")


def small_page_html(body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{SMALL_PAGES}</style></head>'
            f"<body><main>{body}</main></body></html>")


def words(prefix: str, count: int) -> str:
    """Text that wraps (no element in it, which would tell where the page breaks)."""
    return " ".join(f"{prefix}{number}" for number in range(1, count + 1))


def laid_out(source: str, every: bool) -> tuple[bytes, object, list[set[str]], list[set[str]] | None]:
    from weasyprint import CSS, HTML

    html = HTML(string=pdf_tags.mark_elements(source, every=every))
    sheets = [] if every else [CSS(string=pdf_tags.STARTS_CSS)]
    document = html.render(stylesheets=sheets, pdf_tags=True)
    starts = None if every else pdf_tags.take_starts(document.pages)
    return document.write_pdf(pdf_tags=True), html.etree_element, [set(p.anchors) for p in document.pages], starts


def both_pairings(source: str) -> tuple[dict, dict, bytes]:
    """The pairing with every element marked by id (exact) and with sparse marks."""
    data, root, anchors, _ = laid_out(source, every=True)
    exact = pdf_tags.html_pairing(data, root, anchors)
    sparse_data, sparse_root, sparse_anchors, starts = laid_out(source, every=False)
    return exact, pdf_tags.html_pairing(sparse_data, sparse_root, sparse_anchors, starts), sparse_data


def page_texts(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "small.pdf"
    path.write_bytes(data)
    text = poppler("pdftotext", "-layout", str(path), "-")
    return text.split("\f")


def fragments(pairing: dict, tag: str) -> int:
    """How many structure elements (one per page or line) were made from elements ``tag``."""
    return sum(1 for _, box_tag in pairing.values() if box_tag == tag)


def test_a_paragraph_split_by_the_page_then_another_is_paired_as_with_every_id(tmp_path: Path) -> None:
    exact, sparse, data = both_pairings(small_page_html(f"<section><p>{words('w', 100)}</p><p>next one</p>"
                                                        "</section>"))
    pages = page_texts(data, tmp_path)
    assert "w1 " in pages[0] and "w100" in pages[1] and "w100" not in pages[0] and "next one" in pages[1]
    assert fragments(exact, "p") == 3  # the first paragraph on both pages
    assert sparse == exact


def test_a_list_item_split_by_the_page_is_paired_as_with_every_id(tmp_path: Path) -> None:
    exact, sparse, data = both_pairings(small_page_html(f"<ul><li>{words('w', 100)}</li><li>second</li></ul>"))
    pages = page_texts(data, tmp_path)
    assert "w1 " in pages[0] and "w100" in pages[1] and "w100" not in pages[0] and "second" in pages[1]
    assert fragments(exact, "li") >= 3
    assert sparse == exact


def test_a_link_split_by_the_page_is_paired_as_with_every_id(tmp_path: Path) -> None:
    body = f'<p>{words("w", 62)} <a href="#end">{words("link", 30)}</a> after.</p><p id="end">end</p>'
    exact, sparse, data = both_pairings(small_page_html(body))
    pages = page_texts(data, tmp_path)
    assert "link1 " in pages[0] and "link30" in pages[1] and "link30" not in pages[0]
    assert fragments(exact, "a") >= 2  # one Link per page (and line)
    assert sparse == exact


def test_table_rows_over_two_pages_with_the_header_repeated_are_paired_as_with_every_id(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>row {n}</td><td>{n}</td></tr>" for n in range(1, 11))
    exact, sparse, data = both_pairings(small_page_html(
        f"<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>{rows}</tbody></table>"))
    pages = page_texts(data, tmp_path)
    assert "row 1 " in pages[0] and "row 10" in pages[1] and "row 10" not in pages[0]
    assert "Name" in pages[1]  # the header repeated
    assert fragments(exact, "thead") == 2 and fragments(exact, "tbody") == 2
    assert sparse == exact


def test_a_long_word_over_two_pages_is_paired_as_with_every_id(tmp_path: Path) -> None:
    """A long word (the HTML writer's span, given break opportunities by the PDF
    writer) runs on over the page in line fragments that look like the spans
    around it. Marked by id, its presence on the next page is known: without
    the id the pairing could not tell, and the whole document was laid out
    a second time (a 5,000-letter word cost twice the CPU)."""
    word = breakable_long_words(f'<span class="long-word">{"abcdefgh" * 60}</span>')
    exact, sparse, data = both_pairings(small_page_html(
        f"<p><span>a</span> {word} <span>b</span> <span>c</span></p>"))
    pages = page_texts(data, tmp_path)
    assert "abcdefgh" in pages[0] and "abcdefgh" in pages[1] and "c" in pages[-2]
    assert fragments(exact, "span") > 2  # the word's line fragments, on both pages
    assert sparse == exact


AMBIGUOUS = (f'<p>{words("w", 62)} <a href="#end">{words("link", 30)}</a><a href="#end">gamma</a></p>'
             '<p id="end">e</p>')


def test_when_the_structure_does_not_tell_the_pairing_refuses_to_guess() -> None:
    """Two links on the new page, one continuing, one starting: which is which
    is not decided from the counts, so the sparse pairing raises."""
    data, root, anchors, starts = laid_out(small_page_html(AMBIGUOUS), every=False)
    with pytest.raises(pdf_tags.AmbiguousPairing, match="continues"):
        pdf_tags.html_pairing(data, root, anchors, starts)


def test_html_to_pdf_falls_back_to_every_element_marked(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    document, options = sample_document(), Config()

    def fallbacks() -> int:
        return sum("laying out again" in r.getMessage() for r in caplog.records if r.name == "reportgen.writers.pdf")

    with caplog.at_level(logging.DEBUG, logger="reportgen.writers.pdf"):
        path = render_source(small_page_html(AMBIGUOUS), document, options, tmp_path / "fallback.pdf")
        assert fallbacks() == 1
        assert "gamma" in poppler("pdftotext", str(path), "-")
        render_source(small_page_html(f"<p>{words('w', 100)}</p>"), document, options, tmp_path / "plain.pdf")
        assert fallbacks() == 1  # no fallback where the structure tells


def test_the_outline_keeps_only_the_headings(sample_pdf: Path) -> None:
    """The start bookmarks are removed before the PDF is written: the outline is
    the headings print.css gives a bookmark level, in order."""
    from lxml import html as lxml_html

    _, _, source = sample_source()
    tree = lxml_html.document_fromstring(source)
    headings = [" ".join(h.text_content().split()) for h in tree.iter("h2", "h3")
                if not h.xpath("ancestor::nav") and not h.xpath("ancestor::header")]
    with pikepdf.open(sample_pdf) as pdf, pdf.open_outline() as outline:
        titles: list[str] = []

        def visit(items: list) -> None:
            for item in items:
                titles.append(item.title)
                visit(item.children)

        visit(outline.root)
    assert titles == headings


def test_a_lost_footnote_fails_loudly_with_sparse_marks() -> None:
    """With sparse marks a footnote is on a page when its id is in the page's
    anchors or, with no id of its own, when it starts there."""
    _, options, source = footnoted_source()
    source = source.replace('<span class="footnote" id="fn-1">', '<span class="footnote">', 1)
    from weasyprint import CSS, HTML

    html = HTML(string=pdf_tags.mark_elements(source, every=False),
                base_url=path2url(str(options.templates.resolve()) + "/"))
    document = html.render(stylesheets=[CSS(string=pdf_tags.STARTS_CSS)], pdf_tags=True)
    starts = pdf_tags.take_starts(document.pages)
    data = document.write_pdf(pdf_tags=True)
    anchors = [set(page.anchors) for page in document.pages]
    note = next(e for e in html.etree_element.iter() if e.get("class") == "footnote")
    mark = pdf_tags.MARK_PREFIX + note.get(pdf_tags.START_ATTRIBUTE)
    assert any(mark in page for page in starts)
    pdf_tags.fix_structure(data, html.etree_element, anchors, {}, page_starts=starts)  # as laid out: fine
    with pytest.raises(ValueError, match=re.escape("'Since 2018.' is on no page")):
        pdf_tags.fix_structure(data, html.etree_element, anchors, {}, page_starts=[s - {mark} for s in starts])
