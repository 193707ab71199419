"""Reading an answer's lines into content: its prose and the sources it cites.

The inline Markdown of an answer (links ``[text](url)`` and ``<url>``,
backslash escapes, emphasis, inline HTML such as ``<sup>``) is read from
markdown-it-py's inline tokens (CommonMark), not matched with patterns, so
that ``[a\\]b](http://x)`` is a link labelled "a]b", ``**[t](u)**`` is bold
around a link, and ``\\<`` is a "<" typed by the Government.

Regexes stay where the text is not Markdown but the form's own conventions,
which no Markdown parser knows:

* doubled escapes (``ver\\\\_decreto``): the export escaped text that was
  already escaped; they are collapsed to one before parsing (``_DOUBLE_ESCAPE``);
* URLs broken over two lines (``<https://...php?>`` then ``a=6e6e...``) are
  joined before parsing (``_join_broken_urls``);
* bare addresses in prose (``see https://x.org).``): CommonMark has no bare
  links (linkify is an extension) and the export writes them; they are found
  in the *text* tokens only (``_BARE_URL``), never inside a link;
* page references closing a line ("Pages 32, 95", "Page 104") become the
  locator of the link before them (``_PAGES``);
* heading marks at the start of a line (``### LEGAL FRAMEWORK``) are block
  syntax, which an answer's lines do not form reliably; they are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reportgen import urls

_PAGES = re.compile(
    r"(?:^|(?<=\s))(?P<word>[Pp]ages?)\.?\s*"
    r"(?P<pages>\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)\s*\.?\s*$"
)
_PAGE_PROSE_WORDS = frozenset({"on", "at", "in", "of", "to", "see", "from", "and", "the", "en", "la", "ver"})
_URL_CONTINUATION = re.compile(r"^[A-Za-z0-9_.~%+-]+=[^\s<>]*$")
_BARE_URL = re.compile(r"https?://[^\s<>\[\]]+")
_DOUBLE_ESCAPE = re.compile(r"\\{2,}(?=[!-/:-@\[-`{-~])")
_HEADING_MARKS = re.compile(r"^\s*#{1,6}\s+")
# The characters that can start inline Markdown (CommonMark's inline rules);
# a form line without any is its own text, and most lines of an export are.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>&!]")
# Inline HTML the export uses for layout: a word break, not text.
_LAYOUT_TAG = re.compile(r"</?(?:sub|span|u|i|b|em|strong|br|p|div)\b[^>]*>", re.IGNORECASE)
_SUP_OPEN = re.compile(r"<sup>", re.IGNORECASE)
_SUP_CLOSE = re.compile(r"</sup>", re.IGNORECASE)
# Link targets that are sources; any other target keeps only its text.
_WEB = ("http://", "https://")
_MAIL = "mailto:"

# Where a removed link was: lets the clean-up mend only the holes links leave.
_HOLE = "\x00"


@dataclass
class Source:
    """An address an answer gives, with the pages cited after it."""

    url: str
    pages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        entry = {"url": self.url}
        locator = _locator(self.pages)
        if locator:
            entry["locator"] = locator
        return entry


@dataclass
class Content:
    """An answer's prose (paragraphs separated by blank lines) and sources."""

    text: str | None = None
    sources: list[Source] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.text or self.sources)


class _AsWritten(MarkdownIt):
    """CommonMark that keeps link targets as written: markdown-it would
    percent-encode them, and the address must stay the one the Government
    gave (urls.normalize compares addresses); an autolink's text likewise,
    so that it still equals its address."""

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link


@cache
def _parser() -> MarkdownIt:
    """Inline HTML on, so that ``<sup>`` and ``<br>`` are tokens."""
    return _AsWritten("commonmark", {"html": True, "linkify": False, "typographer": False})


def inline_tokens(line: str) -> list[Token]:
    """The inline tokens of one line of an export (doubled escapes collapsed)."""
    tokens = _parser().parseInline(_DOUBLE_ESCAPE.sub("\\\\", line))
    return list(tokens[0].children or []) if tokens else []


