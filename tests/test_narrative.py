"""The narrative engine with small templates of the tests' own: escaping,
citations, translation fallback, publication rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen import model as m
from reportgen.config import Config
from reportgen.errors import PublicationError, TemplateError
from reportgen.i18n import Locale
from reportgen.narrative import build_document
from reportgen.questionnaire import load
from reportgen.responses import load_responses
from reportgen.views import first_sentences
from tests.responses_factory import minimal_yaml

HOSTILE = [
    "**x**",
    "[a](javascript:alert(1))",
    "<img src=file:///etc/passwd>",
    "{{ 7*7 }}",
    "# not a heading",
    "1. not a list",
    "| not | a table |",
    "[@src-deadbeef]",
    "line one\n\n- new block?",
]


def make_templates(tmp_path: Path, body: str, sources: bool = True) -> Path:
    root = tmp_path / "templates"
    (root / "sections").mkdir(parents=True)
    parts = ["  - {id: body, kind: body, template: body.md.j2}"]
    if sources:
        parts.append("  - {id: sources, kind: sources, template: sources.md.j2}")
        (root / "sections" / "sources.md.j2").write_text(
            "# {{ _('Sources') }}\n\n{.sources-list}\nsources\n\n## {{ _('Further sources') }}\n\n"
            "{.further-sources-list}\nfurther\n", encoding="utf-8")
    (root / "sections" / "profile.yaml").write_text("parts:\n" + "\n".join(parts) + "\n", encoding="utf-8")
    (root / "sections" / "body.md.j2").write_text(body, encoding="utf-8")
    return root


def responses_with(tmp_path: Path, answers: str, consent: str = "yes"):  # type: ignore[no-untyped-def]
    drop = {int(line.strip().rstrip(":")) for line in answers.splitlines()
            if line.startswith("  ") and not line.startswith("   ")}
    text = minimal_yaml(extra_answers=answers, drop=drop).replace("consent: yes", f"consent: {consent}")
    path = tmp_path / "PRY.yaml"
    path.write_text(text, encoding="utf-8")
    responses, _ = load_responses(path)
    return responses


def build(tmp_path: Path, body: str, answers: str = "", lang: str = "en", **options):  # type: ignore[no-untyped-def]
    templates = make_templates(tmp_path, body)
    responses = responses_with(tmp_path, answers)
    return build_document(responses, load("msq-2024"), Locale(lang, country="PRY"),
                          Config(templates=templates, **options))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_answer_text_never_becomes_markup(tmp_path: Path, hostile: str) -> None:
    block = "\n      ".join(hostile.split("\n"))
    answers = f"  13:\n    text: |\n      {block}\n"
    result = build(tmp_path, "Agency: {{ p.q('lead_agency').text }}\n", answers)
    [paragraph] = result.document.sections[0].blocks
    assert isinstance(paragraph, m.Paragraph)
    assert paragraph.children == [m.Text("Agency: " + " ".join(hostile.split()))]


def test_interpolated_strings_are_escaped_too(tmp_path: Path) -> None:
    result = build(tmp_path, "{{ '**bold** <b>' }} {{ '[x](http://a.b)' }}\n")
    assert m.plain_text(result.document.sections[0].blocks[0].children) == "**bold** <b> [x](http://a.b)"


def test_template_markup_still_works(tmp_path: Path) -> None:
    result = build(tmp_path, "# Title\n\nSome **bold** and [a link](https://example.org).\n\n- one\n- two\n")
    heading, paragraph, bullets = result.document.sections[0].blocks
    assert isinstance(heading, m.Heading) and heading.id == "body"
    assert m.Strong([m.Text("bold")]) in paragraph.children
    assert m.Link("https://example.org", [m.Text("a link")]) in paragraph.children
    assert isinstance(bullets, m.BulletList) and len(bullets.items) == 2


def test_unsafe_link_in_a_template_keeps_only_its_text(tmp_path: Path) -> None:
    result = build(tmp_path, "[click](javascript:alert(1)) and <script>x</script>\n")
    children = result.document.sections[0].blocks[0].children
    assert not any(isinstance(n, m.Link) for n in m.walk_inlines(children))
    assert m.plain_text(children) == "[click](javascript:alert(1)) and <script>x</script>"


def test_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"body\.md\.j2"):
        build(tmp_path, "{{ p.__class__.__mro__ }}\n")


def test_undefined_names_fail_loudly(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"body\.md\.j2:1: 'nothing' is undefined"):
        build(tmp_path, "{{ nothing }}\n")


def test_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"templates/sections/body.md.j2:2: "):
        build(tmp_path, "fine\n{% if %}\n")


# --- citations -----------------------------------------------------------------------

DECREE = "https://www.presidencia.gov.py/url-sistema-visor-decretos/index.php/ver_decreto/31861"
CITED_ANSWERS = f"""  33:
    value: 'yes'
  34:
    text: Decree.
    sources:
      - url: {DECREE}
        locator: p. 123
  37:
    value: 'yes'
  38:
    text: Law.
    sources:
      - url: https://informacionpublica.paraguay.gov.py/public/ley_5282.pdf
        title: Law No. 5282/2014
  63:
    value: 'yes'
  64:
    text: Plan.
    sources:
      - url: {DECREE.replace("https://www.", "HTTPS://WWW.")}#page=31
        locator: p. 31
  10:
    sources:
      - url: https://www.datos.gov.py/
