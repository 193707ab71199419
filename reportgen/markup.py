"""Markdown (as narrated from the templates) -> document model blocks.

markdown-it-py in CommonMark mode with raw HTML off, GFM tables, block
quotes, nested lists, block attributes (``{#id .class key=value}`` become a
node's :class:`model.Attr`; ``{.title}`` gives a paragraph its role, ``{caption="..."
widths="1 2"}`` a table its caption, ``{.figure src="html/x.png" alt="..."}``
makes the paragraph an image from templates/ with the paragraph as caption) and one inline rule of ours: the
citation call ``[@source-id, locator]``. Links keep http, https and mailto
only; any other link becomes its text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin

from reportgen import model as m
from reportgen.errors import TemplateError
from reportgen.urls import is_safe_link

CITATION = re.compile(r"\[@([A-Za-z0-9_.:-]+)(?:,\s*([^\]\[]*?))?\s*\]")

# Paragraph roles a template may set with {.role}; placeholders become blocks.
ROLES = {"title", "subtitle", "lead", "status", "note", "watermark", "publisher", "imprint"}


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"id": match.group(1), "locator": (match.group(2) or "").strip()}
    state.pos = match.end()
    return True


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").use(attrs_block_plugin)
    # [text]{lang=en}: a span in another language (escaping.in_english); nothing else inline.
    md.use(attrs_plugin, after=("span_close",), spans=True, allowed=["lang"])
    md.disable("image")  # images come from Figure blocks with alt text, never from answers
    md.inline.ruler.before("link", "citation", _citation_rule)
    return md


def parse(text: str) -> list[m.Block]:
    """Parse narrated Markdown into model blocks."""
    tokens = _parser().parse(text)
    return _Blocks(tokens).read()


class _Blocks:
    """Walks the flat token stream and builds blocks, nested ones (list items,
    block quotes) by reading up to their closing token."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def read(self, close: str | None = None) -> list[m.Block]:
        """Blocks up to the token ``close`` (consumed), or to the end."""
        blocks: list[m.Block] = []
        while self.pos < len(self.tokens):
            token = self.next()
            if token.type == close:
                break
            block = self.block(token)
            if block is not None:
                blocks.append(block)
        return blocks

    def block(self, token: Token) -> m.Block | None:
        if token.type == "heading_open":
            level = int(token.tag[1])
            children = inlines(self.next())
            self.next()  # heading_close
            return m.Heading(level, children, attributes(token))
        if token.type == "paragraph_open":
            children = inlines(self.next())
            self.next()
            return self.paragraph(token, children)
        if token.type in ("bullet_list_open", "ordered_list_open"):
            listed = self.bullet_list(token.type.replace("_open", "_close"), attributes(token, {"start"}))
            if token.type == "ordered_list_open":
                listed.ordered, listed.start = True, int(token.attrs.get("start", 1) or 1)
            return listed
        if token.type == "blockquote_open":
            return m.BlockQuote(self.read("blockquote_close"), attributes(token))
        if token.type == "table_open":
            return self.table(token)
        if token.type in ("hr", "code_block", "fence", "html_block"):
            # Not part of the profile vocabulary: keep code as a note, drop rules.
            return m.Paragraph([m.Code(token.content.rstrip("\n"))], role="note") if token.content else None
        return None

    def paragraph(self, token: Token, children: list[m.Inline]) -> m.Block:
        role = str(token.attrs.get("class", "")) or None
        if role == "contents":
            return m.Contents(m.plain_text(children))
        if role in ("sources-list", "further-sources-list"):
            return m.SourceList([], numbered=role == "sources-list")
        if role == "figure":  # {.figure src="html/chart.png" alt="..."} then the caption
            attr = attributes(token, {"src", "alt"})
            attr.classes.remove("figure")
            return m.Figure(str(token.attrs.get("src", "")), str(token.attrs.get("alt", "")), children, attr=attr)
        # {.note .wide #why}: the first role class is the role, the rest the paragraph's attributes
        attr = attributes(token)
        role = next((c for c in attr.classes if c in ROLES), None)
        attr.classes = [c for c in attr.classes if c != role]
        return m.Paragraph(children, role, attr)

    def bullet_list(self, close: str, attr: m.Attr) -> m.BulletList:
        """Each item's blocks: its paragraphs (hidden ones in a tight list) and nested lists."""
        items: list[list[m.Block]] = []
        while True:
            token = self.next()
            if token.type == close:
                return m.BulletList(items, attr=attr)
            if token.type == "list_item_open":
                items.append(self.read("list_item_close"))

    def table(self, open_token: Token) -> m.Table:
        header: list[list[m.Block]] = []
        rows: list[list[list[m.Block]]] = []
        in_head = False
        while True:
            token = self.next()
            if token.type == "table_close":
                break
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open" and not in_head:
                rows.append([])
            elif token.type == "inline":
                # GFM cells hold one line of inline text: one paragraph each
                (header if in_head else rows[-1]).append([m.Paragraph(inlines(token))])
        caption = str(open_token.attrs.get("caption", ""))
        widths = _widths(str(open_token.attrs.get("widths", "")), len(header) or len(rows[0] if rows else []))
        return m.Table(header, rows, parse_inline(caption) if caption else [], widths,
                       attributes(open_token, {"caption", "widths"}))


