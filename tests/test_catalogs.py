"""The translators' workflow: extract, update, stats, check."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from reportgen import catalogs
from reportgen.i18n import read_catalog

HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')


def write_po(path: Path, body: str, header: str = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")
    return path


def test_extract_trims_template_whitespace(tmp_path: Path) -> None:
    sections = tmp_path / "sections"
    sections.mkdir()
    (sections / "x.md.j2").write_text(
        "{% trans country=p.country %}\n    The Government of {{ country }}\n    reports that ...\n{% endtrans %}\n"
        "{{ _('Sources') }}\n", encoding="utf-8")
    catalog = catalogs.extract_messages(tmp_path)
    assert "The Government of %(country)s reports that ..." in catalog
    assert "Sources" in catalog
    assert "E-Government Country Profile" in catalog  # fixed words marked in the code


def write_pot(path: Path, *msgids: str) -> Path:
    template = Catalog(domain=path.stem)
    for msgid in msgids:
        template.add(msgid)
    catalogs.write_catalog(template, path)
    return path


def test_update_keeps_translations_and_marks_changes_fuzzy(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po",
                  'msgid "Hello world"\nmsgstr "Hola mundo"\n\nmsgid "Kept"\nmsgstr "Guardado"\n')
    pot = write_pot(tmp_path / "messages.pot", "Hello world!", "Kept", "New")
    po.write_bytes(catalogs.update_catalog(pot, po, "es"))
    updated = read_catalog(po)
    assert updated is not None
    assert updated["Kept"].string == "Guardado" and not updated["Kept"].fuzzy
    assert updated["Hello world!"].fuzzy and updated["Hello world!"].string == "Hola mundo"
    assert not updated["New"].string
    stats = catalogs.stats(po)
    assert (stats.translated, stats.fuzzy, stats.untranslated) == (1, 1, 1)
    assert stats.percent_text == "33.3%"


def test_new_catalog_is_not_fuzzy_as_a_whole(tmp_path: Path) -> None:
    pot = write_pot(tmp_path / "messages.pot", "Sources")
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(catalogs.update_catalog(pot, po, "fr"))
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split('msgid "Sources"')[0]
    assert "EMAIL@ADDRESS" not in text and "FIRST AUTHOR" not in text and "LL@li.org" not in text
    assert '"Language-Team: French\\n"' in text
    assert catalogs.check(po) == []


def test_an_english_edit_gives_a_fuzzy_entry_with_a_previous_msgid_gnu_tools_keep(tmp_path: Path) -> None:
    """extract + update after an English edit: fuzzy with a well-formed "#| msgid" (not Babel's "# |")
    that msgfmt accepts, msgcat keeps, and a second update leaves alone."""
    long = "The Government reports that there are sectoral, ministry or local CIOs or equivalent positions"
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po",
                  f'msgid "{long}."\nmsgstr "El Gobierno informa de que hay CIO sectoriales."\n')
    pot = write_pot(tmp_path / "messages.pot", long + " across government.")
    po.write_bytes(catalogs.update_catalog(pot, po, "es"))
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" in text and '#| msgid ""\n#| "The Government reports' in text
    assert "# |" not in text
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
    assert subprocess.run(["msgcat", str(po)], capture_output=True, text=True, check=True).stdout == text
    assert catalogs.update_catalog(pot, po, "es").decode("utf-8") == text


def test_babel_misread_previous_msgids_are_repaired(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po",
                  '# | msgid "" "The Government reports that there are sectoral, ministry or\n# local\n'
                  '# | CIOs."\n#: templates/sections/A.md.j2:54\nmsgid "Text"\nmsgstr "Texto"\n')
    pot = write_pot(tmp_path / "messages.pot", "Text")
    text = catalogs.update_catalog(pot, po, "es").decode("utf-8")
    assert "# |" not in text and "# local" not in text and 'msgstr "Texto"' in text


def test_a_gnu_rewrap_then_update_gives_no_diff(tmp_path: Path) -> None:
    """What Poedit or Weblate would save (GNU wrapping; msgcat stands in) survives an update byte for byte."""
    for po in sorted(Path("locales/es/LC_MESSAGES").glob("*.po")):
        copy = tmp_path / "es" / "LC_MESSAGES" / po.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["msgcat", "-o", str(copy), str(po)], check=True)
        saved = copy.read_bytes()
        assert saved == po.read_bytes(), f"{po} is not in GNU layout: run `reportgen i18n update`"
        assert catalogs.update_catalog(Path("locales") / f"{po.stem}.pot", copy, "es") == saved


def test_update_keeps_the_translators_header(tmp_path: Path) -> None:
    header = HEADER + "".join(f'"{line}\\n"\n' for line in (
        "PO-Revision-Date: 2025-03-04 10:20+0100", "Last-Translator: Ana Pérez <ana@example.org>",
        "Language-Team: Spanish <es@example.org>", "X-Generator: Poedit 3.5"))
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po", '\nmsgid "a"\nmsgstr "b"\n',
                  header.rstrip("\n") + "\n")
    pot = write_pot(tmp_path / "messages.pot", "a", "c")
    text = catalogs.update_catalog(pot, po, "es").decode("utf-8")
    for line in ("PO-Revision-Date: 2025-03-04 10:20+0100", "Last-Translator: Ana Pérez <ana@example.org>",
                 "Language-Team: Spanish <es@example.org>", "X-Generator: Poedit 3.5"):
        assert line in text


def test_a_context_only_change_keeps_the_translation(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "responses-PRY.po", 'msgid "Ministry"\nmsgstr "Ministerio"\n')
    template = Catalog(domain="responses-PRY")
    template.add("Ministry", context="Q13 summary")
    template.add("Ministry", context="Q17 organization")
    pot = tmp_path / "responses-PRY.pot"
    catalogs.write_catalog(template, pot)
    po.write_bytes(catalogs.update_catalog(pot, po, "es"))
    updated = read_catalog(po)
    assert updated is not None
    for context in ("Q13 summary", "Q17 organization"):
        message = updated.get("Ministry", context)
        assert message is not None and message.string == "Ministerio" and not message.fuzzy


def test_other_countries_translations_are_offered_fuzzy(tmp_path: Path) -> None:
    folder = tmp_path / "es" / "LC_MESSAGES"
    write_po(folder / "responses-ARG.po", 'msgctxt "Q13 summary"\nmsgid "Ministry of Modernization"\n'
             'msgstr "Ministerio de Modernización"\n')
    template = Catalog(domain="responses-URY")
    template.add("Ministry of Modernization", context="Q13 summary")
    template.add("Ministry of Industry", context="Q17 organization")
    pot = tmp_path / "responses-URY.pot"
    catalogs.write_catalog(template, pot)
    po = folder / "responses-URY.po"
    assert catalogs.compendia(po) == [folder / "responses-ARG.po"]
    po.write_bytes(catalogs.update_catalog(pot, po, "es", catalogs.compendia(po)))
    updated = read_catalog(po)
    assert updated is not None
    offered = updated.get("Ministry of Modernization", "Q13 summary")
    assert offered is not None and offered.string == "Ministerio de Modernización" and offered.fuzzy
    assert catalogs.stats(po).fuzzy == 1 and catalogs.stats(po).percent_text == "0%"


def test_stats_lists_what_is_left_with_its_line(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po",
                  'msgid "a"\nmsgstr "b"\n\n#, fuzzy\nmsgid "c"\nmsgstr "d"\n\nmsgid "e"\nmsgstr ""\n')
    stats = catalogs.stats(po)
    assert [(e.line, e.state, e.text) for e in stats.entries] == [(11, "fuzzy", "c"), (14, "untranslated", "e")]
    assert stats.percent_text == "33.3%"


def test_check_finds_placeholder_mismatch(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po",
                  '#, python-format\nmsgid "Web page of %(domain)s"\nmsgstr "Página de %(dominio)s"\n')
    problems = catalogs.check(po)
    assert any("placeholders ['dominio'] differ from ['domain']" in p for p in problems)


def test_check_finds_wrong_plural_forms(tmp_path: Path) -> None:
    header = HEADER.replace("nplurals=2; plural=(n != 1)", "nplurals=1; plural=0")
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po", 'msgid "a"\nmsgstr "b"\n', header)
    assert any("nplurals=1" in p and "es needs" in p for p in catalogs.check(po))


def test_check_finds_a_broken_file(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po", 'msgid "a"\nmsgstr "b\n')
    assert catalogs.check(po)


@pytest.mark.parametrize("po", catalogs.po_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_shipped_catalogs_pass_check_and_msgfmt(po: Path) -> None:
    assert catalogs.check(po) == []
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)


@pytest.mark.parametrize("domain", ["messages", "responses-PRY"])
def test_spanish_is_complete(domain: str) -> None:
    po = Path("locales/es/LC_MESSAGES") / f"{domain}.po"
    stats = catalogs.stats(po)
    assert (stats.untranslated, stats.fuzzy) == (0, 0), stats
    assert read_catalog(po) is not None


def test_no_compiled_catalogs_are_tracked() -> None:
    tracked = subprocess.run(["git", "ls-files", "*.mo"], capture_output=True, text=True, check=False).stdout
    assert tracked == ""


def test_check_finds_a_lone_percent_sign_in_a_template_sentence(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po",
                  'msgid "%(share)s of expenditure"\nmsgstr "el %(share)s, un 5 % del gasto"\n')
    assert any("cannot be formatted" in p for p in catalogs.check(po))


def test_check_plural_count_for_a_language_with_one_form(tmp_path: Path) -> None:
    header = HEADER.replace("Language: es", "Language: ja").replace("nplurals=2; plural=(n != 1)",
                                                                    "nplurals=1; plural=0")
    po = write_po(tmp_path / "ja" / "LC_MESSAGES" / "messages.po", 'msgid "a"\nmsgstr "b"\n', header)
    assert catalogs.check(po) == []


def test_a_context_separates_the_same_english(tmp_path: Path) -> None:
    """pgettext in a template: one msgid, two contexts, two translations (msgfmt agrees)."""
    from reportgen.i18n import Locale

    sections = tmp_path / "sections"
    sections.mkdir()
    (sections / "x.md.j2").write_text('{{ pgettext("table header", "Source") }} / {{ _("Source") }}\n',
                                      encoding="utf-8")
    catalog = catalogs.extract_messages(tmp_path)
    assert catalog.get("Source", "table header") is not None and catalog.get("Source") is not None
    po = write_po(tmp_path / "locales" / "de" / "LC_MESSAGES" / "messages.po",
                  'msgctxt "table header"\nmsgid "Source"\nmsgstr "Quelle"\n\nmsgid "Source"\nmsgstr "Herkunft"\n')
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
    locale = Locale("de", tmp_path / "locales")
    assert (locale.pgettext("table header", "Source"), locale.gettext("Source")) == ("Quelle", "Herkunft")
