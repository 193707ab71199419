"""Post-processing of WeasyPrint's tagged PDF so that its PDF/UA-1 claim holds.

WeasyPrint 70 tags each page on its own: the furniture drawn in page-margin
boxes (running head, folio) is marked content with MCIDs whose structure
elements hang nowhere; every page starts a new ``Part`` (``<main>``), so
sections, lists and tables broken by a page become two elements; a link whose
``::after`` adds text (the contents' page numbers) gives nested ``Link``
elements with one annotation each, whose ``/Contents`` is the anchor id; table
header cells carry ``/ID`` but no ``/Scope`` and there is no ``/IDTree``.

:func:`fix_structure` repairs all of that with pikepdf. It learns which HTML
element each structure element came from through public API only: the HTML
handed to WeasyPrint has an id on every container (:func:`mark_elements`) and
a ``data-rg-tag`` that one shared CSS rule turns into a bookmark on every other
element; each laid-out page's ``Page.anchors`` then lists the containers with
a box on it and its ``Page.bookmarks`` the elements that start on it (removed
again before the PDF is written). The structure kids of each page are paired
with those elements in document order by the role WeasyPrint gives each tag
(see "pairing" below), deciding from the structure whether an element that
started earlier goes on; when that is ambiguous, the caller lays out again
with an id on every element (exact, ~10 % slower: an id is an own declaration
and stops WeasyPrint from sharing computed styles between like siblings). The
extra named destinations are removed again. With that and the text of each anchor
target:

- marked content that no reachable structure element owns becomes a
  pagination ``/Artifact`` (and leaves the parent tree);
- fragments of one element on consecutive pages become one element; a table
  header repeated on a later page becomes an artifact, its cells' ``/ID`` are
  mapped onto the first header's;
- nested links become one ``Link`` with one annotation covering them all,
  whose ``/Contents`` is the text of the target (a heading's text);
- ``TH`` gets ``/Scope`` (``Column`` in ``THead``, else ``Row``), the structure
  root an ``/IDTree``, the parent tree is rebuilt from the tree;
- optionally, the XMP metadata of a PDF/A file also claims PDF/UA-1.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name

from reportgen.writers.html import LONG_WORD_CLASS

# Elements of the layout WeasyPrint leaves as NonStruct but that are sections
# for a reader: the cover (<header>) and the contents (<nav>).
_ROLE_OF_TAG = {"header": "/Sect", "nav": "/Sect"}
_CONTAINERS_TO_DROP_WHEN_REPEATED = {"/THead"}
_WHITESPACE = re.compile(r"\s+")


@dataclass
class _State:
    """What the passes learn and the final rewrite needs."""

    pdf: pikepdf.Pdf
    artifacts: set[tuple[tuple[int, int], int]] = field(default_factory=set)  # (page objgen, mcid)
    dropped_annotations: set[tuple[int, int]] = field(default_factory=set)
    id_map: dict[str, str] = field(default_factory=dict)  # dropped TH /ID -> kept TH /ID
    footnote_areas: set[tuple[int, int]] = field(default_factory=set)


# --- public API ---------------------------------------------------------------


def fix_structure(data: bytes, html_root: Any, page_anchors: list[set[str]], link_texts: dict[str, str],
                  claim_ua: bool = False, page_starts: list[set[str]] | None = None) -> bytes:
    """The PDF ``data`` (WeasyPrint's output for the HTML ``html_root``, marked
    by :func:`mark_elements`) with a structure tree that PDF/UA-1 accepts;
    ``page_anchors`` are the ids each laid-out page holds (``Page.anchors``),
    ``link_texts`` maps anchor names to the text a link to them should announce."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _drop_marked_destinations(pdf)
        paired = _paired(pdf, html_root, page_anchors, page_starts)
        if paired is None:  # untagged PDF: nothing to repair
            return _saved(pdf)
        state, root, document, html_elements = paired
        _merge_page_fragments(state, document, html_elements)
        for link in list(_elements(document)):
            if link.S == "/Link" and _is_structural(link.get("/P")) and link.P.S != "/Link":
                _flatten_link(state, link, link_texts)
        _apply_html_semantics(pdf, document, html_elements, str(pdf.Root.get("/Lang", "")))
        elements = list(_elements(document))  # the tree's final shape
        _scope_header_cells(elements)
        _remap_header_ids(state, elements)
        _rewrite_artifacts(state)
        _drop_annotations(state)
        _rebuild_parent_tree(pdf, root, elements)
        _build_id_tree(pdf, root, elements)
        if claim_ua:
            _claim_pdfua(pdf)
        return _saved(pdf)


def html_pairing(data: bytes, html_root: Any, page_anchors: list[set[str]],
                 page_starts: list[set[str]] | None = None) -> dict[tuple[int, ...], tuple[tuple[int, ...], str]]:
    """What :func:`fix_structure` learns first, for checks and debugging: each
    structure element of WeasyPrint's PDF ``data``, as the path of kid indices
    from the Document element, -> the HTML element it was made from, as the
    path of child indices from ``html_root``, and WeasyPrint's box tag."""
    positions: dict[int, tuple[int, ...]] = {}

    def number(element: Any, path: tuple[int, ...]) -> None:
        positions[id(element)] = path
        for index, child in enumerate(element):
            number(child, (*path, index))

    number(html_root, ())
    with pikepdf.open(io.BytesIO(data)) as pdf:
        paired = _paired(pdf, html_root, page_anchors, page_starts)
        if paired is None:
            raise ValueError("the PDF is not tagged")
        _, _, document, mapping = paired
        paths: dict[tuple[int, int], tuple[int, ...]] = {}

        def walk(element: Dictionary, path: tuple[int, ...]) -> None:
            paths[element.objgen] = path
            for index, kid in enumerate(_kids(element)):
                if _is_structural(kid):
                    walk(kid, (*path, index))

        walk(document, ())
        return {paths[key]: (positions[id(source)], tag) for key, (source, tag) in mapping.items()}


