"""UN house style: official country names, typography, numbers in words,
and what the built profiles show of them (pdftotext, python-docx, pdfplumber)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen import model as m
from reportgen.countries import un_codes, un_name
from reportgen.housestyle import typography
from reportgen.i18n import Locale
from reportgen.narrative import Options, _filters, build_document
from reportgen.questionnaire import load
from reportgen.responses import load_responses
from reportgen.synth import member_states, write_synthetic

EPOCH = "1732000000"

# --- official names ---------------------------------------------------------------


def test_every_member_state_has_its_official_names() -> None:
    assert set(member_states()) <= set(un_codes())
    for code in member_states():
        assert un_name(code, "en") and un_name(code, "es"), code


@pytest.mark.parametrize(("code", "en", "es"), [
    ("KOR", "Republic of Korea", "República de Corea"),
    ("BOL", "Bolivia (Plurinational State of)", "Bolivia (Estado Plurinacional de)"),
    ("GBR", "United Kingdom of Great Britain and Northern Ireland", "Reino Unido de Gran Bretaña e Irlanda del Norte"),
    ("TUR", "Türkiye", "Türkiye"),
    ("VNM", "Viet Nam", "Viet Nam"),
])
def test_official_short_names_not_cldr(code: str, en: str, es: str) -> None:
    assert (Locale("en").territory(code), Locale("es").territory(code)) == (en, es)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], m.Document]:
    """Synthetic KOR and BOL profiles narrated in both languages."""
    folder = tmp_path_factory.mktemp("synth")
    documents = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for path in write_synthetic(["KOR", "BOL"], folder):
            responses, _ = load_responses(path)
            for lang in ("en", "es"):
                result = build_document(responses, load("msq-2024"), Locale(lang, country=responses.country),
                                        Options(internal=True))
                documents[(responses.country, lang)] = result.document
    return documents


@pytest.mark.parametrize(("code", "lang", "name"), [
    ("KOR", "en", "Republic of Korea"), ("KOR", "es", "República de Corea"),
    ("BOL", "en", "Bolivia (Plurinational State of)"), ("BOL", "es", "Bolivia (Estado Plurinacional de)"),
])
def test_synthetic_profiles_name_the_official_names(synthetic, code: str, lang: str, name: str) -> None:
    document = synthetic[(code, lang)]
    assert document.meta.country == name
    cover = next(s for s in document.sections if s.kind == "cover")
    assert name in [m.plain_text(b.children) for b in cover.blocks if isinstance(b, m.Paragraph)]
    imprint = m.dump(m.Document(document.meta, [s for s in document.sections if s.kind == "imprint"]))
    assert f"{name}. " in imprint  # how to cite the profile
    assert "South Korea" not in m.dump(document) and "Bolivia\n" not in m.dump(document)


# --- typography ----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en", "The Government's plan", "The Government\u2019s plan"),
    ("en", "the States' portals", "the States\u2019 portals"),
    ("en", "Law No. 5282/2014", "Law No.\u00a05282/2014"),
    ("es", "Ley N.º 5282", "Ley N.º\u00a05282"),
    ("es", "el 0,31% del gasto", "el 0,31\u00a0% del gasto"),
    ("es", "el 0,31 % del gasto", "el 0,31\u00a0% del gasto"),
    ("en", "Is it planned?.", "Is it planned?"),
    ("en", "Yes!.", "Yes!"),
    ("en", "in place.. Next", "in place. Next"),
    ("en", "and so on...", "and so on..."),
    ("en", "No. of items", "No. of items"),  # "No." not before a number: left alone
])
def test_typography(lang: str, text: str, expected: str) -> None:
    assert typography(text, lang) == expected


# --- numbers in words -----------------------------------------------------------------


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "PYG 326.7 billion (about $46.0 million)"),
    ("es", "326.688 millones de guaraníes (unos 46,0 millones de dólares de los Estados Unidos)"),
])
def test_large_amounts_in_words(lang: str, expected: str) -> None:
    amount = _filters(Locale(lang))["amount"]
    assert amount(Decimal("326688810687"), "PYG", Decimal("46012345")) == expected


@pytest.mark.parametrize(("lang", "expected"), [("en", "0.31 per cent"), ("es", "0,31\u00a0%")])
def test_percent_in_running_text(lang: str, expected: str) -> None:
    filters = _filters(Locale(lang))
    assert filters["percent_text"](Decimal("0.31")) == expected
    assert "%" in filters["percent"](Decimal("0.31"))  # tables and figures keep the sign


@pytest.mark.parametrize(("lang", "seven", "twelve", "item"),
                         [("en", "seven", "12", "Q7"), ("es", "siete", "12", "P7")])
def test_numbers_under_ten_in_words_and_item_numbers(lang: str, seven: str, twelve: str, item: str) -> None:
    filters = _filters(Locale(lang))
    assert (filters["count"](7), filters["count"](12), filters["item"](7)) == (seven, twelve, item)


# --- the built Paraguay profile ----------------------------------------------------------


@pytest.fixture(scope="module")
def paraguay() -> dict[str, m.Document]:
    responses, _ = load_responses(Path("responses/PRY.yaml"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return {lang: build_document(responses, load("msq-2024"), Locale(lang, country="PRY"), Options()).document
                for lang in ("en", "es")}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_profile_text_in_house_style(paraguay, lang: str) -> None:
    document = paraguay[lang]
    runs = [m.plain_text(run) for block in document.blocks() for run in m.block_inlines(block)]
    text = "\n".join(runs + [e.title + " " + e.details for e in document.sources])
    assert "'" not in text  # curly apostrophes only
    if lang == "en":
        assert "Government\u2019s" in text
    assert not re.search(r"\b(No\.|N\.º) \d", text)  # always a no-break space before the number
    assert not re.search(r"[?!]\.", text)
    if lang == "es":
        assert not re.search(r"\d ?%", text.replace("\u00a0%", ""))
        assert "Preguntas: P" in text and "Q1" not in text
