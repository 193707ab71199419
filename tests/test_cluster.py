"""Building on a Dask cluster (reportgen.cluster) against the in-process build.

One ``distributed.LocalCluster`` (2 worker processes, one thread each) serves
the module. Its workers run in a folder of their own and record every file or
folder they open under the project copy the client builds from, or under the
repository's templates/, locales/ and responses/: a worker must read only what
the client sent it. They start with a SOURCE_DATE_EPOCH different from the
client's: the bytes must still follow the client's build date.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing.forkserver
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reportgen import build as builder
from reportgen.cluster import BATCH_CONFIG, LOCAL, connect
from reportgen.config import Config
from reportgen.errors import ConfigError
from reportgen.i18n import LOCALES
from reportgen.synth import write_synthetic
from reportgen.writers import TEMPLATES

distributed = pytest.importorskip("distributed")

CLIENT_EPOCH = "1732000000"
WORKER_EPOCH = "1600000000"  # what the workers' own environment says: must not be used
COUNTRIES = ["AND", "DZA"]  # a few, to keep make test fast: 2 x 2 languages = 4 tasks
REPO = Path(__file__).resolve().parents[1]


def _watch_opens(dask_worker: object, roots: list[str], cwd: str) -> None:
    """Worker side: move to ``cwd`` and record opens and listings under ``roots``."""
    opened: list[str] = []

    def hook(event: str, args: tuple) -> None:
        if event not in ("open", "os.listdir", "os.scandir") or not args:
            return
        target = args[0]
        if isinstance(target, bytes):
            target = os.fsdecode(target)
        if isinstance(target, str | os.PathLike):
            path = os.path.abspath(os.fspath(target))
            if any(path == root or path.startswith(root + os.sep) for root in roots):
                opened.append(path)

    os.chdir(cwd)
    dask_worker.reportgen_opened = opened  # type: ignore[attr-defined]
    sys.addaudithook(hook)


AT_START: dict[str, list[str]] = {}  # worker -> what it had imported before its first task


def _imported() -> list[str]:
    return sorted(name for name in ("weasyprint", "docx", "reportgen.narrative") if name in sys.modules)


def _opened(dask_worker: object) -> list[str]:
    return list(getattr(dask_worker, "reportgen_opened", []))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what the client builds from: templates/, locales/, responses/."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(TEMPLATES, root / "templates")
    shutil.copytree(LOCALES, root / "locales")
    write_synthetic(COUNTRIES, root / "responses")
    return root


@pytest.fixture(scope="module")
def client(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[distributed.Client]:
    """The cluster ``--scheduler local --jobs 2`` starts (``cluster.connect``)."""
    # A fork server keeps the preload of whoever started it. Under pytest-xdist
    # another test file may have started this process's (a local pool of other
    # formats); stopped, the cluster starts its own, as in a build process.
    multiprocessing.forkserver._forkserver._stop()  # type: ignore[attr-defined]
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = WORKER_EPOCH  # inherited by the worker processes
    with contextlib.ExitStack() as stack:
        try:
            dask_client = stack.enter_context(connect(LOCAL, 2))
        finally:
            if saved is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved
        elsewhere = tmp_path_factory.mktemp("worker-cwd")
        roots = [str(project), *(str(REPO / name) for name in ("templates", "locales", "responses"))]
        AT_START.update(dask_client.run(_imported))
        dask_client.run(_watch_opens, roots=roots, cwd=str(elsewhere))
        yield dask_client


@pytest.fixture(autouse=True)
def _client_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", CLIENT_EPOCH)


def _options(project: Path, out: Path, **changes: object) -> Config:
    base: dict[str, object] = {"out": out, "templates": project / "templates", "locales": project / "locales",
                               "formats": ("html", "docx"), "languages": ("en", "es")}
    return Config(**{**base, **changes})  # type: ignore[arg-type]


def _responses(project: Path, countries: list[str] = COUNTRIES) -> list[Path]:
    return [project / "responses" / f"{code}.yaml" for code in countries]


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.glob("*/*-profile-*"))}


@pytest.fixture(scope="module")
def reference(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The in-process build of the same countries, at the client's build date."""
    out = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", CLIENT_EPOCH)
        summary = builder.build(_responses(project), _options(project, out))
    assert summary.ok, [r.error for r in summary.failed]
    return _files(out)


