"""The no-op stamp (reportgen/stamp.py), through the console script as a user runs it.

Whether a run took the fast path is read from the process itself: with
``python -X importtime`` every module it imported is listed on stderr, and the
fast path imports neither pydantic nor click nor Rich.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen import build as builder
from reportgen.config import Config
from reportgen.stamp import STAMP, eligible
from tests.responses_factory import minimal_yaml

SCRIPT = Path(sys.executable).parent / "reportgen"
ROOT = Path(__file__).resolve().parent.parent
# DOCX, the cheapest format to write (about half the CPU of the standalone HTML,
# which subsets its fonts in each new process): the stamp does not depend on it.
COMMAND = ("build", "PRY", "--lang", "es", "--format", "docx", "--jobs", "0")
NOOP = "0 built, 1 skipped, 0 failed -> build/"
BUILT = "1 built, 0 skipped, 0 failed -> build/"


class Run:
    def __init__(self, done: subprocess.CompletedProcess[str]):
        assert done.returncode == 0, done.stderr[-2000:]
        self.stdout = done.stdout
        imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                    if line.startswith("import time:")]
        self.fast = bool(imported) and not {"pydantic", "click", "rich", "babel"} & set(imported)


def run(project: Path, *extra: str, epoch: str = "1732000000") -> Run:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    env.pop("REPORTGEN_DEBUG", None)
    done = subprocess.run([sys.executable, "-X", "importtime", str(SCRIPT), *COMMAND, *extra], cwd=project,
                          env=env, capture_output=True, text=True, check=False)
    return Run(done)


@pytest.fixture(scope="module")
def new_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report project as ``reportgen new`` makes it, made once for the module."""
    folder = tmp_path_factory.mktemp("new") / "project"
    subprocess.run([str(SCRIPT), "new", str(folder)], check=True, capture_output=True)
    return folder


@pytest.fixture
def project(new_project: Path, tmp_path: Path) -> Path:
    """A copy of that project (each test its own) holding a small answers file
    for PRY: what the stamp records does not depend on the answers, and each
    full run builds a short profile instead of Paraguay's."""
    folder = tmp_path / "project"
    shutil.copytree(new_project, folder)
    (folder / "responses" / "PRY.yaml").write_text(minimal_yaml(), encoding="utf-8")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_no_op_is_answered_from_the_stamp_until_something_changes(project: Path) -> None:
    first = run(project)
    assert BUILT in first.stdout and not first.fast
    assert (project / "build" / STAMP).is_file()
    again = run(project)
    assert again.fast and NOOP in again.stdout

    # A project's own template (a new override file: a folder's listing changed).
    override = project / "templates" / "sections" / "imprint.md.j2"
    override.parent.mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "sections" / "imprint.md.j2", override)
    edit(override, "\n", "\n\nA line the project added.\n")
    step = run(project)
    assert not step.fast and BUILT in step.stdout, "a new template override"
    assert run(project).fast

    # The same file edited again, same size, its mtime put back: the change time still tells.
    before = override.stat()
    edit(override, "A line the project added.", "A line the project edited")
    os.utime(override, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert override.stat().st_size == before.st_size and override.stat().st_mtime_ns == before.st_mtime_ns
    step = run(project)
    assert not step.fast and BUILT in step.stdout, "an edit that kept size and mtime"
    assert run(project).fast

    # The answers.
    edit(project / "responses" / "PRY.yaml", "\n", "\n# reviewed\n")
    step = run(project)
    assert not step.fast and "1 skipped" not in step.stdout, "an edited responses file"
    assert run(project).fast

    # A catalog: the project's own Spanish messages over the defaults.
    catalog = project / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    shutil.copy(ROOT / "locales" / "es" / "LC_MESSAGES" / "messages.po", catalog)
    edit(catalog, 'msgstr "Perfil', 'msgstr "Ficha')
    step = run(project)
    assert not step.fast and BUILT in step.stdout, "a new catalog"
    assert run(project).fast

    # The settings.
    with (project / "reportgen.toml").open("a", encoding="utf-8") as settings:
        settings.write('organisation = "Ministry of Information and Communication Technologies"\n')
    step = run(project)
    assert not step.fast and BUILT in step.stdout, "edited settings"
    assert run(project).fast

    # An output deleted.
    (project / "build" / "PRY" / "PRY-profile-2024-es-draft.docx").unlink()
    step = run(project)
    assert not step.fast and BUILT in step.stdout, "a deleted output"
    assert run(project).fast

    # Another build date.
    step = run(project, epoch="1800000000")
    assert not step.fast and BUILT in step.stdout, "another SOURCE_DATE_EPOCH"

    # A build through the Python API (here, in this process) removes the stamp that run left.
    assert (project / "build" / STAMP).is_file()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.setenv("SOURCE_DATE_EPOCH", "1732000000")
        builder.build([Path("responses/PRY.yaml")], Config(languages=("es",), formats=("docx",)))
    assert not (project / "build" / STAMP).exists(), "a build through the Python API"


def test_the_fast_no_op_prints_and_records_what_the_full_one_does(project: Path) -> None:
    """Text and --json: the same as a no-op that went through the content-hash check."""
    run(project)  # builds, and leaves a stamp of the text command
    for extra in ((), ("--json",)):
        (project / "build" / STAMP).unlink()
        full = run(project, *extra)
        fast = run(project, *extra)
        assert not full.fast and fast.fast
        if not extra:
            # The same but for the title's seconds: the full no-op may take 0.1 s on a busy machine.
            assert _seconds_masked(fast.stdout) == _seconds_masked(full.stdout) and NOOP in fast.stdout
            continue
        printed = [json.loads(r.stdout) for r in (full, fast)]
        for data in printed:
            assert data.pop("finished") and data.pop("seconds") >= 0
        assert printed[0] == printed[1] and printed[1]["counts"]["skipped"] == 1
        run_json = json.loads((project / "build" / "run.json").read_text(encoding="utf-8"))
        assert run_json["counts"] == printed[1]["counts"] and run_json["documents"] == printed[1]["documents"]


def _seconds_masked(text: str) -> str:
    return re.sub(r"reportgen build \(\d+\.\d s\)", "reportgen build (N s)", text)


def test_force_never_uses_the_stamp(project: Path) -> None:
    run(project)
    assert run(project).fast
    step = run(project, "--force")
    assert not step.fast and BUILT in step.stdout
    assert not (project / "build" / STAMP).exists()  # a forced run leaves none


@pytest.mark.parametrize(("argv", "expected"), [
    (["build", "PRY"], True),
    (["-q", "build"], True),
    (["build", "PRY", "--force"], False),
    (["build", "--site-index"], False),
    (["build", "--scheduler=local"], False),
    (["check", "responses/PRY.yaml"], False),
    (["build", "--help"], False),
])
def test_which_command_lines_may_use_a_stamp(argv: list[str], expected: bool) -> None:
    assert eligible(argv) is expected


def test_a_run_record_that_cannot_be_written_is_no_traceback(project: Path) -> None:
    """The fast path rewrites run.json; when it cannot (here a folder stands in
    its place; a full disk, a read-only folder), the full command runs instead."""
    run(project)
    record = project / "build" / "run.json"
    record.unlink()
    record.mkdir()
    step = run(project)  # Run asserts exit 0 (and so no traceback)
    assert not step.fast and NOOP in step.stdout
    assert not [p.name for p in (project / "build").glob(".run.json*")]
