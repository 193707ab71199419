"""The Markdown-escaping language of the templates.

Everything a template interpolates is escaped for Markdown by ``finalize``
unless it is ``Md`` (markup reportgen made itself, such as citation calls), so
answer text can never become markup. ``Phrase`` and ``Sentence`` carry their
English source so that a sentence whose translation or values are missing
falls back to English as a whole, tagged and marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from reportgen.errors import TemplateError
from reportgen.i18n import SOURCE_LANG
from reportgen.prose import collapse_spaces


class Md(str):
    """Markdown made by this module or written in a template (trusted):
    ``finalize`` leaves it alone. Formatting an Md (``_("... %(x)s", x=...)``)
    escapes the values it takes in, so a translated sentence can hold answer
    text and citation calls side by side.

    Like ``Phrase``, an Md may carry its English ``source`` and a ``fallback``
    flag (it is that English, for want of a translation): see ``Sentence``."""

    source: Any = None
    fallback: bool = False
    marker: str | None = None  # "(in English)" in the profile's language, for a fallen-back sentence

    def __mod__(self, values: Any) -> Md:
        return Md(str.__mod__(self, _map_values(values, _escape_value)))


class Phrase(str):
    """Plain text in the profile's language that remembers its English
    ``source`` (a country name, a formatted amount, a questionnaire label),
    and whether it *is* that English for want of a translation (``fallback``).
    A sentence that takes in a fallen-back phrase falls back as a whole."""

    source: Any = None
    fallback: bool = False


def phrase(text: str, source: str, fallback: bool = False) -> Phrase:
    value = Phrase(text)
    value.source, value.fallback = source, fallback
    return value


def make_md(text: str, source: Any = None, fallback: bool = False, marker: str | None = None) -> Md:
    value = Md(text)
    value.source, value.fallback, value.marker = source, fallback, marker
    return value


def source_of(value: Any) -> Any:
    """The English form of a value (itself when it has none)."""
    source = getattr(value, "source", None)
    return value if source is None else source


def is_fallback(value: Any) -> bool:
    return bool(getattr(value, "fallback", False))


def _map_values(values: Any, function: Callable[[Any], Any]) -> Any:
    if isinstance(values, dict):
        return {key: function(v) for key, v in values.items()}
    if isinstance(values, tuple):
        return tuple(function(v) for v in values)
    return function(values)


def _values(values: Any) -> list[Any]:
    if isinstance(values, dict):
        return list(values.values())
    return list(values) if isinstance(values, tuple) else [values]


class Sentence(Md):
    """A template sentence from the catalog (``_()``, ``{% trans %}``): the
    translation, or the English ``source`` when there is none. Formatted as a
    whole: if it or any value it takes in is English for want of a
    translation, the whole sentence is the English one with English values,
    so no sentence mixes languages; ``finalize`` then tags it as English and
    marks it "(in English)"."""

    def __mod__(self, values: Any) -> Md:
        english = str.__mod__(str(self.source), _map_values(values, lambda v: _escape_value(source_of(v))))
        if self.fallback or any(is_fallback(v) for v in _values(values)):
            return make_md(english, english, fallback=True, marker=self.marker)
        return make_md(str.__mod__(self, _map_values(values, _escape_value)), english)


def sentence(translated: str | None, english: str, marker: str | None) -> Sentence:
    value = Sentence(english if translated is None else translated)
    value.source, value.fallback, value.marker = english, translated is None, marker
    return value


def _escape_value(value: Any) -> Any:
    return value if isinstance(value, (int, float, Decimal)) else escape_md(value)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~^@&:\"'=$%])")


def escape_md(value: Any) -> Md:
    """Text as literal Markdown: every ASCII punctuation that could start
    markup is backslash-escaped (CommonMark allows escaping any of them) and
    line breaks become spaces so text cannot open a new block."""
    if isinstance(value, Md):
        return value
    raw = str(value)
    text = collapse_spaces(raw)
    if text and raw[0].isspace():
        text = " " + text
    if text and raw[-1].isspace() and raw.strip():
        text += " "
    return Md(_MD_SPECIAL.sub(r"\\\1", text))


# A sentence ends the text; a lead-in ending with ":" is followed by what it introduces.
_SENTENCE_END = re.compile(r"[.!?…][\W]*$")


def in_english(text: Md, marker: str | None, lang: str = SOURCE_LANG) -> Md:
    """English text in a profile of another language: tagged as English (so
    hyphenation follows it) and, when it is a sentence, marked "(in English)".
    Headings, labels and table cells are tagged, not marked. ``lang`` tags
    text in another language still (answers given in Spanish), for which the
    caller gives no marker."""
    tagged = in_language(text, lang)
    if marker and _SENTENCE_END.search(text):
        return Md(f"{tagged} _{escape_md(marker)}_")
    return tagged


def in_language(text: Md, lang: str) -> Md:
    """Markdown text tagged with its language: a ``model.Span`` once parsed,
    which the writers mark (lang) and isolate (dir) in the document."""
    return Md(f"[{text}]{{lang={lang}}}")


def finalize(value: Any) -> Any:
    if value is None:
        raise TemplateError("a template printed None; test the answer with `answered` first")
    if is_fallback(value):  # shown in its English form (a joined list: with "and", not "e")
        return in_english(escape_md(source_of(value)), getattr(value, "marker", None))
    return value if isinstance(value, Md) else escape_md(value)
