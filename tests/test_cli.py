"""The command line as a user meets it: exit codes and one-line messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import cli
from tests.responses_factory import minimal_yaml

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "msq-2024-paraguay-forms-export.md"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it (no test runner in between)."""
    exe = Path(sys.executable).parent / "reportgen"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT, check=False,
                          env={**os.environ, "REPORTGEN_DEBUG": ""})


@pytest.mark.parametrize("command", [[], ["check"], ["import"], ["build"], ["i18n"], ["i18n", "extract"],
                                     ["i18n", "update"], ["i18n", "stats"], ["i18n", "check"], ["synth"],
                                     ["bench"]])
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
    result = run("check", str(path))
    assert result.returncode == 1
    assert f"{path}:" in result.stderr and "Q14: 'maybe' is not a valid yes_no value" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"", b"\xff\xfe garbage", b"- a list\n", b"a: [unclosed\n"])
def test_check_exit_2_on_unusable_input_without_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "PRY.yaml"
    path.write_bytes(content)
    result = run("check", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"{path}:1:")
    assert "Traceback" not in result.stderr


def test_check_several_files_reports_the_worst(tmp_path: Path) -> None:
    bad = tmp_path / "ARG.yaml"
    bad.write_text("- not a mapping\n", encoding="utf-8")
    result = run("check", "responses/PRY.yaml", str(bad))
    assert result.returncode == 2
    assert "responses/PRY.yaml: ok" in result.stdout


def test_import_seed_prints_summary_and_writes_a_checkable_file(tmp_path: Path) -> None:
    output = tmp_path / "PRY.yaml"
    result = run("import", str(SEED), "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert "126 items found" in result.stdout
    checked = run("check", str(output))
    assert checked.returncode == 0, checked.stderr  # only warnings: flags for a person to resolve
    assert "needs review" in checked.stdout + checked.stderr


def test_import_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    output = tmp_path / "out.yaml"
    result = run("import", str(tmp_path / "missing.md"), "-o", str(output))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not output.exists()


def test_build_refuses_unknown_language_and_format() -> None:
    result = run("build", "PRY", "--lang", "xx", "--out", "/tmp/never")
    assert result.returncode == 2 and "--lang xx" in result.stderr
    result = run("build", "PRY", "--format", "odt", "--out", "/tmp/never")
    assert result.returncode == 2 and "--format odt" in result.stderr


def test_build_refuses_an_unknown_pdf_variant_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = run("build", "PRY", "--pdf-variant", "pdf/x-9", "--out", str(out))
    assert result.returncode == 2 and "pdf/x-9" in result.stderr
    assert not (out / "PRY").exists()