def _paired(pdf: pikepdf.Pdf, html_root: Any, page_anchors: list[set[str]], page_starts: list[set[str]] | None
            ) -> tuple[_State, Dictionary, Dictionary, dict[tuple[int, int], _Origin]] | None:
    """The structure root, its Document element and what each structure
    element was made from (before any repair changes the kids); None for an
    untagged PDF."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        return None
    state = _State(pdf)
    document = _document_element(root)
    _artifact_orphans(state, root)
    return state, root, document, _html_elements(state, document, html_root, page_anchors, page_starts)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    # qpdf compresses the rewritten streams but never the XMP packet (PDF/A)
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def _drop_marked_destinations(pdf: pikepdf.Pdf) -> None:
    """Remove the named destinations of the ids :func:`mark_elements` added
    (WeasyPrint writes one per id; no link leads to them)."""
    names = pdf.Root.get("/Names")
    if not isinstance(names, Dictionary):
        return
    dests = names.get("/Dests")
    if not isinstance(dests, Dictionary) or "/Names" not in dests:
        return
    flat = list(dests.Names)
    kept: list[Any] = []
    for name, destination in zip(flat[::2], flat[1::2], strict=True):
        if not str(name).startswith(MARK_PREFIX):
            kept.extend([name, destination])
    if kept:
        dests.Names = Array(kept)
        return
    del names["/Dests"]
    if not names.keys():
        del pdf.Root["/Names"]


def anchor_texts(html_root: Any) -> dict[str, str]:
    """Anchor id -> the whitespace-collapsed text of the element (at most 200
    characters): what a link to that anchor leads to."""
    texts: dict[str, str] = {}
    for element in html_root.iter():
        anchor = element.get("id") if isinstance(element.tag, str) else None
        if anchor and not anchor.startswith(MARK_PREFIX):
            text = _WHITESPACE.sub(" ", "".join(element.itertext())).strip()
            texts[anchor] = text[:200]
    return texts


# --- tree helpers -------------------------------------------------------------


def _is_structural(obj: Any) -> bool:
    return isinstance(obj, Dictionary) and obj.get("/Type") == "/StructElem"


def _kids(element: Dictionary) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _set_kids(element: Dictionary, kids: list[Any]) -> None:
    element.K = Array(kids)


def _parent(element: Dictionary) -> Dictionary:
    """The ``/P`` of a structure element below the root."""
    parent = element.get("/P")
    if not isinstance(parent, Dictionary):
        raise ValueError(f"structure element {element.objgen} without a parent")
    return parent


def _elements(element: Dictionary) -> Iterator[Dictionary]:
    """``element`` and its structure descendants, in document order."""
    yield element
    for kid in _kids(element):
        if _is_structural(kid):
            yield from _elements(kid)


def _document_element(root: Dictionary) -> Dictionary:
    kids = _kids(root)
    if len(kids) != 1 or not _is_structural(kids[0]):
        raise ValueError("structure root without a single Document element")
    return kids[0]


def _page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: number for number, page in enumerate(pdf.pages)}


# --- furniture ----------------------------------------------------------------


def _artifact_orphans(state: _State, root: Dictionary) -> None:
    """Marked content whose owner is not in the tree (margin boxes) -> artifacts."""
    reachable = {e.objgen for e in _elements(_document_element(root))}
    nums = list(root.ParentTree.get("/Nums", Array()))
    pages = {int(page.get("/StructParents", -1)): page for page in state.pdf.pages}
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        page = pages.get(int(key))
        if page is None or not isinstance(value, Array):
            continue
        for mcid, owner in enumerate(value):
            if isinstance(owner, Dictionary) and owner.objgen not in reachable:
                state.artifacts.add((page.obj.objgen, mcid))


def _rewrite_artifacts(state: _State) -> None:
    """Turn the collected marked-content sequences into pagination artifacts."""
    by_page: dict[tuple[int, int], set[int]] = {}
    for page_id, mcid in state.artifacts:
        by_page.setdefault(page_id, set()).add(mcid)
    for page in state.pdf.pages:
        mcids = by_page.get(page.obj.objgen)
        if mcids:
            page.obj.Contents = state.pdf.make_stream(_content_with_artifacts(page, mcids))


# WeasyPrint writes each marked-content start as "/Tag\n<</MCID n>>\nBDC" on lines
# of its own; rewriting those lines is ~20 times faster than parsing the stream.
_MARKED = re.compile(rb"^/[^\s/<>\[\]()]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC$", re.M)
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _content_with_artifacts(page: pikepdf.Page, mcids: set[int]) -> bytes:
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        found: set[int] = set()

        def replace(match: re.Match[bytes]) -> bytes:
            if int(match[1]) in mcids:
                found.add(int(match[1]))
                return _ARTIFACT
            return match[0]

        data = _MARKED.sub(replace, contents.read_bytes())
        if found == mcids:
            return data
    # Any other layout: the general (slower) way through pikepdf's parser.
    ops = pikepdf.parse_content_stream(page)
    return pikepdf.unparse_content_stream([_as_artifact(instruction, mcids) for instruction in ops])


_Instruction = pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage


def _as_artifact(instruction: _Instruction, mcids: set[int]) -> _Instruction:
    operands, op = instruction.operands, instruction.operator
    if str(op) == "BDC" and len(operands) == 2 and isinstance(operands[1], Dictionary):
        mcid = operands[1].get("/MCID")
        if mcid is not None and int(mcid) in mcids:
            return pikepdf.ContentStreamInstruction([Name.Artifact, Dictionary(Type=Name.Pagination)], op)
    return instruction


def _artifact_content(state: _State, element: Dictionary) -> None:
    """All marked content under ``element`` becomes artifact."""
    for node in _elements(element):
        for kid in _kids(node):
            if isinstance(kid, int):
                state.artifacts.add((node.Pg.objgen, int(kid)))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                state.artifacts.add((kid.Pg.objgen, int(kid.MCID)))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                state.dropped_annotations.add(kid.Obj.objgen)


# --- pairing structure elements with the HTML elements they came from ------------
#
# WeasyPrint makes one structure element per laid-out box, page by page, but does
# not say which HTML element a structure element came from, and the boxes are
# not public API. What is public: ``Page.anchors``, the ids with a box on that
# page. Every element of the body gets an id (``mark_elements``), so for each
# page we know which HTML elements are on it; the structure kids of an element
# are then paired, in document order, with its HTML children on that page, by
# the role WeasyPrint 70 gives each tag (weasyprint/pdf/tags.py, _get_pdf_tag).
# Structure kids that pair with no child are the element's own text (a Span of
# marked content only), its anonymous boxes (same role as the element: their
# kids pair with the following children) or its pseudo-elements (::marker as
# Lbl, ::before/::after, a footnote call).

MARK_PREFIX = "rg.pdf-tag."
"""Prefix of the ids :func:`mark_elements` gives (the dots keep it apart from
the writers' slugs); their named destinations are removed again from the PDF."""

_START_TAG = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)(\s*/?)>")
_HAS_ID = re.compile(r"\sid\s*=", re.I)
_RAW_TEXT = {"script", "style", "textarea", "title"}


