"""A build of no more documents than workers forks them from the build
process itself (reportgen.forkjoin): same bytes, the pool's faults, and the
pool wherever forking is not safe.

Each check runs in a fresh interpreter: the tests' own processes run threads
(pytest-xdist's), in which nothing may fork."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.synth import write_synthetic
from tests.responses_factory import minimal_yaml

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import contextlib, json, multiprocessing.forkserver, os, sys, threading, time
from pathlib import Path
from reportgen import build as builder
from reportgen.config import Config

DEATHS = Path(os.environ["DEATHS_FILE"])  # read by pool workers too, which import this file again
real_run_task = builder.run_task

def run_task(task, options):
    # Spanish's process dies while the file says so: each death is another
    # process, so the count is kept on disk.
    left = int(DEATHS.read_text()) if task.lang == "es" else 0
    if left:
        DEATHS.write_text(str(left - 1))
        os.kill(os.getpid(), 9)
    result = real_run_task(task, options)
    result.warnings.append(f"pid {os.getpid()} {os.getppid()}")
    return result

def build(name, executor, formats=("docx", "html"), deaths=0, pause=None):
    DEATHS.write_text(str(deaths))
    options = Config(out=out / name, formats=formats, languages=("en", "es"))
    summary = builder.build(responses, options, executor=executor, pause=pause)
    run = json.loads((out / name / "run.json").read_text())
    return {"engine": run["engine"],
            "built": {r.task.lang: r.warnings[-1].split()[1:] for r in summary.built},
            "failed": {r.task.lang: r.error for r in summary.failed}}

if __name__ == "__main__":
    responses, out = [Path(sys.argv[1])], Path(sys.argv[2])
    builder.run_task = run_task
    report = {"pid": os.getpid(), "in-process": build("here", None, ("docx", "html", "pdf"))}
    with builder.WorkerPool(2) as pool:
        report["forks"] = build("forks", pool, ("docx", "html", "pdf"))
        report["killed once"] = build("once", pool, deaths=1)
        report["killed twice"] = build("twice", pool, deaths=2)
        report["fork server"] = multiprocessing.forkserver._forkserver._forkserver_pid is not None
        # A thread still ending when the build forks (as rich's refresh thread and
        # Pango's are): the build waits for it. One that goes on: the pool runs,
        # found in the pause or, without one, before anything is imported for forks.
        ending = contextlib.contextmanager(lambda: iter([threading.Thread(target=time.sleep, args=(0.3,)).start()]))
        report["with an ending thread"] = build("ending", pool, pause=ending)
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        try:
            report["with a thread"] = build("thread", pool)
            report["with a thread and a pause"] = build("thread-pause", pool, pause=contextlib.nullcontext)
        finally:
            stop.set()
            other.join()
    print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    folder = tmp_path_factory.mktemp("forkjoin")
    responses = folder / "responses" / "PRY.yaml"  # every item acknowledged, none answered: short documents
    responses.parent.mkdir()
    responses.write_text(minimal_yaml(), encoding="utf-8")
    (folder / "probe.py").write_text(PROBE, encoding="utf-8")
    done = subprocess.run([sys.executable, "probe.py", str(responses), str(folder / "out")],
                          cwd=folder, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1732000000", "DEATHS_FILE": str(folder / "deaths")})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1]), folder / "out"


def test_each_document_is_built_in_a_fork_of_the_build_process(probed: tuple[dict, Path]) -> None:
    report, _ = probed
    pid = str(report["pid"])
    forks = report["forks"]
    assert forks["engine"] == "local forks (2 processes)" and not forks["failed"]
    (en, en_parent), (es, es_parent) = forks["built"]["en"], forks["built"]["es"]
    assert en_parent == es_parent == pid and len({en, es, pid}) == 3  # two children of the build process
    assert report["fork server"] is False  # nothing else was started
    assert report["in-process"]["engine"] == "in-process"


def test_the_forks_write_the_same_bytes_as_one_process(probed: tuple[dict, Path]) -> None:
    _, out = probed
    here = sorted(p.relative_to(out / "here") for p in (out / "here" / "PRY").iterdir() if p.suffix != ".json")
    forked = sorted(p.relative_to(out / "forks") for p in (out / "forks" / "PRY").iterdir() if p.suffix != ".json")
    assert here == forked and len(here) == 6  # docx, html and pdf in two languages
    for name in here:
        assert (out / "here" / name).read_bytes() == (out / "forks" / name).read_bytes(), name


def test_a_killed_fork_is_forked_again_once(probed: tuple[dict, Path]) -> None:
    report, _ = probed
    once, twice = report["killed once"], report["killed twice"]
    assert once["engine"] == twice["engine"] == "local forks (2 processes)"
    assert sorted(once["built"]) == ["en", "es"] and not once["failed"]
    assert sorted(twice["built"]) == ["en"]
    assert twice["failed"] == {"es": "worker failed: the process building it was killed (SIGKILL)"}


def test_a_process_running_another_thread_uses_the_pool(probed: tuple[dict, Path]) -> None:
    """Forked only where no other thread runs: the build waits a moment for
    one that is ending (Pango's end within milliseconds), not for one that
    goes on."""
    report, _ = probed
    assert report["with an ending thread"]["engine"] == "local forks (2 processes)"
    for case in ("with a thread", "with a thread and a pause"):
        threaded = report[case]
        assert threaded["engine"] == "local pool (2 workers)" and sorted(threaded["built"]) == ["en", "es"], case
        assert str(report["pid"]) not in {pid for pid, _ in threaded["built"].values()}


def _processes_of_group(group: int) -> list[str]:
    table = subprocess.run(["ps", "-eo", "pgid=,pid=,stat=,args="], capture_output=True, text=True).stdout
    return [row for row in table.splitlines() if row.split()[0] == str(group) and "Z" not in row.split()[2]]


def _forks_of(build: int) -> list[int]:
    """The build's children running its own command: its forks (a program it
    runs, ldconfig or msgfmt, has another)."""
    command = Path(f"/proc/{build}/cmdline").read_bytes()
    table = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout
    children = [int(pid) for pid, parent in (row.split() for row in table.splitlines()) if int(parent) == build]
    forks = []
    for child in children:
        with contextlib.suppress(OSError):
            if Path(f"/proc/{child}/cmdline").read_bytes() == command:
                forks.append(child)
    return forks


def test_ctrl_c_stops_the_build_and_its_forks(tmp_path: Path) -> None:
    """Ctrl-C reaches the terminal's whole group: the forks ignore it, the
    build stops them and says so, without a traceback, and run.json says so."""
    write_synthetic(["PER"], tmp_path / "responses")
    out = tmp_path / "out"
    build = subprocess.Popen(
        [str(Path(sys.executable).parent / "reportgen"), "build", "PER", "--responses", str(tmp_path / "responses"),
         "--format", "pdf", "--lang", "en,es", "--jobs", "2", "--out", str(out)],
        cwd=ROOT, env={**os.environ, "SOURCE_DATE_EPOCH": "1732000000"}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while len(_forks_of(build.pid)) < 2 and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert build.poll() is None, "the build ended before both forks were seen"
    os.killpg(build.pid, signal.SIGINT)
    output, _ = build.communicate(timeout=60)
    assert build.returncode == 130, output
    assert "Traceback" not in output and "interrupted" in output
    deadline = time.monotonic() + 10
    while _processes_of_group(build.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_of_group(build.pid), "a fork outlived the build"
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["interrupted"] and run["engine"] == "local forks (2 processes)"
