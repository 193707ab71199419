"""Small text helpers the importers share: words for comparing titles and
names, and item ranges for messages."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def plain(text: str) -> str:
    """Lower-case words without accents or punctuation, for comparing titles."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """The words of ``text``, lower-case ASCII; the form's "[new]" tag is not one."""
    text = re.sub(r"\[new\]?", " ", text, flags=re.IGNORECASE)
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", ascii_text)


def ranges(numbers: Iterable[int]) -> str:
    """"Q61-Q64, Q70" from 61, 62, 63, 64, 70."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"Q{a}" if a == b else f"Q{a}-Q{b}" for a, b in spans)
