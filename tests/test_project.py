"""Report projects: reportgen new, and a project's files overriding the defaults."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from reportgen.cli import cli
from reportgen.paths import LOCALES, TEMPLATES
from reportgen.project import open_project
from reportgen.synth import write_synthetic

CHECKOUT = Path(__file__).resolve().parents[1]


def _new(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles-2026"
    result = CliRunner().invoke(cli, ["new", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_new_makes_a_project_folder(tmp_path: Path) -> None:
    folder = _new(tmp_path)
    settings = tomllib.loads((folder / "reportgen.toml").read_text(encoding="utf-8"))
    assert settings["languages"] == ["en", "es"] and settings["responses"] == "responses"
    assert (folder / "templates").is_dir() and (folder / "locales").is_dir() and (folder / "responses").is_dir()


def test_new_never_writes_into_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", str(tmp_path)])
    assert result.exit_code == 2 and "not an empty folder" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_fresh_project_reads_the_defaults_as_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_new(tmp_path))
    project = open_project()
    assert (project.templates, project.locales, project.overlays) == (TEMPLATES, LOCALES, [])


def test_reportgens_own_checkout_is_not_an_overlay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CHECKOUT)
    assert open_project().overlays == []


def test_a_projects_template_replaces_the_default_of_the_same_path(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _new(tmp_path)
    write_synthetic(["URY"], folder / "responses")
    section = (TEMPLATES / "sections" / "G-partnerships.md.j2").read_text(encoding="utf-8")
    (folder / "templates" / "sections").mkdir()
    (folder / "templates" / "sections" / "G-partnerships.md.j2").write_text(
        section + "\n\nPrepared for the regional workshop in Montevideo.\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")
    result = CliRunner().invoke(cli, ["build", "URY", "--lang", "en", "--format", "html", "--jobs", "0"])
    assert result.exit_code == 0, result.output
    page = lxml_html.parse(str(folder / "build" / "URY" / "URY-profile-2024-en-draft.html")).getroot()
    text = " ".join(page.text_content().split())
    assert "Prepared for the regional workshop in Montevideo." in text
    assert "A. Institutional framework" in text  # the other sections are the defaults


def test_the_overlay_is_removed_when_the_command_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _new(tmp_path)
    (folder / "templates" / "html").mkdir()
    (folder / "templates" / "html" / "screen.css").write_text("body { color: black; }\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    project = open_project()
    assert project.scratch is not None and (project.templates / "html" / "screen.css").read_text() == (
        "body { color: black; }\n")
    assert (project.templates / "html" / "print.css").is_file()  # the defaults under it
    assert project.locales == LOCALES  # only README.md in locales/: nothing to lay over
    project.close()
    assert not project.scratch.exists()


def test_i18n_works_on_the_projects_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_new(tmp_path))
    for command in (["i18n", "extract"], ["i18n", "init", "--lang", "fr"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0, result.output
    assert Path("locales/messages.pot").is_file() and Path("locales/fr/LC_MESSAGES/messages.po").is_file()
    assert not (LOCALES / "fr" / "LC_MESSAGES" / "messages.po").samefile("locales/fr/LC_MESSAGES/messages.po")


def test_every_subpackage_is_in_the_wheel() -> None:
    """pyproject lists the packages (two of them are mapped folders): a new
    subpackage left out would be missing from an installed reportgen."""
    listed = set(tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "packages"])
    found = {".".join(p.parent.relative_to(CHECKOUT).parts) for p in (CHECKOUT / "reportgen").rglob("__init__.py")}
    assert found <= listed


@pytest.mark.slow
def test_an_installed_wheel_builds_a_profile_in_a_new_project(tmp_path: Path) -> None:
    """The wheel, in a fresh virtual environment outside the checkout: its
    templates, catalogs, fonts and questionnaire come from the package."""
    import subprocess
    import sys

    def run(*command: str | Path, cwd: Path = tmp_path) -> str:
        done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "wheels", CHECKOUT)
    wheel = next((tmp_path / "wheels").glob("reportgen-*.whl"))
    run(sys.executable, "-m", "venv", tmp_path / "venv")
    bin_ = tmp_path / "venv" / "bin"
    run(bin_ / "pip", "install", "-q", "-c", CHECKOUT / "constraints.txt", wheel)
    run(bin_ / "reportgen", "new", "project")
    project = tmp_path / "project"
    run(bin_ / "reportgen", "dev", "synth", "--countries", "URY", "-o", "responses", cwd=project)
    run(bin_ / "reportgen", "build", "URY", "--lang", "en,es", "--format", "pdf,html", cwd=project)
    pdf = project / "build" / "URY" / "URY-profile-2024-es-draft.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Uruguay" in text and "Marco institucional" in text
    assert str(CHECKOUT) not in run(bin_ / "python", "-c", "import reportgen.paths as p; print(p.TEMPLATES, p.LOCALES)")


def test_messages_name_the_projects_files_not_the_overlays_copies(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The overlay is a temporary copy, gone when the command ends: a message
    names the project's file, the default's where the project has none, or
    where the project's would be made (a catalog not written yet)."""
    from reportgen.project import users_names

    folder = _new(tmp_path)
    monkeypatch.chdir(folder)
    (folder / "locales" / "es" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "locales" / "es" / "LC_MESSAGES" / "messages.po").write_bytes(
        (LOCALES / "es" / "LC_MESSAGES" / "messages.po").read_bytes())
    project = open_project()
    try:
        overlay = project.locales
        assert overlay != LOCALES
        text = (f"{overlay}/es/LC_MESSAGES/messages.po:12: a; {overlay}/es/LC_MESSAGES/responses-PRY.po:3: b; "
                f"{overlay}/es/LC_MESSAGES/responses-URY.po:1: c; (in {overlay}/es/LC_MESSAGES/responses-PRY.po), "
                f"{overlay}/es/LC_MESSAGES/responses-URY.po.")
        assert users_names([project.templates, project.locales])(text) == (
            f"locales/es/LC_MESSAGES/messages.po:12: a; {LOCALES}/es/LC_MESSAGES/responses-PRY.po:3: b; "
            f"locales/es/LC_MESSAGES/responses-URY.po:1: c; (in {LOCALES}/es/LC_MESSAGES/responses-PRY.po), "
            "locales/es/LC_MESSAGES/responses-URY.po.")
        # The record of where the files come from is not among them: the build hashes them all.
        assert not [p.name for p in overlay.rglob(".*")]
    finally:
        project.close()


