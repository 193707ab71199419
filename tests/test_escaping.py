"""Any answer text survives ``escape_md`` -> ``markup.parse`` -> ``model.plain_text``
(issue 14, item 7): whatever a Government wrote, the profile shows those
characters and never markup made from them.

The whitespace rules under which "the same text" holds, as the escaping module
documents them (``escaping.escape_md``, ``prose.collapse_spaces``):

1. A run of breaking whitespace (line breaks, tabs, Unicode spaces and line
   separators) becomes one space, so an answer cannot open a new block; the
   no-break spaces U+00A0, U+202F and U+2007 inside the text are kept.
2. At the edges of the value such a run is kept as one space, so the words a
   template puts around ``{{ value }}`` stay apart; where the value stands at
   the edge of a paragraph, heading, list item or table cell, Markdown trims
   that space (CommonMark strips the edges of a block's text).
3. U+0000 becomes U+FFFD (CommonMark section 2.3, for security). Answers
   never carry it: ``check`` refuses control characters (responses.py), so
   the strategies below leave it out.

Emphasis a template wraps around a value (``**{{ label }}:**``) holds for a
value without whitespace at its edges (labels are trimmed); with it, CommonMark
would not open the emphasis, which is the template's concern, not escaping's.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reportgen import model as m
from reportgen.escaping import Md, escape_md, in_language
from reportgen.markup import parse
from reportgen.prose import collapse_spaces

# Any Unicode but U+0000 (rule 3), and text made of what Markdown reads as
# markup: punctuation, line starts of blocks (`1.`, `-`, `#`, `>`, four spaces),
# links, autolinks, entities, citation calls, attributes and table rows.
MARKUP = ["*", "_", "[", "]", "(", ")", "<", ">", "#", "!", "\\", "`", "|", "{", "}", "~", "^", "&", ";",
          "1.", "1)", "-", "+", "=", ":", "@", '"', "'", "$", "%", " ", "  ", "    ", "\n", "\n\n", "\t",
          "\r\n", "\u00a0", "\u202f", "\u2028", "a", "b", "x", "[@src-0a1b2c3d]", "[@src-0a1b2c3d, p. 4]",
          "[a](https://a.gov.py)", "<https://a.gov.py>", "![a](x.png)", "&amp;", "&#42;", "{.title}",
          "{lang=en}", "---", "===", "***", "```", "| a | b |", "|---|", "<b>", "<!-- c -->", "\\*", "``x``"]
answers = st.one_of(
    st.text(alphabet=st.characters(codec=None, exclude_characters="\x00"), max_size=40),
    st.lists(st.sampled_from(MARKUP), max_size=12).map("".join),
)


def as_placed(text: str) -> str:
    """The text a value shows in the middle of a line: rules 1 and 2."""
    core = collapse_spaces(text)
    if not core:
        return ""
    return (" " if text[0].isspace() else "") + core + (" " if text[-1].isspace() else "")


def only(blocks: list[m.Block], kind: type) -> m.Block:
    assert len(blocks) == 1 and isinstance(blocks[0], kind), blocks
    return blocks[0]


def run_of(content: list[m.Block]) -> list[m.Inline]:
    """The inlines of a list item or table cell, which hold one paragraph here (none when empty)."""
    if not content:
        return []
    assert len(content) == 1 and isinstance(content[0], m.Paragraph), content
    return content[0].children


def texts_only(run: list[m.Inline]) -> str:
    """The run's text, asserting the answer made no markup at all: no link,
    code, emphasis, citation or line break came out of it."""
    assert all(isinstance(node, m.Text) for node in run), run
    return m.plain_text(run)


def alone(answer: str) -> None:
    """A paragraph that is the value alone."""
    assert isinstance(escape_md(answer), Md)  # so the template engine does not escape it again
    blocks = parse(escape_md(answer))
    if not collapse_spaces(answer):
        assert blocks == []
        return
    paragraph = only(blocks, m.Paragraph)
    assert isinstance(paragraph, m.Paragraph) and paragraph.role is None
    assert texts_only(paragraph.children) == collapse_spaces(answer)


def in_a_sentence(answer: str) -> None:
    """Twice in the middle of a line, between the template's words."""
    value = escape_md(answer)
    paragraph = only(parse(f"Before{value}and{value}after."), m.Paragraph)
    assert isinstance(paragraph, m.Paragraph)
    placed = as_placed(answer)
    assert texts_only(paragraph.children) == f"Before{placed}and{placed}after."


