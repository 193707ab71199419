"""The process's cache of compiled templates (templating.compiled_templates),
shared by every language because filters run only at render time."""

from __future__ import annotations

import shutil
import traceback
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


def test_a_copy_of_the_templates_elsewhere_uses_the_code_and_names_its_own_file(tmp_path: Path,
                                                                                compiles: list[str]) -> None:
    """A project's templates are copied to a new temporary folder by every
    command: found by name and text, the code must still point at the copy
    (a template's error names the file being rendered)."""
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        (folder / "t.j2").write_text('line one\n{{ "world"|greet }} {{ 1 // nothing }}', encoding="utf-8")
    disk = tmp_path / "cache"
    disk.mkdir()
    _env(first, "en", templating.CompiledTemplates(disk)).get_template("t.j2")
    template = _env(second, "en", templating.CompiledTemplates(disk)).get_template("t.j2")
    assert compiles == ["t.j2"]
    assert template.filename == str(second / "t.j2")
    with pytest.raises(jinja2.UndefinedError) as failure:
        template.render()
    frames = [(frame.filename, frame.lineno) for frame in traceback.extract_tb(failure.value.__traceback__)]
    assert (str(second / "t.j2"), 2) in frames
    assert not any(name == str(first / "t.j2") for name, _ in frames)


def test_a_template_edited_between_processes_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    template = tmp_path / "t.j2"
    template.write_text('{{ "a"|greet }}', encoding="utf-8")
    disk = tmp_path / "cache"
    disk.mkdir()
    _env(tmp_path, "en", templating.CompiledTemplates(disk)).get_template("t.j2")
    template.write_text('{{ "b"|greet }}', encoding="utf-8")
    assert _env(tmp_path, "en", templating.CompiledTemplates(disk)).get_template("t.j2").render() == "Hello b"
    assert compiles == ["t.j2", "t.j2"]


@pytest.mark.parametrize("damage", ["empty", "cut short", "unreadable", "folder removed"])
def test_a_damaged_or_missing_cache_only_costs_a_compile(tmp_path: Path, compiles: list[str], damage: str) -> None:
    (tmp_path / "t.j2").write_text('{{ "world"|greet }}', encoding="utf-8")
    disk = tmp_path / "cache"
    disk.mkdir()
    _env(tmp_path, "en", templating.CompiledTemplates(disk)).get_template("t.j2")
    again = templating.CompiledTemplates(disk)
    [file] = disk.iterdir()
    if damage == "unreadable":  # a folder where the file should be
        file.unlink()
        file.mkdir()
    elif damage == "folder removed":  # by another build, pruning: nothing can be written either
        shutil.rmtree(disk)
    else:  # Jinja's header, then half its checksum: unpickling it fails
        file.write_bytes(b"" if damage == "empty" else file.read_bytes()[:len(jinja2.bccache.bc_magic) + 4])
    assert _env(tmp_path, "en", again).get_template("t.j2").render() == "Hello world"
    assert compiles == ["t.j2", "t.j2"]
    assert len(again) == 1  # kept in memory all the same


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    root.mkdir(mode=0o700)
    monkeypatch.setenv("REPORTGEN_CACHE", str(root))
    return root


def test_the_profile_environment_keeps_its_templates_in_the_cache_folder(cache_root: Path, tmp_path: Path) -> None:
    sections = tmp_path / "templates" / "sections"
    sections.mkdir(parents=True)
    (sections / "t.j2").write_text("text", encoding="utf-8")
    templating.compiled_templates.cache_clear()
    try:
        make_environment(tmp_path / "templates", Locale("en")).get_template("t.j2")
    finally:
        templating.compiled_templates.cache_clear()
    [folder] = (cache_root / "jinja").iterdir()
    assert [p.suffix for p in folder.iterdir()] == [templating.ENTRY_SUFFIX]


