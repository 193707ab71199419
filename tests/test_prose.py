"""Automatic summaries never run headings into sentences (issue 9, item 6)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from reportgen import questionnaire
from reportgen.config import Config
from reportgen.importers.forms import parse_export
from reportgen.prose import is_heading, lead_sentence, sentences, strip_inline_headings
from reportgen.views import first_sentences
from reportgen.writers.docx import write_docx
from tests.test_narrative import build

SEED = Path(__file__).parent / "fixtures" / "msq-2024-paraguay-forms-export.md"


@pytest.mark.parametrize("line", [
    "Presidential decree N° 8942",
    "3.1.2. MAIN ACTORS OF THE ECOSYSTEM",
    "9.4.2.1. Simplified and Digitized Services and Procedures",
    "LEGAL FRAMEWORK",
    "National Telecommunications Plan 2021 – 2025",
    "Strengthening of cybersecurity",
    "ICT Survey of Public Officials 2021",
])
def test_headings_titles_and_labels(line: str) -> None:
    assert is_heading(line)


@pytest.mark.parametrize("line", [
    "It is contemplated in the National Plan to develop said public policies",
    "It is planned to be carried out very soon.",
    "2. Infocenters.",
    "The CERT-PY is the National Cyber Incident Response Center, responsible for incidents.",
    "to. Promote the systematic review of current regulations in Digital Government and strategic sectors, "
    "identifying new regulatory proposals and needs that accompany the",
])
def test_sentences_are_not_headings(line: str) -> None:
    assert not is_heading(line)


def test_the_issue_example_gives_the_sentence_not_the_heading() -> None:
    text = "Presidential decree N° 8942\n3.1.2. MAIN ACTORS\nThe MITIC leads the ecosystem. It convenes the actors."
    assert first_sentences(text, 320) == "The MITIC leads the ecosystem. It convenes the actors."


def test_headings_glued_to_a_sentence_are_dropped() -> None:
    assert strip_inline_headings("3.1.2. MAIN ACTORS OF THE ECOSYSTEM The following shows the actors:") == \
        "The following shows the actors:"
    assert strip_inline_headings("9.4.3.1. Electronic Identity Currently, the protection of data matters.") == \
        "Currently, the protection of data matters."
    assert strip_inline_headings("The Ministry of Labour, Employment and Social Security has one.") == \
        "The Ministry of Labour, Employment and Social Security has one."


def test_a_label_paragraph_is_skipped_for_the_first_prose_paragraph() -> None:
    text = "Presidential decree N° 8942\n\nIt is contemplated in the National Plan to develop said public policies" \
           "\n\n9.4.1. UPDATE REGULATORY FRAMEWORK FOR DIGITAL TRANSFORMATION, NEW DIGITAL GOVERNMENT LAW"
    assert first_sentences(text, 320) == "It is contemplated in the National Plan to develop said public policies"


def test_only_headings_give_no_summary() -> None:
    assert first_sentences("Presidential decree N° 8942\n\nPage 91", 320) == ""
    assert first_sentences("Presidential decree N° 8942\n10.4.12. PROMOTION OF EMERGING TECHNOLOGIES", 320) == ""


def test_one_short_line_is_its_own_summary() -> None:
    # a name, a period or a single title is the answer itself, not run into anything
    assert first_sentences("Ministry of Information and Communication Technologies", 320) == \
        "Ministry of Information and Communication Technologies"
    assert first_sentences("10.4.12. PROMOTION AND DEVELOPMENT OF EMERGING TECHNOLOGIES", 320) == \
        "10.4.12. PROMOTION AND DEVELOPMENT OF EMERGING TECHNOLOGIES"


def test_a_wrapped_sentence_is_not_cut_at_a_short_line() -> None:
    text = "The plan reaches the offices\nof the State and the\nmunicipalities. It has four axes."
    assert first_sentences(text, 320) == \
        "The plan reaches the offices of the State and the municipalities. It has four axes."


def test_a_heading_inside_a_paragraph_ends_the_summary() -> None:
    text = "The plan has four axes.\n9.4.5. STATE TRANSPARENCY\nWithin the framework of the plan, more follows."
    assert first_sentences(text, 320) == "The plan has four axes."


def test_section_numbers_do_not_end_sentences() -> None:
    assert first_sentences("Article 4.1. Scope Every agency must publish its data. Second.", 40) == \
        "Article 4.1. Scope Every agency must publish its data."


def test_no_summary_of_the_seed_starts_with_a_heading_or_label() -> None:
    """Every automatic summary of the imported seed starts like a sentence and
    contains none of the answer's heading lines."""
    answers = parse_export(SEED.read_text(encoding="utf-8"), questionnaire.load("msq-2024"), SEED.name).data["answers"]
    checked = 0
    for number, answer in answers.items():
        text = (answer or {}).get("text")
        if not text:
            continue
        summary = first_sentences(text, 320)
        headings = [line.strip() for line in text.splitlines() if is_heading(line)]
        for heading in headings if len(text.splitlines()) > 1 else []:
            assert not summary.startswith(heading), (number, summary)
        assert "Presidential decree N° 8942 " not in summary, number
        assert "MAIN ACTORS" not in summary, number
        checked += bool(summary)
    assert checked == sum(bool((a or {}).get("text")) for a in answers.values())


