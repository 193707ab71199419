"""The command line as a user meets it: exit codes and one-line messages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import cli
from reportgen.config import Config
from tests.entry import run_here
from tests.responses_factory import minimal_yaml

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "msq-2024-paraguay-forms-export.md"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it (no test runner in between)."""
    exe = Path(sys.executable).parent / "reportgen"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT, check=False,
                          env={**os.environ, "REPORTGEN_DEBUG": ""})



@pytest.mark.parametrize("command", [[], ["check"], ["import"], ["build"], ["i18n"], ["i18n", "extract"],
                                     ["i18n", "update"], ["i18n", "stats"], ["i18n", "check"], ["i18n", "init"],
                                     ["dev", "synth"], ["dev", "template-docs"], ["dev", "bench"]])

def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_check_paraguay_is_clean() -> None:
    result = run("check", "responses/PRY.yaml")
    assert result.returncode == 0, result.stderr
    assert "responses/PRY.yaml: ok (0 errors, 1 warnings)" in result.stdout


def test_check_exit_1_on_errors(tmp_path: Path) -> None:
    path = tmp_path / "PRY.yaml"
    path.write_text(minimal_yaml(extra_answers="  14:\n    value: maybe\n", drop={14}), encoding="utf-8")
    result = run_here("check", str(path))
    assert result.returncode == 1
    assert f"{path}:" in result.stderr and "Q14: 'maybe' is not a valid yes_no value" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"", b"\xff\xfe garbage", b"- a list\n", b"a: [unclosed\n"])
def test_check_exit_2_on_unusable_input_without_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "PRY.yaml"
    path.write_bytes(content)
    result = run_here("check", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"{path}:1:")
    assert "Traceback" not in result.stderr


def test_check_several_files_reports_the_worst(tmp_path: Path) -> None:
    bad = tmp_path / "ARG.yaml"
    bad.write_text("- not a mapping\n", encoding="utf-8")
    result = run_here("check", "responses/PRY.yaml", str(bad))
    assert result.returncode == 2
    assert "responses/PRY.yaml: ok" in result.stdout