def test_a_build_in_a_project_names_its_template_in_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _new(tmp_path)
    write_synthetic(["URY"], folder / "responses")
    (folder / "templates" / "sections").mkdir()
    imprint = (TEMPLATES / "sections" / "imprint.md.j2").read_text(encoding="utf-8")
    (folder / "templates" / "sections" / "imprint.md.j2").write_text(imprint + "\n\U00012000\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, ["build", "--lang", "en", "--format", "html", "--jobs", "0"])
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if "no glyph" in x]
    assert line.startswith("URY en: templates/sections/imprint.md.j2:") and "reportgen-project" not in line


def test_a_moved_project_keeps_its_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys hash content, not where the project lies: a project moved, or
    cloned on another machine, rebuilds nothing."""
    import shutil

    from reportgen.build import shared_fingerprint
    from reportgen.config import Config

    first = _new(tmp_path / "a")
    (first / "templates" / "sections").mkdir()
    (first / "templates" / "sections" / "imprint.md.j2").write_text("{# mine #}\n", encoding="utf-8")
    second = tmp_path / "b" / "elsewhere"
    shutil.copytree(first, second)
    keys = []
    for folder in (first, second):
        monkeypatch.chdir(folder)
        project = open_project()
        try:
            keys.append(shared_fingerprint(Config(templates=project.templates, locales=project.locales)))
        finally:
            project.close()
    assert keys[0] == keys[1]
