"""Addresses: which are acceptable, and when two of them name the same source."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

SAFE_SCHEMES = ("http", "https", "mailto")


def is_web_url(url: str) -> bool:
    """An absolute http(s) address with a host and no whitespace, control
    or format characters (which a writer would refuse or hide)."""
    if not url or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed or out-of-range port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")


def is_safe_link(url: str) -> bool:
    """Links that may appear in a profile: http, https and mailto only."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return scheme in SAFE_SCHEMES and (scheme == "mailto" or is_web_url(url))


def normalize(url: str) -> str:
    """The identity of a source: scheme and host lower-cased, default port,
    fragment (including text fragments ``#:~:text=``) and a bare trailing
    slash dropped. Query strings stay: they often select the document."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # a malformed port: keep it as written
        port, host = None, parts.netloc.lower()
    if port and (parts.scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    return urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))


def domain(url: str) -> str:
    """The site's domain without a leading ``www.``, for the sources list."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


DISPLAY_QUERY_CHARS = 30  # a longer query is shown as "?…" (the link keeps it)
DISPLAY_SEGMENT_CHARS = 40  # a longer path segment is cut with "…"


def display(url: str) -> str:
    """An address as a reader sees it in the sources list: no scheme, no
    fragment (``#:~:text=...`` text fragments included), a long query shown as
    "?…", an over-long path segment cut with "…", no bare trailing slash. The
    link itself always keeps the full address."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() == "mailto":
        return parts.path
    segments = [s if len(s) <= DISPLAY_SEGMENT_CHARS else s[: DISPLAY_SEGMENT_CHARS - 1] + "…"
                for s in parts.path.split("/")]
    shown = parts.netloc.lower() + "/".join(segments)
    shown = shown.rstrip("/") if not parts.query else shown
    if parts.query:
        shown += "?" + (parts.query if len(parts.query) <= DISPLAY_QUERY_CHARS else "…")
    return shown


ZERO_WIDTH_SPACE = "\u200b"  # a line may break here
WORD_JOINER = "\u2060"  # a line may not break here


def breakable(shown: str) -> str:
    """``shown`` with a zero-width space after each "/" and before each "."
    (the only places a line may break inside an address, so that a line-end
    "/" or a line-start "." shows the address goes on) and a word joiner after
    each "-" (where a line would otherwise break): never letter by letter,
    never at a hyphen, never inside "www." (editors' review: "www. /
    paraguay.gov.py"). Plain characters, so a link stays one element in every
    format."""
    out: list[str] = []
    for index, char in enumerate(shown):
        if char == "." and 0 < index < len(shown) - 1 and not _ends_with_www(shown, index):
            out.append(ZERO_WIDTH_SPACE)
        out.append(char)
        last = index == len(shown) - 1
        if char == "/" and not last:
            out.append(ZERO_WIDTH_SPACE)
        elif char == "-" and not last:
            out.append(WORD_JOINER)
    return "".join(out)


def _ends_with_www(shown: str, index: int) -> bool:
    """Whether the label before the "." at ``index`` is "www" (or "www2")."""
    start = max(shown.rfind("/", 0, index), shown.rfind(".", 0, index)) + 1
    return re.fullmatch(r"www\d*", shown[start:index], re.IGNORECASE) is not None


def unbreakable(text: str) -> str:
    """``text`` without the break controls of :func:`breakable`."""
    return text.replace(ZERO_WIDTH_SPACE, "").replace(WORD_JOINER, "")