def heading(answer: str) -> None:
    """A heading the value makes, followed by a paragraph it must not swallow."""
    blocks = parse(f"## {escape_md(answer)}\n\nNext.")
    block = blocks[0]
    assert isinstance(block, m.Heading) and block.level == 2, blocks
    assert texts_only(block.children) == collapse_spaces(answer)
    assert len(blocks) == 2 and isinstance(blocks[1], m.Paragraph)


def list_items(answer: str) -> None:
    for marker in ("-", "1."):
        listed = only(parse(f"{marker} {escape_md(answer)}\n{marker} Next."), m.BulletList)
        assert isinstance(listed, m.BulletList) and listed.ordered == (marker == "1.")
        assert [texts_only(run_of(item)) for item in listed.items] == [collapse_spaces(answer), "Next."]


def table_cell(answer: str) -> None:
    value = escape_md(answer)
    table = only(parse(f"| Item | Answer |\n|---|---|\n| Q1 | {value} |\n| Q2 | {value}{value} |"), m.Table)
    assert isinstance(table, m.Table)
    assert len(table.rows) == 2 and all(len(row) == 2 for row in table.rows)
    assert texts_only(run_of(table.rows[0][1])) == collapse_spaces(answer)
    assert texts_only(run_of(table.rows[1][1])) == (as_placed(answer) * 2).strip(" ")


def in_another_language(answer: str) -> None:
    """Tagged as Spanish (escaping.in_language): one Span with the text inside."""
    paragraph = only(parse(f"Law: {in_language(escape_md(answer), 'es')}."), m.Paragraph)
    assert isinstance(paragraph, m.Paragraph)
    spans = [node for node in paragraph.children if isinstance(node, m.Span)]
    assert len(spans) == 1 and spans[0].lang == "es", paragraph.children
    assert texts_only(spans[0].children) == as_placed(answer)
    assert m.plain_text(paragraph.children) == f"Law: {as_placed(answer)}."


def emphasised(answer: str) -> None:
    """Inside emphasis the template wrote, for a value with no whitespace at its edges."""
    trimmed = collapse_spaces(answer)
    if not trimmed:
        return
    value = escape_md(trimmed)
    paragraph = only(parse(f"- **{value}:** yes, _{value}_"), m.BulletList)
    assert isinstance(paragraph, m.BulletList)
    strong, rest, emph = run_of(paragraph.items[0])
    assert isinstance(strong, m.Strong) and texts_only(strong.children) == f"{trimmed}:"
    assert rest == m.Text(" yes, ")
    assert isinstance(emph, m.Emph) and texts_only(emph.children) == trimmed


PLACES: dict[str, Callable[[str], None]] = {
    "alone": alone, "in a sentence": in_a_sentence, "heading": heading, "list items": list_items,
    "table cell": table_cell, "in another language": in_another_language, "emphasised": emphasised,
}


def _survives(answer: str) -> None:
    for place, check in PLACES.items():
        try:
            check(answer)
        except AssertionError as error:
            raise AssertionError(f"{answer!r} placed {place}: {error}") from error


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers)
@example("1. First\n- second\n# third\n> fourth\n    fifth")
@example("*bold* _em_ [link](https://a.gov.py) `code` <https://a.gov.py> [@src-0a1b2c3d]")
@example("a\\")  # a trailing backslash must not escape the template's next character
@example("\u00a0 spaced \u2028 out\t")
def test_any_answer_text_survives_escaping_and_parsing(answer: str) -> None:
    _survives(answer)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers)
def test_any_answer_text_survives_escaping_and_parsing_many(answer: str) -> None:
    _survives(answer)


def test_rule_3_nul_becomes_the_replacement_character() -> None:
    """Stated, not hidden: the one character that does not survive (and never reaches a template)."""
    paragraph = only(parse(escape_md("a\x00b")), m.Paragraph)
    assert isinstance(paragraph, m.Paragraph) and m.plain_text(paragraph.children) == "a\ufffdb"