@lru_cache(maxsize=8192)
def plain_text(line: str) -> str:
    """The text of a line as a reader sees it: no emphasis marks, escapes or
    tags; a link by its text, or its address when it has no other. For
    comparing form lines (titles, options, required marks)."""
    text, _ = _read_line(_HEADING_MARKS.sub("", line), keep_urls=True)
    return _mend(text).strip()


def join_broken_urls(lines: list[str]) -> list[str]:
    """A URL ending in ``?`` or ``&`` whose query string went to a later line
    (``<https://.../archivo.php?>`` ... ``a=6e6e...&x=1``) is joined back."""
    lines = list(lines)
    for index, line in enumerate(lines):
        match = re.search(r"<(https?://[^>\s]*[?&])>\s*$|(https?://\S*[?&])\s*$", line)
        if match is None:
            continue
        following = next((j for j in range(index + 1, len(lines)) if lines[j].strip()), None)
        if following is None or not _URL_CONTINUATION.match(lines[following].strip()):
            continue
        url = (match.group(1) or match.group(2)) + lines[following].strip()
        lines[index] = line[: match.start()] + f"<{url}>"
        lines[following] = ""
    return lines


def extract_content(lines: list[str]) -> Content:
    """Free text (paragraphs separated by blank lines) and the links of an answer.

    Links are taken out of the prose (``[text](url)`` keeps its text); a page
    reference after a link becomes the locator of that link's source.
    """
    sources: dict[str, Source] = {}
    last: Source | None = None
    paragraphs: list[list[str]] = [[]]
    for raw in join_broken_urls(lines):
        if not raw.strip():
            paragraphs.append([])
            continue
        text, found = _read_line(_HEADING_MARKS.sub("", raw))
        for url in found:
            last = sources.setdefault(urls.normalize(url), Source(url))
        text = _mend(text)
        pages = _page_reference(text)
        if pages is not None and last is not None:
            last.pages.extend(_page_list(pages.group("pages")))
            text = text[: pages.start()].rstrip(" ,;:-")
        if text:
            paragraphs[-1].append(text)
    body = "\n\n".join("\n".join(p) for p in paragraphs if p)
    return Content(body or None, list(sources.values()))


# --- one line, token by token -------------------------------------------------------


def _read_line(line: str, keep_urls: bool = False) -> tuple[str, list[str]]:
    """The prose of a line, with a ``_HOLE`` where a link without its own
    text was (its address with ``keep_urls``), and the web addresses it
    links to, in order."""
    out: list[str] = []
    found: list[str] = []
    if not _INLINE_MARKUP.search(line):  # one text token: skip the parser
        if not keep_urls:
            _bare_urls(line, out, found)
        return "".join(out) or line, found
    tokens = inline_tokens(line)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "link_open" or token.type == "image":
            index = _read_link(tokens, index, out, found, keep_urls)
            continue
        if token.type == "html_inline" and _SUP_OPEN.fullmatch(token.content):
            close = _closing_sup(tokens, index)
            if close is not None:  # a footnote mark: not part of the answer
                index = close + 1
                continue
        if token.type in ("text", "code_inline") and not keep_urls:
            _bare_urls(token.content, out, found)
        else:
            out.extend(_text_of(token))
        index += 1
    return "".join(out), found


def _text_of(token: Token) -> Iterator[str]:
    """What a non-link token adds to the prose."""
    if token.type in ("text", "code_inline"):
        yield token.content
    elif token.type in ("softbreak", "hardbreak"):
        yield " "
    elif token.type == "html_inline":
        # Layout tags are a word break; anything else that parsed as a tag
        # ("<Ley 1234>" does not, "<ABC>" does) is what the Government typed.
        yield " " if _LAYOUT_TAG.fullmatch(token.content) else token.content
    # strong/em open and close: emphasis marks are not words