def mark_elements(source: str, every: bool = True) -> str:
    """``source`` with an id on every element of the body that has none, so that
    each page's public ``anchors`` tell which elements have a box on it.

    With ``every=False`` only the containers of :data:`_MARKED_BY_ID` get an id;
    the other elements get ``data-rg-tag`` with the same number, which
    :data:`STARTS_CSS` turns into a bookmark: each page's ``bookmarks`` then
    say which elements *start* on it (see :func:`take_starts`). An id costs a
    declaration of the element's own (``-weasy-anchor``), which stops
    WeasyPrint from sharing one computed style between like siblings; a
    ``data-`` attribute does not.
    """
    if re.search(rf"""\sid\s*=\s*["']?{re.escape(MARK_PREFIX)}""", source):
        raise ValueError(f"the HTML already has an id with the reserved prefix {MARK_PREFIX!r}")
    if not every and re.search(rf"""\s{START_ATTRIBUTE}\s*=""", source):
        raise ValueError(f"the HTML already has the reserved attribute {START_ATTRIBUTE!r}")
    body = re.search(r"<body[\s>]", source, re.I)
    if body is None:
        return source
    counter = itertools.count()
    parts = [source[:body.end()]]
    position = body.end()
    for match in _START_TAG.finditer(source, body.end()):
        if match.start() < position:  # inside a raw-text element skipped below
            continue
        parts.append(source[position:match.start()])
        tag, attributes, end = match[1], match[2], match[3]
        if _HAS_ID.search(attributes):
            parts.append(match[0])
        elif every or tag.lower() in _MARKED_BY_ID or _LONG_WORD.search(attributes):
            parts.append(f'<{tag}{attributes} id="{MARK_PREFIX}{next(counter)}"{end}>')
        else:
            parts.append(f'<{tag}{attributes} {START_ATTRIBUTE}="{next(counter)}"{end}>')
        position = match.end()
        if tag.lower() in _RAW_TEXT:  # its text is not markup: jump to its end tag
            close = re.compile(rf"</{tag}\s*>", re.I).search(source, position)
            stop = close.start() if close else len(source)
            parts.append(source[position:stop])
            position = stop
    parts.append(source[position:])
    return "".join(parts)


START_ATTRIBUTE = "data-rg-tag"
_START_LEVEL = 99  # deeper than any heading's bookmark-level, so never confused with one
STARTS_CSS = (f"[{START_ATTRIBUTE}] {{ bookmark-level: {_START_LEVEL} !important; "
              f"bookmark-label: attr({START_ATTRIBUTE}) !important }}")
"""For the PDF only: every element marked with ``data-rg-tag`` gets a bookmark
whose label is its number. One rule for all, so like siblings still share a
computed style; WeasyPrint keeps only the first box's bookmark of an element,
so a page's bookmarks list the elements that start on it."""

# Elements that keep an id with every=False: containers, whose presence on a
# later page can matter and cannot always be told from the structure tree (a
# section's kids look alike), and headings (few; their bookmark is the outline).
_MARKED_BY_ID = {"main", "section", "article", "div", "nav", "header", "aside", "footer", "ol", "ul", "dl",
                 "table", "figure", "blockquote", "body", "h1", "h2", "h3", "h4", "h5", "h6"}
# And the one inline element that can run on over pages by itself: a long word
# (the HTML writer's class), broken over many lines. Its line fragments look
# like the spans around it, so without an id a page it runs on to was
# ambiguous, and the whole document was laid out a second time.
_LONG_WORD = re.compile(r"""\sclass\s*=\s*["'][^"']*\b""" + re.escape(LONG_WORD_CLASS) + r"\b")


def take_starts(pages: list[Any]) -> list[set[str]]:
    """For each laid-out page, the mark ids (``MARK_PREFIX`` + number) of the
    elements that start on it, read from and removed out of ``page.bookmarks``
    (a public list), so the PDF's outline is the headings' alone."""
    starts: list[set[str]] = []
    for page in pages:
        ours = [b for b in page.bookmarks if b[0] == _START_LEVEL]
        page.bookmarks[:] = [b for b in page.bookmarks if b[0] != _START_LEVEL]
        starts.append({MARK_PREFIX + str(b[1]) for b in ours})
    return starts


