"""reportgen combine: one PDF per language of every country the build recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from reportgen import build as builder
from reportgen.cli import cli
from reportgen.config import Config
from reportgen.errors import ReportgenError
from reportgen.synth import write_synthetic
from tests.conftest import PARAGUAY_EPOCH

PRY = Path("responses/PRY.yaml")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, paraguay_build: Path) -> Path:
    """Paraguay and Uruguay built into one folder. Paraguay's PDF is the
    session's (tests/conftest.py, the same date): the build finds it current
    and records it in run.json as combine reads it, without rendering it again."""
    folder = tmp_path_factory.mktemp("combine")
    shutil.copytree(paraguay_build, folder / "out" / "PRY")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", PARAGUAY_EPOCH)
        paths = [PRY, *write_synthetic(["URY"], folder / "responses")]
        options = Config(out=folder / "out", formats=("pdf",), languages=("en",))
        summary = builder.build(paths, options)
    assert summary.ok and [t.country for t in summary.skipped] == ["PRY"], summary
    return folder / "out"


def _combine(out: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")
    result = CliRunner().invoke(cli, ["combine", "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "combined" / "profiles-en-draft.pdf"  # a Draft build: Draft in the name


def test_every_country_in_un_order_with_its_bookmarks(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    combined = _combine(built, monkeypatch)
    counts = {code: len(pikepdf.open(built / code / f"{code}-profile-2024-en-draft.pdf").pages)
              for code in ("PRY", "URY")}
    with pikepdf.open(combined) as pdf:
        assert len(pdf.pages) == counts["PRY"] + counts["URY"]
        assert str(pdf.Root.Lang) == "en"
        with pdf.open_outline() as outline:
            countries = list(outline.root)
            assert [str(c.title) for c in countries] == ["Paraguay", "Uruguay"]
            page_of = {page.objgen: number for number, page in enumerate(pdf.pages)}
            first_pages = [page_of[c.destination[0].objgen] for c in countries]
            assert first_pages == [0, counts["PRY"]]
            uruguay_sections = [page_of[s.destination[0].objgen] for s in countries[1].children]
            assert uruguay_sections and all(p >= counts["PRY"] for p in uruguay_sections)
            assert "A. Institutional framework" in [str(s.title) for s in countries[0].children]


def test_internal_links_still_resolve(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The contents' and the references' links use named destinations; the
    second country's names collide with the first's and must be renamed, not lost."""
    with pikepdf.open(_combine(built, monkeypatch)) as pdf:
        names = pikepdf.NameTree(pdf.Root.Names.Dests)
        targets = [annot.get("/Dest") for page in pdf.pages for annot in page.get("/Annots", [])
                   if annot.get("/Subtype") == "/Link" and "/Dest" in annot]
        assert len(targets) > 20
        assert all(str(target) in names for target in targets if isinstance(target, pikepdf.String))


def test_the_same_inputs_give_the_same_bytes(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _combine(built, monkeypatch).read_bytes()
    assert _combine(built, monkeypatch).read_bytes() == first


def test_nothing_built_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["combine", "--lang", "en", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "run.json" in result.output and "Traceback" not in result.output


def _copy(built: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(built, out, ignore=shutil.ignore_patterns("combined"))  # other tests combine into built
    return out


@pytest.mark.parametrize("damage", ["missing", "changed"])
def test_a_recorded_pdf_missing_or_changed_is_a_one_line_error(built: Path, tmp_path: Path, damage: str) -> None:
    """A file run.json records that is gone, or is not what it recorded (a Draft
    copied over a Final), never ends up in the edition."""
    out = _copy(built, tmp_path)
    [pdf] = (out / "URY").glob("*.pdf")
    if damage == "missing":
        pdf.unlink()
    else:
        pdf.write_bytes(next((out / "PRY").glob("*.pdf")).read_bytes())
    result = CliRunner().invoke(cli, ["combine", "--lang", "en", "--out", str(out)])
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    assert str(pdf) in line and "internal error" not in line
    assert not (out / "combined").exists()


def test_an_edition_short_of_a_country_is_refused_unless_partial(built: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A build of one country after the batch: run.json holds that country
    only, and combining it alone would silently drop the others."""
    out = _copy(built, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PARAGUAY_EPOCH)
    assert builder.build([PRY], Config(out=out, formats=("pdf",), languages=("en",))).ok
    refused = CliRunner().invoke(cli, ["combine", "--lang", "en", "--out", str(out)])
    assert refused.exit_code == 2
    assert "URY (not in the last build)" in refused.output and "--partial" in refused.output
    assert not (out / "combined").exists()
    partial = CliRunner().invoke(cli, ["combine", "--lang", "en", "--out", str(out), "--partial"])
    assert partial.exit_code == 0, partial.output
    assert "leaves out URY (not in the last build)" in partial.output
    with pikepdf.open(out / "combined" / "profiles-en-draft.pdf") as pdf, pdf.open_outline() as outline:
        assert [str(item.title) for item in outline.root] == ["Paraguay"]


def test_every_language_is_checked_before_any_file_is_written(built: Path, tmp_path: Path) -> None:
    out = _copy(built, tmp_path)
    result = CliRunner().invoke(cli, ["combine", "--lang", "en,es", "--out", str(out)])
    assert result.exit_code == 2 and "no PDF in 'es'" in result.output
    assert not (out / "combined").exists()


def test_an_interrupted_or_internal_build_is_combined_as_what_it_is(built: Path, tmp_path: Path) -> None:
    import json

    from reportgen.combine import plan

    out = _copy(built, tmp_path)
    record = out / "run.json"
    run = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**run, "interrupted": True}), encoding="utf-8")
    with pytest.raises(ReportgenError, match="interrupted build did not reach"):
        plan(out, "en")
    assert plan(out, "en", partial=True).left_out == ["any country the interrupted build did not reach"]
    # A copy not for publication is never named as the public edition.
    final_internal = {**run, "status": "Final", "settings": {**run["settings"], "internal": True}}
    record.write_text(json.dumps(final_internal), encoding="utf-8")
    assert plan(out, "en").target.name == "profiles-en-internal.pdf"


def test_a_changed_pdf_of_a_second_language_stops_before_the_first_is_written(built: Path, tmp_path: Path) -> None:
    """run.json records Spanish PDFs too (here copies of the English ones, as
    if built), one of which changed since: nothing is written, not even English."""
    import json

    out = _copy(built, tmp_path)
    record = out / "run.json"
    run = json.loads(record.read_text(encoding="utf-8"))
    spanish = []
    for document in run["documents"]:
        outputs = []
        for output in document["outputs"]:
            copy = out / output["path"].replace("-en-", "-es-")
            shutil.copy(out / output["path"], copy)
            outputs.append({**output, "path": copy.relative_to(out).as_posix(), "language": "es"})
        spanish.append({**document, "language": "es", "outputs": outputs})
    record.write_text(json.dumps({**run, "documents": run["documents"] + spanish}), encoding="utf-8")
    changed = out / spanish[-1]["outputs"][0]["path"]
    changed.write_bytes(changed.read_bytes() + b"\n")
    result = CliRunner().invoke(cli, ["combine", "--lang", "en,es", "--out", str(out)])
    assert result.exit_code == 2 and str(changed) in result.output
    assert not (out / "combined").exists()