"""


def test_citations_number_sources_by_first_call_in_reading_order(tmp_path: Path) -> None:
    body = ("Law{{ p.q('access_to_information_law').cite }}. Decree{{ p.q('crisis_strategy').cite }}. "
            "Plan{{ p.q('national_development_alignment').cite }}.\n")
    result = build(tmp_path, body, CITED_ANSWERS)
    calls = m.citations(result.document)
    assert [(c.number, c.locator) for c in calls] == [(1, ""), (2, "p. 123"), (2, "p. 31")]
    # a locator stays with its number, its "p." bound to the page by a no-break space
    assert [r.text for r in m.references(result.document)] == ["[1]", "[2, p.\u00a0123]", "[2, p.\u00a031]"]
    sources = result.document.sources
    # The same decree with another case, a fragment and another locator is one source.
    assert [(s.number, s.title) for s in sources][:2] == [
        (1, "Law No.\u00a05282/2014"), (2, "Web page of presidencia.gov.py")]  # house style: no-break space
    assert sources[1].items == [34, 64]


def test_never_cited_sources_are_further_sources_not_lost(tmp_path: Path) -> None:
    result = build(tmp_path, "Law{{ p.q('access_to_information_law').cite }}.\n", CITED_ANSWERS)
    lists = [b for b in result.document.sections[1].blocks if isinstance(b, m.SourceList)]
    assert [e.number for e in lists[0].entries] == [1]
    assert lists[1].numbered is False
    assert {e.url for e in lists[1].entries} == {DECREE, "https://www.datos.gov.py/"}
    assert [e.number for e in lists[1].entries] == [2, 3]


def test_empty_further_sources_list_drops_its_heading(tmp_path: Path) -> None:
    answers = "  10:\n    sources:\n      - url: https://www.datos.gov.py/\n"
    result = build(tmp_path, "Data{{ p.q('open_government_data_portal').cite }}.\n", answers)
    blocks = result.document.sections[1].blocks
    assert [type(b).__name__ for b in blocks] == ["Heading", "SourceList"]


def test_citation_of_unknown_source_is_a_template_error(tmp_path: Path) -> None:
    templates = make_templates(tmp_path, "x {{ fake }}\n")
    responses = responses_with(tmp_path, "")
    env_body = "x [@src-00000000]\n"
    (templates / "sections" / "body.md.j2").write_text(env_body, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"unknown source \[@src-00000000\]"):
        build_document(responses, load("msq-2024"), Locale("en", country="PRY"), Config(templates=templates))


# --- translation fallback --------------------------------------------------------------


def test_untranslated_answer_text_is_marked_and_counted(tmp_path: Path) -> None:
    answers = "  13:\n    text: A sentence nobody translated.\n"
    result = build(tmp_path, "{{ p.q('lead_agency').summary }}\n", answers, lang="es")
    paragraph = result.document.sections[0].blocks[0]
    assert m.plain_text(paragraph.children) == "A sentence nobody translated. (en inglés)"
    assert any("1 answer texts untranslated" in w for w in result.warnings)


def test_strict_refuses_untranslated_text(tmp_path: Path) -> None:
    answers = "  13:\n    text: A sentence nobody translated.\n"
    with pytest.raises(PublicationError, match="--strict"):
        build(tmp_path, "{{ p.q('lead_agency').summary }}\n", answers, lang="es", strict=True)


def test_a_new_language_is_data(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    (locales / "de" / "LC_MESSAGES").mkdir(parents=True)
    (locales / "de" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: de\\n"\n\n'
        'msgid "Sources"\nmsgstr "Quellen"\n', encoding="utf-8")
    templates = make_templates(tmp_path, "{{ _('Sources') }} / {{ _('Contents') }}\n", sources=False)
    responses = responses_with(tmp_path, "")
    result = build_document(responses, load("msq-2024"), Locale("de", locales, country="PRY"),
                            Config(templates=templates))
    assert m.plain_text(result.document.sections[0].blocks[0].children) == "Quellen / Contents"
    assert result.document.meta.country == "Paraguay"
    assert any("template strings untranslated" in w for w in result.warnings)


# --- publication rules -------------------------------------------------------------------


def test_no_consent_refuses_unless_internal(tmp_path: Path) -> None:
    templates = make_templates(tmp_path, "Body\n")
    responses = responses_with(tmp_path, "", consent="no")
    catalog = load("msq-2024")
    with pytest.raises(PublicationError, match="consent to publish"):
        build_document(responses, catalog, Locale("en", country="PRY"), Config(templates=templates))
    result = build_document(responses, catalog, Locale("en", country="PRY"),
                            Config(templates=templates, internal=True))
    assert result.document.meta.internal and result.document.meta.internal_label == "Not for publication"


def test_respondent_is_not_available_to_templates_as_text(tmp_path: Path) -> None:
    """Every public way a template could ask for the respondent's contact
    details (their items by key, ``p.respondent``) prints nothing of them."""
    keys = [item.key for item in load("msq-2024").items if item.group == "respondent"]
    assert len(keys) == 4
    asks = "".join(f"{{{{ p.q('{key}').{field} }}}}|" for key in keys
                   for field in ("text", "value_text", "summary", "brief", "original", "links"))
    result = build(tmp_path, f"Asked: {asks}\n")
    dump = m.dump(result.document)
    assert "Asked:" in dump  # the template ran
    assert "Test Person" not in dump and "test@example.org" not in dump
    with pytest.raises(TemplateError, match="p has no attribute 'respondent'"):
        build(tmp_path / "direct", "{{ p.respondent }}\n")


def test_document_date_comes_from_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = build(tmp_path, "x\n")
    assert str(result.document.meta.date) == "2023-11-14"


def test_first_sentences_keeps_whole_sentences() -> None:
    text = "First sentence here. Second one is longer than the rest of it. Third.\n\nNext paragraph."
    assert first_sentences(text, 30) == "First sentence here."
    assert first_sentences(text, 80) == "First sentence here. Second one is longer than the rest of it. Third."
    assert first_sentences("word " * 200, 50).endswith("…")


def test_templates_folder_is_copyable(tmp_path: Path) -> None:
    """Authors can keep templates elsewhere: the engine reads only the folder it is given."""
    root = make_templates(tmp_path, "Hello {{ p.country }}\n", sources=False)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    responses = responses_with(tmp_path, "")
    result = build_document(responses, load("msq-2024"), Locale("es", country="PRY"), Config(templates=copy))
    assert m.plain_text(result.document.sections[0].blocks[0].children) == "Hello Paraguay"


def test_adjacent_calls_make_one_reference_marker(tmp_path: Path) -> None:
    body = ("Law and decree{{ p.q('access_to_information_law').cite }}{{ p.q('crisis_strategy').cite }}. "
            "Plan{{ p.q('national_development_alignment').cite }}.\n")
    result = build(tmp_path, body, CITED_ANSWERS)
    calls = m.citations(result.document)
    assert [c.number for c in calls] == [1, 2, 2]
    references = m.references(result.document)
    assert [r.text for r in references] == ["[1; 2, p.\u00a0123]", "[2, p.\u00a031]"]
    assert [r.numbers for r in references] == [[1, 2], [2]]


@pytest.mark.parametrize(("calls", "expected", "linked"), [
    ([(12, "")], "[12]", ["[12]"]),
    ([(12, "p. 31")], "[12, p.\u00a031]", ["[12, p.\u00a031]"]),
    ([(3, ""), (5, ""), (6, ""), (7, "")], "[3, 5–7]", ["3", "5", "7"]),
    ([(6, ""), (5, ""), (5, "")], "[5, 6]", ["5", "6"]),
    ([(7, ""), (3, ""), (12, "p. 31")], "[3, 7; 12, p.\u00a031]", ["3", "7", "12"]),
    ([(41, ""), (5, "pp. 32, 95")], "[41; 5, pp.\u00a032, 95]", ["41", "5"]),
])
def test_reference_markers_sort_merge_and_keep_locators(calls: list[tuple[int, str]], expected: str,
                                                        linked: list[str]) -> None:
    from reportgen.citations import reference_parts

    parts = reference_parts([m.Citation("s", locator, number) for number, locator in calls])
    assert "".join(p.text for p in parts) == expected
    assert [p.text for p in parts if p.number] == linked  # only the numbers are links


@pytest.mark.parametrize("expression", [
    "p.options.templates.joinpath('../pyproject.toml').read_text()",
    "p._options",
    "p._responses.respondent.email",
    "p.q('national_cio')._answer",
])
def test_templates_cannot_reach_files_or_private_state(tmp_path: Path, expression: str) -> None:
    with pytest.raises(TemplateError, match=r"body\.md\.j2"):
        build(tmp_path, "{{ " + expression + " }}\n")


def test_questionnaire_labels_fall_back_to_english_and_are_counted(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    (locales / "de" / "LC_MESSAGES").mkdir(parents=True)
    templates = make_templates(tmp_path, "{{ p.q('national_portal').label }}\n", sources=False)
    result = build_document(responses_with(tmp_path, ""), load("msq-2024"), Locale("de", locales, country="PRY"),
                            Config(templates=templates))
    assert m.plain_text(result.document.sections[0].blocks[0].children) == "National portal"
    assert any("template strings untranslated" in w for w in result.warnings)


def test_source_details_name_items_in_the_language(tmp_path: Path) -> None:
    answers = "  10:\n    sources:\n      - url: https://www.datos.gov.py/\n"
    templates = make_templates(tmp_path, "Data{{ p.q('open_government_data_portal').cite }}.\n")
    text = minimal_yaml(extra_answers=answers).replace("submitted: null", "submitted: 2024-03-01")
    path = tmp_path / "PRY.yaml"
    path.write_text(text, encoding="utf-8")
    responses, _ = load_responses(path)
    result = build_document(responses, load("msq-2024"), Locale("es", country="PRY"), Config(templates=templates))
    # "P" for "pregunta"; the date is said once, above the list
    assert result.document.sources[0].details == "Preguntas:\u00a0P10."  # as printed: a sentence
    assert result.document.sources[0].display == "www.datos.gov.py"


def test_a_parts_classes_become_its_sections_attributes(tmp_path) -> None:
    import shutil

    from reportgen.narrative import _to_section, read_parts
    from reportgen.writers import TEMPLATES

    shutil.copytree(TEMPLATES / "sections", tmp_path / "sections")
    profile = tmp_path / "sections" / "profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "{id: A, kind: body,", "{id: A, kind: body, classes: [two-columns],"), encoding="utf-8")
    part = next(p for p in read_parts(tmp_path) if p.id == "A")
    section = _to_section(part, "# A. Framework\n", {})
    assert section.attr == m.Attr(classes=["two-columns"])
