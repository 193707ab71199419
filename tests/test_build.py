"""The build pipeline: outputs, manifest, incremental rebuilds, failures, determinism."""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from reportgen import build as builder
from reportgen.config import Config
from reportgen.files import write_atomic
from reportgen.i18n import LOCALES
from reportgen.synth import write_synthetic
from tests.responses_factory import minimal_yaml

PRY = Path("responses/PRY.yaml")


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")


def options(tmp_path: Path, **changes) -> Config:  # type: ignore[no-untyped-def]
    base = {"out": tmp_path / "out", "formats": ("docx",), "languages": ("en", "es")}
    return Config(**{**base, **changes})


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A small answers file for PRY (every required item acknowledged, none
    answered): what the pipeline does (outputs, manifest, what is rebuilt)
    does not depend on the answers, and each build writes a short profile
    instead of Paraguay's. The strict-build checks below read Paraguay's."""
    path = tmp_path / "responses" / "PRY.yaml"
    path.parent.mkdir()
    path.write_text(minimal_yaml(), encoding="utf-8")
    return path


def test_build_writes_outputs_and_manifest(tmp_path: Path, small: Path) -> None:
    opts = options(tmp_path, formats=("docx", "html"))
    summary = builder.build([small], opts)
    assert summary.ok and len(summary.built) == 2
    folder = opts.out / "PRY"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["PRY-profile-2024-en-draft.docx", "PRY-profile-2024-en-draft.html",
                     "PRY-profile-2024-es-draft.docx", "PRY-profile-2024-es-draft.html", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["outputs"]["PRY-profile-2024-es-draft.docx"]
    assert entry["size"] == (folder / "PRY-profile-2024-es-draft.docx").stat().st_size
    assert entry["sha256"] == builder.sha256_file(folder / "PRY-profile-2024-es-draft.docx")
    assert manifest["inputs"]["en"]["responses_sha256"] == builder.sha256_file(small)
    # Paths are relative to the manifest's folder, wherever the build ran from.
    assert entry["path"] == "PRY-profile-2024-es-draft.docx"
    assert (folder / manifest["inputs"]["en"]["responses"]).resolve() == small.resolve()
    assert set(manifest["timings"]["es"]) >= {"load", "narrative", "docx", "html"}
    assert "warnings" in manifest


def test_nothing_changed_means_nothing_rebuilt(tmp_path: Path, small: Path) -> None:
    opts = options(tmp_path)
    builder.build([small], opts)
    again = builder.build([small], opts)
    assert again.built == [] and len(again.skipped) == 2
    forced = builder.build([small], Config(**{**opts.__dict__, "force": True}))
    assert len(forced.built) == 2


def test_editing_spanish_catalog_rebuilds_only_spanish(tmp_path: Path, small: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    opts = options(tmp_path, locales=locales)
    builder.build([small], opts)
    po = locales / "es" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = builder.build([small], opts)
    assert [r.task.lang for r in again.built] == ["es"]
    assert [t.lang for t in again.skipped] == ["en"]


def test_a_damaged_output_is_rebuilt(tmp_path: Path, small: Path) -> None:
    opts = options(tmp_path, languages=("en",))
    builder.build([small], opts)
    output = opts.out / "PRY" / "PRY-profile-2024-en-draft.docx"
    output.write_bytes(output.read_bytes()[:100])
    again = builder.build([small], opts)
    assert len(again.built) == 1


def test_one_failing_country_spoils_nothing_else(tmp_path: Path) -> None:
    responses = tmp_path / "responses"
    write_synthetic(["ARG", "BRA"], responses)
    (responses / "BRA.yaml").write_text("country: BRA\nanswers: [broken\n", encoding="utf-8")
    opts = options(tmp_path, languages=("en",))
    summary = builder.build(sorted(responses.glob("*.yaml")), opts)
    assert [r.task.country for r in summary.built] == ["ARG"]
    [failed] = summary.failed
    assert failed.task.country == "BRA" and "BRA.yaml:2: YAML syntax error" in (failed.error or "")
    assert "\n" not in failed.error
    assert not (opts.out / "BRA").exists() or not any((opts.out / "BRA").glob("*.docx"))


def test_a_writer_crash_leaves_no_half_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: Path) -> None:
    import reportgen.writers as writers

    real = writers.get_writer

    def crashing(fmt: str):  # type: ignore[no-untyped-def]
        if fmt == "html":
            def boom(document, options):  # type: ignore[no-untyped-def]
                raise RuntimeError("disk on fire")
            return boom
        return real(fmt)

    monkeypatch.setattr(writers, "get_writer", crashing)
    opts = options(tmp_path, languages=("en",), formats=("docx", "html"))
    summary = builder.build([small], opts)
    assert "internal error: RuntimeError: disk on fire" in summary.failed[0].error
    leftovers = sorted(p.name for p in (opts.out / "PRY").iterdir())
    assert leftovers == ["PRY-profile-2024-en-draft.docx"]  # complete, and no temporary files


def test_write_atomic_never_exposes_a_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def test_stale_temporaries_of_a_killed_build_are_cleaned(tmp_path: Path, small: Path) -> None:
    opts = options(tmp_path, languages=("en",))
    stale = opts.out / "PRY" / ".PRY-profile-2024-en-draft.docx.abc123.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half")
    builder.build([small], opts)
    assert not stale.exists()


@pytest.mark.parametrize("executor_kind", ["process", "thread"])
def test_any_executor_can_run_the_build(tmp_path: Path, executor_kind: str) -> None:
    responses = tmp_path / "responses"
    paths = write_synthetic(["CHL", "URY", "BOL"], responses)
    opts = options(tmp_path, languages=("en",))
    pool = ProcessPoolExecutor(2) if executor_kind == "process" else ThreadPoolExecutor(2)
    with pool:
        summary = builder.build(paths, opts, executor=pool)
    assert summary.ok and sorted(r.task.country for r in summary.built) == ["BOL", "CHL", "URY"]


# Same inputs, identical bytes: tests/writers/test_pdf.py's
# test_no_wall_clock_timestamp_leaks builds Spanish alone, in another folder
# and batch, and compares its DOCX and PDF with the session's build.


def test_worker_pool_recycles_workers_without_deadlock() -> None:
    """More tasks than one worker may run: retired workers are replaced
    (CPython 3.11's own pool deadlocks here, gh-115634; pebble does not)."""
    import os

    tasks = 2 * builder.RECYCLE_AFTER + 1
    with builder.WorkerPool(1) as pool:
        pids = [future.result(timeout=120) for future in [pool.submit(os.getpid) for _ in range(tasks)]]
    assert len(set(pids)) == 3


POOL_PROBE = """
import sys
from reportgen.build import WorkerPool

def loaded():  # what the worker holds before the task imports anything
    return sorted(name for name in ("weasyprint", "docx", "reportgen.narrative") if name in sys.modules)

def warmed():  # what the worker finds done before its first document
    import gc
    from reportgen import templating
    from reportgen.build import DOCUMENT_GC_THRESHOLDS
    from reportgen.paths import TEMPLATES
    compiled = len(templating.compiled_templates())
    # and the server's objects frozen: the worker's collections never walk them (and run as in a document)
    return (compiled == len(list((TEMPLATES / "sections").glob("*.j2"))) and compiled > 0
            and gc.get_freeze_count() > 0 and gc.get_threshold() == DOCUMENT_GC_THRESHOLDS)

def imported_after_the_fork():  # what a worker imported itself: its module's objects are not frozen
    import gc
    unfrozen = {id(o) for o in gc.get_objects()}  # the garbage collector's view leaves out frozen objects
    wanted = ("pebble.pool.process", "reportgen.build", "PIL.PngImagePlugin", "email.policy")
    return [name for name in wanted if name not in sys.modules or id(vars(sys.modules[name])) in unfrozen]

if __name__ == "__main__":
    with WorkerPool(1, formats=sys.argv[1].split(",")) as pool:
        print(",".join(pool.submit(loaded).result(timeout=120)), pool.submit(warmed).result(timeout=120),
              ",".join(pool.submit(imported_after_the_fork).result(timeout=120)) or "-")
"""


@pytest.mark.parametrize(("formats", "preloaded", "left"), [
    ("docx,pdf", "docx,reportgen.narrative,weasyprint", "-"),
    ("docx", "docx,reportgen.narrative", "email.policy"),  # WeasyPrint's, not needed without the PDF writer
])
def test_workers_are_forked_with_the_writers_already_imported(tmp_path: Path, formats: str, preloaded: str,
                                                              left: str) -> None:
    """Workers come from a fork server that imported the writers of the build's
    formats once, instead of each importing everything again (issue 16), and
    compiled the package's templates; a DOCX-only build does not load WeasyPrint.
    The fork server also imported what each worker imported for itself before
    (pebble's worker loop, reportgen.build, Pillow's plugins, the email package):
    ~5 % of a 2-worker build's CPU. A fresh process each, because the fork
    server is started once per process."""
    import subprocess
    import sys

    (tmp_path / "probe.py").write_text(POOL_PROBE, encoding="utf-8")
    done = subprocess.run([sys.executable, "probe.py", formats], cwd=tmp_path, capture_output=True, text=True,
                          timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    # templates compiled, imports frozen (reportgen.forkserver_warmup)
    assert done.stdout.split() == [preloaded, "True", left]


def test_building_another_format_does_not_stale_the_first(tmp_path: Path, small: Path) -> None:
    builder.build([small], options(tmp_path, languages=("en",), formats=("docx",)))
    builder.build([small], options(tmp_path, languages=("en",), formats=("html",)))
    again = builder.build([small], options(tmp_path, languages=("en",), formats=("docx", "html")))
    assert again.built == [] and len(again.skipped) == 1


def test_a_new_source_date_epoch_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: Path) -> None:
    builder.build([small], options(tmp_path, languages=("en",)))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    later = options(tmp_path, languages=("en",))  # the build date is read when the configuration is made
    assert later.source_date_epoch == 1800000000
    assert len(builder.build([small], later).built) == 1


def test_the_build_date_is_read_once_into_the_configuration(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, small: Path) -> None:
    """Changing the environment after the configuration is made changes
    neither the keys nor the bytes: both use the configuration's date."""
    opts = options(tmp_path, languages=("en",), formats=("html",))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    first = builder.build([small], opts)
    assert first.ok and len(first.built) == 1
    page = Path(first.built[0].outputs["html"].path).read_text(encoding="utf-8")
    assert "2024" in page and "2027" not in page  # 1732000000 is 2024-11-19; 1800000000 would be 2027
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert builder.build([small], opts).built == []


def test_strict_build_refuses_review_flags(tmp_path: Path) -> None:
    """A Final (or --strict) build lists every problem still open, one per line."""
    responses = tmp_path / "responses"
    responses.mkdir()
    text = PRY.read_text(encoding="utf-8")
    assert text.count("    reviewed: true") > 40
    text = text.replace("    reviewed: true", "    reviewed: false")  # every inference unconfirmed
    (responses / "PRY.yaml").write_text(text, encoding="utf-8")
    summary = builder.build([responses / "PRY.yaml"], options(tmp_path, languages=("en",), status="final",
                                                               strict=True))
    lines = summary.failed[0].error.splitlines()
    assert len(lines) > 40
    assert any(": Q57: Ethical use of AI: 'planned' was inferred from" in line for line in lines)
    assert any(line.endswith("submission date unknown") for line in lines)
    lenient = builder.build([responses / "PRY.yaml"], options(tmp_path, languages=("en",)))
    assert any("Q14: warning: National CIO: 'yes' was inferred" in w for w in lenient.built[0].warnings)


def test_final_is_strict_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportgen.cli import cli

    responses = tmp_path / "responses"
    responses.mkdir()
    (responses / "PRY.yaml").write_text(PRY.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "PRY", "--lang", "en", "--format", "html", "--final",
                                      "--responses", str(responses), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "submission date unknown" in result.output
    assert not (tmp_path / "out" / "PRY" / "PRY-profile-2024-en-draft.html").exists()


class _KillsItsFirstWorker(ProcessPoolExecutor):
    """A pool whose first task kills its worker process, as the OOM killer would."""

    killed = False

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        if not self.killed:
            self.killed = True
            import os

            return super().submit(os._exit, 9)
        return super().submit(fn, *args, **kwargs)


def test_a_killed_worker_fails_its_tasks_and_the_next_build_resumes(tmp_path: Path) -> None:
    paths = write_synthetic(["PER", "ECU"], tmp_path / "responses")
    opts = options(tmp_path, languages=("en",))
    with _KillsItsFirstWorker(1) as pool:
        summary = builder.build(paths, opts, executor=pool)
    assert summary.failed and all("worker failed" in (r.error or "") for r in summary.failed)
    leftovers = [p.name for p in opts.out.rglob("*") if p.is_file() and p.name not in ("manifest.json", "run.json")]
    assert all(name.endswith(".docx") for name in leftovers)  # whole outputs only, never a temporary
    again = builder.build(paths, opts)
    assert again.ok and len(again.built) + len(again.skipped) == 2


def test_final_build_of_a_fresh_import_lists_every_open_problem(tmp_path: Path) -> None:
    """Imported and never reviewed: a Final build is refused, one line per problem."""
    from click.testing import CliRunner

    from reportgen.cli import cli

    responses = tmp_path / "responses"
    responses.mkdir()
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", "tests/fixtures/msq-2024-paraguay-forms-export.md",
                                   "--out", str(responses / "PRY.yaml")])
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(cli, ["build", "PRY", "--lang", "en", "--format", "html", "--final",
                                 "--responses", str(responses), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "PRY.yaml:" in line]
    assert sum("was inferred from" in line for line in lines) >= 30  # each unconfirmed inference, one line each
    assert any("source without a title" in line for line in lines)
    assert any(line.rstrip().endswith("submission date unknown") for line in lines)
    assert not (tmp_path / "out" / "PRY" / "PRY-profile-2024-en-draft.html").exists()


@pytest.mark.parametrize("languages", ["en,es", "en,es,fr"], ids=["forks", "pool"])
def test_workers_leave_nothing_in_the_temporary_directory(tmp_path: Path, small: Path, languages: str) -> None:
    """WeasyPrint writes a document's fonts to a temporary folder that the font
    configuration's finalizer removes; a pool worker or a fork of the build
    (two documents on two workers: reportgen.forkjoin) ends without
    collecting its garbage, so the document's end must (each worker left
    ~2 MB a build). The folder's name is too long for the fork server's
    socket, as macOS's TMPDIR and a test's own can be: the pool starts all
    the same (it stopped with BrokenProcessPool)."""
    import os
    import subprocess

    temporary = tmp_path / ("t" * 100)
    temporary.mkdir()
    done = subprocess.run([str(Path(sys.executable).parent / "reportgen"), "build", "PRY", "--responses",
                           str(small.parent), "--format", "pdf", "--lang", languages, "--jobs", "2",
                           "--out", str(tmp_path / "out")],
                          cwd=tmp_path, env={**os.environ, "TMPDIR": str(temporary)}, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out" / "PRY").glob("*.pdf"))) == languages.count(",") + 1
    engine = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["engine"]
    assert engine == ("local forks (2 processes)" if languages == "en,es" else "local pool (2 workers)")
    assert [p.name for p in temporary.iterdir()] == []


@pytest.mark.parametrize("in_a_worker", [False, True], ids=["build-process", "pool-worker"])
def test_a_documents_cyclic_garbage_is_collected_when_it_ends(in_a_worker: bool) -> None:
    """frozen_heap freezes what is alive when a document starts; the cycles the
    document leaves must be collected at its end, or the next document's freeze
    keeps them for good (a worker grew ~9 MB a document, issue 16)."""
    import gc
    import weakref

    from reportgen.build import frozen_heap

    class Node:
        pass

    if gc.get_freeze_count():
        pytest.skip("this process froze objects itself")
    if in_a_worker:
        gc.freeze()  # as the fork server did (reportgen.forkserver_warmup)
    try:
        frozen, thresholds = gc.get_freeze_count(), gc.get_threshold()
        with frozen_heap():
            # a build process runs the collector less often; a worker from its start (_start_worker)
            assert gc.get_threshold() == (thresholds if in_a_worker else builder.DOCUMENT_GC_THRESHOLDS)
            node = Node()
            node.itself = node  # a cycle: only the collector frees it
            gone = weakref.ref(node)
            del node
        assert gone() is None
        assert gc.get_freeze_count() == frozen  # a worker's freeze is kept; a build process is left unfrozen
        assert gc.get_threshold() == thresholds
    finally:
        gc.unfreeze()


def test_a_projects_own_questionnaire_edition_is_part_of_the_key(tmp_path: Path, small: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's questionnaires/ is looked up before the shipped editions: a
    label changed there must rebuild, not be skipped as current."""
    from reportgen.paths import PACKAGE

    monkeypatch.chdir(tmp_path)
    opts = options(tmp_path, languages=("en",), formats=("html",))
    project = tmp_path / "questionnaires"
    project.mkdir()
    edition = project / "msq-2024.yaml"
    shutil.copy(PACKAGE / "questionnaires" / "msq-2024.yaml", edition)
    assert builder.build([small], opts).built
    edition.write_text(edition.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert [r.task.lang for r in builder.build([small], opts).built] == ["en"]


def test_the_key_covers_reportgens_data_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The country names' CSV is printed in every profile: a change to it
    rebuilds, as a change to the code does."""
    from reportgen import build, fingerprints

    package = tmp_path / "reportgen"
    shutil.copytree(fingerprints.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprints, "PACKAGE", package)
    opts = options(tmp_path)
    before = build.shared_fingerprint(opts)
    assert build.shared_fingerprint(opts) == before
    names = package / "data" / "un-country-names.csv"
    names.write_text(names.read_text(encoding="utf-8").replace("Paraguay", "Paraguay (changed)"), encoding="utf-8")
    assert build.shared_fingerprint(opts) != before


@pytest.mark.parametrize("kind", ["folder", "broken link", "too large"])
def test_an_unreadable_responses_file_fails_its_country_only(tmp_path: Path, kind: str) -> None:
    responses = tmp_path / "responses"
    write_synthetic(["ARG"], responses)
    bad = responses / "BRA.yaml"
    if kind == "folder":
        bad.mkdir()
    elif kind == "broken link":
        bad.symlink_to(tmp_path / "nowhere.yaml")
    else:
        bad.write_bytes(b"# " + b"x" * 2_000_000)
    opts = options(tmp_path, languages=("en",), limits={"max_file_bytes": 1_000_000})
    summary = builder.build(sorted(responses.glob("*.yaml")), opts)
    assert [r.task.country for r in summary.built] == ["ARG"]
    [failed] = summary.failed
    assert failed.task.country == "BRA" and (failed.error or "").startswith(f"{bad}:1: ")
    assert "\n" not in (failed.error or "")
    assert failed.task.key == ""  # refused while planning, before its bytes were hashed whole