def test_cluster_builds_the_same_bytes_without_seeing_the_project(
        client: distributed.Client, project: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = builder.build(_responses(project), _options(project, out), executor=client)
    assert summary.ok, [r.error for r in summary.failed]
    assert len(summary.built) == 2 * len(COUNTRIES)
    built = _files(out)
    assert sorted(built) == sorted(reference) and len(built) == 4 * len(COUNTRIES)
    assert [name for name in built if built[name] != reference[name]] == []
    assert client.run(_opened) == {address: [] for address in client.scheduler_info()["workers"]}
    # Warnings name the client's file, not a worker's temporary copy.
    warnings = [w for result in summary.built for w in result.warnings if ".yaml:" in w]
    assert warnings and all(w.startswith(str(project / "responses")) for w in warnings)
    # The manifests are the client's: the next build skips everything.
    again = builder.build(_responses(project), _options(project, out), executor=client)
    assert again.built == [] and len(again.skipped) == 2 * len(COUNTRIES)


@pytest.mark.slow  # ~20 s: the property above (cluster bytes == local bytes) for the PDF format
def test_a_pdf_from_the_cluster_is_the_local_pdf(client: distributed.Client, project: Path, tmp_path: Path) -> None:
    options = {"formats": ("pdf",), "languages": ("en",)}
    local = builder.build(_responses(project, ["AND"]), _options(project, tmp_path / "local", **options))
    remote = builder.build(_responses(project, ["AND"]), _options(project, tmp_path / "dask", **options),
                           executor=client)
    assert local.ok and remote.ok, [r.error for r in local.failed + remote.failed]
    pdf = "AND/AND-profile-2024-en-draft.pdf"
    assert (tmp_path / "dask" / pdf).read_bytes() == (tmp_path / "local" / pdf).read_bytes()


def test_the_build_completes_when_a_worker_is_killed(
        client: distributed.Client, project: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    pids = client.run(os.getpid)
    killed: list[str] = []

    def kill_a_busy_worker(item: object, done: int, total: int) -> None:
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys and address in pids]
        if busy:
            killed.append(busy[0])
            os.kill(pids[busy[0]], signal.SIGKILL)

    out = tmp_path / "out"
    summary = builder.build(_responses(project), _options(project, out, formats=("html",)), executor=client,
                            on_done=kill_a_busy_worker)
    assert killed, "no worker was busy when the first document came back"
    assert summary.ok, [r.error for r in summary.failed]
    built = _files(out)
    assert len(built) == 2 * len(COUNTRIES)
    assert all(built[name] == reference[name] for name in built)


class _Crowded:
    def nthreads(self) -> dict[str, int]:
        return {"tcp://10.0.0.5:40000": 4}


def _worker_settings(dask_worker: distributed.Worker) -> dict[str, object]:
    import dask

    return {"threads": dask_worker.state.nthreads, "memory_limit": dask_worker.memory_manager.memory_limit,
            **{key: dask.config.get(key) for key in BATCH_CONFIG}}


def test_local_workers_run_one_thread_with_a_memory_limit_and_batch_monitoring(client: distributed.Client) -> None:
    expected = {"threads": 1, "memory_limit": 2**30, **BATCH_CONFIG}  # BATCH_CONFIG: none of Dask's defaults
    assert client.run(_worker_settings) == {address: expected for address in client.scheduler_info()["workers"]}


def test_local_workers_start_with_the_writers_imported(client: distributed.Client) -> None:
    """Forked from a server that imported the writers once, as the local
    pool's workers are, instead of each importing them on its first task."""
    assert list(AT_START.values()) == [["docx", "reportgen.narrative", "weasyprint"]] * 2


def test_workers_with_several_threads_are_refused() -> None:
    from reportgen.cluster import check_workers

    with pytest.raises(ConfigError, match="--nthreads 1"):
        check_workers(_Crowded())  # type: ignore[arg-type]


class _Elsewhere:
    """Two workers, one with a reportgen whose code differs from this one's."""

    def nthreads(self) -> dict[str, int]:
        return {"tcp://10.0.0.5:40000": 1, "tcp://10.0.0.6:40000": 1}

    def run(self, function: Callable[[], str]) -> dict[str, str]:
        return {"tcp://10.0.0.5:40000": function(), "tcp://10.0.0.6:40000": "another"}


def test_workers_with_another_reportgen_are_refused() -> None:
    """The keys hash this process's code and data; a worker's own would make
    the bytes (the real cluster's workers pass the same check in the tests above)."""
    from reportgen.cluster import check_workers

    with pytest.raises(ConfigError, match=r"tcp://10\.0\.0\.6:40000 has another reportgen"):
        check_workers(_Elsewhere())  # type: ignore[arg-type]


def test_a_worker_removes_bundles_no_task_used_for_a_week(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each edit of a template or catalog makes a new bundle: a worker keeps
    the ones in use and removes, when it unpacks a new one, those idle for
    ``BUNDLE_KEEP_DAYS`` (and a killed worker's half-unpacked folder)."""
    import tempfile
    import time

    from reportgen.cluster import BUNDLE_CACHE, BUNDLE_KEEP_DAYS, Bundle, unpack

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    cache = tmp_path / BUNDLE_CACHE
    week_ago = time.time() - BUNDLE_KEEP_DAYS * 86400 - 60
    for name in ("idle", "in-use", ".half-unpacked.x"):
        (cache / name / "templates").mkdir(parents=True)
        os.utime(cache / name, (week_ago, week_ago))
    (cache / "recent" / "templates").mkdir(parents=True)

    in_use = Bundle("in-use", {})
    assert unpack(in_use) == cache / "in-use"  # a task uses it: it counts as used now
    new = unpack(Bundle("new", {"templates/a.txt": b"a"}))
    assert (new / "templates" / "a.txt").read_bytes() == b"a"
    assert sorted(p.name for p in cache.iterdir()) == ["in-use", "new", "recent"]


def test_a_bundle_a_task_is_reading_is_never_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile
    import time

    from reportgen.cluster import BUNDLE_CACHE, BUNDLE_KEEP_DAYS, Bundle, held_bundle, remove_unused_bundles

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    cache = tmp_path / BUNDLE_CACHE
    week_ago = time.time() - BUNDLE_KEEP_DAYS * 86400 - 60
    with held_bundle(Bundle("reading", {"templates/a.txt": b"a"})) as folder:
        os.utime(folder, (week_ago, week_ago))  # as if the pruner had read its time just before the task began
        assert remove_unused_bundles(cache) == []
        assert (folder / "templates" / "a.txt").read_bytes() == b"a"
    assert remove_unused_bundles(cache) == ["reading"]
    assert not folder.exists()


def test_a_tasks_dask_key_names_what_its_client_asked_for(tmp_path: Path) -> None:
    """A scheduler gives every client the result of a key it already knows: two
    clients asking for other formats, or one of them --strict, must not share one."""
    from reportgen.build import Task
    from reportgen.cluster import task_name

    task = Task("PRY", tmp_path / "PRY.yaml", "en", ("docx", "pdf"), "k" * 64, "PRY-profile-2024-en-draft")
    options = Config(out=tmp_path / "out")
    name = task_name(task, options)
    assert name.startswith("reportgen-PRY-en-") and name == task_name(task, Config(out=tmp_path / "out"))
    others = {task_name(replace(task, formats=("docx",)), options),
              task_name(task, options.model_copy(update={"strict": True})),
              task_name(replace(task, key="j" * 64), options)}
    assert name not in others and len(others) == 3


@pytest.mark.slow
@pytest.mark.parametrize("when", ["starting", "building"])
def test_ctrl_c_stops_a_local_cluster_build_without_tracebacks(tmp_path: Path, when: str) -> None:
    """Ctrl-C reaches every process of the terminal's group: only the build
    stops (the workers ignore it) and closes the cluster; run.json says so.
    Pressed while the cluster starts, it stops the build once the cluster is
    up (a start-up broken half way ended in Dask's tracebacks)."""
    import subprocess
    import time

    out = tmp_path / "out"
    build = subprocess.Popen(
        [str(Path(sys.executable).parent / "reportgen"), "build", "PRY", "--scheduler", "local", "--jobs", "2",
         "--format", "pdf", "--lang", "en,es,fr", "--out", str(out)],
        env={**os.environ, "SOURCE_DATE_EPOCH": "1732000000"}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def left() -> list[str]:  # the build's processes still running
        table = subprocess.run(["ps", "-eo", "pgid=,pid=,args="], capture_output=True, text=True).stdout
        return [row for row in table.splitlines() if row.split()[0] == str(build.pid)]

    def started() -> bool:  # the cluster is starting (its workers' fork server runs) or a document is done
        return any("forkserver" in row for row in left()) if when == "starting" else bool(list(out.glob("PRY/*.pdf")))

    deadline = time.monotonic() + 120
    while not started() and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if when == "starting":
        time.sleep(0.3)  # the fork server is past Python's own start-up: it ignores Ctrl-C from its first import
    os.killpg(build.pid, signal.SIGINT)
    output, _ = build.communicate(timeout=60)
    assert build.returncode == 130, output
    assert "Traceback" not in output and "interrupted" in output
    assert "WARNING" not in output, output  # nor the cluster's logs of what it cancels or kills
    deadline = time.monotonic() + 10  # workers may take a moment to notice
    while left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left(), "processes of the build outlived it"
    if when == "starting":
        assert "before the build began" in output and not (out / "run.json").exists()
        return
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["interrupted"] and not run["ok"] and run["counts"]["built"] >= 1
