"""The profile templates (templates/sections/*.md.j2) and their catalogs.

Paraguay's profile is dumped in English and Spanish and compared with golden
files (``pytest --update-golden`` rewrites them); the other tests check what a
reader relies on: every body part of PROFILE.md's page plan, every source of
every answer shown cited, "not reported" for empty answers, complete Spanish
catalogs, a language that is data only (French), and no respondent data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reportgen import catalogs
from reportgen import model as m
from reportgen.citations import source_id
from reportgen.config import Config
from reportgen.i18n import LOCALES, Locale, read_catalog
from reportgen.narrative import Result, build_document
from reportgen.questionnaire import load
from reportgen.responses import load_responses

ROOT = Path(__file__).resolve().parents[1]
PRY = ROOT / "responses" / "PRY.yaml"
GOLDEN = Path(__file__).parent / "golden"
EPOCH = "1732838400"  # 29 November 2024: the date of a profile whose answers carry none
BODY_SECTIONS = ["A", "B", "C", "D", "E", "F", "G"]
RESPONDENT = ("Laura Salinas", "lsalinas@mitic.gov.py")


def build(path: Path, lang: str, **options: object) -> Result:
    responses, _ = load_responses(path)
    return build_document(responses, load("msq-2024"), Locale(lang, country=responses.country), Config(**options))


@pytest.fixture(scope="module")
def profiles() -> dict[str, Result]:
    """Paraguay in English and Spanish, without and with the annex."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return {
            f"{lang}{'-annex' if annex else ''}": build(PRY, lang, annex=annex)
            for lang in ("en", "es")
            for annex in (False, True)
        }


def body(document: m.Document) -> list[m.Section]:
    return [section for section in document.sections if section.kind == "body"]


def text_of(sections: list[m.Section]) -> str:
    return "\n".join(m.plain_text(run) for s in sections for b in s.blocks for run in m.block_inlines(b))


def po_complete(path: Path) -> bool:
    stats = catalogs.stats(path)
    return stats.untranslated == 0 and stats.fuzzy == 0


# ------------------------------------------------------------------ golden