def _closing_sup(tokens: list[Token], start: int) -> int | None:
    for index in range(start + 1, len(tokens)):
        if tokens[index].type == "html_inline" and _SUP_CLOSE.fullmatch(tokens[index].content):
            return index
    return None


def _read_link(tokens: list[Token], start: int, out: list[str], found: list[str], keep_urls: bool = False
               ) -> int:
    """Handle the link (or image) at ``start``; return the index after it.

    A web link becomes a source and keeps its text, unless the text is only
    the address again (then a hole is left to mend). A ``mailto:`` link is
    contact text, not a source. Any other target (relative, ``ftp:``) is not
    an address a profile can cite: its text stays, the target is dropped."""
    opening = tokens[start]
    href = str(opening.attrs.get("href") or opening.attrs.get("src") or "").strip()
    if opening.type == "image":
        label, end = opening.content, start + 1
    else:
        end = start + 1
        parts: list[str] = []
        while end < len(tokens) and tokens[end].type != "link_close":
            parts.extend(_text_of(tokens[end]))
            end += 1
        label, end = "".join(parts), end + 1
    label = label.strip()
    if href.startswith(_MAIL):
        out.append(label or href.removeprefix(_MAIL))
    elif href.startswith(_WEB):
        found.append(href)
        same = _split_trailing(label)[0] == href or bool(_BARE_URL.fullmatch(label))
        out.append((href if keep_urls else _HOLE) if not label or same else label)
    else:
        out.append(label)
    return end


def _bare_urls(text: str, out: list[str], found: list[str]) -> None:
    """Prose with bare addresses in it: each becomes a source and a hole;
    its trailing punctuation stays with the sentence."""
    position = 0
    for match in _BARE_URL.finditer(text):
        url, tail = _split_trailing(match.group())
        out += [text[position:match.start()], _HOLE, tail]
        found.append(url)
        position = match.end()
    out.append(text[position:])


def _split_trailing(url: str) -> tuple[str, str]:
    """A bare URL's trailing punctuation belongs to the sentence: ``(see
    https://x.org).`` gives ``https://x.org`` and ``).``."""
    end = len(url)
    while end and (url[end - 1] in ".,;:'\"" or (url[end - 1] == ")" and url.count("(", 0, end) <
                                                   url.count(")", 0, end))):
        end -= 1
    return url[:end], url[end:]


def _mend(text: str) -> str:
    """Prose with the holes links left mended and layout dropped: ``site
    (<url> and <url>).`` becomes ``site.``."""
    hole = re.escape(_HOLE)
    text = re.sub(rf"[(<]\s*{hole}\s*(?:(?:and|or|y|o|,)\s*{hole}\s*)*[)>]", _HOLE, text)
    text = re.sub(rf"\s*{hole}\s*(?=[.,;:)])", "", text)
    return re.sub(r"[ \t]+", " ", text.replace(_HOLE, " ")).strip()


# --- page references -----------------------------------------------------------------


def _page_reference(text: str) -> re.Match[str] | None:
    """A page reference closing the line: the whole line ("Pages 32, 95"), or
    a capitalized "Page 104" after a title; "... described on page 5" is prose."""
    match = _PAGES.search(text)
    if match is None or not text[: match.start()].strip():
        return match
    before = text[: match.start()].split()
    if not match.group("word").startswith("P") or before[-1].lower() in _PAGE_PROSE_WORDS:
        return None
    return match


def _page_list(pages: str) -> list[str]:
    return [re.sub(r"\s*[-–]\s*", "–", p.strip()) for p in pages.split(",") if p.strip()]


def _locator(pages: list[str]) -> str | None:
    """"p. 123", "pp. 32, 95", "pp. 11–12" (repeats dropped, order kept)."""
    unique = list(dict.fromkeys(pages))
    if not unique:
        return None
    prefix = "p." if len(unique) == 1 and "–" not in unique[0] else "pp."
    return f"{prefix} {', '.join(unique)}"
