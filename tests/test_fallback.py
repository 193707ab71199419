"""Fallback by whole sentence (issue 12): a Portuguese profile with a handful of
translated strings shows every other sentence whole in English, tagged and
marked, and no sentence of its PDF mixes the two languages (read with pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reportgen import build as builder
from reportgen import model as m
from reportgen.config import Config
from reportgen.i18n import Locale
from reportgen.narrative import build_document
from reportgen.questionnaire import load
from reportgen.responses import load_responses

ROOT = Path(__file__).resolve().parents[1]
PRY = ROOT / "responses" / "PRY.yaml"
EPOCH = "1732838400"

# A handful of strings: a sentence with numbers, a phrase taking in an
# untranslated list (it must fall back whole, "and" included), two headings,
# the cover's subtitle and one fixed word.
PORTUGUESE = {
    "Contents": "Sumário",
    "E-Government Country Profile": "Perfil de Governo Eletrônico do País",
    "At a glance": "Em resumo",
    "Strategy and implementation": "Estratégia e implementação",
    "National strategy and budget": "Estratégia nacional e orçamento",
    "According to the response, legislation is in place in %(count)s of the %(total)s areas covered by the "
    "questionnaire.": "Segundo a resposta, há legislação em vigor em %(count)s das %(total)s áreas abrangidas "
                      "pelo questionário.",
    "legislation on %(areas)s": "legislação sobre %(areas)s",
}
# Words that only the Portuguese strings bring, and English function words
# that no Portuguese sentence has.
# (Not Spanish either: the answers quote Spanish names and addresses.)
PORTUGUESE_WORDS = {"há", "legislação", "das", "abrangidas", "pelo", "questionário", "estratégia", "implementação",
                    "orçamento", "resumo", "sumário", "eletrônico", "governo", "resposta", "em", "milhões"}
ENGLISH_WORDS = {"the", "of", "and", "is", "are", "about", "according", "response", "government's", "reports",
                 "million", "us", "dollars", "in", "on", "with", "by", "for"}


def _po(path: Path) -> Path:
    entries = "".join(f'#, python-format\nmsgid "{k}"\nmsgstr "{v}"\n\n' if "%(" in k else
                      f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in PORTUGUESE.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: pt\\n"\n'
                    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n' + entries, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def locales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("locales")
    _po(folder / "pt" / "LC_MESSAGES" / "messages.po")
    shutil.copy(ROOT / "locales" / "messages.pot", folder / "messages.pot")
    return folder


@pytest.fixture(scope="module")
def model(locales: Path) -> m.Document:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        responses, _ = load_responses(PRY)
        return build_document(responses, load("msq-2024"), Locale("pt", locales, country="PRY"), Config()).document


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\wáéíóúâêôãõçà']+", text.lower()))


def sentences(text: str, headings: list[str]) -> list[str]:
    """Sentences of the PDF text: split at blank lines, at the headings (pdftotext
    runs a heading into the paragraph below it), at contents leaders, after the
    "(in English)" mark and its footnote number, and at sentence ends."""
    for heading in sorted(headings, key=len, reverse=True):
        text = text.replace(heading, "\n\n")
    text = re.sub(r"\.{4,}\s*\d+", "\n\n", text)
    text = re.sub(r"\(in English\)\d*", "(in English)\n\n", text)
    out = []
    for block in re.split(r"\n\s*\n|\f", text):
        joined = " ".join(block.split())
        out += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(“\"])", joined) if s.strip()]
    return out


def mixed(sentence: str) -> bool:
    words = _words(sentence)
    # Portuguese "and" between two lower-case words ("technologies e ethical use"), not "E-Government".
    portuguese = words & PORTUGUESE_WORDS or re.search(r"\b[a-zà-ú]+ e [a-zà-ú]+\b", sentence)
    return bool(portuguese) and bool(words & ENGLISH_WORDS)


def test_the_checker_sees_mixing() -> None:
    """The checker itself: the sentences the issue quotes are caught, whole ones are not."""
    assert mixed("(about 46 milhões Dólares americanos; 0,31% of national expenditure)")
    assert mixed("Planned: new and emerging technologies e ethical use of artificial intelligence.")
    assert not mixed("Based on the response to the United Nations E-Government Survey.")
    assert not mixed("Segundo a resposta do Governo, o orçamento dedicado ao governo digital é de 46 milhões.")
    assert not mixed("According to the Government's response, the budget is about 46 million US dollars.")


def test_portuguese_pdf_has_no_sentence_that_mixes_languages(locales: Path, model: m.Document,
                                                             tmp_path: Path) -> None:
    options = Config(languages=("pt",), formats=("pdf",), out=tmp_path, locales=locales,
                                   pdf_variant=None)
    summary = builder.build([PRY], options)
    assert summary.ok, [r.error for r in summary.failed]
    pdf = tmp_path / "PRY" / "PRY-profile-2024-pt-draft-untagged.pdf"  # pdf_variant=None
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Segundo a resposta, há legislação em vigor em" in " ".join(text.split())  # the translated sentence
    assert "Estratégia e implementação" in text
    assert "(in English)" in text  # untranslated sentences are marked
    headings = [m.plain_text(b.children) for b in model.blocks() if isinstance(b, m.Heading)]
    headings = [part for heading in headings for part in (heading, heading.split(". ", 1)[-1])]
    offending = [s for s in sentences(text, headings) if mixed(s)]
    assert offending == []


def test_untranslated_sentences_are_english_spans_and_marked(model: m.Document) -> None:
    spans = [node for block in model.blocks() for run in m.block_inlines(block)
             for node in m.walk_inlines(run) if isinstance(node, m.Span)]
    assert spans and all(span.lang == "en" for span in spans)
    english = [m.plain_text(span.children) for span in spans]
    # "legislation on %(areas)s" is translated, the areas are not: the phrase is English, "and" included.
    assert any(re.search(r"legislation on [a-z ]+ and [a-z ]+", text) for text in english), english
    assert not any("legislação sobre" in m.plain_text(r) for b in model.blocks() for r in m.block_inlines(b))


def test_cover_and_fixed_words_are_units(model: m.Document) -> None:
    cover = next(s for s in model.sections if s.kind == "cover")
    for block in cover.blocks:
        assert isinstance(block.children[0], m.Span) and block.children[0].lang == "en"  # the whole cover
    assert "E-Government Country Profile" in " ".join(m.plain_text(b.children) for b in cover.blocks)
    assert model.meta.labels["contents"] == "Contents"  # "Sumário" alone would mix with "Page 3 of 9"
    assert model.meta.country == "Paraguay"


def test_headings_are_whole(model: m.Document) -> None:
    headings = [m.plain_text(b.children) for b in model.blocks() if isinstance(b, m.Heading)]
    assert "D. Estratégia e implementação" in headings
    assert "At a glance" not in headings and "Em resumo" in headings
    assert not any("(in English)" in heading for heading in headings)


def test_each_missing_string_is_warned_at_its_catalog_entry(locales: Path) -> None:
    responses, _ = load_responses(PRY)
    result = build_document(responses, load("msq-2024"), Locale("pt", locales, country="PRY"), Config())
    pot = str(locales / "messages.pot")
    located = [w for w in result.warnings if w.startswith(pot + ":")]
    assert located and all(re.match(re.escape(pot) + r":\d+: pt: untranslated, shown in English: ['\"]", w)
                           for w in located)
    assert len(located) == len(set(located))
