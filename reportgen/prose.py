"""Telling sentences from headings in answer text.

Answers pasted from plans and decrees mix the Government's own sentences with
the document's headings ("3.1.2. MAIN ACTORS"), source labels ("Presidential
decree N° 8942") and titles ("Strengthening of cybersecurity"). Whatever
shortens or reads an answer (the profile's automatic summary, the importer's
inference of Yes/No) must treat those lines as headings, never as the start
of a sentence: a heading run into a sentence says something the answer does
not.

Sentences are told apart per script (``sentences(paragraph, lang)``), after
the core rule of Unicode's sentence segmentation (UAX #29): a full stop,
question or exclamation mark followed by a space ends a sentence unless what
follows is lower case or a figure ("т. е. следит", "p. ex. pour", "p. 31").
Cased scripts (Latin, Cyrillic) also want a capital or an opening mark next;
Arabic has no capitals, so any letter starts a sentence after ". ؟ !";
Chinese ends a sentence at 。！？ with no space after it. English and Spanish
keep the original rule byte for byte. Why not a library: docs/text-processing.md.
"""

from __future__ import annotations

import re

# "3.1.2.", "9.4.1", "10.4.12." and "a." / "b)": the numbering of a document's headings.
_MULTI_LEVEL_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})+\.?\s")
_FINAL_PUNCTUATION = (".", "!", "?", "…", ":", ";", '"', "”", "»", ")",
                      "。", "！", "？", "：", "；", "」", "）", "؟", "؛")
# A short line without final punctuation is a label or a title, not a sentence.
SHORT_LINE_WORDS = 6
# A longer one still is, when most of its longer words are capitalised (Title Case).
TITLE_CASE_SHARE = 0.6

# A piece that is, or ends with, a section number ("9.4.3.1.", "Article 4.1.").
_SECTION_NUMBER = re.compile(r"(?:^|.*\s)(?:\d{1,3}\.){2,}|(?:\d{1,3}\.)+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ“\"(¿¡])")
# Languages whose sentences the original rule above splits (kept byte-identical).
_LATIN_RULE = frozenset({"en", "es"})
# Other scripts: a sentence-final mark, the closing quotes and brackets after
# it (French "» " with its no-break space), then a space; or a Chinese
# full-width mark, which needs no space after it.
_FULL_WIDTH_END = re.compile(r"[。！？]+[”’」』）》]*\s*")
_MARK_END = re.compile(r"[.!?…؟]+(?:[\u00a0\u202f ]?[)\]\"”’»])*\s+")
_OPENING = frozenset("«“\"'(¿¡[‘「『《（")
# Abbreviations a capital often follows ("M. Dupont", "ст. 5 Закона", "Art. 4"):
# they never end a sentence. A single capital with a full stop is an initial.
_ABBREVIATIONS = frozenset({
    "M.", "MM.", "Dr.", "Pr.", "St.", "art.", "Art.", "cf.", "p.", "pp.",
    "т.", "г.", "гг.", "ст.", "Ст.", "стр.", "см.", "им.", "ул.", "рис.", "табл.", "п.", "пп.",
})


# Whitespace that may break a line; the no-break spaces a translator wrote
# ("loi no\u00a05282", "0,31\u00a0%", "1\u202f000") are kept.
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f\u2007]+")


def collapse_spaces(text: str) -> str:
    """``" ".join(text.split())`` that keeps no-break spaces (str.split drops them)."""
    return _BREAKING_SPACE.sub(" ", text).strip()


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalpha())


def is_all_caps(line: str) -> bool:
    """"LEGAL FRAMEWORK", "9.4.5. STATE TRANSPARENCY" (a few letters at least).
    Only a line written in a cased script can be: Arabic or Chinese text with
    a Latin acronym in it ("... (MITIC) ...") is a sentence, not a heading
    (``str.isupper`` alone says yes, since it ignores uncased letters)."""
    letters = _letters(line)
    cased = all(c.isupper() or c.islower() for c in letters)
    return len(letters) >= 4 and cased and letters.isupper()


