"""Splitting text into right-to-left and left-to-right runs for ``w:rtl``.

Word formats a run marked ``w:rtl`` as right-to-left, complex-script text: its
characters take the ``w:cs`` font (Noto Naskh Arabic, which has no Latin letters
and no European digits) and its neutral characters lean right to left. So in
Arabic text only the Arabic stretches are marked; a Latin name, a URL or a
number inside them gets a run of its own without ``w:rtl``, drawn with the Latin
font and kept left to right. Classes are Unicode's (``unicodedata.bidirectional``,
UAX #9); the display order itself stays the bidi algorithm's, in Word and
LibreOffice alike.
"""

from __future__ import annotations

import re
import unicodedata

_RTL_CLASSES = frozenset({"R", "AL", "AN"})  # Hebrew, Arabic letters, Arabic-Indic digits
_SEPARATORS = frozenset({"ES", "CS", "ET"})  # "+-", ".,:/", "%#$": inside numbers

# Over a string of class letters (R right to left, L left to right, N European
# digit, s number separator, o anything else): a left-to-right stretch runs from
# a Latin letter to the last Latin letter or digit before the next Arabic letter;
# a number is digits joined by single separators ("2022", "0.85", "5/2014").
_LTR = re.compile(r"L(?:[^R]*[LN])?")
_NUMBER = re.compile(r"N+(?:sN+)*")


def _classes(text: str) -> str:
    letters = []
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL_CLASSES:
            letters.append("R")
        elif kind == "L":
            letters.append("L")
        elif kind == "EN":
            letters.append("N")
        elif kind in _SEPARATORS:
            letters.append("s")
        else:
            letters.append("o")
    return "".join(letters)


def has_ltr(text: str) -> bool:
    """Whether ``text`` has a left-to-right letter (Latin, Cyrillic, Han ...)."""
    return "L" in _classes(text)


# Below Hebrew (U+0590) no character is right to left: most text is decided
# without asking each character's class.
_FIRST_RTL = "\u0590"


def has_rtl(text: str) -> bool:
    """Whether ``text`` has a right-to-left letter (Arabic, Hebrew ...)."""
    return bool(text) and max(text) >= _FIRST_RTL and any(
        unicodedata.bidirectional(char) in _RTL_CLASSES for char in text if char >= _FIRST_RTL)


def segments(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, rtl)`` pairs, in order, that join back to it:
    ``rtl`` False for Latin stretches and numbers, True for the rest (Arabic
    words and the spaces and punctuation between them)."""
    classes = _classes(text)
    cuts: list[tuple[int, int]] = []
    position = 0
    while position < len(text):
        ltr = _LTR.search(classes, position)
        number = _NUMBER.search(classes, position)
        found = min((m for m in (ltr, number) if m), key=lambda m: m.start(), default=None)
        if found is None:
            break
        cuts.append((found.start(), found.end()))
        position = found.end()
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in cuts:
        if start > position:
            pieces.append((text[position:start], True))
        pieces.append((text[start:end], False))
        position = end
    if position < len(text):
        pieces.append((text[position:], True))
    return pieces