def test_the_profile_summary_skips_the_heading_in_the_docx(tmp_path: Path) -> None:
    """Through the engine and the DOCX writer, read back with python-docx:
    the label and the heading of an answer never start its summary."""
    answers = ("  13:\n    text: |\n      Presidential decree N° 8942\n      3.1.2. MAIN ACTORS OF THE ECOSYSTEM\n"
               "      The MITIC convenes the actors of the ICT ecosystem. It publishes the plan.\n")
    result = build(tmp_path, "Agency: {{ p.q('lead_agency').summary }}\n", answers)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(write_docx(result.document, Config()))).paragraphs]
    assert "Agency: The MITIC convenes the actors of the ICT ecosystem. It publishes the plan." in paragraphs
    assert not any("MAIN ACTORS" in text or "8942" in text for text in paragraphs)


# --- sentences beyond Latin (issue 13, item 4) -----------------------------------


def test_chinese_sentences_end_at_full_width_marks_with_no_space() -> None:
    text = "巴拉圭设立了电子政务委员会。该委员会负责协调！是否有预算？有。网址为 www.mitic.gov.py。"
    assert sentences(text, "zh") == ["巴拉圭设立了电子政务委员会。", "该委员会负责协调！", "是否有预算？", "有。",
                                     "网址为 www.mitic.gov.py。"]
    # the English rule finds no sentence end at all in the same text
    assert sentences(text, "en") == [text]


def test_arabic_sentences_end_at_full_stop_question_and_exclamation_marks() -> None:
    text = ("أنشأت باراغواي لجنة للحكومة الإلكترونية. وتتولى اللجنة التنسيق؟ نعم! "
            "وينص القانون رقم 5282 على ذلك؛ وهو ساري المفعول.")
    assert sentences(text, "ar") == ["أنشأت باراغواي لجنة للحكومة الإلكترونية.", "وتتولى اللجنة التنسيق؟", "نعم!",
                                     "وينص القانون رقم 5282 على ذلك؛ وهو ساري المفعول."]


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("ru", "Парагвай создал комитет. Комитет координирует работу, т. е. следит за совместимостью. См. стр. 31. "
           "Согласно ст. 5 Закона. Н. Иванов подписал.",
     ["Парагвай создал комитет.", "Комитет координирует работу, т. е. следит за совместимостью.", "См. стр. 31.",
      "Согласно ст. 5 Закона.", "Н. Иванов подписал."]),
    ("fr", "Le Paraguay a créé un comité. M. Dupont le préside, p. ex. pour l’interopérabilité. "
           "« Oui. » Voir p. 31. Élargi en 2022.",
     ["Le Paraguay a créé un comité.", "M. Dupont le préside, p. ex. pour l’interopérabilité.", "« Oui. »",
      "Voir p. 31.", "Élargi en 2022."]),
])
def test_cyrillic_and_french_sentences_keep_abbreviations_and_initials(lang: str, text: str,
                                                                       expected: list[str]) -> None:
    assert sentences(text, lang) == expected


def test_a_chinese_summary_joins_sentences_without_a_space_and_cuts_at_a_character() -> None:
    text = "信通部召集电子政务委员会。该委员会是一个机构间网络。它交流计划和项目。"
    assert first_sentences(text, 30, lang="zh") == "信通部召集电子政务委员会。该委员会是一个机构间网络。"
    long = "信通部" * 100 + "。"
    cut = first_sentences(long, 20, lang="zh")
    assert cut == "信通部" * 6 + "信通" + "…"  # 20 characters, then the ellipsis: no word boundary to look for


def test_lead_sentence_and_headings_in_chinese_and_arabic() -> None:
    assert lead_sentence("国家电子政务战略\n\n信通部负责。它协调。", "zh") == "信通部负责。"
    assert not is_heading("信通部召集并主持电子政务协调和互操作性委员会。")
    assert is_heading("国家信通技术计划")  # a short title without final punctuation
    assert not is_heading("وتتولى اللجنة التنسيق بين المؤسسات العامة؟")
    assert lead_sentence("الإطار القانوني\n\nتتولى الوزارة التنسيق. وهي تضع المعايير.", "ar") == \
        "تتولى الوزارة التنسيق."


def test_text_in_an_uncased_script_with_a_latin_acronym_is_not_a_heading() -> None:
    """Arabic summaries naming MITIC or CONACYT were dropped as headings."""
    from reportgen.prose import is_all_caps, is_heading

    arabic = "تدير وزارة تكنولوجيا المعلومات والاتصالات (MITIC) البوابة الوطنية."
    chinese = "信通部（MITIC）负责国家门户网站。"
    assert not is_all_caps(arabic) and not is_heading(arabic)
    assert not is_all_caps(chinese)
    assert is_all_caps("9.4.5. TRANSPARENCIA DEL ESTADO")


def test_collapsing_spaces_keeps_the_no_break_spaces_a_translator_wrote() -> None:
    from reportgen.prose import collapse_spaces

    assert collapse_spaces(" loi no\u00a05282/2014\n  et\t0,31\u00a0% ") == "loi no\u00a05282/2014 et 0,31\u00a0%"