def attributes(token: Token, used: Collection[str] = ()) -> m.Attr:
    """The ``{#id .class key=value}`` attributes of a block token, without
    those its node keeps in fields of its own (``used``)."""
    attrs = {key: str(value) for key, value in token.attrs.items()}
    values = {key: value for key, value in attrs.items() if key not in {"id", "class", *used}}
    return m.Attr(attrs.get("id", ""), attrs.get("class", "").split(), values)


def _widths(text: str, columns: int) -> list[float]:
    """Relative column widths; a template that gives words or the wrong count is refused
    (``reportgen check --templates`` reports literal ones at their line)."""
    try:
        widths = [float(w) for w in text.split()]
    except ValueError:
        widths = []
    if text.strip() and (not widths or any(w <= 0 for w in widths)):
        raise TemplateError(f'table widths="{text}": give one positive number per column, e.g. widths="2 5"')
    if widths and len(widths) != columns:
        raise TemplateError(f'table widths="{text}" gives {len(widths)} widths for a table of {columns} columns')
    return widths


def parse_inline(text: str) -> list[m.Inline]:
    """Inline Markdown (a table caption from a block attribute), escapes resolved."""
    tokens = _parser().parseInline(text)
    return inlines(tokens[0]) if tokens else []


def inlines(token: Token) -> list[m.Inline]:
    """Convert an ``inline`` token's children into model inlines."""
    stack: list[list[m.Inline]] = [[]]
    openers: list[tuple[str, str]] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "html_inline"):
            _append_text(stack[-1], child.content)
        elif kind == "code_inline":
            stack[-1].append(m.Code(child.content))
        elif kind == "softbreak":
            _append_text(stack[-1], " ")
        elif kind == "hardbreak":
            stack[-1].append(m.LineBreak())
        elif kind == "citation":
            stack[-1].append(m.Citation(child.meta["id"], child.meta["locator"]))
        elif kind in ("strong_open", "em_open", "link_open", "span_open"):
            openers.append((kind, str(child.attrs.get("href", child.attrs.get("lang", "")))))
            stack.append([])
        elif kind in ("strong_close", "em_close", "link_close", "span_close"):
            kind_open, href = openers.pop()
            children = stack.pop()
            stack[-1].extend(_close(kind_open, href, children))
    return stack[0]


def _close(kind: str, href: str, children: list[m.Inline]) -> list[m.Inline]:
    if kind == "strong_open":
        return [m.Strong(children)]
    if kind == "em_open":
        return [m.Emph(children)]
    if kind == "span_open":
        return [m.Span(href, children)] if href else children
    return [m.Link(href, children)] if is_safe_link(href) else children


def _append_text(run: list[m.Inline], text: str) -> None:
    """Merge adjacent text so dumps and writers see whole runs."""
    if not text:
        return
    if run and isinstance(run[-1], m.Text):
        run[-1] = m.Text(run[-1].text + text)
    else:
        run.append(m.Text(text))
