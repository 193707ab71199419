"""An answer's inline Markdown read through markdown-it tokens: links,
escapes, emphasis and inline HTML, including the lines the regexes of the
old importer got wrong (noted per case)."""

from __future__ import annotations

import pytest

from reportgen.importers.forms.content import extract_content, plain_text


def read(*lines: str) -> tuple[str | None, list[str]]:
    content = extract_content(list(lines))
    return content.text, [source.url for source in content.sources]


@pytest.mark.parametrize(("line", "text", "urls"), [
    # An escaped bracket inside a link's text: the old pattern stopped at
    # "\]" and left "[a]b]" in the prose.
    (r"[a\]b](http://x.org)", "a]b", ["http://x.org"]),
    # Underscores at the end of an autolink are part of the address, not emphasis.
    ("<http://x.org/a_b_>", None, ["http://x.org/a_b_"]),
    ("See <http://x.org/a_b_> now.", "See now.", ["http://x.org/a_b_"]),
    # Bold around a link: the link's text, no stars.
    ("**[t](https://x.org)** and more", "t and more", ["https://x.org"]),
    # "\<" is a "<" the Government typed; the address in it is still a
    # source. The old importer left a lone backslash as the answer's text.
    (r"\<http://x.org>", None, ["http://x.org"]),
    # Emphasis marks are not words (the old importer kept "*the plan*").
    ("see *the plan* (<https://a.org> and <https://b.org>).", "see the plan.",
     ["https://a.org", "https://b.org"]),
    ("_Decreto_ 4064 <sup>1</sup>", "Decreto 4064", []),
    # Escapes in a link's text, and the export's doubled escapes.
    (r"[Ley \_5282](https://a.org/ley_5282.pdf)", "Ley _5282", ["https://a.org/ley_5282.pdf"]),
    (r"[https://a.org/x\\_y](https://a.org/x_y)", None, ["https://a.org/x_y"]),
    # Entities are characters; a link to something that is not a web
    # address keeps its text only.
    ("A &amp; B [x](ftp://f.org)", "A & B x", []),
    # Mail links are contact text, not sources.
    ("[mail](mailto:a@b.org)", "mail", []),
    ("<a@b.org>", "a@b.org", []),
    # Bare addresses: trailing punctuation stays with the sentence.
    ("(see https://x.org/a_(b)).", "(see).", ["https://x.org/a_(b)"]),
    # Addresses are kept as written, not percent-encoded.
    ("[Ñandutí](https://x.org/ñandutí?a=1&b=2)", "Ñandutí", ["https://x.org/ñandutí?a=1&b=2"]),
])
def test_inline_markdown(line: str, text: str | None, urls: list[str]) -> None:
    assert read(line) == (text, urls)


def test_links_in_line_order_bare_and_bracketed() -> None:
    assert read("https://a.org then [b](https://b.org) then <https://c.org>")[1] == \
        ["https://a.org", "https://b.org", "https://c.org"]


def test_footnote_marks_dropped_but_an_unclosed_sup_is_text() -> None:
    assert read("Law 5282<sup>[1](https://n.org)</sup> in force") == ("Law 5282 in force", [])
    assert read("x <sup> y")[0] == "x <sup> y"


def test_page_reference_becomes_the_locator_of_the_link_before_it() -> None:
    content = extract_content(["[Plan](https://p.org/plan.pdf)", "Pages 32, 95"])
    assert [s.as_dict() for s in content.sources] == [{"url": "https://p.org/plan.pdf", "locator": "pp. 32, 95"}]
    assert content.text == "Plan"


def test_url_broken_over_two_lines_is_joined() -> None:
    assert read("<https://h.gov.py/archivo.php?>", "", "a=6e6e&x=1") == \
        (None, ["https://h.gov.py/archivo.php?a=6e6e&x=1"])


@pytest.mark.parametrize(("line", "plain"), [
    (r"**B. LEGAL FRAMEWORK \***", "B. LEGAL FRAMEWORK *"),
    ("### Contact information", "Contact information"),
    ("<https://x.org>", "https://x.org"),  # a link alone is not an empty line
    ("[Portal](https://x.org)", "Portal"),
    ("Yes", "Yes"),
])
def test_plain_text_of_form_lines(line: str, plain: str) -> None:
    assert plain_text(line) == plain
