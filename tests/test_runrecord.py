"""The run manifest (OUT/run.json, build --json) and failed documents set aside."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from reportgen import build as builder
from reportgen.config import Config
from reportgen.synth import write_synthetic

PRY = Path("responses/PRY.yaml").resolve()


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")


def _run(out: Path) -> dict:
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def test_the_run_manifest_records_every_document(tmp_path: Path) -> None:
    out = tmp_path / "out"
    options = Config(out=out, formats=("html", "docx"), languages=("en",))
    summary = builder.build([PRY], options)
    assert summary.ok and summary.manifest == out / "run.json"
    run = _run(out)
    assert (run["status"], run["pdf_variant"], run["ok"], run["counts"]["built"]) == ("Draft", "pdf/ua-1", True, 1)
    [document] = run["documents"]
    assert (document["country"], document["language"], document["result"]) == ("PRY", "en", "built")
    for output in document["outputs"]:
        path = out / output["path"]
        assert not Path(output["path"]).is_absolute() and path.is_file()
        assert output["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert output["size"] == path.stat().st_size and output["status"] == "Draft"
    assert {o["format"] for o in document["outputs"]} == {"html", "docx"}
    assert set(document["timings"]) >= {"load", "narrative", "html", "docx"}
    # A second run skips the document and still lists its files, hashes and timings.
    builder.build([PRY], options)
    [again] = _run(out)["documents"]
    assert again["result"] == "skipped"
    assert sorted(o["sha256"] for o in again["outputs"]) == sorted(o["sha256"] for o in document["outputs"])


def test_a_failed_final_run_leaves_no_draft_among_the_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    [responses] = write_synthetic(["AND"], tmp_path / "responses")
    draft = builder.build([responses], Config(out=out, formats=("html", "docx"), languages=("en", "es")))
    assert draft.ok and len(list(out.glob("AND/*-profile-*"))) == 4
    # Final implies --strict: the Spanish profile has untranslated answers and fails.
    final = builder.build([responses], Config(out=out, formats=("html", "docx"), languages=("en", "es"),
                                                    status="final", strict=True))
    failed = {r.task.lang for r in final.failed}
    assert "es" in failed
    current = sorted(p.name for p in out.glob("AND/*-profile-*"))
    assert not any(f"-{lang}-" in name for lang in failed for name in current)
    assert not any("-draft." in name for name in current)
    for html in out.glob("AND/*.html"):
        assert "Draft" not in html.read_text(encoding="utf-8")
    run = _run(out)
    assert run["status"] == "Final" and not run["ok"]
    assert {(f["country"], f["language"]) for f in run["failures"]} == {("AND", lang) for lang in failed}
    moved = {entry["path"]: entry for entry in run["set_aside"]}
    assert "AND/AND-profile-2024-es-draft.html" in moved and "AND/AND-profile-2024-es-draft.docx" in moved
    for entry in moved.values():
        kept = out / entry["moved_to"]
        assert kept.is_file() and entry["moved_to"].startswith("superseded/") and entry["reason"]
    manifest = json.loads((out / "AND" / "manifest.json").read_text(encoding="utf-8"))
    assert not any(name in manifest["outputs"] for name in (Path(p).name for p in moved))
    # Nor does the manifest keep the inputs, warnings and timings of the files set aside.
    for section in ("inputs", "warnings", "timings"):
        assert set(manifest[section]) == {"en", "es"} - failed
    # The site index does not list what was set aside.
    from reportgen.site import profiles

    assert {p.lang for p in profiles(out)} == {"en", "es"} - failed


def test_a_final_build_moves_the_draft_it_replaces_aside(tmp_path: Path) -> None:
    """Names say Draft and Final apart; once the Final is built, the Draft is
    moved to superseded/ and recorded, never left beside it."""
    out = tmp_path / "out"
    [responses] = write_synthetic(["AND"], tmp_path / "responses")
    builder.build([responses], Config(out=out, formats=("html",), languages=("en",)))
    assert [p.name for p in out.glob("AND/*.html")] == ["AND-profile-2024-en-draft.html"]
    final = builder.build([responses], Config(out=out, formats=("html",), languages=("en",), status="final"))
    assert final.ok and [p.name for p in out.glob("AND/*.html")] == ["AND-profile-2024-en.html"]
    [moved] = _run(out)["set_aside"]
    assert moved["path"] == "AND/AND-profile-2024-en-draft.html"
    assert moved["reason"] == "superseded by AND-profile-2024-en.html" and (out / moved["moved_to"]).is_file()
    manifest = json.loads((out / "AND" / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["outputs"]) == ["AND-profile-2024-en.html"]
    # The superseded folder says what it holds and why, after run.json has moved on.
    [record] = out.glob("superseded/*/set_aside.json")
    assert json.loads(record.read_text(encoding="utf-8")) == [moved]
    assert builder.build([responses], Config(out=out, formats=("html",), languages=("en",), status="final")).ok
    assert _run(out)["set_aside"] == [] and json.loads(record.read_text(encoding="utf-8")) == [moved]


def test_names_carry_edition_status_and_variant() -> None:
    task = builder.Task("PRY", Path("PRY.yaml"), "es", ("pdf",), "key",
                        builder.document_stem("PRY", "es", "2024", Config(status="final", internal=True)),
                        builder.variant_tag("pdf/a-3a+pdf/ua-1"))
    assert builder.output_name(task, "pdf") == "PRY-profile-2024-es-internal-pdfa-3a-pdfua-1.pdf"
    assert builder.output_name(task, "docx") == "PRY-profile-2024-es-internal.docx"
    assert builder.variant_tag("pdf/ua-1") == "" and builder.variant_tag(None) == "untagged"
    assert builder.edition_of(Path("responses/PRY.yaml").read_bytes()) == "2024"


def test_build_json_prints_the_run_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In this process: tests/test_cli.py's test_json_for_check_and_build runs
    # the same command through the installed console script.
    from click.testing import CliRunner

    from reportgen.cli import cli

    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "PRY.yaml").write_bytes(PRY.read_bytes())
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    command = ["build", "PRY", "--lang", "en", "--format", "html", "--jobs", "0", "--out", "out", "--json"]
    done = CliRunner().invoke(cli, command)
    assert done.exit_code == 0 and done.exception is None, done.output
    printed = json.loads(done.stdout)
    assert {key: printed[key] for key in _run(out)} == _run(out)  # plus each task's outcome (built, skipped...)
    assert printed["documents"][0]["outputs"][0]["path"] == "PRY/PRY-profile-2024-en-draft.html"
    # Each task's outcome names its files absolutely, in run.json's words, with a relative --out too.
    [built] = printed["built"]
    assert (built["country"], built["language"]) == ("PRY", "en")
    assert built["outputs"] == {"html": str(out / "PRY" / "PRY-profile-2024-en-draft.html")}
    [skipped] = json.loads(CliRunner().invoke(cli, command).stdout)["skipped"]
    assert skipped["outputs"] == built["outputs"] and printed["out"] == str(out)


def test_a_final_interrupted_after_a_document_leaves_no_draft_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    responses = write_synthetic(["AND", "BOL"], tmp_path / "responses")
    draft = Config(out=out, formats=("html",), languages=("en",))
    assert builder.build(responses, draft).ok

    def interrupt_after_the_first(item: object, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        builder.build(responses, draft.model_copy(update={"status": "final"}), on_done=interrupt_after_the_first)
    # The document finished before Ctrl-C is recorded, and its Draft set aside at once.
    run = _run(out)
    assert run["interrupted"] and not run["ok"]
    [done] = run["documents"]
    finished = done["country"]
    assert sorted(p.name for p in (out / finished).glob("*.html")) == [f"{finished}-profile-2024-en.html"]
    assert [e["path"] for e in run["set_aside"]] == [f"{finished}/{finished}-profile-2024-en-draft.html"]


def test_a_folder_left_by_a_killed_run_is_put_right_by_the_next(tmp_path: Path) -> None:
    """A run killed outright (no finally) between building a Final and setting its
    Draft aside: the next run skips the current Final and still moves the Draft."""
    out = tmp_path / "out"
    [responses] = write_synthetic(["AND"], tmp_path / "responses")
    assert builder.build([responses], Config(out=out, formats=("html",), languages=("en",))).ok
    draft = out / "AND" / "AND-profile-2024-en-draft.html"
    kept = draft.read_bytes()
    final = Config(out=out, formats=("html",), languages=("en",), status="final")
    assert builder.build([responses], final).ok
    # As the killed run left it: the Draft back beside the Final, in the manifest too.
    draft.write_bytes(kept)
    manifest_file = out / "AND" / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["outputs"][draft.name] = {**manifest["outputs"]["AND-profile-2024-en.html"],
                                       "path": str(draft), "sha256": hashlib.sha256(kept).hexdigest(),
                                       "size": len(kept)}
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    summary = builder.build([responses], final)
    assert summary.ok and not summary.built and len(summary.skipped) == 1
    assert not draft.exists()
    assert [e["reason"] for e in summary.set_aside] == ["superseded by AND-profile-2024-en.html"]
    assert draft.name not in json.loads(manifest_file.read_text(encoding="utf-8"))["outputs"]


def test_a_document_rebuilt_in_one_format_lists_the_others_too(tmp_path: Path) -> None:
    out = tmp_path / "out"
    builder.build([PRY], Config(out=out, formats=("html",), languages=("en",)))
    summary = builder.build([PRY], Config(out=out, formats=("html", "docx"), languages=("en",)))
    assert [r.task.formats for r in summary.built] == [("docx",)]
    [document] = _run(out)["documents"]
    assert document["result"] == "built"
    assert [o["format"] for o in document["outputs"]] == ["docx", "html"]
    for output in document["outputs"]:
        assert output["sha256"] == hashlib.sha256((out / output["path"]).read_bytes()).hexdigest()


def test_the_last_runs_record_is_gone_while_a_run_changes_outputs(tmp_path: Path) -> None:
    """A run killed outright leaves no run.json whose hashes no longer hold
    (combine then asks for a build); the settings are recorded as JSON values."""
    out = tmp_path / "out"
    options = Config(out=out, formats=("html",), languages=("en", "es"))
    builder.build([PRY], options)
    assert _run(out)["settings"] == {"annex": False, "edition": None, "force": False, "internal": False,
                                     "organisation": options.organisation, "strict": False}
    seen: list[bool] = []
    builder.build([PRY], options.model_copy(update={"force": True}),
                  on_done=lambda *_: seen.append((out / "run.json").exists()))
    assert seen == [False, False] and _run(out)["counts"]["built"] == 2


def test_the_command_line_says_what_it_set_aside_and_prints_failures_with_json(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportgen.cli import cli

    out = tmp_path / "out"
    [responses] = write_synthetic(["AND"], tmp_path / "responses")
    common = ["build", "AND", "--responses", str(responses.parent), "--format", "html", "--jobs", "0",
              "--out", str(out)]
    assert CliRunner().invoke(cli, [*common, "--lang", "en"]).exit_code == 0
    final = CliRunner().invoke(cli, [*common, "--lang", "en", "--final", "--json"])
    # Final is strict: the synthetic answers' long texts without a summary fail it.
    assert final.exit_code == 1
    printed = json.loads(final.stdout)
    [failure] = printed["failures"]
    assert failure["error"].splitlines()[0] in final.stderr  # on stderr too, not only in the JSON
    assert "1 earlier file set aside in " in final.stderr and "superseded/" in final.stderr


def test_a_final_replaced_by_a_draft_is_said_on_the_terminal(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportgen.cli import cli

    out = tmp_path / "out"
    common = ["build", "PRY", "--lang", "en", "--format", "html", "--jobs", "0", "--out", str(out)]
    assert builder.build([PRY], Config(out=out, formats=("html",), languages=("en",), status="final")).ok
    done = CliRunner().invoke(cli, common)
    assert done.exit_code == 0, done.output
    assert ("warning: the Final PRY/PRY-profile-2024-en.html was set aside for the Draft "
            "PRY-profile-2024-en-draft.html") in done.stderr


@pytest.mark.parametrize("interrupted", [True, False])
def test_a_set_aside_that_fails_still_leaves_a_run_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          interrupted: bool) -> None:
    """A full disk while moving superseded files: run.json is still written,
    and the run reports the interruption if there was one, else the failure."""
    from reportgen import runrecord
    from reportgen.errors import WriterError

    def cannot(*_: object) -> list[dict[str, str]]:
        raise WriterError("manifest.json: cannot write: No space left on device")

    monkeypatch.setattr(runrecord, "set_aside", cannot)
    out = tmp_path / "out"

    def stop(*_: object) -> None:
        if interrupted:
            raise KeyboardInterrupt

    expected = KeyboardInterrupt if interrupted else WriterError
    with pytest.raises(expected):
        builder.build([PRY], Config(out=out, formats=("html",), languages=("en",)), on_done=stop)
    run = _run(out)
    assert run["interrupted"] is interrupted and run["counts"]["built"] == 1