def _key(element: Any) -> str:
    """The id by which ``present`` names ``element`` (its own or its mark)."""
    anchor = element.get("id")
    if anchor:
        return str(anchor)
    number = element.get(START_ATTRIBUTE)
    return MARK_PREFIX + number if number else ""


class AmbiguousPairing(ValueError):
    """The pages' starts and the structure tree do not tell which elements a
    page holds: render again with every element marked."""


# WeasyPrint 70's role for each HTML tag (weasyprint/pdf/tags.py); others are NonStruct.
_ROLE_OF_HTML = {
    "div": "/Div", "span": "/Span", "main": "/Part", "article": "/Art", "section": "/Sect",
    "blockquote": "/BlockQuote", "p": "/P", "h1": "/H1", "h2": "/H2", "h3": "/H3", "h4": "/H4", "h5": "/H5",
    "h6": "/H6", "dl": "/L", "ul": "/L", "ol": "/L", "li": "/LI", "dt": "/LI", "dd": "/LI", "table": "/Table",
    "tr": "/TR", "th": "/TH", "td": "/TD", "thead": "/THead", "tbody": "/TBody", "tfoot": "/TFoot",
    "img": "/Figure", "{http://www.w3.org/2000/svg}svg": "/Figure", "caption": "/Caption", "figcaption": "/Caption",
}
_LISTS = {"ul", "ol"}
# Boxes WeasyPrint lays out (with anchors) but makes no structure element for.
_NO_STRUCTURE = {"colgroup", "col"}
_FOOTNOTE_ROLES = {"doc-footnote", "doc-endnote"}

_Origin = tuple[Any, str]  # (HTML element, WeasyPrint's element_tag: "p", "li::marker", "span::footnote-call")


def _tag(element: Any) -> str:
    return element.tag if isinstance(element.tag, str) else ""


def _role(tag: str) -> str:
    return "/Link" if tag.split(":")[0] == "a" else _ROLE_OF_HTML.get(tag, "/NonStruct")


def _fits(kid: Dictionary, html: Any, parent: Dictionary) -> bool:
    """Whether structure element ``kid`` (a kid of ``parent``) can be made from ``html``."""
    tag, role = _tag(html), str(kid.S)
    if tag in ("li", "dt", "dd"):  # a list item, the LBody WeasyPrint wraps in an LI, or nested
        return role in ("/LI", "/LBody", "/NonStruct")
    if tag in ("td", "th") and parent.S in ("/TD", "/TH"):
        return role == "/NonStruct"
    return role == _role(tag)


def _anonymous_role(parent: Dictionary, source: Any) -> str:
    """The role of an anonymous box WeasyPrint makes inside ``source``."""
    if parent.S == "/LI":
        return "/LBody"
    if parent.S in ("/LBody", "/TD", "/TH") and _role(_tag(source)) in ("/LI", "/TD", "/TH"):
        return "/NonStruct"
    return _role(_tag(source))


def _is_text(element: Dictionary) -> bool:
    """A Span WeasyPrint makes for a run of text: marked content only."""
    kids = _kids(element)
    return element.S == "/Span" and bool(kids) and all(isinstance(k, int) for k in kids)


def _is_footnote(element: Any) -> bool:
    return bool(_FOOTNOTE_ROLES & set((element.get("role") or "").split())
                or "footnote" in (element.get("class") or "").split())


# Inline elements: a line break inside one splits its box, and WeasyPrint makes
# one structure element per line (fragments that follow each other).
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label", "mark", "q",
           "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}


@dataclass
class _Cursor:
    """Where the pairing of one HTML element's children stands on a page."""

    queue: list[Any]  # children not paired yet
    last: Any = None  # the child paired last, while no other kid has come after it
    # Children that had a box on the page before and may continue on this one,
    # undecided until a structure kid that could be one of them comes.
    pending: list[Any] = field(default_factory=list)


