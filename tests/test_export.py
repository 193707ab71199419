"""reportgen export: the answers as CSV and JSON, read back with csv/json and checked against the YAML."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import yaml

from reportgen import questionnaire
from reportgen.export import _cell
from reportgen.synth import write_synthetic

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "reportgen"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, cwd=ROOT, check=False)


def _expected_items() -> list[int]:
    catalog = questionnaire.load("msq-2024")
    return [i.number for i in catalog.items if i.kind != "contact" and i.key != questionnaire.COUNTRY_KEY]


def test_csv_has_one_row_per_country_and_item_with_statuses_and_sources(tmp_path: Path) -> None:
    folder = tmp_path / "responses"
    write_synthetic(["AND", "DZA"], folder)
    (folder / "PRY.yaml").write_bytes((ROOT / "responses" / "PRY.yaml").read_bytes())
    done = run("export", "--responses", str(folder), "-o", str(tmp_path / "answers.csv"))
    assert done.returncode == 0, done.stderr
    with (tmp_path / "answers.csv").open(newline="", encoding="utf-8") as stream:
        table = list(csv.DictReader(stream))
    items = _expected_items()
    for country in ("AND", "DZA", "PRY"):
        assert [int(r["item"]) for r in table if r["country"] == country] == items
    assert {r["status"] for r in table} <= {"yes", "no", "planned", "other", "answered", "not stated"}
    assert "email" not in {r["key"] for r in table} and not any("@" in r["value"] for r in table)
    # Against the YAML, read independently: yes/no values and every source URL.
    source = yaml.safe_load((ROOT / "responses" / "PRY.yaml").read_text(encoding="utf-8"))
    rows = {int(r["item"]): r for r in table if r["country"] == "PRY"}
    checked = 0
    for number, answer in (source.get("answers") or {}).items():
        if not isinstance(answer, dict) or int(number) not in rows:
            continue
        row = rows[int(number)]
        if answer.get("value") in (True, False, "planned"):
            assert row["status"] == {True: "yes", False: "no"}.get(answer["value"], answer["value"])
        for ref in answer.get("sources") or []:
            assert f"<{ref['url']}>" in row["sources"]
            checked += 1
    assert checked > 10
    statuses = {r["status"] for r in rows.values()}
    assert {"yes", "not stated"} <= statuses


def test_json_carries_the_same_rows_with_structured_sources(tmp_path: Path) -> None:
    done = run("export", "PRY", "-o", str(tmp_path / "answers.json"))
    assert done.returncode == 0, done.stderr
    table = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert [row["item"] for row in table] == _expected_items()
    with_sources = [row for row in table if row["sources"]]
    assert with_sources and all(s["url"].startswith("http") for row in with_sources for s in row["sources"])
    assert all(s["title"] for row in with_sources for s in row["sources"])  # titles from the registry


def test_a_broken_file_exports_nothing_and_says_where(tmp_path: Path) -> None:
    folder = tmp_path / "responses"
    write_synthetic(["AND"], folder)
    (folder / "DZA.yaml").write_text("country: DZA\nquestionnaire: msq-2024\nanswers:\n  7: [unclosed\n")
    done = run("export", "--responses", str(folder), "-o", str(tmp_path / "answers.csv"))
    assert done.returncode == 2  # unusable input, as for reportgen check
    assert "DZA.yaml:" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "answers.csv").exists()


def test_csv_cells_never_run_as_spreadsheet_formulas() -> None:
    assert _cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert _cell("+1") == "'+1" and _cell("plain") == "plain" and _cell(None) == ""


def test_budget_figures_reviews_and_consent_are_exported_as_the_yaml_says(tmp_path: Path) -> None:
    done = run("export", "PRY", "-o", str(tmp_path / "answers.csv"))
    assert done.returncode == 0, done.stderr
    with (tmp_path / "answers.csv").open(newline="", encoding="utf-8") as stream:
        rows = {int(r["item"]): r for r in csv.DictReader(stream)}
    source = yaml.safe_load((ROOT / "responses" / "PRY.yaml").read_text(encoding="utf-8"))
    answers = {int(k): v for k, v in source["answers"].items() if isinstance(v, dict)}
    [(number, budget)] = [(n, a["budget"]) for n, a in answers.items() if "budget" in a]
    row = rows[number]
    for part in ("national", "dedicated"):
        assert row[f"budget_{part}"] == str(budget[part]["amount"])
        assert row[f"budget_{part}_currency"] == budget[part]["currency"]
        assert row[f"budget_{part}_usd"] == str(budget[part]["usd"])
    assert row["budget_share_percent"] == str(budget["share_percent"]) and row["budget_basis"] == budget["basis"]
    reviewed = {n for n, a in answers.items() if a.get("reviewed")}
    assert reviewed and {n for n, r in rows.items() if r["reviewed"] == "true"} == reviewed
    # The consent is in the header, not under answers: its row says what the header says.
    consent = next(r for r in rows.values() if r["kind"] == "consent")
    assert consent["status"] == consent["value"] == consent["consent"] == {True: "yes", False: "no"}[source["consent"]]
