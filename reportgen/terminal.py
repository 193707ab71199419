"""What the command line prints: answer text is data, never terminal control.

Messages quote the input (an address, a title, a value), and an answers file
can hold escape sequences ("\\e]52;..." writes the clipboard of some terminals)
or bidi controls that reorder the rest of the line. Every character that is
not printable is shown escaped, as Python writes it in a string literal.
"""

from __future__ import annotations


def safe(text: str) -> str:
    """``text`` with each non-printable character (controls, bidi and other
    format characters, lone surrogates) shown as ``\\xNN``/``\\uNNNN``; line
    breaks are kept (a message may hold several problems, one per line)."""
    return "".join(char if char == "\n" or char.isprintable() else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
