r"""What the command line prints: answer text is data, never terminal control.

Messages quote the input (an address, a title, a value), and an answers file
can hold escape sequences ("\e]52;..." writes the clipboard of some terminals)
or bidi controls that reorder the rest of the line. Every character that is
not printable is shown as a \uXXXX escape, which reads the same in a message
and keeps --json output valid JSON meaning the same text.
"""

from __future__ import annotations


def safe(text: str) -> str:
    r"""``text`` with each non-printable character (controls, bidi and other
    format characters, lone surrogates) shown as \uNNNN (two, as UTF-16,
    beyond U+FFFF); line breaks are kept (a message may hold several
    problems, one per line)."""
    return "".join(char if char == "\n" or char.isprintable() else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
