"""Re-import without losing work (issue 9, item 5): no silent overwrite,
--merge of a resubmitted export into a reviewed file, --dry-run."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reportgen.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "msq-2024-paraguay-forms-export.md"
REVIEWED = ROOT / "responses" / "PRY.yaml"  # read at test time: the lead keeps editing it


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    """A copy of the repository's reviewed Paraguay file, as it is today."""
    copy = tmp_path / "PRY.yaml"
    shutil.copyfile(REVIEWED, copy)
    return copy


def changed_export(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = SEED.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "resubmitted.md"
    path.write_text(text, encoding="utf-8")
    return path


def reviewer_parts(path: Path) -> dict[str, Any]:
    """What a reviewer writes: titles, summaries, decided statuses, flags,
    budgets, periods and the comment lines."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    answers = {n: a or {} for n, a in data["answers"].items()}
    return {
        "registry": data.get("sources"),
        "consent": data.get("consent"),
        "titles": {n: [s.get("title") for s in a.get("sources", [])] for n, a in answers.items()},
        "summaries": {n: a.get("summary") for n, a in answers.items()},
        "statuses": {n: (a.get("value"), a.get("inferred"), a.get("reviewed")) for n, a in answers.items()},
        "flags": {n: a.get("flags") for n, a in answers.items()},
        "structured": {n: (a.get("budget"), a.get("period")) for n, a in answers.items()},
        "comments": [line.split("#", 1)[1] for line in text.splitlines() if "#" in line and "http" not in line],
    }


# --- no silent overwrite -------------------------------------------------------------------


def test_import_over_an_existing_file_exits_2_and_leaves_it_byte_identical(reviewed: Path) -> None:
    before = reviewed.read_bytes()
    result = invoke("import", str(SEED), "-o", str(reviewed))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "already exists" in result.output and "--force" in result.output
    assert reviewed.read_bytes() == before
    assert sorted(p.name for p in reviewed.parent.iterdir()) == ["PRY.yaml"]  # no temporary left


def test_force_overwrites(tmp_path: Path) -> None:
    output = tmp_path / "PRY.yaml"
    output.write_text("old: content\n", encoding="utf-8")
    result = invoke("import", str(SEED), "-o", str(output), "--force")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(output.read_text(encoding="utf-8"))["country"] == "PRY"


def test_output_or_merge_is_required(tmp_path: Path) -> None:
    assert invoke("import", str(SEED)).exit_code == 2
    assert invoke("import", str(SEED), "-o", str(tmp_path / "a.yaml"), "--dry-run").exit_code == 2


# --- --merge --------------------------------------------------------------------------------


def test_merge_of_the_same_export_changes_nothing_the_reviewer_wrote(reviewed: Path) -> None:
    before = reviewed.read_bytes()
    result = invoke("import", str(SEED), "--merge", str(reviewed))
    assert result.exit_code == 0, result.output
    assert f"{reviewed}: no changes from the export" in result.output
    assert reviewed.read_bytes() == before  # not even rewritten


def test_a_changed_answer_shows_up_and_only_it_changes(reviewed: Path, tmp_path: Path) -> None:
    before = reviewer_parts(reviewed)
    original = yaml.safe_load(reviewed.read_text(encoding="utf-8"))["answers"]
    export = changed_export(
        tmp_path,
        ("represents approximately the 0,31%", "represents approximately the 0,45%"),
        ("<https://www.cert.gov.py/>", "<https://www.cert.gov.py/>\n\n<https://www.cert.gov.py/alertas>"),
    )
    result = invoke("import", str(export), "--merge", str(reviewed))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"{reviewed}: Q62: text changed: '…represents approximately the 0,31%' -> " \
           "'…represents approximately the 0,45%'" in lines
    assert f"{reviewed}: Q36: sources: + https://www.cert.gov.py/alertas" in lines
    after = yaml.safe_load(reviewed.read_text(encoding="utf-8"))["answers"]
    assert "0,45%" in after[62]["text"]
    assert after[36]["sources"][-1] == {"url": "https://www.cert.gov.py/alertas"}
    # the reviewer's summary and budget of Q62 stay, flagged because the text changed
    assert after[62]["summary"] == original[62]["summary"]
    assert after[62]["budget"] == original[62]["budget"]
    assert "check the summary" in after[62]["flags"]["needs_review"]
    # every other item is exactly as the reviewer left it
    touched = {35, 36, 61, 62}  # Q35 and Q61 are read from Q36 and Q62
    assert {n: a for n, a in after.items() if n not in touched} == \
        {n: a for n, a in original.items() if n not in touched}
    now = reviewer_parts(reviewed)
    assert now["titles"].pop(36) == [*before["titles"].pop(36), None]  # the new address has no title yet
    assert now["registry"] == before["registry"] and now["titles"] == before["titles"]
    assert now["summaries"] == before["summaries"] and now["comments"] == before["comments"]
    assert now["consent"] == before["consent"]


def test_a_changed_follow_up_reopens_the_value(reviewed: Path, tmp_path: Path) -> None:
    """A status the reviewer confirmed rests on the details; when the
    Government rewrites them, the value is read again and must be confirmed."""
    export = changed_export(tmp_path, (
        "It is contemplated in the National Plan to develop said public policies",
        "A bill on the ethical use of AI is before Congress.",
    ))
    result = invoke("import", str(export), "--merge", str(reviewed))
    assert result.exit_code == 0, result.output
    # "value yes -> planned (...)", or "value planned read from the changed details ..."
    # once the reviewed file says planned itself
    assert any(line.startswith(f"{reviewed}: Q57: value ") and "planned" in line
               for line in result.output.splitlines()), result.output
    after = yaml.safe_load(reviewed.read_text(encoding="utf-8"))["answers"]
    assert after[57]["value"] == "planned"
    assert after[57]["inferred"] == "A bill on the ethical use of AI is before Congress."
    assert not after[57].get("reviewed")  # to be confirmed again (the comment on it stays)


def test_dry_run_prints_and_writes_nothing(reviewed: Path, tmp_path: Path) -> None:
    before = reviewed.read_bytes()
    export = changed_export(tmp_path, ("represents approximately the 0,31%", "represents approximately the 0,45%"))
    result = invoke("import", str(export), "--merge", str(reviewed), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Q62: text changed" in result.output and "dry run, nothing written" in result.output
    assert reviewed.read_bytes() == before


def test_comments_survive_a_merge_that_writes(reviewed: Path, tmp_path: Path) -> None:
    comments = [line for line in reviewed.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    export = changed_export(tmp_path, ("represents approximately the 0,31%", "represents approximately the 0,45%"))
    assert invoke("import", str(export), "--merge", str(reviewed)).exit_code == 0
    text = reviewed.read_text(encoding="utf-8")
    assert comments and all(comment in text.splitlines() for comment in comments)


def test_merge_keeps_reviewer_repairs_of_the_text(tmp_path: Path) -> None:
    """Small wordless edits (a list letter, case, line breaks) are the
    reviewer's repairs: kept and reported as a note, not as a change."""
    reviewed = tmp_path / "PRY.yaml"
    assert invoke("import", str(SEED), "-o", str(reviewed)).exit_code == 0
    text = reviewed.read_text(encoding="utf-8")
    repaired = text.replace("Ministry of information and communication technologies",
                            "Ministry of Information and Communication Technologies")
    repaired = repaired.replace("\n      to. Promote the systematic review", "\n      a. Promote the systematic review")
    assert repaired != text
    reviewed.write_text(repaired, encoding="utf-8")
    result = invoke("import", str(SEED), "--merge", str(reviewed))
    assert result.exit_code == 0, result.output
    assert "no changes from the export" in result.output
    assert "note: Q76: text kept" in result.output
    assert reviewed.read_text(encoding="utf-8") == repaired


def test_merge_refuses_another_countrys_file(tmp_path: Path) -> None:
    other = tmp_path / "URY.yaml"
    other.write_text(REVIEWED.read_text(encoding="utf-8").replace("\ncountry: PRY\n", "\ncountry: URY\n"),
                     encoding="utf-8")
    before = other.read_bytes()
    result = invoke("import", str(SEED), "--merge", str(other))
    assert result.exit_code == 2
    assert "the export is for PRY, this file for URY" in result.output and result.output.count("\n") == 1
    assert other.read_bytes() == before


def test_merge_refuses_a_file_check_refuses(reviewed: Path) -> None:
    text = reviewed.read_text(encoding="utf-8").replace("\nanswers:\n", "\nanswers:\n  999:\n    text: x\n", 1)
    reviewed.write_text(text, encoding="utf-8")
    result = invoke("import", str(SEED), "--merge", str(reviewed))
    assert result.exit_code == 2
    assert result.output.startswith(f"reportgen: {reviewed}:") and result.output.count("\n") == 1
    assert "reportgen check" in result.output
    assert reviewed.read_text(encoding="utf-8") == text
