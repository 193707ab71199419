"""Markdown -> model: what templates can express, and what they cannot."""

from __future__ import annotations

from datetime import date

from reportgen import model as m
from reportgen.markup import parse


def test_citation_calls_with_and_without_locator() -> None:
    [paragraph] = parse("Text[@src-1, p. 31] and more[@src-2].\n")
    calls = [n for n in paragraph.children if isinstance(n, m.Citation)]
    assert [(c.source_id, c.locator) for c in calls] == [("src-1", "p. 31"), ("src-2", "")]


def test_escaped_brackets_are_not_a_citation() -> None:
    [paragraph] = parse("\\[@src-1\\] stays text\n")
    assert paragraph.children == [m.Text("[@src-1] stays text")]


def test_raw_html_is_text() -> None:
    [paragraph] = parse("<b>bold?</b> <img src=x>\n")
    assert m.plain_text(paragraph.children) == "<b>bold?</b> <img src=x>"


def test_images_are_not_rendered_from_markdown() -> None:
    """Figures carry alt text and come from templates/; Markdown images stay a plain link."""
    [paragraph] = parse("![alt](https://example.org/x.png)\n")
    assert paragraph.children == [m.Text("!"), m.Link("https://example.org/x.png", [m.Text("alt")])]


def test_roles_placeholders_and_table_attributes() -> None:
    text = ("{.title}\nParaguay\n\n{.contents}\nContents\n\n{.sources-list}\nx\n\n"
            '{caption="Key facts" widths="1 3"}\n| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n')
    title, contents, sources, table = parse(text)
    assert title == m.Paragraph([m.Text("Paraguay")], "title")
    assert contents == m.Contents("Contents")
    assert sources == m.SourceList([], numbered=True)
    assert isinstance(table, m.Table)
    assert table.caption == [m.Text("Key facts")] and table.widths == [1.0, 3.0]
    assert [m.blocks_text(c) for c in table.header] == ["A", "B"]
    assert [[m.blocks_text(c) for c in row] for row in table.rows] == [["1", "2"], ["3", "4"]]


def test_nested_emphasis_and_links() -> None:
    [paragraph] = parse("A **bold _and em_** [link](https://a.example/x) <https://b.example>\n")
    assert m.Strong([m.Text("bold "), m.Emph([m.Text("and em")])]) in paragraph.children
    links = [n for n in paragraph.children if isinstance(n, m.Link)]
    assert [link.url for link in links] == ["https://a.example/x", "https://b.example"]


def test_mailto_is_kept_and_file_links_are_dropped() -> None:
    [paragraph] = parse("[mail](mailto:a@b.example) [file](file:///etc/passwd)\n")
    links = [n for n in paragraph.children if isinstance(n, m.Link)]
    assert [link.url for link in links] == ["mailto:a@b.example"]
    assert "file" in m.plain_text(paragraph.children)


def test_bullet_list_items_keep_their_inlines() -> None:
    [bullets] = parse("- one **1**\n- two\n")
    assert isinstance(bullets, m.BulletList)
    assert bullets.items[0] == [m.Paragraph([m.Text("one "), m.Strong([m.Text("1")])])]


def test_figure_from_templates_with_alt_text_and_caption() -> None:
    [figure] = parse('{.figure src="html/un-emblem.svg" alt="United Nations emblem"}\nThe *emblem*\n')
    assert figure == m.Figure("html/un-emblem.svg", "United Nations emblem",
                              [m.Text("The "), m.Emph([m.Text("emblem")])])


def test_an_ordered_list_stays_numbered_from_its_start() -> None:
    [listed] = parse("3. first\n4. second\n")
    assert isinstance(listed, m.BulletList) and listed.ordered and listed.start == 3
    assert [m.blocks_text(item) for item in listed.items] == ["first", "second"]
    [bullets] = parse("- a\n- b\n")
    assert isinstance(bullets, m.BulletList) and not bullets.ordered


RICH = """{#facts-title .wide}
# Facts

> The Government *said* this.
>
> - and listed this

- outer one
  - inner one
  - inner two
- outer two

  1. first numbered
  2. second numbered

{#key-facts .compact source=answers caption="Key facts"}
| Topic | Value |
|---|---|
| Portal | yes |
"""


def test_block_quotes_nested_lists_and_attributes_reach_the_model() -> None:
    heading, quote, listed, table = parse(RICH)
    assert isinstance(heading, m.Heading) and heading.attr == m.Attr("facts-title", ["wide"])
    assert isinstance(quote, m.BlockQuote)
    assert [type(b).__name__ for b in quote.blocks] == ["Paragraph", "BulletList"]
    assert isinstance(listed, m.BulletList) and not listed.ordered
    inner = listed.items[0][1]
    assert isinstance(inner, m.BulletList) and [m.blocks_text(i) for i in inner.items] == ["inner one", "inner two"]
    numbered = listed.items[1][1]
    assert isinstance(numbered, m.BulletList) and numbered.ordered and len(numbered.items) == 2
    assert isinstance(table, m.Table) and table.caption == [m.Text("Key facts")]
    assert table.attr == m.Attr("key-facts", ["compact"], {"source": "answers"})  # caption is the table's own


def test_the_dump_shows_quotes_nesting_and_attributes() -> None:
    meta = m.Meta("T", "C", "PRY", "en", "", "", [], "2024", "Draft", date(2024, 1, 1))
    document = m.Document(meta, [m.Section("s", "body", parse(RICH))])
    assert m.dump(document).splitlines()[2:] == [
        "  H1 #facts-title {.wide} Facts",
        "  QUOTE",
        "  > P The Government _said_ this.",
        "  > - and listed this",
        "  - outer one",
        "    - inner one",
        "    - inner two",
        "  - outer two",
        "    1. first numbered",
        "    2. second numbered",
        "  TABLE {#key-facts .compact source='answers'} Key facts",
        "    | Topic | Value |",
        "    | Portal | yes |",
    ]


PARAGRAPH_ATTRIBUTES = """{#why .note .wide basis=answers}
Read from the details.

{.lead}
A lead.

{.boxed}
Plain text in a box.
"""


def test_a_paragraphs_attributes_besides_its_role_reach_the_model_and_the_dump() -> None:
    note, lead, boxed = parse(PARAGRAPH_ATTRIBUTES)
    assert note == m.Paragraph([m.Text("Read from the details.")], "note",
                               m.Attr("why", ["wide"], {"basis": "answers"}))
    assert lead == m.Paragraph([m.Text("A lead.")], "lead")  # the role's class is the role only
    assert boxed == m.Paragraph([m.Text("Plain text in a box.")], None, m.Attr("", ["boxed"]))
    meta = m.Meta("T", "C", "PRY", "en", "", "", [], "2024", "Draft", date(2024, 1, 1))
    section = m.Section("s", "body", [note, lead, boxed], m.Attr(classes=["two-columns"]))
    assert m.dump(m.Document(meta, [section])).splitlines()[1:] == [
        "SECTION s (body) {.two-columns}",
        "  P (note) {#why .wide basis='answers'} Read from the details.",
        "  P (lead) A lead.",
        "  P {.boxed} Plain text in a box.",
    ]
