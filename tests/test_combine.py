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
    return out / "combined" / "profiles-en.pdf"


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
