"""UN house style: official country names, typography, numbers in words,
and what the built profiles show of them (pdftotext, python-docx, pdfplumber)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen import model as m
from reportgen.config import Config
from reportgen.countries import un_codes, un_name
from reportgen.environment import filters as _filters
from reportgen.housestyle import apply, typography
from reportgen.i18n import Locale
from reportgen.narrative import build_document
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
                                        Config(internal=True))
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
    ("fr", "Réponse : oui; voir « Plan » !", "Réponse\u00a0: oui\u202f; voir «\u202fPlan\u202f»\u202f!"),
    ("fr", "https://www.mitic.gov.py/?q=1 à 10:30", "https://www.mitic.gov.py/?q=1 à 10:30"),  # left alone
    ("fr", "Éditeur:", "Éditeur\u00a0:"),  # a label's text in its Strong node
    ("ru", "Кот-д'Ивуар", "Кот-д\u2019Ивуар"),
    ("zh", "信通部 电子政务; 巴拉圭 门户网站。 The plan", "信通部电子政务；巴拉圭门户网站。The plan"),
    ("zh", "Fernando Saguier, 信息和通信技术部部长", "Fernando Saguier，信息和通信技术部部长"),
    ("zh", "Law No. 5282, 1,234", "Law No.\u00a05282, 1,234"),  # Latin text and figures keep theirs
    ("zh", "国家发展计划: 一致. 出版者:", "国家发展计划：一致。出版者："),
    ("zh", "https://www.gov.cn/ 10:30", "https://www.gov.cn/ 10:30"),
    ("ar", "Fernando Saguier, وزير; باراغواي", "Fernando Saguier، وزير؛ باراغواي"),
    ("ar", "باراغواي, 1,234", "باراغواي, 1,234"),  # before a figure: left alone
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


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "0.31 per cent"), ("es", "0,31\u00a0%"), ("fr", "0,31\u00a0%"), ("ru", "0,31\u00a0процента"),
    ("ar", "0.31 في المائة"), ("zh", "0.31%"),
])
def test_percent_in_running_text(lang: str, expected: str) -> None:
    filters = _filters(Locale(lang))
    assert filters["percent_text"](Decimal("0.31")) == expected
    assert "%" in filters["percent"](Decimal("0.31"))  # tables and figures keep the sign


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (1, 0, "1\u00a0процент"), (3, 0, "3\u00a0процента"), (5, 0, "5\u00a0процентов"), (21, 0, "21\u00a0процент"),
    (11, 0, "11\u00a0процентов"), (Decimal("1.5"), 1, "1,5\u00a0процента"),
])
def test_russian_per_cent_agrees_with_the_number(value: Decimal, digits: int, expected: str) -> None:
    assert _filters(Locale("ru"))["percent_text"](value, digits) == expected


@pytest.mark.parametrize(("lang", "seven", "twelve", "item"),
                         [("en", "seven", "12", "Q7"), ("es", "siete", "12", "P7")])
def test_numbers_under_ten_in_words_and_item_numbers(lang: str, seven: str, twelve: str, item: str) -> None:
    filters = _filters(Locale(lang))
    assert (filters["count"](7), filters["count"](12), filters["item"](7)) == (seven, twelve, item)


# --- the built Paraguay profile ----------------------------------------------------------


@pytest.fixture
def paraguay(paraguay_documents: dict[str, m.Document]) -> dict[str, m.Document]:
    """Paraguay's model in English and Spanish, made once for the session (tests/conftest.py)."""
    return paraguay_documents


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
        assert "Preguntas:\u00a0P" in text and "Q1" not in text



# --- numbers, dates and lists in six languages (issue 13, item 4) ---------------------------


@pytest.mark.parametrize(("lang", "number", "day", "first", "items"), [
    ("en", "1,234,567.9", "30 November 2026", "1 December 2026", "A, B and C"),
    ("es", "1.234.567,9", "30 de noviembre de 2026", "1 de diciembre de 2026", "A, B y C"),
    ("fr", "1\u202f234\u202f567,9", "30 novembre 2026", "1er décembre 2026", "A, B et C"),
    ("ru", "1\u00a0234\u00a0567,9", "30 ноября 2026\u202fг.", "1 декабря 2026\u202fг.", "A, B и C"),
    ("ar", "1,234,567.9", "30 تشرين الثاني/نوفمبر 2026", "1 كانون الأول/ديسمبر 2026", "A، وB، وC"),
    ("zh", "1,234,567.9", "2026年11月30日", "2026年12月1日", "A、B和C"),
])
def test_numbers_dates_and_lists_as_un_documents_write_them(lang: str, number: str, day: str, first: str,
                                                            items: str) -> None:
    filters = _filters(Locale(lang))
    assert filters["number"](Decimal("1234567.891"), 1) == number
    assert filters["date"](date(2026, 11, 30)) == day
    assert filters["date"](date(2026, 12, 1)) == first
    assert filters["join_list"](["A", "B", "C"]) == items


def test_arabic_figures_are_western_digits() -> None:
    """UN Arabic documents write 0-9; CLDR's Arabic-Indic digits (٠-٩) would
    come with a locale such as ar_EG or an explicit numbering system."""
    filters = _filters(Locale("ar"))
    shown = " ".join([filters["number"](Decimal("1234567.5"), 1), filters["percent"](Decimal("0.31")),
                      filters["percent_text"](Decimal("0.31")), filters["money"](Decimal("326688810687"), "PYG"),
                      filters["date"](date(2026, 11, 30)), filters["count"](12), filters["compact"](46012509)])
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", shown), shown
    assert "1,234,567.5" in shown and "326,688,810,687" in shown and "2026" in shown
    assert not re.search("[\u200e\u200f\u061c]", shown)  # no bidi marks: the writers isolate runs