def test_import_seed_prints_summary_and_writes_a_checkable_file(tmp_path: Path) -> None:
    output = tmp_path / "PRY.yaml"
    result = run_here("import", str(SEED), "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert "126 items found" in result.stdout
    checked = run_here("check", str(output))
    assert checked.returncode == 0, checked.stderr  # only warnings: flags for a person to resolve
    assert "needs review" in checked.stdout + checked.stderr


def test_import_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    output = tmp_path / "out.yaml"
    result = run_here("import", str(tmp_path / "missing.md"), "-o", str(output))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not output.exists()


def test_build_refuses_unknown_language_and_format() -> None:
    result = run_here("build", "PRY", "--lang", "xx", "--out", "/tmp/never")
    assert result.returncode == 2 and "--lang xx" in result.stderr
    result = run_here("build", "PRY", "--format", "odt", "--out", "/tmp/never")
    assert result.returncode == 2 and "--format odt" in result.stderr


def test_build_refuses_an_unknown_pdf_variant_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = run_here("build", "PRY", "--pdf-variant", "pdf/x-9", "--out", str(out))
    assert result.returncode == 2 and "pdf/x-9" in result.stderr
    assert not (out / "PRY").exists()


def test_build_refuses_a_combination_it_cannot_make(tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = run_here("build", "PRY", "--pdf-variant", "pdf/a-3u+pdf/ua-1", "--out", str(out))
    assert result.returncode == 2 and "cannot be made" in result.stderr
    assert not (out / "PRY").exists()


# --- issue 12: the command line as a whole -------------------------------------------


def copy_locales(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    return tmp_path / "locales"


def test_i18n_commands_take_comma_lists_and_a_translator_can_script_them(tmp_path: Path) -> None:
    locales = copy_locales(tmp_path)
    result = run_here("i18n", "--locales", str(locales), "update", "--lang", "es,fr")
    assert result.returncode == 0, result.stderr
    assert f"{locales}/es/LC_MESSAGES/messages.po: 100% translated" in result.stdout
    assert f"{locales}/fr/LC_MESSAGES/messages.po: " in result.stdout
    assert "fuzzy" not in (locales / "es" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")

    result = run_here("i18n", "--locales", str(locales), "init", "--lang", "pt")
    assert result.returncode == 0, result.stderr
    assert (locales / "pt" / "LC_MESSAGES" / "messages.po").is_file()
    assert run_here("i18n", "--locales", str(locales), "check", "--lang", "pt").returncode == 0

    result = run_here("i18n", "--locales", str(locales), "stats", "--lang", "es,pt", "--fail-under", "90")
    assert result.returncode == 1
    assert "pt/LC_MESSAGES/messages.po: 0% translated, under --fail-under 90%" in result.stderr
    assert run_here("i18n", "--locales", str(locales), "stats", "--lang", "es", "--fail-under", "100").returncode == 0


def test_i18n_stats_lists_entries_and_speaks_json(tmp_path: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    locales = copy_locales(tmp_path)
    po = locales / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    singular = [message for message in catalog if message.id and isinstance(message.id, str)]
    singular[0].string = ""  # one untranslated, one fuzzy
    singular[1].flags.add("fuzzy")
    with po.open("wb") as handle:
        write_po(handle, catalog)
    result = run_here("i18n", "--locales", str(locales), "stats", "--lang", "fr", "--list")
    assert result.returncode == 0
    pot = locales / "messages.pot"
    listed = [line for line in result.stdout.splitlines() if line.startswith((f"{po}:", f"{pot}:"))]
    pattern = rf"({re.escape(str(po))}:\d+: (untranslated|fuzzy)|{re.escape(str(pot))}:\d+: not in catalog .*?): "
    assert listed and all(re.match(pattern, line) for line in listed)
    summary = next(line for line in result.stdout.splitlines() if line.startswith(f"{po} "))
    assert len(listed) == int(summary.split()[2]) + int(summary.split()[3])  # fuzzy + untranslated, each listed
    data = json.loads(run_here("i18n", "--locales", str(locales), "stats", "--json", "--list").stdout)
    french = next(c for c in data["catalogs"] if c["catalog"] == str(po))
    assert french["translated"] + french["fuzzy"] + french["untranslated"] == french["total"]
    assert len(french["entries"]) == french["fuzzy"] + french["untranslated"]


def test_build_refuses_a_catalog_msgfmt_refuses_with_its_line(tmp_path: Path) -> None:
    from reportgen import build as builder

    locales = copy_locales(tmp_path)
    po = locales / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8").replace('msgstr "Portales"', 'msgstr "Portales oficiale')
    po.write_text(text, encoding="utf-8")
    msgfmt = subprocess.run(["msgfmt", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=False)
    where, message = msgfmt.stderr.splitlines()[0].rsplit(": ", 1)  # the reference compiler's own words
    options = Config(languages=("es",), formats=("html",), out=tmp_path / "out", locales=locales)
    summary = builder.build([ROOT / "responses" / "PRY.yaml"], options)
    assert msgfmt.returncode == 1 and message == "end-of-line within string"
    assert summary.failed[0].error == f"{where}: msgfmt refuses the catalog: {message}"


def test_json_for_check_and_build(tmp_path: Path) -> None:
    data = json.loads(run("check", "--json", "responses/PRY.yaml").stdout)
    assert data["files"][0]["status"] == "ok" and data["files"][0]["problems"][0]["severity"] == "warning"
    result = run("build", "PRY", "--lang", "en", "--format", "html", "--out", str(tmp_path), "--json", "-j", "0")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] and data["built"][0]["outputs"]["html"] == f"{tmp_path}/PRY/PRY-profile-2024-en-draft.html"


def test_quiet_keeps_stderr_for_errors_only() -> None:
    result = run("--quiet", "check", "responses/PRY.yaml")
    assert result.returncode == 0 and result.stderr == ""
    assert "responses/PRY.yaml: ok" in result.stdout


def test_piped_output_is_not_wrapped_or_cut() -> None:
    result = run("i18n", "stats")
    assert result.returncode == 0
    assert any(line.startswith("locales/es/LC_MESSAGES/responses-PRY.po ") for line in result.stdout.splitlines())


def test_an_internal_error_has_its_own_exit_code(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from reportgen import cli as cli_module

    def broken(**_: object) -> None:  # main() passes the command line as click's obj
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli_module, "cli", broken)
    monkeypatch.delenv("REPORTGEN_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    assert exit_info.value.code == cli_module.EXIT_INTERNAL == 3
    assert capsys.readouterr().err == "reportgen: internal error: RuntimeError: a bug (REPORTGEN_DEBUG=1 shows more)\n"


def test_check_templates_from_the_command_line() -> None:
    result = run_here("check", "--templates", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"templates": []}
