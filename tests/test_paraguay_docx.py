"""The structure of Paraguay's DOCX, read by python-docx and pandoc and held
against the document model (issue 14, item 7). These checks replace golden
copies of the DOCX's XML parts, which changed with any writer change: the
model dump golden (tests/golden/PRY-*.txt) pins the words, these pin that the
DOCX carries each of them in its place: headings (level, style, bookmark),
lists, tables, the sources list, the contents field, the page header and
footer, the hyperlinks and the document properties."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph
from lxml import etree

from reportgen import model as m
from reportgen.paths import TEMPLATES

LANGS = ("en", "es")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What a reader of each language sees, written out (not taken from the writer)
EXPECTED = {
    "en": {"title": "E-Government Country Profile: Paraguay", "language": "en-GB", "footer": "Page 1 of 1"},
    "es": {"title": "Perfil de país sobre gobierno electrónico: Paraguay", "language": "es-ES",
           "footer": "Página 1 de 1"},
}
# The DOCX writer lets long addresses break (zero-width space after "/" and
# ".", word joiner after "-"): invisible, and not part of the address.
INVISIBLE = str.maketrans("", "", "\u200b\u2060")


def path_of(built: Path, lang: str) -> Path:
    return built / f"PRY-profile-2024-{lang}-draft.docx"


@pytest.fixture(scope="module")
def read(paraguay_build: Path) -> dict[str, tuple[DocxDocument, dict[str, Any]]]:
    """Each language's DOCX as python-docx and as pandoc's JSON AST, read once."""
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed (make test installs it)")
    found = {}
    for lang in LANGS:
        path = path_of(paraguay_build, lang)
        ast = json.loads(subprocess.run(["pandoc", "-f", "docx", "-t", "json", str(path)],
                                        capture_output=True, text=True, check=True).stdout)
        found[lang] = (docx.Document(str(path)), ast)
    return found


def body_paragraphs(document: DocxDocument) -> list[Paragraph]:
    return list(document.paragraphs)


def bookmarks(paragraph: Paragraph) -> list[str]:
    return [b.get(f"{W}name") for b in paragraph._p.iter(f"{W}bookmarkStart")]


def instructions(element: Any) -> str:
    """The field codes of an element (complex fields' w:instrText), joined."""
    return "".join(node.text or "" for node in element.iter(f"{W}instrText"))


def pandoc_blocks(node: Any, kind: str) -> list[dict[str, Any]]:
    """Every block of a kind in the pandoc AST, in document order."""
    found = []
    if isinstance(node, dict):
        if node.get("t") == kind:
            found.append(node)
        for value in node.values():
            found.extend(pandoc_blocks(value, kind))
    elif isinstance(node, list):
        for value in node:
            found.extend(pandoc_blocks(value, kind))
    return found


def stringify(node: Any) -> str:
    """pandoc's stringify: the text of inlines, any nesting."""
    if isinstance(node, list):
        return "".join(stringify(value) for value in node)
    if isinstance(node, dict):
        kind = node.get("t")
        if kind == "Str":
            return str(node["c"])
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if kind in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout"):
            return stringify(node["c"])
        if kind in ("Span", "Link", "Quoted"):
            return stringify(node["c"][1])
    return ""


def model_blocks(document: m.Document, kind: type) -> list[Any]:
    return [block for block in document.blocks() if isinstance(block, kind)]


def text(run: list[m.Inline]) -> str:
    return m.plain_text(run)


@pytest.mark.parametrize("lang", LANGS)
def test_headings_have_their_level_style_and_bookmark(read, paraguay_documents, lang: str) -> None:
    document, ast = read[lang]
    expected = [(h.level, text(h.children), h.id) for h in model_blocks(paraguay_documents[lang], m.Heading)]
    assert len(expected) > 20 and {level for level, _, _ in expected} == {1, 2}
    found = [(int(p.style.name.removeprefix("Heading ")), p.text, p) for p in body_paragraphs(document)
             if p.style.name.startswith("Heading ")]
    assert [(level, title) for level, title, _ in found] == [(level, title) for level, title, _ in expected]
    for (_, title, paragraph), (_, _, anchor) in zip(found, expected, strict=True):
        assert anchor in bookmarks(paragraph), (title, anchor)  # what the contents' links land on
    headers = [(h["c"][0], stringify(h["c"][2])) for h in pandoc_blocks(ast["blocks"], "Header")]
    assert headers == [(level, title) for level, title, _ in expected]  # pandoc reads the levels from the styles


@pytest.mark.parametrize("lang", LANGS)
def test_contents_is_a_toc_field_of_the_first_two_levels_linked_to_the_headings(read, paraguay_documents,
                                                                                lang: str) -> None:
    document, _ = read[lang]
    paragraphs = body_paragraphs(document)
    contents = [p for p in paragraphs if p.style.name.startswith("TOC ") and p.style.name != "TOC Heading"]
    [heading] = [p for p in paragraphs if p.style.name == "TOC Heading"]
    model_contents = model_blocks(paraguay_documents[lang], m.Contents)
    assert len(model_contents) == 1 and heading.text == model_contents[0].title
    assert instructions(document.element.body).count(" TOC ") == 1
    assert instructions(contents[0]._p).strip() == 'TOC \\o "1-2" \\h \\z \\u'
    headings = [h for h in model_blocks(paraguay_documents[lang], m.Heading) if h.level <= 2]
    assert [(int(p.style.name.removeprefix("TOC ")), p.text) for p in contents] == \
        [(h.level, text(h.children)) for h in headings]
    for paragraph, heading_block in zip(contents, headings, strict=True):
        anchors = [link.get(f"{W}anchor") for link in paragraph._p.iter(f"{W}hyperlink")]
        assert anchors == [heading_block.id], paragraph.text


@pytest.mark.parametrize("lang", LANGS)
def test_lists_keep_their_items_and_kind(read, paraguay_documents, lang: str) -> None:
    document, ast = read[lang]
    lists = model_blocks(paraguay_documents[lang], m.BulletList)
    assert lists
    styles = [p.style.name for p in body_paragraphs(document) if p.style.name.startswith("List ")]
    assert styles == [("List Number" if listed.ordered else "List Bullet") for listed in lists
                      for _ in listed.items]
    kinds = [(block["t"], len(block["c"] if block["t"] == "BulletList" else block["c"][1]))
             for block in ast["blocks"] if block["t"] in ("BulletList", "OrderedList")]
    assert kinds == [("OrderedList" if listed.ordered else "BulletList", len(listed.items)) for listed in lists]


@pytest.mark.parametrize("lang", LANGS)
def test_tables_have_the_models_rows_columns_and_header(read, paraguay_documents, lang: str) -> None:
    document, ast = read[lang]
    tables = model_blocks(paraguay_documents[lang], m.Table)
    assert len(tables) >= 4
    assert [(len(t.rows), len(t.columns)) for t in document.tables] == \
        [(1 + len(t.rows), len(t.header)) for t in tables]
    for table, expected in zip(document.tables, tables, strict=True):
        assert [cell.text for cell in table.rows[0].cells] == [m.blocks_text(cell) for cell in expected.header]
        assert [cell.text for cell in table.columns[0].cells[1:]] == [m.blocks_text(row[0]) for row in expected.rows]
        assert table.style is not None and table.style.name == "Profile Table"
    assert len(pandoc_blocks(ast["blocks"], "Table")) == len(tables)
    captions = [p.text for p in body_paragraphs(document) if p.style.name == "Caption"]
    assert all(text(t.caption) in captions for t in tables if t.caption)


@pytest.mark.parametrize("lang", LANGS)
def test_sources_list_entries_give_number_title_address_and_items(read, paraguay_documents, lang: str) -> None:
    document, _ = read[lang]
    model = paraguay_documents[lang]
    entries = [(block.numbered, e) for block in model_blocks(model, m.SourceList) for e in block.entries]
    assert len(entries) > 30 and [e.number for numbered, e in entries if numbered] == \
        list(range(1, sum(numbered for numbered, _ in entries) + 1))
    paragraphs = [p for p in body_paragraphs(document) if p.style.name == "Bibliography"]
    assert len(paragraphs) == len(entries)
    for paragraph, (numbered, entry) in zip(paragraphs, entries, strict=True):
        shown = paragraph.text.translate(INVISIBLE)
        number = f"[{entry.number}]\t" if numbered else ""
        assert shown.startswith(number + entry.title), (shown, entry.title)
        assert entry.display and entry.display in shown and "://" not in shown, shown
        assert entry.details.endswith(".") and shown.endswith(f" {entry.details}"), shown
        assert [link.url for link in paragraph.hyperlinks] == [entry.url], shown
        assert (f"src_{entry.number}" in bookmarks(paragraph)) == numbered


@pytest.mark.parametrize("lang", LANGS)
def test_every_link_of_the_model_and_no_other(read, paraguay_documents, lang: str) -> None:
    document, ast = read[lang]
    model = paraguay_documents[lang]
    urls = {node.url for block in model.blocks() for run in m.block_inlines(block)
            for node in m.walk_inlines(run) if isinstance(node, m.Link)}
    urls |= {e.url for block in model_blocks(model, m.SourceList) for e in block.entries}
    targets = {r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")}
    assert targets == urls
    external = {link["c"][2][0] for link in pandoc_blocks(ast["blocks"], "Link")
                if not link["c"][2][0].startswith("#")}
    assert external == urls
    assert pandoc_blocks(ast["blocks"], "Note") == []  # numbered references link to the sources list instead


@pytest.mark.parametrize("lang", LANGS)
def test_bold_and_italic_text_of_the_model_stays_so(read, paraguay_documents, lang: str) -> None:
    _, ast = read[lang]
    model = paraguay_documents[lang]
    strong = 0
    for kind, pandoc_kind in ((m.Strong, "Strong"), (m.Emph, "Emph")):
        expected = [text(node.children) for block in model.blocks() for run in m.block_inlines(block)
                    for node in m.walk_inlines(run) if isinstance(node, kind)]
        found = [stringify(node["c"]) for node in pandoc_blocks(ast["blocks"], pandoc_kind)]
        assert found == expected, kind
        strong = strong or len(expected)
    assert strong > 5  # Paraguay's profile has bold labels (and no italics): the check is not empty


@pytest.mark.parametrize("lang", LANGS)
def test_page_header_and_footer_fields(read, paraguay_documents, lang: str) -> None:
    document, _ = read[lang]
    [section] = document.sections
    assert section.different_first_page_header_footer  # the cover has neither
    assert [p.text for p in section.first_page_header.paragraphs] == [""]
    assert [p.text for p in section.first_page_footer.paragraphs] == [""]
    meta = paraguay_documents[lang].meta
    [running] = section.header.paragraphs
    assert running.style.name == "Header"
    # the field's result is the profile title until Word fills it with the page's section
    assert running.text == f"Paraguay — {meta.title}"
    assert instructions(section.header._element).strip() == 'STYLEREF "Heading 1"'
    [footer] = section.footer.paragraphs
    assert footer.style.name == "Footer" and footer.text == EXPECTED[lang]["footer"]
    assert re.fullmatch(r"\s*PAGE\s*NUMPAGES\s*", instructions(section.footer._element))


@pytest.mark.parametrize("lang", LANGS)
def test_document_properties(read, paraguay_documents, lang: str) -> None:
    document, _ = read[lang]
    meta = paraguay_documents[lang].meta
    props = document.core_properties
    assert props.title == EXPECTED[lang]["title"] == meta.document_title
    assert props.language == EXPECTED[lang]["language"]
    assert props.author == meta.author != ""
    assert props.keywords == ", ".join(meta.keywords) and "Paraguay" in props.keywords
    assert props.content_status == meta.status
    assert len(document.inline_shapes) == len(model_blocks(paraguay_documents[lang], m.Figure)) == 3


def _styles_without_languages(docx_path: Path) -> tuple[bytes, set[str]]:
    """styles.xml with every w:lang removed (canonical XML), and the languages those named."""
    with zipfile.ZipFile(docx_path) as archive:
        root = etree.fromstring(archive.read("word/styles.xml"))
    languages = set()
    for lang in list(root.iter(f"{W}lang")):
        languages.add(lang.get(f"{W}val"))
        lang.getparent().remove(lang)
    return etree.tostring(root, method="c14n"), languages


@pytest.mark.parametrize("lang", LANGS)
def test_styles_are_the_reference_styles_in_the_profiles_language(paraguay_build: Path, lang: str) -> None:
    """What a golden styles.xml caught: the writer changes no style of
    templates/reference.docx (tests/test_make_reference_docx.py pins that
    file) beyond the language that spell-checking and hyphenation follow."""
    profile, languages = _styles_without_languages(path_of(paraguay_build, lang))
    reference, reference_languages = _styles_without_languages(TEMPLATES / "reference.docx")
    assert profile == reference
    assert languages == {EXPECTED[lang]["language"]} and reference_languages == {"en-GB"}