def test_chinese_lists_have_no_spaces_between_han_characters() -> None:
    filters = _filters(Locale("zh"))
    assert filters["join_list"](["信通部", "国会", "最高法院"]) == "信通部、国会和最高法院"
    assert filters["commas"](["信通部", "国会", "最高法院"]) == "信通部、国会、最高法院"
    assert _filters(Locale("ar"))["commas"](["أ", "ب"]) == "أ، ب"


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "326,7\u00a0milliards de guaranis (about 46,0\u00a0millions de dollars des États-Unis)"),
    ("ru", "326,7\u00a0млрд парагвайских гуарани (about 46,0\u00a0млн долл. США)"),
    ("ar", "326.7 بليون غواراني (about 46.0 مليون دولار من دولارات الولايات المتحدة)"),
    ("zh", "3,266.9亿巴拉圭瓜拉尼（about 4,601.2万美元）"),
])
def test_other_languages_give_amounts_in_their_own_words_not_in_spanish(lang: str, expected: str) -> None:
    """Not "326.688 millones de guaraníes" in a French profile: the scale words
    and UN currency names of each language, one decimal as in English ("about"
    is the catalog's, English here for want of a translation in the test catalog)."""
    amount = _filters(Locale(lang, locales_dir=Path("/nonexistent")))["amount"]
    assert amount(Decimal("326688810687"), "PYG", Decimal("46012345")) == expected


def _reference_document(text: str, lang: str) -> m.Document:
    """A paragraph of ``text`` with a reference marker after it, as a template writes it."""
    call = m.Citation("src-1", number=3)
    paragraph = m.Paragraph([m.Text(text), m.Reference([call], [m.RefPart("[3]", 3)]), m.Text(" 下一句。")])
    meta = m.Meta(title="t", country="c", country_code="PRY", lang=lang, subject="s", author="a", keywords=[],
                  edition="2024", status="Draft", date=date(2026, 11, 30))
    return m.Document(meta, [m.Section("s", "body", [paragraph])])


def test_french_space_before_a_semicolon_after_a_reference() -> None:
    document = _reference_document("MITIC – Administration électronique", "fr")
    document.sections[0].blocks[0].children[2] = m.Text("; Paraguay – Portail : accueil")
    apply(document)
    assert document.sections[0].blocks[0].children[2].text == "\u202f; Paraguay – Portail\u00a0: accueil"


def test_chinese_reference_goes_before_the_full_stop() -> None:
    document = _reference_document("信通部负责协调。", "zh")
    apply(document)
    run = document.sections[0].blocks[0].children
    assert [getattr(node, "text", None) for node in run] == ["信通部负责协调", "[3]", "。下一句。"]
    english = _reference_document("The MITIC coordinates.", "en")
    apply(english)
    assert english.sections[0].blocks[0].children[0].text == "The MITIC coordinates."


def test_french_spacing_leaves_a_spanish_exclamation_as_written() -> None:
    from reportgen.housestyle import typography

    text = typography("le système ¡Vamos! et le plan ; quoi? oui!", "fr")
    assert text == "le système ¡Vamos! et le plan\u202f; quoi\u202f? oui\u202f!"


def test_french_per_cent_takes_a_no_break_space() -> None:
    from decimal import Decimal

    from babel.numbers import format_percent

    from reportgen.housestyle import percent_text

    shown = percent_text(Decimal("0.0031"), "fr", lambda f, d: format_percent(f, format="#,##0.00%", locale="fr"))
    assert shown == "0,31\u00a0%"


@pytest.mark.parametrize(("lang", "label", "expected"), [
    ("fr", "Internet des objets (IoT)", "Internet des objets (IoT)"),  # the catalog names "Internet"
    ("ru", "Интернет вещей", "Интернет вещей"),
    ("fr", "Intelligence artificielle (IA)", "intelligence artificielle (IA)"),
    ("ru", "Блокчейн", "блокчейн"),
    ("es", "Internet de las cosas (IoT)", "internet de las cosas (IoT)"),  # the Spanish catalog keeps none
    ("en", "Internet of Things (IoT)", "Internet of Things (IoT)"),
    ("en", "Ethical use of AI", "ethical use of AI"),
])
def test_lower_first_keeps_the_proper_nouns_its_catalog_names(lang: str, label: str, expected: str) -> None:
    """Editors' review: "internet des objets", «интернет вещей» were lowered in running lists."""
    assert str(_filters(Locale(lang))["lower_first"](label)) == expected


def test_no_space_after_a_chinese_full_width_colon_before_a_figure() -> None:
    """"版次： 2024年" (imprint): the bold label's "：" is followed by no space."""
    document = sample_zh_run([m.Strong([m.Text("版次：")]), m.Text(" 2024年联合国电子政务调查")])
    assert m.plain_text(document) == "版次：2024年联合国电子政务调查"


@pytest.mark.parametrize(("lang", "expected"), [("en", "Items:\u00a0Q62, Q63"), ("fr", "Items\u00a0:\u00a0Q62, Q63"),
                                              ("zh", "问卷项目：\u2060问题62")])
def test_a_label_stays_with_what_follows_it(lang: str, expected: str) -> None:
    """A no-break space after a colon survives house style; in Chinese, whose
    full-width colon takes no space, it becomes a word joiner."""
    text = "问卷项目:\u00a0问题62" if lang == "zh" else "Items:\u00a0Q62, Q63"
    assert typography(text, lang) == expected


def sample_zh_run(run: list[m.Inline]) -> list[m.Inline]:
    """``run`` as a Chinese paragraph after house style."""
    from tests.writers.sample import sample_document

    document = sample_document("zh")
    paragraph = m.Paragraph(run)
    document.sections[-1].blocks.append(paragraph)
    apply(document)
    return paragraph.children