def test_the_cache_folder_is_per_code_version_and_keeps_the_newest(cache_root: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from reportgen import fingerprints

    parent = cache_root / "jinja"
    parent.mkdir()
    for age in range(6):  # folders of other reportgen versions, the oldest last
        old = parent / f"{age:016x}"
        old.mkdir()
        os.utime(old, (1_000_000_000 - age, 1_000_000_000 - age))
    (parent / "notes").mkdir()  # not reportgen's: never removed
    folder = templating._disk_folder()
    assert folder is not None and folder.parent == parent and folder.is_dir()
    kept = {p.name for p in parent.iterdir()}
    assert kept == {folder.name, f"{0:016x}", f"{1:016x}", f"{2:016x}", "notes"}
    assert templating._disk_folder() == folder  # the same code: the same folder, nothing removed
    assert {p.name for p in parent.iterdir()} == kept
    monkeypatch.setattr(fingerprints, "code_fingerprint", lambda: "other code")
    assert templating._disk_folder() not in (None, folder)


def test_a_folder_keeps_its_newest_entries(cache_root: Path) -> None:
    import os

    folder = templating._disk_folder()
    assert folder is not None
    for age in range(templating.KEPT_ENTRIES + 3):
        entry = folder / f"{age}{templating.ENTRY_SUFFIX}"
        entry.write_bytes(b"")
        os.utime(entry, (2_000_000_000 - age, 2_000_000_000 - age))
    assert templating._disk_folder() == folder
    names = {p.name for p in folder.iterdir()}
    assert len(names) == templating.KEPT_ENTRIES and f"{templating.KEPT_ENTRIES - 1}.jinja" in names


@pytest.mark.parametrize(("where", "mode", "used"), [
    ("folder", 0o777, False), ("folder", 0o1777, False), ("folder", 0o770, False),
    ("parent", 0o777, False), ("parent", 0o1777, True), ("parent", 0o770, True)],
    ids=["folder-open", "folder-sticky", "folder-group", "parent-open", "parent-sticky", "parent-own-group"])
def test_a_cache_folder_others_can_write_to_is_not_used(cache_root: Path, where: str, mode: int, used: bool) -> None:
    """Its files are code that runs: no one else may put or swap them there.
    Above it, a sticky folder (as /tmp) or one only the user's own group can
    write to (the user's private group, umask 002) is safe."""
    folder = templating._disk_folder()
    assert folder is not None
    (folder if where == "folder" else folder.parent).chmod(mode)
    assert templating._disk_folder() == (folder if used else None)


def test_a_link_in_place_of_the_cache_folder_is_not_used(cache_root: Path, tmp_path: Path) -> None:
    folder = templating._disk_folder()
    assert folder is not None
    shutil.rmtree(folder)
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    folder.symlink_to(tmp_path / "elsewhere")
    assert templating._disk_folder() is None


def test_the_folders_made_are_the_users_alone_whatever_the_umask(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import stat

    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path / "new" / "cache"))
    (tmp_path / "new").mkdir(mode=0o755)
    previous = os.umask(0o002)  # many systems' default for users: new folders group-writable
    try:
        folder = templating._disk_folder()
    finally:
        os.umask(previous)
    assert folder is not None
    made = [folder, *(p for p in folder.parents if tmp_path / "new" in p.parents)]
    assert [stat.S_IMODE(p.stat().st_mode) for p in made] == [0o700] * len(made) == [0o700] * 3


def test_no_cache_folder_where_none_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path / "file"))
    assert templating._disk_folder() is None


@pytest.mark.parametrize("variable", ["REPORTGEN_CACHE", "XDG_CACHE_HOME"])
def test_a_relative_cache_folder_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    from reportgen.paths import cache_folder

    monkeypatch.delenv("REPORTGEN_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(variable, "templates")  # it would be the project's own templates/ folder
    assert cache_folder() == tmp_path / ".cache" / "reportgen"
    monkeypatch.setenv(variable, str(tmp_path / "elsewhere"))
    assert cache_folder() == tmp_path / "elsewhere" / ("" if variable == "REPORTGEN_CACHE" else "reportgen")