@dataclass
class _Pairing:
    """Pairs the structure elements of one page with HTML elements.

    ``previous is None``: every element is marked by id and ``present`` is
    exact. Otherwise ``present`` holds the ids on the page and the elements
    that start on it, and an unmarked child that was on the page before
    (``previous``) and did not start here is pending: its presence is decided
    from the structure kids (:meth:`_decide`), and added to ``present``.
    """

    present: set[str]  # ids with a box on this page
    mapping: dict[tuple[int, int], _Origin]
    floated: list[Any] = field(default_factory=list)  # footnotes called on this page
    cursors: dict[int, _Cursor] = field(default_factory=dict)  # id() of an HTML element -> its cursor
    previous: set[str] | None = None  # what the page before held, when present is not exact

    def cursor(self, source: Any) -> _Cursor:
        """The cursor over ``source``'s child elements that have a box on this page."""
        found = self.cursors.get(id(source))
        if found is None:
            children = [c for c in source if isinstance(c.tag, str) and c.tag not in _NO_STRUCTURE]
            if self.previous is None:
                found = _Cursor([c for c in children if c.get("id") in self.present])
            else:
                found = _Cursor([])
                before = [c for c in children if _key(c) in self.previous and not _is_footnote(c)]
                # Only the last child on the page before can go on in the flow,
                # except a row's cells (all) and a table's repeated head and foot.
                if _tag(source) != "tr":
                    before = [c for c in before[:-1] if _tag(c) in ("thead", "tfoot")] + before[-1:]
                carried = [c for c in before if _key(c) not in self.present and not c.get("id")]
                for child in children:
                    if _key(child) in self.present:
                        found.queue.append(child)
                    elif any(child is c for c in carried):
                        if self._descendant_present(child):
                            found.queue.append(child)
                            self.present.add(_key(child))
                        else:
                            found.pending.append(child)
            self.cursors[id(source)] = found
        return found

    def _descendant_present(self, element: Any) -> bool:
        """Whether a descendant in the flow (not a footnote) is known to be on this page."""
        for descendant in itertools.islice(element.iter(), 1, None):
            if isinstance(descendant.tag, str) and _key(descendant) in self.present and not _is_footnote(descendant):
                return True
        return False

    def _decide(self, kid: Dictionary, parent: Dictionary, cursor: _Cursor, rest: list[Any]) -> None:
        """Decide which pending children of ``cursor`` are on this page, at
        ``kid``, the first structure kid that may stand for one of them; ``rest``
        are the kids from ``kid`` on. A pending child comes before every child
        that starts here, so it is on the page if ``kid`` is its fragment.
        Counting kids of ``kid``'s kind against the children that start here
        decides; anything else raises :class:`AmbiguousPairing`."""
        fitting = [c for c in cursor.pending if _fits(kid, c, parent)]
        starter = cursor.queue[0] if cursor.queue else None
        if not fitting:
            if (starter is not None and _fits(kid, starter, parent)) or self._continues(kid, parent, cursor, starter):
                cursor.pending = []  # kid is a later child's: the pending ones ended on the page before
            return
        kinds = {_role(_tag(c)) for c in fitting}
        kids = sum(1 for k in rest if _is_structural(k) and not _is_text(k) and _fits(k, fitting[0], parent))
        starters = sum(1 for c in cursor.queue if _role(_tag(c)) in kinds)
        inline = any(_tag(c) in _INLINE for c in fitting)
        if kids == starters and not inline:
            chosen: list[Any] = []
        elif starter is None or not _fits(kid, starter, parent):
            chosen = fitting[-1:] if inline else fitting  # kid can only be a pending child's
            if not inline and kids != starters + len(fitting):
                raise AmbiguousPairing(f"{kids} {kid.S} kids for {starters} starting and {len(fitting)} "
                                       f"continuing {_tag(fitting[0])} elements")
        elif not inline and kids == starters + len(fitting):
            chosen = fitting
        elif inline and kids == starters:
            chosen = []
        else:
            raise AmbiguousPairing(f"cannot tell whether {_tag(fitting[0])} continues on the page: {kids} "
                                   f"{kid.S} kids for {starters} starting")
        cursor.queue[:0] = chosen
        self.present.update(_key(c) for c in chosen)
        cursor.pending = []

    def pair(self, element: Dictionary, source: Any, kids: list[Any] | None = None) -> None:
        """Pair the structure kids of ``element`` (made from ``source``) with
        ``source``'s children, continuing where its cursor stands."""
        cursor = self.cursor(source)
        kids = _structure_kids(element) if kids is None else kids
        for position, kid in enumerate(kids):
            if not _is_structural(kid) or _is_text(kid):
                cursor.last = None  # text: what follows is no line fragment of the last child
                continue
            if cursor.pending:
                self._decide(kid, element, cursor, kids[position:])
            html = cursor.queue[0] if cursor.queue else None
            if self._continues(kid, element, cursor, html):
                self.mapping.setdefault(kid.objgen, (cursor.last, _tag(cursor.last)))
                self.pair(kid, cursor.last)
            elif html is not None and _fits(kid, html, element):
                cursor.queue.pop(0)
                self.mapping.setdefault(kid.objgen, (html, _tag(html)))
                self.pair(kid, html)
                cursor.last = html
                inner = self.cursor(html)
                if kid.S == "/LI" and inner.queue and _tag(inner.queue[0]) in _LISTS:
                    # WeasyPrint hangs a list nested in an item on the item's list
                    cursor.queue[:0], inner.queue = inner.queue, []
            elif html is not None and _is_footnote(html) and kid.S == "/NonStruct":
                cursor.queue.pop(0)  # the footnote went to the footnote area; its call stays here
                self.mapping.setdefault(kid.objgen, (html, _tag(html) + "::footnote-call"))
                self.floated.append(html)
                cursor.last = None
            elif _anonymous_role(element, source) == kid.S:
                self.mapping.setdefault(kid.objgen, (source, _tag(source)))
                self.pair(kid, source)
            elif kid.S == "/Lbl":
                self.mapping.setdefault(kid.objgen, (source, _tag(source) + "::marker"))
                cursor.last = None
            else:  # ::before, ::after and the like: generated content of source
                self.mapping.setdefault(kid.objgen, (source, _tag(source) + "::before"))
                cursor.last = None

    def _continues(self, kid: Dictionary, parent: Dictionary, cursor: _Cursor, html: Any) -> bool:
        """Whether ``kid`` is the next line's fragment of the inline child paired last.

        It must come right after it with the same role; if the next child could
        be ``kid`` too, the fragment wins only when the last child still has
        children to place or text follows it (which would come between them).
        """
        last = cursor.last
        if last is None or _tag(last) not in _INLINE or _role(_tag(last)) != kid.S:
            return False
        if html is None or not _fits(kid, html, parent):
            return True
        return bool(self.cursor(last).queue) or bool((last.tail or "").strip())

    def pair_footnotes(self, area: Dictionary) -> None:
        """The footnote area's kids are the notes called on this page, each with
        its ::footnote-marker first."""
        notes = [k for k in _structure_kids(area) if _is_structural(k) and not _is_text(k)]
        if len(notes) != len(self.floated):
            raise ValueError(f"{len(self.floated)} footnotes called on a page whose footnote area holds "
                             f"{len(notes)}: WeasyPrint's footnote layout is not the one pdf_tags knows")
        for note, html in zip(notes, self.floated, strict=True):
            self.mapping.setdefault(note.objgen, (html, _tag(html)))
            kids = [k for k in _structure_kids(note) if _is_structural(k) and not _is_text(k)]
            if kids and kids[0].S == "/NonStruct":
                self.mapping.setdefault(kids[0].objgen, (html, _tag(html) + "::footnote-marker"))
                kids = kids[1:]
            self.pair(note, html, kids)


