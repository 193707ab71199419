"""Telling sentences from headings in answer text.

Answers pasted from plans and decrees mix the Government's own sentences with
the document's headings ("3.1.2. MAIN ACTORS"), source labels ("Presidential
decree N° 8942") and titles ("Strengthening of cybersecurity"). Whatever
shortens or reads an answer (the profile's automatic summary, the importer's
inference of Yes/No) must treat those lines as headings, never as the start
of a sentence: a heading run into a sentence says something the answer does
not.
"""

from __future__ import annotations

import re

# "3.1.2.", "9.4.1", "10.4.12." and "a." / "b)": the numbering of a document's headings.
_MULTI_LEVEL_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})+\.?\s")
_FINAL_PUNCTUATION = (".", "!", "?", "…", ":", ";", '"', "”", "»", ")")
# A short line without final punctuation is a label or a title, not a sentence.
SHORT_LINE_WORDS = 6
# A longer one still is, when most of its longer words are capitalised (Title Case).
TITLE_CASE_SHARE = 0.6

# A piece that is, or ends with, a section number ("9.4.3.1.", "Article 4.1.").
_SECTION_NUMBER = re.compile(r"(?:^|.*\s)(?:\d{1,3}\.){2,}|(?:\d{1,3}\.)+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ“\"(¿¡])")


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalpha())


def is_all_caps(line: str) -> bool:
    """"LEGAL FRAMEWORK", "9.4.5. STATE TRANSPARENCY" (a few letters at least)."""
    letters = _letters(line)
    return len(letters) >= 4 and letters.isupper()


def _is_title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) >= 4]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= TITLE_CASE_SHARE


def is_heading(line: str, next_line: str = "") -> bool:
    """A line that is a heading, a title or a source label rather than a
    sentence: ALL CAPS, numbered like a document's sections ("3.1.2. ...")
    without ending like a sentence, or short / Title Case without final
    punctuation ("Presidential decree N° 8942", "Page 91") unless the next
    line continues it in lower case (a sentence wrapped over lines)."""
    line = " ".join(line.split())
    if not line:
        return False
    if is_all_caps(line):
        return True
    ends_like_sentence = line.endswith(_FINAL_PUNCTUATION)
    if _MULTI_LEVEL_NUMBER.match(line):
        return not ends_like_sentence or (_is_title_case(line) and len(line.split()) <= SHORT_LINE_WORDS * 2)
    if ends_like_sentence or line[0].islower() or next_line.strip()[:1].islower():
        return False  # a sentence, or one wrapped over lines
    return len(line.split()) <= SHORT_LINE_WORDS or _is_title_case(line)


_LEADING_NUMBER = re.compile(r"^(?:\d{1,3}\.){2,}\d{0,3}\s+|^\d{1,3}\.\d{1,3}\s+")
_CONNECTORS = frozenset({"and", "of", "the", "for", "in", "on", "to", "a", "de", "del", "la", "las", "los", "el",
                         "y", "e", "en", "para"})


def _is_caps_word(word: str) -> bool:
    letters = _letters(word)
    return bool(letters) and letters.isupper() and (len(letters) > 1 or word in ("A", "Y"))


def strip_inline_headings(line: str) -> str:
    """A line that opens with numbered headings glued to its sentence loses
    them: "3.1.2. MAIN ACTORS OF THE ECOSYSTEM The following shows ..." gives
    "The following shows ...", "9.4.3.1. Electronic Identity Currently, the
    protection ..." gives "Currently, the protection ...". Lines that do not
    start with a section number are left alone."""
    while True:
        number = _LEADING_NUMBER.match(line)
        if number is None:
            return line
        words = line[number.end():].split(" ")
        caps = 0
        while caps < len(words) and _is_caps_word(words[caps]):
            caps += 1
        if caps:
            line = " ".join(words[caps:])
            continue
        run = 0  # a Title Case run: capitalised words and the small words between them
        while run < len(words) and (words[run][:1].isupper() or words[run] in _CONNECTORS):
            if _LEADING_NUMBER.match(" ".join(words[run:])):
                break
            run += 1
        rest = " ".join(words[run:])
        if not rest or _LEADING_NUMBER.match(rest):
            line = rest  # the whole run is a heading, up to the next number
            continue
        starts = [i for i in range(run) if words[i][:1].isupper()]
        if not starts or starts[-1] == 0:
            return line[number.end():]
        return " ".join(words[starts[-1]:])


def prose_paragraphs(text: str) -> list[str]:
    """The text's prose: each paragraph's lines that are not headings, joined
    into one line. A heading inside a paragraph ends the prose before it (what
    follows belongs to another section); paragraphs with no prose are dropped."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        current: list[str] = []
        lines = block.splitlines()
        for index, line in enumerate(lines):
            if is_heading(line, lines[index + 1] if index + 1 < len(lines) else ""):
                if current:
                    paragraphs.append(" ".join(current))
                    current = []
                continue
            line = strip_inline_headings(" ".join(line.split()))
            if line:
                current.append(line)
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def sentences(paragraph: str) -> list[str]:
    """A paragraph cut into sentences (a full stop followed by a capital); a
    section number ("9.4.3.1. Electronic Identity ...") starts a sentence,
    it does not end one."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(paragraph.split())):
        if out and _SECTION_NUMBER.fullmatch(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def lead_sentence(text: str) -> str | None:
    """The first sentence of the text's prose: where an answer states its point."""
    for paragraph in prose_paragraphs(text):
        found = sentences(paragraph)
        if found:
            return found[0]
    return None
