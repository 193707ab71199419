"""A 5,000-letter word breaks (quickly) in PDF and HTML and stays whole in DOCX;
a long CIO title no longer costs a footnote (issue 15). Timings are in the
benchmark (reportgen/bench.py), not here."""

from __future__ import annotations

import io
import random
import re
import string
import subprocess
import unicodedata
from html import unescape
from pathlib import Path

import docx
import pytest

from reportgen import model as m
from reportgen.config import Config
from reportgen.urls import WORD_JOINER, ZERO_WIDTH_SPACE
from reportgen.writers.docx import write_docx
from reportgen.writers.html import BREAK_EVERY, breakable_long_words, write_html
from reportgen.writers.pdf import write_pdf
from tests.writers.sample import sample_document

ROOT = Path(__file__).resolve().parents[2]
_LETTERS = random.Random(15)  # one generator: a new one per letter made "gggg..."
TOKEN = "".join(_LETTERS.choice(string.ascii_lowercase) for _ in range(5000))


def with_token() -> m.Document:
    document = sample_document()
    document.sections[2].blocks.append(m.Paragraph([m.Text(f"Pasted without spaces: {TOKEN} (end).")]))
    return document


def test_a_long_word_is_marked_unhyphenated_in_html() -> None:
    html = write_html(with_token(), Config()).decode()
    assert f'<span class="long-word">{TOKEN}</span> (end).' in html  # whole: no zero-width spaces on the web
    assert ".long-word { hyphens: manual; overflow-wrap: anywhere" in html  # the inlined screen.css


def test_weasyprint_gets_a_break_opportunity_every_eight_letters_of_a_long_word() -> None:
    word = "abcdefgh" * 3 + "&amp;" + "ijklmnop" * 8
    source = f'<p>short <span class="long-word">{word}</span> <a class="long-word" href="#x">{word}</a></p>'
    spaced = breakable_long_words(source)
    pieces = unescape(re.findall(r'class="long-word"[^>]*>([^<]*)<', spaced)[0]).split(ZERO_WIDTH_SPACE)
    assert "".join(pieces) == unescape(word)
    assert {len(piece) for piece in pieces[:-1]} == {BREAK_EVERY}
    assert spaced.count("&amp;") == 2 and spaced.count(ZERO_WIDTH_SPACE) == 2 * (len(pieces) - 1)
    assert spaced.startswith("<p>short <span")


@pytest.mark.parametrize("word", [
    "مراسم" * 15,  # Arabic letters join: a space between two would part them
    "é" * 40,  # a combining accent stays with its letter
    "ab⁠" * 30,  # a word joiner keeps its neighbours together
])
def test_no_break_opportunity_parts_what_belongs_together(word: str) -> None:
    spaced = unescape(breakable_long_words(f'<span class="long-word">{word}</span>'))
    for index, char in enumerate(spaced):
        if char == ZERO_WIDTH_SPACE:
            assert unicodedata.category(spaced[index + 1])[0] != "M"
            assert WORD_JOINER not in (spaced[index - 1], spaced[index + 1])
    assert spaced.replace(ZERO_WIDTH_SPACE, "") == f'<span class="long-word">{word}</span>'
    if "م" in word:
        assert ZERO_WIDTH_SPACE not in spaced


def test_a_long_word_breaks_across_lines_in_the_pdf(tmp_path: Path) -> None:
    path = tmp_path / "token.pdf"
    path.write_bytes(write_pdf(with_token(), Config()))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [line for line in text.splitlines() if line and set(line) <= set(string.ascii_lowercase)]
    assert len(lines) > 20 and max(map(len, lines)) < 120  # broken into lines that fit the page
    # Running heads and footers come between pages: the whole lines are the
    # token's letters in order, no hyphen added, next to nothing lost.
    assert "".join(lines) in TOKEN and len("".join(lines)) > len(TOKEN) - 200
    # Each line ends at a break opportunity the PDF writer gave WeasyPrint,
    # and the PDF's text holds none of the zero-width spaces.
    assert ZERO_WIDTH_SPACE not in text
    ends = [TOKEN.index(line) + len(line) for line in lines[:-1]]
    assert all(end % BREAK_EVERY == 0 for end in ends), ends


def test_a_long_word_stays_whole_in_docx() -> None:
    document = docx.Document(io.BytesIO(write_docx(with_token(), Config())))
    assert any(f"Pasted without spaces: {TOKEN} (end)." in p.text for p in document.paragraphs)


@pytest.mark.slow  # one Spanish Paraguay PDF laid out twice: ~10-20 s here
def test_a_220_character_cio_title_keeps_every_footnote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen import build as builder

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")
    title = ("Minister of Information and Communication Technologies and National Coordinator of the Digital "
             "Transformation Agenda for Public Administration, Open Government and Citizen Services Nationwide "
             "Ok and Chief Information Off")
    assert len(title) == 220
    responses = tmp_path / "responses"
    responses.mkdir()
    text = (ROOT / "responses" / "PRY.yaml").read_text(encoding="utf-8")
    old = "    value: Minister of Information and Communication Technologies\n"
    assert old in text
    (responses / "PRY.yaml").write_text(text.replace(old, f"    value: {title}\n", 1), encoding="utf-8")
    options = Config(languages=("es",), formats=("pdf",), out=tmp_path / "out")
    summary = builder.build([responses / "PRY.yaml"], options)
    assert summary.ok, summary.failed[0].error
    pdf = tmp_path / "out" / "PRY" / "PRY-profile-2024-es-draft.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "con valoración ciudadana" in " ".join(text.split())  # the source of note 73, in its footnote