def _html_elements(state: _State, document: Dictionary, html_root: Any, page_anchors: list[set[str]],
                   page_starts: list[set[str]] | None = None) -> dict[tuple[int, int], _Origin]:
    """Structure element (objgen) -> the HTML element it was made from, page by
    page; a page's footnote area (its last Document kid) is noted in ``state``.

    Without ``page_starts`` every element has an id and ``page_anchors`` say
    exactly which are on each page; with them (``mark_elements(every=False)``),
    a page holds its anchors, the elements that start on it, and what
    :class:`_Pairing` finds continues from the page before."""
    mapping: dict[tuple[int, int], _Origin] = {}
    body = next((e for e in html_root.iter() if _tag(e) == "body"), None)
    if body is None:
        return mapping
    _check_footnotes(html_root, page_anchors if page_starts is None
                     else [a | s for a, s in zip(page_anchors, page_starts, strict=True)])
    index = _page_index(state.pdf)
    by_page: list[list[Any]] = [[] for _ in page_anchors]
    for kid in _kids(document):
        if _is_structural(kid) and "/Pg" in kid and index.get(kid.Pg.objgen, len(page_anchors)) < len(page_anchors):
            by_page[index[kid.Pg.objgen]].append(kid)
    previous: set[str] | None = None if page_starts is None else {_key(body)}
    for number, (kids, anchors) in enumerate(zip(by_page, page_anchors, strict=True)):
        known = anchors if page_starts is None else anchors | page_starts[number]
        pairing = _Pairing(set(known), {}, previous=previous)
        pairing.pair(document, body, kids)
        if pairing.floated:  # WeasyPrint puts the footnote area after the page's flow
            calls = len(pairing.floated)
            pairing = _Pairing(set(known), {}, previous=previous)
            pairing.pair(document, body, kids[:-1])
            if len(pairing.floated) != calls or kids[-1].S != "/NonStruct":
                raise ValueError("footnotes called on a page without a footnote area: WeasyPrint's "
                                 "footnote layout is not the one pdf_tags knows")
            pairing.pair_footnotes(kids[-1])
            state.footnote_areas.add(kids[-1].objgen)
        if page_starts is not None:
            left = [c for c in pairing.cursors.values() if c.queue]
            if left:
                raise AmbiguousPairing(f"page {number + 1}: {len(left)} elements with children on the page "
                                       "that no structure element stands for")
            previous = pairing.present | {_key(body)}
        mapping.update(pairing.mapping)
    return mapping


def _check_footnotes(html_root: Any, page_anchors: list[set[str]]) -> None:
    """Every footnote of the HTML is on a page: WeasyPrint 70 can lose one when
    it takes lines back for widows and orphans (WeasyPrint #2432)."""
    present = set().union(*page_anchors)
    for element in html_root.iter():
        if isinstance(element.tag, str) and _is_footnote(element) and _key(element) not in present:
            text = _WHITESPACE.sub(" ", "".join(element.itertext())).strip()
            raise ValueError(f"footnote {text[:60]!r} is on no page of the PDF: WeasyPrint lost it")


_NOTE_ROLES = {"doc-footnote", "doc-endnote", "note"}
_REFERENCE_ROLES = {"doc-noteref", "doc-biblioref"}


def _apply_html_semantics(pdf: pikepdf.Pdf, document: Dictionary, html: dict[tuple[int, int], _Origin],
                          lang: str) -> None:
    """What the HTML says and WeasyPrint does not carry over: the cover and
    contents are sections; notes (``role="doc-footnote"`` or class
    ``footnote``) are ``Note`` elements with their id; links to notes and
    sources (``doc-noteref``, ``doc-biblioref``) sit in a ``Reference``, as
    does a footnote call, and a footnote's marker is its ``Lbl``; an element
    whose ``lang`` differs from the document's gets ``/Lang``."""
    for element in list(_elements(document)):
        source, box_tag = html.get(element.objgen, (None, ""))
        if source is None:
            continue
        if box_tag.endswith("::footnote-call"):
            element.S = Name.Reference
            continue
        if box_tag.endswith("::footnote-marker"):
            element.S = Name.Lbl
            continue
        if "::" in box_tag:  # other generated content belongs to its element's text
            continue
        tag = source.tag if isinstance(source.tag, str) else ""
        role = (source.get("role") or "").split()
        classes = (source.get("class") or "").split()
        if _ROLE_OF_TAG.get(tag) and element.S == "/NonStruct":
            element.S = Name(_ROLE_OF_TAG[tag])
        if (_NOTE_ROLES & set(role) or "footnote" in classes) and element.S in ("/Span", "/NonStruct", "/Div"):
            element.S = Name.Note
            anchor = source.get("id") or ""
            if anchor and not anchor.startswith(MARK_PREFIX) and "/ID" not in element:
                element.ID = pikepdf.String(anchor)
        if _REFERENCE_ROLES & set(role) and element.S == "/Link":
            _wrap(pdf, element, Name.Reference)
        element_lang = source.get("lang") or source.get("{http://www.w3.org/XML/1998/namespace}lang")
        if element_lang and element_lang.lower() != lang.lower() and "/Lang" not in element:
            element.Lang = pikepdf.String(element_lang)


def _wrap(pdf: pikepdf.Pdf, element: Dictionary, role: Name) -> None:
    """Put ``element`` inside a new element of type ``role`` in its place."""
    parent = _parent(element)
    wrapper = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=role, P=parent, Pg=element.Pg, K=Array([element])))
    _set_kids(parent, [wrapper if _is_structural(k) and k.objgen == element.objgen else k for k in _kids(parent)])
    element.P = wrapper


