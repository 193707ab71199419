"""A new edition of the questionnaire is data: a renumbered msq-2026 with one
new item builds a profile that says 2026, with the same templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reportgen import build as builder
from reportgen import questionnaire
from reportgen.config import Config

PRY = Path("responses/PRY.yaml")
CHECKOUT_EXPORT = Path("tests/fixtures/msq-2024-paraguay-forms-export.md").resolve()
INSERTED_AT = 7  # the new item takes number 7; every later item moves up by one


def renumbered(number: int) -> int:
    return number + 1 if number >= INSERTED_AT else number


def msq_2026() -> dict:
    data = yaml.safe_load((Path(questionnaire.__file__).parent / "questionnaires" / "msq-2024.yaml")
                          .read_text(encoding="utf-8"))
    data["id"], data["edition"] = "msq-2026", 2026
    for item in data["items"]:
        item["number"] = renumbered(item["number"])
        if item.get("follow_up_of"):
            item["follow_up_of"] = renumbered(item["follow_up_of"])
    for group in data["groups"]:
        group["items"] = [renumbered(n) for n in group["items"]]
    data["items"].insert(INSERTED_AT - 1, {
        "number": INSERTED_AT, "key": "ai_strategy", "section": "A", "kind": "yes_no", "new": True,
        "label": {"en": "National AI strategy", "es": "Estrategia nacional de IA"},
        "prompt": {"en": "Is there a national AI strategy?", "es": "¿Existe una estrategia nacional de IA?"}})
    return data


def responses_2026() -> str:
    """Paraguay's answers keyed by the 2026 numbers."""
    text = PRY.read_text(encoding="utf-8").replace("questionnaire: msq-2024", "questionnaire: msq-2026")
    head, answers = text.split("\nanswers:\n", 1)
    answers = re.sub(r"^  (\d+):", lambda m: f"  {renumbered(int(m.group(1)))}:", answers, flags=re.M)
    return f"{head}\nanswers:\n  {INSERTED_AT}:\n    value: planned\n{answers}"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "questionnaires").mkdir()
    (tmp_path / "questionnaires" / "msq-2026.yaml").write_text(yaml.safe_dump(msq_2026(), allow_unicode=True),
                                                               encoding="utf-8")
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "PRY.yaml").write_text(responses_2026(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")
    return tmp_path


def test_the_2026_edition_is_found_in_the_project(project: Path) -> None:
    assert questionnaire.available() == ["msq-2024", "msq-2026"]
    edition = questionnaire.load("msq-2026")
    assert edition.edition == 2026
    assert edition.by_key("ethical_ai_law").number == 58


def test_a_renumbered_edition_builds_with_the_same_templates(project: Path) -> None:
    options = Config(out=project / "out", formats=("html",), languages=("en",),
                                   templates=builder.TEMPLATES, locales=builder.LOCALES)
    summary = builder.build([Path("responses/PRY.yaml")], options)
    assert summary.ok, [r.error for r in summary.failed]
    html = (project / "out" / "PRY" / "PRY-profile-2026-en-draft.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "E-Government Survey 2026" in text and "Survey 2024" not in text
    # Keys, not numbers: the same facts land in the same places.
    assert "In place in 9 of 11 areas" in text
    assert "Fernando Saguier" in text
    # The new item is one more closed item: planned, and listed as such.
    assert "national AI strategy" in text


def test_synth_and_import_take_the_edition(project: Path) -> None:
    from click.testing import CliRunner

    from reportgen.cli import cli

    made = CliRunner().invoke(cli, ["dev", "synth", "--countries", "URY", "--questionnaire", "msq-2026",
                                    "-o", "synthetic"])
    assert made.exit_code == 0, made.output
    assert "questionnaire: msq-2026" in (project / "synthetic" / "URY.yaml").read_text(encoding="utf-8")
    unknown = CliRunner().invoke(cli, ["dev", "synth", "--countries", "URY", "--questionnaire", "msq-1999",
                                       "-o", "synthetic"])
    assert unknown.exit_code == 2 and "unknown questionnaire 'msq-1999'" in unknown.output
    assert "Traceback" not in unknown.output
    refused = CliRunner().invoke(cli, ["import", str(CHECKOUT_EXPORT), "-o", "PRY-2099.yaml",
                                       "--questionnaire", "msq-1999"])
    assert refused.exit_code == 2 and "msq-1999" in refused.output and not (project / "PRY-2099.yaml").exists()
