"""Careless and hostile exports (issue 15, "Importer surprises"): nothing is
merged or dropped silently; unusable input is one line naming file and line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reportgen import questionnaire
from reportgen.cli import cli
from reportgen.errors import InputError
from reportgen.importers.forms import parse_export

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "msq-2024-paraguay-forms-export.md"
SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def catalog() -> questionnaire.Questionnaire:
    return questionnaire.load("msq-2024")


def write(tmp_path: Path, text: str, name: str = "export.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def moved(text: str, start: str, end: str, before: str) -> str:
    """``text`` with the part from ``start`` up to ``end`` moved in front of ``before``."""
    a, b, c = text.index(start), text.index(end), text.index(before)
    assert c < a < b
    return text[:c] + text[a:b] + text[c:a] + text[b:]


def test_the_seed_has_no_surprises(catalog) -> None:
    result = parse_export(SEED_TEXT, catalog, "seed.md")
    assert result.warnings == [] and result.truncated_after is None


def test_items_out_of_order_keep_their_own_answers(catalog) -> None:
    # Q39-Q40 (credit data law) moved after Q41-Q42 (cybersecurity decree)
    text = moved(SEED_TEXT, "41. Is there", "43. Is there", "39. Is there")
    result = parse_export(text, catalog, "moved.md")
    answers: dict[int, Any] = result.data["answers"]
    assert answers[42]["text"] == "Presidential decree approving the national cybersecurity plan"
    assert "credit data" not in answers[42]["text"]
    assert "credit data" in answers[40]["text"]
    assert [(str(w.path), w.line, w.item) for w in result.warnings] == [
        ("moved.md", line_of(text, "39. Is there"), 39), ("moved.md", line_of(text, "40. If yes"), 40)]
    assert all("out of order" in w.message for w in result.warnings)
    assert "out of order in the export" in answers[39]["flags"]["needs_review"]
    assert result.missing == []


def test_an_item_moved_far_is_not_merged_into_another(catalog) -> None:
    text = moved(SEED_TEXT, "57. Is there", "## D. Strategy", "47. Is there")
    result = parse_export(text, catalog, "far.md")
    answers = result.data["answers"]
    assert "It is contemplated" not in answers[46].get("text", "")
    assert answers[57]["value"] == "planned"
    assert {w.item for w in result.warnings} == {57, 58}


def test_a_duplicated_item_is_flagged_not_merged(catalog) -> None:
    start, end = SEED_TEXT.index("41. Is there"), SEED_TEXT.index("43. Is there")
    again = SEED_TEXT[start:end].replace("national cybersecurity plan", "national cybersecurity strategy")
    text = SEED_TEXT[:end] + again + SEED_TEXT[end:]
    result = parse_export(text, catalog, "twice.md")
    answers = result.data["answers"]
    assert answers[42]["text"] == "Presidential decree approving the national cybersecurity plan"
    assert "strategy" not in answers[42]["text"]
    assert "twice" in answers[42]["flags"]["needs_review"]
    warning = next(w for w in result.warnings if w.item == 42)
    assert warning.line == text[:end].count("\n") + line_of(text[end:], "42. If yes")  # the second heading
    assert f"first at line {line_of(text, '42. If yes')}" in warning.message


def test_content_after_the_last_item_is_reported_with_its_line(tmp_path: Path) -> None:
    text = SEED_TEXT + "\n127. Any other comments?\n\nOur answer continues here.\n"
    export = write(tmp_path, text)
    result = CliRunner().invoke(cli, ["import", str(export), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 0
    line = line_of(text, "127. Any")
    assert f"{export}:{line}: warning: '127.' after the questionnaire's last item" in result.output
    assert f"line {line}: content after the last item was not imported" in result.output


def test_a_truncated_export_exits_non_zero_and_writes_nothing(tmp_path: Path) -> None:
    text = SEED_TEXT[: SEED_TEXT.index("61. **Is there a dedicated budget")]
    export = write(tmp_path, text)
    output = tmp_path / "out.yaml"
    result = CliRunner().invoke(cli, ["import", str(export), "-o", str(output)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"reportgen: {export}:{len(text.rstrip().splitlines())}: the export ends after Q60 (Q61-Q126 not found): "
        "it looks truncated; --partial imports it with the missing items flagged")
    assert not output.exists()
    partial = CliRunner().invoke(cli, ["import", str(export), "-o", str(output), "--partial"])
    assert partial.exit_code == 0 and "not found in the export: Q61-Q126" in partial.output


@pytest.mark.parametrize("name", ["x\ncountry: XXX.md", "a\u2028b.md", "evil\x1b]52;c;aGk=\x07.md"])
def test_the_export_name_is_data_in_the_header(tmp_path: Path, name: str) -> None:
    export = tmp_path / name
    export.write_text(SEED_TEXT, encoding="utf-8")
    output = tmp_path / "out.yaml"
    result = CliRunner().invoke(cli, ["import", str(export), "-o", str(output)])
    assert result.exit_code == 0, result.output
    written = output.read_text(encoding="utf-8")
    header = written.splitlines()[0]
    assert header.startswith('# Imported from "') and "\\u" in header
    assert not any(c in written for c in "\x1b\x07\u2028")
    assert yaml.safe_load(written)["country"] == "PRY"  # the name injected nothing


@pytest.mark.parametrize("char", ["\x1b", "\x00", "\x7f", "\x9b"])
def test_control_characters_are_refused_with_file_and_line(tmp_path: Path, char: str) -> None:
    text = SEED_TEXT.replace("The CERT-PY is", f"The {char}CERT-PY is", 1)
    export = write(tmp_path, text)
    with pytest.raises(InputError) as error:
        parse_export(text, questionnaire.load("msq-2024"), str(export))
    assert error.value.problem.line == line_of(text, "CERT-PY is")
    assert f"U+{ord(char):04X}" in str(error.value)


def test_dev_zero_gives_one_line(tmp_path: Path) -> None:
    """/dev/zero has a size of 0 for stat(): the limit is checked by reading."""
    exe = Path(sys.executable).parent / "reportgen"
    result = subprocess.run([str(exe), "import", "/dev/zero", "-o", str(tmp_path / "out.yaml")],
                            capture_output=True, text=True, check=False, timeout=60,
                            env={**os.environ, "REPORTGEN_DEBUG": ""})
    assert result.returncode == 2
    assert result.stderr == "reportgen: /dev/zero:1: file is too large (more than 5,242,880 bytes, the limit)\n"
    assert not (tmp_path / "out.yaml").exists()
