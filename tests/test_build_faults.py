"""Builds under faults (issue 15): a dead worker or build process, broken
manifests, names that are not country codes, dangerous output folders, and
what the command line prints about them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest

from reportgen import build as builder
from reportgen.config import Config
from reportgen.errors import ConfigError
from reportgen.synth import write_synthetic
from tests.entry import run_here
from tests.responses_factory import minimal_yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")


def options(tmp_path: Path, **changes: Any) -> Config:
    base = {"out": tmp_path / "out", "formats": ("html",), "languages": ("en",)}
    return Config(**{**base, **changes})


def run(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "reportgen"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, check=False,
                          env={**os.environ, "REPORTGEN_DEBUG": "", "SOURCE_DATE_EPOCH": "1732000000", **env})


# --- workers -------------------------------------------------------------------------


def _die() -> None:
    os._exit(9)


class _KillsWorkersOf(Executor):
    """The build's own pool, except that the worker given ``country``'s task
    is killed, ``times`` times."""

    def __init__(self, country: str, times: int):
        self.pool = builder.WorkerPool(2)
        self.country, self.times, self.killed = country, times, 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        if args and getattr(args[0], "country", None) == self.country and self.killed < self.times:
            self.killed += 1
            return self.pool.submit(_die)
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait, cancel_futures=cancel_futures)


def test_a_killed_worker_is_retried_once_on_a_fresh_worker(tmp_path: Path) -> None:
    paths = write_synthetic(["PER", "ECU"], tmp_path / "responses")
    with _KillsWorkersOf("ECU", times=1) as pool:
        summary = builder.build(paths, options(tmp_path), executor=pool)
    assert pool.killed == 1
    assert summary.ok and sorted(r.task.country for r in summary.built) == ["ECU", "PER"]


def test_a_worker_killed_twice_fails_only_its_own_task(tmp_path: Path) -> None:
    paths = write_synthetic(["PER", "ECU"], tmp_path / "responses")
    with _KillsWorkersOf("ECU", times=2) as pool:
        summary = builder.build(paths, options(tmp_path), executor=pool)
    assert [r.task.country for r in summary.failed] == ["ECU"]
    assert "worker failed: ProcessExpired" in (summary.failed[0].error or "")
    assert [r.task.country for r in summary.built] == ["PER"]


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(("countries", "formats"), [
    (["PER", "ECU", "CHL", "BOL", "URY", "ARG"], "html,docx"),  # the pool: a fork server and its workers
    (["PER"], "pdf"),  # two documents: two forks of the build (reportgen.forkjoin)
], ids=["pool", "forks"])
def test_kill_9_of_the_build_leaves_no_process_behind(tmp_path: Path, countries: list[str], formats: str) -> None:
    write_synthetic(countries, tmp_path / "responses")
    exe = Path(sys.executable).parent / "reportgen"
    process = subprocess.Popen([str(exe), "build", "--all", "--responses", str(tmp_path / "responses"),
                                "--out", str(tmp_path / "out"), "--format", formats, "--lang", "en,es",
                                "--jobs", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def workers() -> set[int]:  # a fork keeps the build's command; a program it runs (ldconfig) has its own
        found = _descendants(process.pid)
        command = _command(process.pid)  # read each time: at first it may not have exec'd yet
        return found if len(countries) > 1 else {pid for pid in found if _command(pid) == command}

    children: set[int] = set()
    deadline = time.monotonic() + 60
    while len(children) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        children = workers()
    assert len(children) >= 2, "the build never started its workers"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)]


# --- manifests, names, folders ------------------------------------------------------------


@pytest.mark.parametrize("content", ["[]", '{"outputs": {"PER-profile-en.html": 3}, "inputs": []}'])
def test_a_manifest_of_the_wrong_shape_is_rewritten(tmp_path: Path, content: str) -> None:
    paths = write_synthetic(["PER"], tmp_path / "responses")
    manifest = tmp_path / "out" / "PER" / "manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(content)
    summary = builder.build(paths, options(tmp_path))
    assert summary.ok and len(summary.built) == 1
    assert "PER-profile-2024-en-draft.html" in json.loads(manifest.read_text())["outputs"]


def test_an_unwritable_manifest_fails_only_its_country(tmp_path: Path) -> None:
    paths = write_synthetic(["PER", "ECU"], tmp_path / "responses")
    (tmp_path / "out" / "PER" / "manifest.json").mkdir(parents=True)  # os.replace cannot replace a folder
    summary = builder.build(paths, options(tmp_path))
    assert [r.task.country for r in summary.built] == ["ECU"]
    assert [r.task.country for r in summary.failed] == ["PER"]
    assert "PER/manifest.json: cannot record the build" in (summary.failed[0].error or "")


def test_two_files_for_one_country_are_an_error(tmp_path: Path) -> None:
    paths = write_synthetic(["PER", "ECU"], tmp_path / "responses")
    twin = tmp_path / "responses" / "per.yaml"
    twin.write_text(paths[0].read_text())
    summary = builder.build([*paths, twin], options(tmp_path))
    assert [r.task.country for r in summary.built] == ["ECU"]
    assert "PER has 2 responses files" in (summary.failed[0].error or "")
    assert not (tmp_path / "out" / "PER").exists()


def test_a_file_name_that_is_not_a_country_code_deletes_nothing(tmp_path: Path) -> None:
    responses = tmp_path / "responses"
    responses.mkdir()
    (responses / "...yaml").write_text(minimal_yaml())
    precious = tmp_path / ".precious.tmp"  # out/.. is where "..." would have pointed
    precious.write_text("mine")
    summary = builder.build([responses / "...yaml"], options(tmp_path))
    assert "the file name must be a country code" in (summary.failed[0].error or "")
    assert precious.read_text() == "mine"


def test_only_temporaries_of_the_build_are_removed(tmp_path: Path) -> None:
    paths = write_synthetic(["PER"], tmp_path / "responses")
    folder = tmp_path / "out" / "PER"
    folder.mkdir(parents=True)
    (folder / ".notes.tmp").write_text("a user's file")
    (folder / ".PER-profile-en.html.x1y2.tmp").write_text("half")
    builder.build(paths, options(tmp_path))
    assert sorted(p.name for p in folder.glob(".*")) == [".notes.tmp"]


@pytest.mark.parametrize("out", ["/", "templates", "templates/html", "locales", "reportgen", "{answers}/out"])
def test_out_must_not_be_the_root_or_a_source_folder(tmp_path: Path, out: str) -> None:
    # Answers that fail `check`: code that did not refuse --out would still write nothing there.
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "PRY.yaml").write_text(minimal_yaml("  14:\n    value: maybe\n", drop={14}))
    out = out.format(answers=answers)
    result = run_here("build", "PRY", "--format", "html", "--responses", str(answers), "--out", out,
                      SOURCE_DATE_EPOCH="1732000000")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"reportgen: --out {out}: refusing to write") and result.stderr.count("\n") == 1
    with pytest.raises(ConfigError, match="refusing"):
        builder.build([answers / "PRY.yaml"], Config(out=ROOT / out))


def test_a_country_argument_never_becomes_a_path() -> None:
    result = run("build", "../ELSEWHERE/PRY", "--format", "html")
    assert result.returncode == 2
    assert result.stderr == "reportgen: ../ELSEWHERE/PRY: not a country code (ISO 3166-1 alpha-3, e.g. PRY)\n"


@pytest.mark.parametrize("epoch", ["99999999999999999999", "yesterday", "-5"])
def test_source_date_epoch_garbage_is_one_line(tmp_path: Path, epoch: str) -> None:
    result = run_here("build", "PRY", "--format", "html", "--out", str(tmp_path), SOURCE_DATE_EPOCH=epoch)
    assert result.returncode == 2
    assert result.stderr.startswith(f"reportgen: SOURCE_DATE_EPOCH={epoch}: expected whole seconds")
    assert result.stderr.count("\n") == 1


def test_errors_keep_file_and_line_when_the_path_is_long(tmp_path: Path) -> None:
    responses = tmp_path / ("a-very-long-folder-name-" * 6) / "responses"
    responses.mkdir(parents=True)
    (responses / "PRY.yaml").write_text(minimal_yaml("  14:\n    value: maybe\n", drop={14}))
    result = run("build", "PRY", "--format", "html", "--responses", str(responses), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert f"PRY en: {responses / 'PRY.yaml'}:" in result.stderr  # main's format: country, language, message
    assert "Q14: 'maybe' is not a valid yes_no value" in result.stderr


def test_escape_sequences_from_answers_never_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "PRY.yaml"
    osc52 = "\\e]52;c;aGk=\\a"
    path.write_text(minimal_yaml(f'  7:\n    sources:\n      - url: "https://portal.gov.py/{osc52}"\n', drop={7}))
    result = run("check", str(path))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout + result.stderr
    assert "https://portal.gov.py/\\u001b]52;c;aGk=\\u0007" in result.stderr


def test_check_goes_on_to_the_next_file_after_deep_nesting(tmp_path: Path) -> None:
    deep = tmp_path / "deep" / "PRY.yaml"
    deep.parent.mkdir()
    deep.write_text(minimal_yaml().replace("respondent:", "x: " + "[" * 3000 + "]" * 3000 + "\nrespondent:"))
    good = tmp_path / "PRY.yaml"
    good.write_text(minimal_yaml())
    result = run("check", str(deep), str(good))
    assert result.returncode == 2
    assert f"{deep}:4: YAML syntax error: nested deeper than 20 levels" in result.stderr
    assert f"{good}: ok (0 errors" in result.stdout
    assert "Traceback" not in result.stderr
