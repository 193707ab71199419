"""The process's cache of compiled templates (templating.compiled_templates),
shared by every language because filters run only at render time."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from reportgen import templating
from reportgen.environment import make_environment
from reportgen.i18n import Locale
from reportgen.limits import Limits

GREETINGS = {"en": "Hello {}", "es": "Hola {}"}


def _env(folder: Path, lang: str, cache: templating.CompiledTemplates) -> jinja2.Environment:
    env = templating.LimitedSandbox(limits=Limits(), loader=jinja2.FileSystemLoader(folder), bytecode_cache=cache)
    # A filter with a constant argument would be folded into the compiled code
    # (as "USD"|currency_name was): runtime_filters must prevent it.
    env.filters.update(templating.runtime_filters({"greet": GREETINGS[lang].format}))
    return env


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from now on."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, *args, **kwargs):
        compiled.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def test_another_language_reuses_the_compiled_code_with_its_own_words(tmp_path: Path, compiles: list[str]) -> None:
    (tmp_path / "t.j2").write_text('{{ "world"|greet }}', encoding="utf-8")
    cache = templating.CompiledTemplates()
    assert _env(tmp_path, "en", cache).get_template("t.j2").render() == "Hello world"
    assert _env(tmp_path, "es", cache).get_template("t.j2").render() == "Hola world"
    assert compiles == ["t.j2"]


def test_a_filter_installed_directly_would_be_folded_into_the_code(tmp_path: Path) -> None:
    """Why runtime_filters exists: without it, the first language's words stay in the code."""
    (tmp_path / "t.j2").write_text('{{ "world"|greet }}', encoding="utf-8")
    cache = templating.CompiledTemplates()
    for lang in ("en", "es"):
        env = templating.LimitedSandbox(limits=Limits(), loader=jinja2.FileSystemLoader(tmp_path),
                                        bytecode_cache=cache)
        env.filters["greet"] = GREETINGS[lang].format
        assert env.get_template("t.j2").render() == "Hello world"


def test_the_profile_environment_shares_compiled_templates_across_languages(tmp_path: Path,
                                                                             compiles: list[str]) -> None:
    sections = tmp_path / "sections"
    sections.mkdir()
    (sections / "t.j2").write_text('{{ "USD"|currency_name }}', encoding="utf-8")
    english = make_environment(tmp_path, Locale("en")).get_template("t.j2").render()
    spanish = make_environment(tmp_path, Locale("es")).get_template("t.j2").render()
    assert (english, spanish) == ("US dollars", "dólares estadounidenses")
    assert compiles == ["t.j2"]
    assert templating.compiled_templates() is templating.compiled_templates()


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    template = tmp_path / "t.j2"
    template.write_text('{{ "a"|greet }}', encoding="utf-8")
    cache = templating.CompiledTemplates()
    assert _env(tmp_path, "en", cache).get_template("t.j2").render() == "Hello a"
    template.write_text('{{ "b"|greet }}', encoding="utf-8")
    assert _env(tmp_path, "en", cache).get_template("t.j2").render() == "Hello b"


# --- kept on disk for the next process ---------------------------------------------


def test_the_next_process_finds_the_compiled_code_on_disk(tmp_path: Path, compiles: list[str]) -> None:
    (tmp_path / "t.j2").write_text('{{ "world"|greet }}', encoding="utf-8")
    disk = tmp_path / "cache"
    disk.mkdir()
    assert _env(tmp_path, "en", templating.CompiledTemplates(disk)).get_template("t.j2").render() == "Hello world"
    later = templating.CompiledTemplates(disk)  # as a new process makes it: nothing in memory
    assert _env(tmp_path, "es", later).get_template("t.j2").render() == "Hola world"
    assert compiles == ["t.j2"]
    assert len(later) == 1


def test_a_template_edited_between_processes_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    template = tmp_path / "t.j2"
    template.write_text('{{ "a"|greet }}', encoding="utf-8")
    disk = tmp_path / "cache"
    disk.mkdir()
    _env(tmp_path, "en", templating.CompiledTemplates(disk)).get_template("t.j2")
    template.write_text('{{ "b"|greet }}', encoding="utf-8")
    assert _env(tmp_path, "en", templating.CompiledTemplates(disk)).get_template("t.j2").render() == "Hello b"
    assert compiles == ["t.j2", "t.j2"]


@pytest.mark.parametrize("damage", ["empty", "cut short", "unwritable"])
def test_a_damaged_or_unwritable_cache_only_costs_a_compile(tmp_path: Path, compiles: list[str], damage: str) -> None:
    (tmp_path / "t.j2").write_text('{{ "world"|greet }}', encoding="utf-8")
    disk = tmp_path / "cache"
    disk.mkdir()
    _env(tmp_path, "en", templating.CompiledTemplates(disk)).get_template("t.j2")
    for file in disk.iterdir():
        if damage == "unwritable":  # a folder where the file should be: it can be neither read nor written
            file.unlink()
            file.mkdir()
        else:  # Jinja's header, then half its checksum: unpickling it fails
            file.write_bytes(b"" if damage == "empty" else file.read_bytes()[:len(jinja2.bccache.bc_magic) + 4])
    again = templating.CompiledTemplates(disk)
    assert _env(tmp_path, "en", again).get_template("t.j2").render() == "Hello world"
    assert compiles == ["t.j2", "t.j2"]
    assert len(again) == 1  # kept in memory all the same


def test_the_cache_folder_is_per_code_version_and_keeps_the_newest(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path))
    parent = tmp_path / "templates"
    parent.mkdir()
    for age in range(6):  # folders of other reportgen versions, the oldest last
        old = parent / f"other{age}"
        old.mkdir()
        os.utime(old, (1_000_000_000 - age, 1_000_000_000 - age))
    folder = templating._disk_folder()
    assert folder is not None and folder.parent == parent and folder.is_dir()
    kept = {p.name for p in parent.iterdir()}
    assert kept == {folder.name, "other0", "other1", "other2"} and len(kept) == templating.KEPT_FOLDERS
    assert templating._disk_folder() == folder  # the same code: the same folder, nothing removed
    assert {p.name for p in parent.iterdir()} == kept


def test_no_cache_folder_where_none_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path / "file"))
    assert templating._disk_folder() is None


def test_a_cache_folder_others_can_write_to_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its files are code that runs."""
    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path))
    folder = templating._disk_folder()
    assert folder is not None
    folder.chmod(0o777)
    assert templating._disk_folder() is None
    folder.chmod(0o700)
    assert templating._disk_folder() == folder
