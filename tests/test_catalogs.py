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


def test_update_keeps_translations_and_marks_changes_fuzzy(tmp_path: Path) -> None:
    po = write_po(tmp_path / "es" / "LC_MESSAGES" / "messages.po",
                  'msgid "Hello world"\nmsgstr "Hola mundo"\n\nmsgid "Kept"\nmsgstr "Guardado"\n')
    template = Catalog(domain="messages")
    template.add("Hello world!")
    template.add("Kept")
    template.add("New")
    updated = catalogs.update_catalog(template, po, "es")
    assert updated["Kept"].string == "Guardado" and not updated["Kept"].fuzzy
    assert updated["Hello world!"].fuzzy and updated["Hello world!"].string == "Hola mundo"
    assert not updated["New"].string
    catalogs.write_catalog(updated, po)
    stats = catalogs.stats(po)
    assert (stats.translated, stats.fuzzy, stats.untranslated) == (1, 1, 1)


def test_new_catalog_is_not_fuzzy_as_a_whole(tmp_path: Path) -> None:
    template = Catalog(domain="messages")
    template.add("Sources")
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    catalogs.write_catalog(catalogs.update_catalog(template, po, "fr"), po)
    assert "#, fuzzy" not in po.read_text(encoding="utf-8").split("msgid \"Sources\"")[0]
    assert catalogs.check(po) == []


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
