"""Addresses: which are acceptable, and when two of them name the same source."""

from __future__ import annotations

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