def _is_title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) >= 4]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= TITLE_CASE_SHARE


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\U00020000" <= char <= "\U0003134f"


def _word_count(line: str) -> int:
    """Words of a line; Chinese writes none of the spaces ``split`` counts, so
    two Han characters count as a word (most Chinese words have one or two)."""
    han = sum(_is_han(c) for c in line)
    return len("".join(" " if _is_han(c) else c for c in line).split()) + (han + 1) // 2


def is_heading(line: str, next_line: str = "") -> bool:
    """A line that is a heading, a title or a source label rather than a
    sentence: ALL CAPS, numbered like a document's sections ("3.1.2. ...")
    without ending like a sentence, or short / Title Case without final
    punctuation ("Presidential decree N° 8942", "Page 91") unless the next
    line continues it in lower case (a sentence wrapped over lines)."""
    line = collapse_spaces(line)
    if not line:
        return False
    if is_all_caps(line):
        return True
    ends_like_sentence = line.endswith(_FINAL_PUNCTUATION)
    if _MULTI_LEVEL_NUMBER.match(line):
        return not ends_like_sentence or (_is_title_case(line) and _word_count(line) <= SHORT_LINE_WORDS * 2)
    if ends_like_sentence or line[0].islower() or next_line.strip()[:1].islower():
        return False  # a sentence, or one wrapped over lines
    return _word_count(line) <= SHORT_LINE_WORDS or _is_title_case(line)


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
            line = strip_inline_headings(collapse_spaces(line))
            if line:
                current.append(line)
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def _starts_sentence(char: str) -> bool:
    """What may follow a sentence's end: a capital, a letter of a script
    without case (Arabic, Chinese), an opening quote or bracket; never a
    lower-case letter or a figure (an abbreviation: "т. е.", "p. 31")."""
    return char.isupper() or char in _OPENING or (char.isalpha() and not char.islower())


def _split(paragraph: str) -> list[str]:
    """Sentences of a paragraph in a language other than English and Spanish."""
    pieces: list[str] = []
    start = 0
    ends = sorted([*_FULL_WIDTH_END.finditer(paragraph), *_MARK_END.finditer(paragraph)], key=lambda m: m.start())
    for end in ends:
        after = paragraph[end.end():end.end() + 1]
        if end.start() < start or not after:
            continue
        word = paragraph[max(start, paragraph.rfind(" ", start, end.start()) + 1):end.start() + 1]
        abbreviation = word in _ABBREVIATIONS or (len(word) == 2 and word[0].isupper() and word[1] == ".")
        if end.group()[0] in "。！？" or (_starts_sentence(after) and not abbreviation):
            pieces.append(paragraph[start:end.end()].rstrip())
            start = end.end()
    pieces.append(paragraph[start:])
    return pieces


def sentences(paragraph: str, lang: str = "en") -> list[str]:
    """A paragraph cut into sentences in ``lang`` (see the module docstring);
    a section number ("9.4.3.1. Electronic Identity ...") starts a sentence,
    it does not end one."""
    joined = collapse_spaces(paragraph)
    pieces = _SENTENCE_END.split(joined) if lang in _LATIN_RULE else _split(joined)
    out: list[str] = []
    for piece in pieces:
        if out and _SECTION_NUMBER.fullmatch(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def joins_without_space(lang: str) -> bool:
    """Whether the language's sentences and phrases follow one another with
    no space between them (Chinese)."""
    return lang.split("-")[0].split("_")[0] in {"zh", "ja"}


def join_sentences(pieces: list[str], lang: str = "en") -> str:
    """Sentences run together again: with a space, or none in Chinese."""
    return ("" if joins_without_space(lang) else " ").join(pieces)


def lead_sentence(text: str, lang: str = "en") -> str | None:
    """The first sentence of the text's prose: where an answer states its point."""
    for paragraph in prose_paragraphs(text):
        found = sentences(paragraph, lang)
        if found:
            return found[0]
    return None
