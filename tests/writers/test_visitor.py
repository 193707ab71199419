"""One visitor base for every writer: dispatch by node class, and a node a writer
does not render is an error naming the writer and the node, never dropped."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from reportgen import model as m
from reportgen.config import Config
from reportgen.errors import WriterError
from reportgen.writers.docx import write_docx
from reportgen.writers.html import write_html
from reportgen.writers.visitor import Visitor, method_name
from tests.writers.sample import sample_document


@dataclass
class PullQuote:
    """A block no writer knows."""

    text: str


@dataclass
class Footnote:
    """An inline no writer knows."""

    text: str


def test_method_names_are_the_class_name_in_snake_case() -> None:
    assert method_name(m.BulletList) == "visit_bullet_list"
    assert method_name(m.LineBreak) == "visit_line_break"
    assert method_name(m.Heading) == "visit_heading"


def test_dispatch_passes_the_writers_arguments() -> None:
    class Echo(Visitor):
        writer = "echo"

        def visit_text(self, node: m.Text, prefix: str) -> str:
            return prefix + node.text

    assert Echo().visit(m.Text("x"), "> ") == "> x"
    with pytest.raises(WriterError, match="echo writer: cannot render a Code node"):
        Echo().visit(m.Code("x"), "> ")


@pytest.mark.parametrize("writer, name", [(write_html, "HTML"), (write_docx, "DOCX")])
def test_an_unknown_block_fails_naming_writer_and_node(writer, name: str) -> None:
    document = sample_document()
    document.sections[-1].blocks.append(PullQuote("Who said it"))  # type: ignore[arg-type]
    with pytest.raises(WriterError, match=f"^{name} writer: cannot render a PullQuote node"):
        writer(document, Config())


@pytest.mark.parametrize("writer, name", [(write_html, "HTML"), (write_docx, "DOCX")])
def test_an_unknown_inline_fails_naming_writer_and_node(writer, name: str) -> None:
    document = sample_document()
    document.sections[-1].blocks.append(m.Paragraph([m.Text("See"), Footnote("1")]))  # type: ignore[list-item]
    with pytest.raises(WriterError, match=f"^{name} writer: cannot render a Footnote node"):
        writer(document, Config())


@pytest.mark.parametrize("writer, name", [(write_html, "HTML"), (write_docx, "DOCX")])
def test_a_citation_left_unnumbered_is_refused(writer, name: str) -> None:
    """Citation calls become reference markers in transforms.py; a bare one reaching a writer is a bug."""
    document = sample_document()
    document.sections[-1].blocks.append(m.Paragraph([m.Text("See"), m.Citation("s1")]))
    with pytest.raises(WriterError, match=f"^{name} writer: cannot render a Citation node"):
        writer(document, Config())
