"""Paraguay's narrative in Chinese and Arabic, read on the document model
(the text, not the PDF): sentences, joins, digits and the marking of text in
another language than the document's (issue 13, items 4 and 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen import model as m
from reportgen.config import Config
from reportgen.i18n import Locale
from reportgen.narrative import build_document
from reportgen.questionnaire import load
from reportgen.responses import load_responses

EPOCH = "1732000000"  # 19 November 2024
SPANISH_TITLE = "MITIC – Gobierno electrónico"
HAN = "\u4e00-\u9fff"


def _quoting_in_spanish(tmp_path: Path) -> Path:
    """Paraguay's responses with one source title quoted as the Government gave it, in Spanish."""
    text = Path("responses/PRY.yaml").read_text(encoding="utf-8")
    english = "    title: MITIC – Electronic government\n"
    assert english in text
    path = tmp_path / "PRY.yaml"
    path.write_text(text.replace(english, f"    title: {SPANISH_TITLE}\n    lang: es\n", 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, m.Document]:
    path = _quoting_in_spanish(tmp_path_factory.mktemp("pry"))
    responses, _ = load_responses(path)
    assert responses.language == "en"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return {lang: build_document(responses, load("msq-2024"), Locale(lang, country="PRY"), Config()).document
                for lang in ("en", "es", "ar", "zh")}


def _own_text(run: list[m.Inline]) -> list[str]:
    """The pieces of a run written in the document's language (Spans in
    another language, such as English fallbacks, are left out), reference
    markers included as they sit between the pieces."""
    pieces: list[str] = []
    for node in run:
        if isinstance(node, (m.Text, m.Reference)):
            pieces.append(node.text)
        elif isinstance(node, m.Span):
            pieces.append("\x00")  # another language: not joined with its neighbours
        elif isinstance(node, (m.Strong, m.Emph, m.Link)):
            pieces.extend(_own_text(node.children))
    return pieces


def _chinese_text(document: m.Document) -> str:
    return "\n".join("".join(_own_text(run)) for block in document.blocks()
                     for run in m.block_inlines(block))


def _spans(document: m.Document) -> list[m.Span]:
    return [node for block in document.blocks() for run in m.block_inlines(block)
            for node in m.walk_inlines(run) if isinstance(node, m.Span)]


def test_chinese_narrative_has_no_space_between_han_characters(documents) -> None:
    text = _chinese_text(documents["zh"])
    assert re.search(f"[{HAN}]", text)
    assert not re.search(f"[{HAN}][ \u00a0]+[{HAN}]", text), re.search(f".{{20}}[{HAN}] +[{HAN}].{{20}}", text)
    assert not re.search(f"[;,][ \u00a0]*[{HAN}]", text)  # full-width ；， before Chinese text
    assert "；" in text  # the portals' titles, joined by the template's "; "


def test_chinese_references_stand_before_the_full_stop(documents) -> None:
    text = _chinese_text(documents["zh"])
    assert re.search(r"[\u4e00-\u9fff）]\[\d+(?:[,–] ?\d+)*\]。", text)  # "……委员会[13]。"
    assert not re.search(r"。\[\d", text)


def test_arabic_narrative_writes_western_digits(documents) -> None:
    dump = m.dump(documents["ar"])
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", dump)
    assert "19 تشرين الثاني/نوفمبر 2024" in dump  # the edition's date, as UN Arabic documents write it
    assert documents["ar"].meta.dir == "rtl"


def test_a_spanish_source_title_is_a_span_in_an_arabic_document(documents) -> None:
    spanish = [span for span in _spans(documents["ar"]) if span.lang == "es"]
    assert [m.plain_text(span.children) for span in spanish][:1] == [SPANISH_TITLE]
    assert spanish[0].dir == "ltr"  # isolated left to right inside the right-to-left text
    entry = next(e for e in documents["ar"].sources if e.title == SPANISH_TITLE)
    assert entry.lang == "es"


def test_the_quoted_title_is_marked_only_where_its_language_differs(documents) -> None:
    assert any(span.lang == "es" for span in _spans(documents["en"]))
    assert not any(span.lang == "es" for span in _spans(documents["es"]))  # Spanish in a Spanish profile
    entry = next(e for e in documents["es"].sources if e.title == SPANISH_TITLE)
    assert entry.lang == ""
    assert SPANISH_TITLE in m.dump(documents["zh"])  # never translated: quoted as given


def test_untranslated_answer_text_is_tagged_with_the_answers_language(tmp_path: Path) -> None:
    """Answer text no catalog translates is shown as given, tagged with the
    language the responses declare: English with "(in English)" after it;
    another language (``language: es``) tagged es, with no false marker."""
    source = Path("responses/PRY.yaml").read_text(encoding="utf-8")
    summary = "takes its cybersecurity actions from the"  # from a summary in responses/PRY.yaml
    for language, marker in (("en", True), ("es", False)):
        path = tmp_path / language / "PRY.yaml"
        path.parent.mkdir()
        path.write_text(source.replace("questionnaire: msq-2024\n", f"questionnaire: msq-2024\nlanguage: {language}\n"),
                        encoding="utf-8")
        responses, _ = load_responses(path)
        empty = tmp_path / language / "locales"  # no catalogs: nothing is translated
        document = build_document(responses, load("msq-2024"), Locale("ar", empty, country="PRY"), Config()).document
        runs = [run for block in document.blocks() for run in m.block_inlines(block)]
        found = [(run, index) for run in runs for index, node in enumerate(run)
                 if isinstance(node, m.Span) and summary in m.plain_text(node.children)]
        assert found and all(run[index].lang == language for run, index in found)
        marked = [isinstance(run[index + 2], m.Emph) if index + 2 < len(run) else False for run, index in found]
        assert any(marked) if marker else not any(marked)


@pytest.mark.parametrize(("lang", "one", "several"), [
    ("en", "p.\u00a031", "pp.\u00a032, 95"),
    ("es", "pág.\u00a031", "págs.\u00a032, 95"),
    ("ru", "с.\u00a031", "с.\u00a032, 95"),
    ("ar", "ص\u00a031", "ص\u00a032، 95"),
    ("zh", "第31页", "第32、95页"),
])
def test_page_locators_in_the_documents_language(lang: str, one: str, several: str) -> None:
    from reportgen.i18n import Locale
    from reportgen.views import page_locator

    locale = Locale(lang)
    assert (page_locator("p. 31", locale), page_locator("pp. 32, 95", locale)) == (one, several)
    assert page_locator("section 10.4", locale) == "section 10.4"  # not a page: as given


def test_arabic_and_chinese_references_and_lists_use_their_own_punctuation() -> None:
    from reportgen import model as m
    from reportgen.citations import reference_parts
    from reportgen.i18n import Locale

    calls = [m.Citation("a", "", 3), m.Citation("b", "", 5), m.Citation("c", "ص\u00a031", 12)]
    assert "".join(p.text for p in reference_parts(calls, lang="ar")) == "[3\u060c 5\u061b 12\u060c ص\u00a031]"
    zh = [m.Citation("a", "", 3), m.Citation("c", "第31页", 12)]
    assert "".join(p.text for p in reference_parts(zh, lang="zh")) == "[3\uff1b12\uff0c第31页]"
    assert Locale("ar").list(["التخطيط والتنمية", "البيئة"]) == "التخطيط والتنمية\u060c والبيئة"
    assert m.sentence("ما هي الخدمات؟", "ar") == "ما هي الخدمات؟" and m.sentence("门户网站", "zh") == "门户网站。"
