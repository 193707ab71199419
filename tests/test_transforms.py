"""The transforms: numbering, markers, lists, entry text, heading ids and section titles, made once on the model."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reportgen import model as m
from reportgen import transforms
from reportgen.errors import TemplateError
from reportgen.markup import parse

META = m.Meta(title="E-Government Country Profile", country="Paraguay", country_code="PRY", lang="en",
              subject="", author="", keywords=[], edition="2024", status="Draft", date=date(2024, 3, 1),
              labels={"items": "Items", "item_prefix": "Q"})


def entry(sid: str, items: list[int], title: str = "A title") -> m.SourceEntry:
    return m.SourceEntry(0, sid, f"https://example.org/{sid}", title, "example.org", items)


def document(*sections: tuple[str, str], sources: list[m.SourceEntry] | None = None) -> m.Document:
    parsed = [m.Section(sid, "body", parse(text)) for sid, text in sections]
    return transforms.apply(m.Document(META, parsed, sources or []))


def heading_ids(doc: m.Document) -> list[str]:
    return [b.id for b in doc.blocks() if isinstance(b, m.Heading)]


BODY = "# Institutional framework\n\nText.\n\n## Portals\n\nMore.\n\n## Lead agency\n\n## Portals\n"


def test_heading_ids_are_unique_slugs_of_section_and_text() -> None:
    doc = document(("A", BODY))
    assert heading_ids(doc) == ["A", "A-portals", "A-lead-agency", "A-portals-2"]


def test_adding_a_paragraph_changes_no_heading_id() -> None:
    before = heading_ids(document(("A", BODY)))
    after = heading_ids(document(("A", BODY.replace("More.", "More.\n\nAnother paragraph.\n\n- and a list"))))
    assert after == before


def test_a_templates_id_is_kept_and_never_given_to_another_heading() -> None:
    doc = document(("A", "# Framework\n\n{#A-portals}\n## Legal basis\n\n## Portals\n"))
    assert heading_ids(doc) == ["A", "A-portals", "A-portals-2"]


def test_ids_of_text_without_latin_letters_are_stable_valid_bookmarks() -> None:
    doc = document(("A", "# الإطار المؤسسي\n\n## البوابات\n\n## 概览\n"))
    ids = heading_ids(doc)
    assert ids[0] == "A" and len(set(ids)) == 3
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,39}", i) for i in ids), ids
    assert heading_ids(document(("A", "# الإطار المؤسسي\n\n## البوابات\n\n## 概览\n"))) == ids
    long = document(("at-a-glance", "# x\n\n## " + "Organismo rector y responsable nacional " * 3 + "\n"))
    assert all(len(i) <= transforms.MAX_ID for i in heading_ids(long))


def test_each_heading_knows_its_sections_title() -> None:
    doc = document(("A", BODY), ("B", "# Crisis response\n\n## Strategy\n"))
    titles = [(b.id, b.section_title) for b in doc.blocks() if isinstance(b, m.Heading)]
    assert titles[-2:] == [("B", "Crisis response"), ("B-strategy", "Crisis response")]
    assert {t for _, t in titles[:4]} == {"Institutional framework"}


def test_sources_are_numbered_by_first_citation_and_listed_once() -> None:
    sources = [entry("a", [7]), entry("b", [9, 8]), entry("c", [10])]
    doc = document(("A", "One[@b, p. 3][@a]. Two[@b].\n"),
                   ("sources", "# Sources\n\n{.sources-list}\nx\n\n## Further\n\n{.further-sources-list}\nx\n"),
                   sources=sources)
    assert [(e.id, e.number) for e in doc.sources] == [("b", 1), ("a", 2), ("c", 3)]
    assert [r.text for r in m.references(doc)] == ["[2; 1, p.\u00a03]", "[1]"]
    lists = [b for b in doc.blocks() if isinstance(b, m.SourceList)]
    assert [[e.number for e in block.entries] for block in lists] == [[1, 2], [3]]
    first = doc.sources[0]
    assert (first.cite, first.end, first.details) == ("A title.", ".", "Items:\u00a0Q9, Q8.")


def test_an_empty_further_list_goes_with_its_heading() -> None:
    doc = document(("A", "One[@a].\n"),
                   ("sources", "# Sources\n\n{.sources-list}\nx\n\n## Further\n\n{.further-sources-list}\nx\n"),
                   sources=[entry("a", [7])])
    sources = doc.sections[1].blocks
    assert [type(b).__name__ for b in sources] == ["Heading", "SourceList"]


def test_citing_an_unknown_source_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match=r"unknown source \[@nowhere\]"):
        document(("A", "One[@nowhere].\n"), sources=[entry("a", [7])])


def test_citations_inside_nested_blocks_are_numbered_and_marked() -> None:
    doc = document(("A", "> Quoted[@b].\n\n- item\n  - nested[@a]\n"), sources=[entry("a", [1]), entry("b", [2])])
    assert [r.text for r in m.references(doc)] == ["[1]", "[2]"]
    assert [e.id for e in doc.sources] == ["b", "a"]
