"""Safe YAML reading that remembers where every value came from.

Responses are edited by hand, so every problem must point at a file and a line.
PyYAML's composer gives nodes with marks; we convert them ourselves so that
duplicate keys and aliases are caught (an alias bomb is refused before any
expansion) and each value's line is kept in a path -> line map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from reportgen.errors import InputError

MAX_BYTES = 5 * 1024 * 1024  # a real answer is ~100 KB; refuse before parsing
MAX_DEPTH = 20  # the format nests 6 levels deep; deeper is a mistake or an attack (RecursionError)

Path_ = tuple[Any, ...]


@dataclass
class Located:
    """Parsed YAML data plus the line (1-based) of each path and duplicate keys found."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int]] = field(default_factory=list)
    # Plain numbers written with a leading zero (``010``): YAML 1.1 reads
    # them as octal (8) or as text ("08"); (path, line, as written).
    leading_zeros: list[tuple[Path_, int, str]] = field(default_factory=list)
    # The lines a scalar value's text is written on (first, last), for a
    # message about one character of it; a block scalar's start after its
    # "|" or ">" line. And the file's text.
    spans: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    text: str = ""

    def line(self, path: Path_) -> int:
        """The line of ``path`` or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def _mark(event: yaml.Event) -> yaml.error.Mark:
    """The event's position (this pure-Python loader's events carry pure-Python marks)."""
    return cast(yaml.error.Mark, event.start_mark)


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses anchors and aliases: responses never need them, and an alias
    bomb ("billion laughs") would otherwise expand in memory. Refuses nesting
    deeper than ``max_depth`` before Python's recursion limit is reached."""

    def __init__(self, stream: str, max_depth: int = MAX_DEPTH):
        super().__init__(stream)
        self.max_depth = max_depth
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if self.depth >= self.max_depth:
                raise yaml.MarkedYAMLError(None, None, f"nested deeper than {self.max_depth} levels "
                                           "(limit: yaml_depth)", _mark(event))
            self.depth += 1
            try:
                return self._compose_checked(parent, index)
            finally:
                self.depth -= 1
        return self._compose_checked(parent, index)

    def _compose_checked(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "YAML aliases are not allowed", _mark(event))
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(None, None, "YAML anchors are not allowed", _mark(event))
        return super().compose_node(parent, index)


_OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _compose_with_libyaml(text: str, max_depth: int) -> yaml.Node | None:
    """The document's node tree from PyYAML's C parser (libyaml), eight times
    faster than the pure-Python one (0.06 s for Paraguay's answers, for every
    document built); None when libyaml is not installed, when the text has a
    YAML error, an anchor or an alias, a tab, or nests too deep:
    ``_NoAliasLoader`` then reads it again and accepts it or reports the
    problem exactly as it always has.

    The events are checked first, so an alias bomb is refused before the
    composer could expand it."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    # libyaml lets some tabs, and a byte-order mark within the text, pass where PyYAML refuses them
    if loader_class is None or "\t" in text or "\ufeff" in text:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, _OPENING):
                depth += 1
                if depth > max_depth:
                    return None
            elif isinstance(event, _CLOSING):
                depth -= 1
        loader = loader_class(text)
        try:
            return cast("yaml.Node | None", loader.get_single_node())
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return None


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line to fix and what is wrong there. PyYAML reports where it gave
    up, which for a quote left open is where the quoted text happens to end
    (the next apostrophe, maybe ten lines on) or the end of the file: the
    line that opened the quote is the one to name."""
    problem = exc.problem or exc.context or "invalid YAML"
    if isinstance(exc, yaml.scanner.ScannerError) and exc.context_mark and "quoted scalar" in (exc.context or "") \
            and problem in ("found unexpected end of stream", "found unexpected document separator"):
        return exc.context_mark.line + 1, f"a quote opened on this line is never closed ({problem})"
    if exc.problem_mark is not None:
        opened = _quote_ending_on(text, exc.problem_mark.line)
        if opened is not None:
            return opened, (f"the quoted text opened on this line runs to line {exc.problem_mark.line + 1}, "
                            f"where {problem}: is its closing quote missing?")
    mark = exc.problem_mark or exc.context_mark
    # An error "at the end of the stream" points past the last line.
    last_line = max(1, len(text.splitlines()))
    return (min(mark.line + 1, last_line) if mark else 1), problem