def _merge_page_fragments(state: _State, document: Dictionary, html: dict[tuple[int, int], _Origin]) -> None:
    """Join the last element of each page with the first of the next when both
    are fragments of the same HTML element, level by level."""
    index = _page_index(state.pdf)
    by_page: list[list[Dictionary]] = [[] for _ in state.pdf.pages]
    for kid in _kids(document):
        page = index.get(kid.Pg.objgen) if _is_structural(kid) and "/Pg" in kid else None
        if page is not None and kid.objgen not in state.footnote_areas:
            by_page[page].append(kid)
    survivor: dict[tuple[int, int], Dictionary] = {}  # absorbed element -> the one holding it now
    for before, after in itertools.pairwise(by_page):
        if before and after:
            a, b = survivor.get(before[-1].objgen, before[-1]), after[0]
            if _merge(state, a, b, html):
                survivor[b.objgen] = a


def _structure_kids(element: Dictionary) -> list[Any]:
    """Kids that stand for child boxes (no annotation references)."""
    return [k for k in _kids(element) if not (isinstance(k, Dictionary) and k.get("/Type") == "/OBJR")]


def _merge(state: _State, a: Dictionary, b: Dictionary, html: dict[tuple[int, int], _Origin]) -> bool:
    """Merge fragment ``b`` (next page) into ``a`` if both come from the same
    HTML element (text runs never do: they are paired with none).

    ``a`` may already hold the fragments of earlier pages: its last kid is
    from the page before ``b``'s.
    """
    origin_a, origin_b = html.get(a.objgen), html.get(b.objgen)
    if a.S != b.S or origin_a is None or origin_b is None or origin_a[0] is not origin_b[0]:
        return False
    if a.S == "/Table":
        _drop_repeated_header(state, a, b)
    a_kids, b_kids = _structure_kids(a), _structure_kids(b)
    if a_kids and b_kids and _is_structural(a_kids[-1]) and _is_structural(b_kids[0]):
        _merge(state, a_kids[-1], b_kids[0], html)
    _absorb(a, b)
    return True


def _drop_repeated_header(state: _State, a: Dictionary, b: Dictionary) -> None:
    """A ``THead`` WeasyPrint repeats on a later page is furniture there."""
    heads = [k for k in _structure_kids(a) if _is_structural(k) and k.S in _CONTAINERS_TO_DROP_WHEN_REPEATED]
    b_kids = _structure_kids(b)
    if not heads or not b_kids or not _is_structural(b_kids[0]) or b_kids[0].S != "/THead":
        return
    repeated = b_kids[0]
    kept_ids = [str(th.ID) for th in _elements(heads[0]) if th.S == "/TH" and "/ID" in th]
    dropped_ids = [str(th.ID) for th in _elements(repeated) if th.S == "/TH" and "/ID" in th]
    state.id_map.update(zip(dropped_ids, kept_ids, strict=False))
    _artifact_content(state, repeated)
    _set_kids(b, [k for k in _kids(b) if not (_is_structural(k) and k.objgen == repeated.objgen)])


def _absorb(a: Dictionary, b: Dictionary) -> None:
    """Move every kid of ``b`` to the end of ``a``; remove ``b`` from its parent."""
    moved = []
    for kid in _kids(b):
        if _is_structural(kid):
            if not (_kids(a) and any(k.objgen == kid.objgen for k in _kids(a) if _is_structural(k))):
                kid.P = a
                moved.append(kid)
        else:
            moved.append(_content_reference(kid, b))
    _set_kids(a, _kids(a) + moved)
    parent = _parent(b)
    _set_kids(parent, [k for k in _kids(parent) if not (_is_structural(k) and k.objgen == b.objgen)])


def _content_reference(kid: Any, owner: Dictionary) -> Any:
    """An MCID of ``owner``'s page, made explicit so it can live under another page."""
    if isinstance(kid, int):
        return Dictionary(Type=Name.MCR, Pg=owner.Pg, MCID=kid)
    return kid


# --- links --------------------------------------------------------------------


def _flatten_link(state: _State, link: Dictionary, link_texts: dict[str, str]) -> None:
    """One Link element and one annotation for a link and the links nested in it."""
    annotation = next((k.Obj for k in _kids(link) if isinstance(k, Dictionary) and k.get("/Type") == "/OBJR"), None)
    kids: list[Any] = []
    for kid in _kids(link):
        if _is_structural(kid) and kid.S == "/Link":
            _flatten_link(state, kid, link_texts)  # its own nested links first
            for inner in _kids(kid):
                if isinstance(inner, Dictionary) and inner.get("/Type") == "/OBJR":
                    if annotation is not None:
                        _union_rect(annotation, inner.Obj)
                        state.dropped_annotations.add(inner.Obj.objgen)
                        continue
                    annotation = inner.Obj
                if _is_structural(inner):
                    inner.P = link
                kids.append(inner if kid.Pg.objgen == link.Pg.objgen else _content_reference(inner, kid))
        else:
            kids.append(kid)
    _set_kids(link, kids)
    if annotation is not None:
        text = _link_text(annotation, link_texts)
        if text:
            annotation.Contents = pikepdf.String(text)


def _union_rect(target: pikepdf.Object, other: pikepdf.Object) -> None:
    a = [float(v) for v in target.Rect]
    b = [float(v) for v in other.Rect]
    target.Rect = Array([min(a[0], a[2], b[0], b[2]), min(a[1], a[3], b[1], b[3]),
                         max(a[0], a[2], b[0], b[2]), max(a[1], a[3], b[1], b[3])])


def _link_text(annotation: pikepdf.Object, link_texts: dict[str, str]) -> str:
    destination = annotation.get("/Dest")
    if isinstance(destination, pikepdf.String | Name):
        name = str(destination).lstrip("/")
        return link_texts.get(name, "")
    action = annotation.get("/A")
    if isinstance(action, Dictionary) and "/URI" in action:
        return str(action.URI)
    return ""


