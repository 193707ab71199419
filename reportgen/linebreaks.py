"""Line breaks around reference markers, the same in every writer (UN
editors' review: "[19, p. 96]" alone at a line start, "[36, 37; 19, p. 119, |
121]" broken inside). Plain characters, no markup: a no-break space for a
space, a word joiner (U+2060) where no space is, so HTML, PDF and DOCX keep
the marker whole and with its word alike. Imports nothing heavy: the writers
use it."""

from __future__ import annotations

import re

from reportgen.urls import WORD_JOINER

NO_BREAK_SPACE = "\u00a0"
# Spaces a line may not break at: a space before a marker that is already one.
_NO_BREAK_SPACES = ("\u00a0", "\u202f")
# Characters next to which UAX 14 would let a line break inside a marker: the
# dash of "5–7" and every CJK or full-width character ("；19，第119、121页").
_BREAK_AFTER = re.compile("[\u2013\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def marker_text(text: str) -> str:
    """A part of a reference marker as the writers print it, with no line-break
    opportunity: its spaces no-break, word joiners in a part with a dash or CJK
    characters. A marker is short, and the PDF's ``overflow-wrap: anywhere``
    still breaks one that cannot fit."""
    text = text.replace(" ", NO_BREAK_SPACE)
    if _BREAK_AFTER.search(text):  # CJK breaks before and after most characters: join them all
        return "".join(char + WORD_JOINER for char in text)
    return text


def glue_before_reference(text: str) -> str:
    """The text (or HTML) before a reference marker, which the marker must not
    start a line without: its last space made no-break, or a word joiner after
    its last character when no space separates them ("…país.[20]", "区块链[35]")."""
    if not text or text.endswith(_NO_BREAK_SPACES) or text.endswith(WORD_JOINER):
        return text
    if text.endswith(" "):
        return text[:-1] + NO_BREAK_SPACE
    return text + WORD_JOINER