@pytest.mark.parametrize("lang", ["en", "es"])
def test_golden_dump(profiles, lang, update_golden):
    dump = m.dump(profiles[lang].document)
    golden = GOLDEN / f"PRY-{lang}.txt"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(dump, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run pytest --update-golden"
    assert dump == golden.read_text(encoding="utf-8"), f"{golden.name} differs: review, then pytest --update-golden"


@pytest.mark.parametrize("key", ["en", "es", "en-annex", "es-annex"])
def test_no_visible_escapes(profiles, key):
    """A backslash in the model means text was escaped twice."""
    assert "\\" not in m.dump(profiles[key].document)


def test_spanish_has_no_english_marker(profiles):
    po = LOCALES / "es" / "LC_MESSAGES" / "responses-PRY.po"
    if not po.is_file() or not po_complete(po):
        pytest.skip(f"{po.name} is not complete yet: untranslated answers are marked (en inglés) by design")
    dump = m.dump(profiles["es-annex"].document)
    assert "(en inglés)" not in dump
    assert "(in English)" not in dump
    assert profiles["es"].warnings == []


def test_english_reads_the_key_facts(profiles):
    text = text_of(body(profiles["en"].document))
    assert "PYG 326.7 billion (about $46.0 million)" in text
    assert "the budget of the Ministry of Information and Communication Technologies (MITIC)" in text
    assert ("In place in 9 of 11 areas; planned: new and emerging technologies and ethical use of artificial "
            "intelligence") in text
    assert "It covers 2022–2030." in text
    assert "Fernando Saguier, Minister of Information and Communication Technologies" in text


def test_spanish_uses_spanish_formats(profiles):
    text = text_of(body(profiles["es"].document))
    assert "326.688 millones de guaraníes" in text
    assert "gobierno electrónico" in text
    assert "Datos principales según el Gobierno" in text


# ------------------------------------------------------------------ catalogs


def test_spanish_messages_catalog_complete():
    po = LOCALES / "es" / "LC_MESSAGES" / "messages.po"
    stats = catalogs.stats(po)
    assert (stats.untranslated, stats.fuzzy) == (0, 0)
    assert catalogs.check(po) == []


def test_spanish_catalog_covers_every_template_string():
    po = LOCALES / "es" / "LC_MESSAGES" / "messages.po"
    template = catalogs.extract_messages()
    translated = {message.id for message in read_catalog(po) if message.id and message.string}
    assert {message.id for message in template if message.id} <= translated


# ------------------------------------------------------------------ content


def test_every_source_of_every_answer_is_cited_in_the_body(profiles):
    responses, _ = load_responses(PRY)
    catalog = load("msq-2024")
    shown = [item.number for section in BODY_SECTIONS for item in catalog.section_items(section)]
    for key in ("en", "es"):
        document = profiles[key].document
        cited = {call.source_id for call in m.citations(m.Document(document.meta, body(document)))}
        for number in shown:
            answer = responses.answer(number)
            for ref in answer.sources if answer else []:
                assert source_id(ref.url) in cited, f"{key}: Q{number} source {ref.url} is never cited"
        assert not any(isinstance(b, m.SourceList) and not b.numbered for s in document.sections for b in s.blocks)


@pytest.mark.parametrize("lang, headings", [
    ("en", ["At a glance", "A. Institutional framework", "B. Crisis and emergency response", "C. Legal framework",
            "D. Strategy and implementation", "E. Digital inclusion and e-participation",
            "F. Usage and user satisfaction", "G. Partnerships and other information", "Sources"]),
    ("es", ["Panorama general", "A. Marco institucional", "B. Respuesta ante crisis y emergencias",
            "C. Marco jurídico", "D. Estrategia y aplicación", "E. Inclusión digital y participación electrónica",
            "F. Uso y satisfacción de los usuarios", "G. Alianzas y otra información", "Fuentes"]),
])
def test_page_plan(profiles, lang, headings):
    document = profiles[lang].document
    ids = [section.id for section in document.sections]
    assert ids == ["cover", "contents", "imprint", "at-a-glance", *BODY_SECTIONS, "sources"]
    h1 = [m.plain_text(b.children) for s in document.sections for b in s.blocks
          if isinstance(b, m.Heading) and b.level == 1]
    assert h1 == headings
    cover = document.sections[0].blocks
    assert [b.role for b in cover] == ["publisher", "title", "subtitle", "lead", "status"]
    assert m.plain_text(cover[1].children) == "Paraguay"


def test_tables_of_the_page_plan(profiles):
    captions = [m.plain_text(b.caption) for b in profiles["en"].document.blocks() if isinstance(b, m.Table)]
    assert captions == ["Key facts as reported by the Government", "Official portals by purpose",
                        "Ministries and agencies by sector", "Legislation by area"]
    for table in (b for b in profiles["en"].document.blocks() if isinstance(b, m.Table)):
        for row in table.rows:
            assert len(row) == len(table.header)
            assert all(cell for cell in row), f"empty cell in {m.plain_text(table.caption)!r}"


def test_annex_gives_every_answered_item(profiles):
    responses, _ = load_responses(PRY)
    catalog = load("msq-2024")
    annex = next(s for s in profiles["en-annex"].document.sections if s.kind == "annex")
    numbers = {int(match) for match in re.findall(r"^(\d+)\. ", text_of([annex]), flags=re.MULTILINE)}
    for section in BODY_SECTIONS:
        for item in catalog.section_items(section):
            if responses.answer(item.number) and item.field != "email":
                assert item.number in numbers, f"Q{item.number} missing from the annex"


@pytest.mark.parametrize("key", ["en", "es", "en-annex", "es-annex"])
def test_respondent_never_printed(profiles, key):
    dump = m.dump(profiles[key].document)
    for private in RESPONDENT:
        assert private not in dump


# ------------------------------------------------------------------ any country


def write_country(path: Path, code: str, answers: dict[int, object]) -> Path:
    data = {"country": code, "questionnaire": "msq-2024", "submitted": None, "consent": "yes", "answers": answers}
    target = path / f"{code}.yaml"
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    return target


def empty_answers() -> dict[int, object]:
    catalog = load("msq-2024")
    header = catalog.header_items()
    return {item.number: None for item in catalog.items if item.number not in header}


@pytest.mark.parametrize("lang, phrase", [("en", "not reported"), ("es", "No se indica")])
def test_all_empty_country(tmp_path, monkeypatch, lang, phrase):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = build(write_country(tmp_path, "ISL", empty_answers()), lang, annex=True)
    dump = m.dump(result.document)
    assert dump.lower().count(phrase.lower()) >= 15
    assert "\\" not in dump
    assert m.citations(result.document) == []
    assert result.document.sources == []
    assert result.warnings == []


def test_country_answering_no(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    catalog = load("msq-2024")
    answers = empty_answers()
    answers.update({i.number: {"value": "no"} for i in catalog.items if i.kind in ("yes_no", "yes_no_other")})
    text = text_of(build(write_country(tmp_path, "NOR", answers), "en").document.sections)
    assert "According to the response, legislation is in place in 0 of the 11 areas" in text
    assert "No legislation: access to information, data privacy and protection" in text
    assert "The Government reports no national e-government strategy." in text
    assert "Usage data are not broken down by sex." in text
    assert "Yes" not in text and "planned" not in text.lower()


def test_statuses_stay_apart(tmp_path, monkeypatch):
    """Planned is never counted as in place, an item without a value is "not
    stated", and an inferred value makes the profile say so once."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    answers = empty_answers()
    answers.update({37: {"value": "yes", "inferred": "This law regulates access.", "reviewed": True},
                    38: {"text": "This law regulates access."},
                    57: {"value": "planned", "inferred": "It is contemplated in the plan.", "reviewed": True},
                    58: {"text": "It is contemplated in the plan."},
                    119: {"text": "The ICT Observatory analyses data on the sector."},
                    122: {"value": "planned"}})
    for lang, expected in (("en", ["In place in 1 of 11 areas; planned: ethical use of artificial intelligence",
                                   "Planned: ethical use of artificial intelligence.",
                                   "Breaking satisfaction data down by sex is planned.",
                                   "Asked whether usage data are broken down by sex, the response does not say",
                                   "it was read from the details the Government gave"]),
                           ("es", ["En vigor en 1 de 11 ámbitos; prevista: uso ético de la inteligencia artificial",
                                   "Está previsto desglosar por sexo los datos de satisfacción.",
                                   "se ha deducido de los detalles facilitados por el Gobierno"])):
        text = text_of(build(write_country(tmp_path, "URY", answers), lang).document.sections)
        for sentence in expected:
            assert sentence in text, (lang, sentence)
        assert text.count("read from the details") <= 1
    english = text_of(build(write_country(tmp_path, "URY", answers), "en").document.sections)
    assert "2 of 11" not in english and "broken down by sex." not in english.replace("is planned.", "")


def test_no_inference_no_note(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    answers = empty_answers()
    answers.update({37: {"value": "yes"}, 38: {"text": "This law regulates access."}})
    text = text_of(build(write_country(tmp_path, "URY", answers), "en").document.sections)
    assert "read from the details" not in text and "In place in 1 of 11 areas" in text