def _drop_annotations(state: _State) -> None:
    if not state.dropped_annotations:
        return
    for page in state.pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = [a for a in annotations if a.objgen not in state.dropped_annotations]
        if len(kept) != len(annotations):
            page.obj.Annots = Array(kept)


# --- tables, ids, parent tree -------------------------------------------------


def _scope_header_cells(elements: list[Dictionary]) -> None:
    for row_group in elements:
        if row_group.S not in ("/THead", "/TBody", "/TFoot", "/Table"):
            continue
        scope = Name.Column if row_group.S == "/THead" else Name.Row
        for row in _kids(row_group):
            if not (_is_structural(row) and row.S == "/TR"):
                continue
            for cell in _kids(row):
                if _is_structural(cell) and cell.S == "/TH":
                    attributes = cell.get("/A")
                    if not isinstance(attributes, Dictionary):
                        attributes = Dictionary(O=Name.Table)
                        cell.A = attributes
                    if "/Scope" not in attributes:
                        attributes.Scope = scope


def _remap_header_ids(state: _State, elements: list[Dictionary]) -> None:
    """Data cells that named a dropped repeated header now name the kept one."""
    if not state.id_map:
        return
    for cell in elements:
        attributes = cell.get("/A") if cell.S == "/TD" else None
        if isinstance(attributes, Dictionary) and "/Headers" in attributes:
            attributes.Headers = Array(
                [pikepdf.String(state.id_map.get(str(h), str(h))) for h in attributes.Headers]
            )


def _rebuild_parent_tree(pdf: pikepdf.Pdf, root: Dictionary, elements: list[Dictionary]) -> None:
    """The parent tree from the tree itself: every MCID and annotation maps to
    the element that now holds it; artifacts and dropped annotations are gone."""
    owners: dict[tuple[int, int], dict[int, Dictionary]] = {}
    annotation_owner: dict[tuple[int, int], Dictionary] = {}
    for element in elements:
        for kid in _kids(element):
            if isinstance(kid, int):
                owners.setdefault(element.Pg.objgen, {})[int(kid)] = element
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                owners.setdefault(kid.Pg.objgen, {})[int(kid.MCID)] = element
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                annotation_owner[kid.Obj.objgen] = element
    nums: list[tuple[int, Any]] = []
    next_key = 0
    for page in pdf.pages:
        key = int(page.obj.get("/StructParents", next_key))
        page.obj.StructParents = key
        mcids = owners.get(page.obj.objgen, {})
        size = max(mcids, default=-1) + 1
        nums.append((key, Array([mcids.get(i, None) for i in range(size)])))
        next_key = max(next_key, key + 1)
    used = {key for key, _ in nums}  # a set and a running maximum: 2,000 links were quadratic
    last = next_key - 1
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", Array()):
            owner = annotation_owner.get(annotation.objgen)
            if owner is None:
                if "/StructParent" in annotation:
                    del annotation["/StructParent"]
                continue
            key = int(annotation.get("/StructParent", -1))
            if key < 0 or key in used:
                key = last + 1
            annotation.StructParent = key
            nums.append((key, owner))
            used.add(key)
            last = max(last, key)
    nums.sort(key=lambda pair: pair[0])
    flat: list[Any] = []
    for key, value in nums:
        flat.extend([key, value])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(flat)))
    root.ParentTreeNextKey = last + 1


def _build_id_tree(pdf: pikepdf.Pdf, root: Dictionary, elements: list[Dictionary]) -> None:
    """``/IDTree`` naming every element that has an ``/ID``."""
    named = sorted(((str(e.ID), e) for e in elements if "/ID" in e), key=lambda pair: pair[0])
    if not named:
        return
    flat: list[Any] = []
    for name, element in named:
        flat.extend([pikepdf.String(name), element])
    root.IDTree = pdf.make_indirect(Dictionary(Names=Array(flat)))


# --- metadata -----------------------------------------------------------------

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
_PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"

_UA_DESCRIPTION = f"""<rdf:Description xmlns:rdf="{_RDF}" rdf:about=""
  xmlns:pdfuaid="{_PDFUAID}" xmlns:pdfaExtension="{_PDFA_EXTENSION}"
  xmlns:pdfaSchema="{_PDFA_SCHEMA}" xmlns:pdfaProperty="{_PDFA_PROPERTY}">
 <pdfuaid:part>1</pdfuaid:part>
 <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
  <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
  <pdfaSchema:namespaceURI>{_PDFUAID}</pdfaSchema:namespaceURI>
  <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
  <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
   <pdfaProperty:name>part</pdfaProperty:name>
   <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
   <pdfaProperty:category>internal</pdfaProperty:category>
   <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
  </rdf:li></rdf:Seq></pdfaSchema:property>
 </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""


def _claim_pdfua(pdf: pikepdf.Pdf) -> None:
    """Add ``pdfuaid:part=1`` (with the PDF/A extension schema that declares it)
    to the XMP packet of a PDF/A file, which then claims both standards."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        raise ValueError("no XMP metadata to add the PDF/UA identifier to")
    tree = etree.fromstring(metadata.read_bytes())
    rdf = tree if tree.tag == f"{{{_RDF}}}RDF" else tree.find(f".//{{{_RDF}}}RDF")
    if rdf is None or tree.find(f".//{{{_PDFUAID}}}part") is not None or _has_ua_attribute(tree):
        return
    rdf.append(etree.fromstring(_UA_DESCRIPTION))
    stream = pdf.make_stream(etree.tostring(tree.getroottree(), encoding="utf-8"))
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = stream


def _has_ua_attribute(tree: Any) -> bool:
    return any(f"{{{_PDFUAID}}}part" in node.attrib for node in tree.iter() if isinstance(node.tag, str))