def _quote_ending_on(text: str, line: int) -> int | None:
    """The first line of a quoted text that spans lines and ends on ``line``
    (0-based), if the scanner meets one before it stops."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') \
                    and token.start_mark.line < token.end_mark.line == line:
                return int(token.start_mark.line) + 1
    except yaml.YAMLError:
        pass
    return None


_ANSWERS = re.compile(r"^answers:[ \t]*(#.*)?$")
_ITEM_KEY = re.compile(r"^([ \t]+)['\"]?(\d+)['\"]?[ \t]*:")


def item_at(text: str, line: int) -> int | None:
    """The questionnaire item whose answer holds ``line`` (1-based) in a
    responses file's text, read from the lines alone (for a file that does
    not parse): the last item key of the ``answers:`` mapping above it."""
    item: int | None = None
    indent: str | None = None
    inside = False
    for row in text.splitlines()[:line]:
        if _ANSWERS.match(row):
            inside, item, indent = True, None, None
        elif inside and row[:1] not in ("", " ", "\t", "#"):
            inside, item = False, None  # the next top-level key
        elif inside and (found := _ITEM_KEY.match(row)) and (indent is None or found.group(1) == indent):
            indent, item = found.group(1), int(found.group(2))
    return item


def read_bytes_limited(path: Path, limit: int = MAX_BYTES) -> bytes:
    """At most ``limit`` bytes of ``path``, counted while reading (``stat``
    says 0 for /dev/zero or a pipe); more is a one-line InputError."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(limit + 1)
    except OSError as exc:
        raise InputError(path, 1, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise InputError(path, 1, f"file is too large (more than {limit:,} bytes, the limit)")
    return raw


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """Read a UTF-8 file; any problem becomes a one-line InputError."""
    raw = read_bytes_limited(path, limit)
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None


def load(path: Path, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Located:
    """Load one YAML document from ``path`` with line numbers."""
    text = read_text(path, max_bytes)
    if not text.strip():
        raise InputError(path, 1, "file is empty")
    node = _compose_with_libyaml(text, max_depth)
    loader: _NoAliasLoader | None = None
    try:
        if node is None:  # libyaml is missing or found a problem: this loader says what and where
            loader = _NoAliasLoader(text, max_depth)  # its reader refuses control characters at once
            node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InputError(path, line, f"control character U+{code:04X} is not allowed") from None
    except yaml.MarkedYAMLError as exc:
        line, message = _syntax_error(text, exc)
        raise InputError(path, line, f"YAML syntax error: {message}", item=item_at(text, line)) from None
    except yaml.YAMLError as exc:
        raise InputError(path, 1, f"YAML error: {' '.join(str(exc).split())}") from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise InputError(path, 1, "file is empty")
    located = Located(None, text=text)
    constructor = yaml.constructor.SafeConstructor()
    located.data = _convert(node, (), located, constructor, path)
    return located


def _convert(node: yaml.Node, path: Path_, located: Located, constructor: yaml.constructor.SafeConstructor,
             file: Path) -> Any:
    located.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, (*path, "<key>"), located, constructor, file)
            if not isinstance(key, (str, int)):
                key = str(key)
            child = (*path, key)
            if key in result or _number_twin(key) in result:  # 13 and "13" name one item
                located.duplicates.append((child, key_node.start_mark.line + 1))
                continue
            located.lines[child] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, child, located, constructor, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, (*path, i), located, constructor, file) for i, v in enumerate(node.value)]
    if isinstance(node, yaml.ScalarNode):
        if path[-1:] != ("<key>",):
            located.spans[path] = _span(node)
        if not node.style and _LEADING_ZERO.fullmatch(node.value):
            located.leading_zeros.append((path, node.start_mark.line + 1, node.value))
    try:
        return constructor.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError) as exc:  # e.g. a date 2024-02-30
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(file, node.start_mark.line + 1, f"YAML error: {problem}") from None


_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")


def _span(node: yaml.ScalarNode) -> tuple[int, int]:
    """The lines (1-based, inclusive) of a scalar's text. A block scalar's text
    starts on the line after its indicator; its end mark is at the start of
    the line after its text."""
    first = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
    end = node.end_mark
    last = end.line if end.column == 0 and end.line > node.start_mark.line else end.line + 1
    return first, max(first, last)


def _number_twin(key: str | int) -> str | int | None:
    """The other spelling of a numeric key: 13 for "13" and "13" for 13."""
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key)
    return None
