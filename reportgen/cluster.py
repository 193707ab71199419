"""Build on a Dask ``distributed`` cluster: one task per country and language,
on machines that share no disk with the client.

A worker needs reportgen installed, nothing else. What a task reads is sent to
it: the responses file's bytes with the task, and a *bundle* — the templates/
tree, the language's catalogs and the reference.docx — as a task of its own
whose key is the bundle's content hash. Each worker fetches a bundle once,
keeps it while the build holds it, and unpacks it once into a temporary folder
named by that hash. The task returns the documents' bytes; the client writes
them atomically and records them in the manifests, as for the local pool.

Tasks are pure (same inputs, same bytes), so a task whose worker died is simply
run again elsewhere by the scheduler. The build date (``SOURCE_DATE_EPOCH``) is
resolved once on the client, into the configuration each task carries: keys and
bytes use the same date and no worker's environment is changed. A task does
change its worker's current folder (a project's own editions are looked up in
./questionnaires/), which is why workers must run one thread each.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.errors import ConfigError, ReportgenError
from reportgen.files import write_atomic

if TYPE_CHECKING:
    from distributed import Client

    from reportgen.config import Config
from reportgen.build import Task, TaskResult
from reportgen.fingerprints import code_fingerprint

LOCAL = "local"  # --scheduler local: a LocalCluster of --jobs worker processes on this machine
BUNDLE_CACHE = "reportgen-bundles"
BUNDLE_KEEP_DAYS = 7  # a worker keeps a bundle this long after a task last used it
LOCAL_MEMORY = "1GiB"  # per worker of --scheduler local

# Dask's monitoring, tuned for a batch nobody watches live (--scheduler local):
# the statistical profiler samples each worker's threads every 10 ms, and every
# server wakes every 20 ms to check its event loop; the system and memory
# monitors poll /proc twice and ten times a second. On 100 countries × en/es
# DOCX, the workers' threads other than the task's used 1.5 s of CPU each with
# Dask's defaults and 0.35 s with these; the client 3.2 s and 2.6 s (issue 16).
# The memory monitor still restarts a worker past its limit, within a second.
BATCH_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def is_client(executor: object) -> bool:
    """Whether ``executor`` is a ``distributed.Client`` (without importing Dask for the local pool)."""
    distributed = sys.modules.get("distributed")
    return distributed is not None and isinstance(executor, distributed.Client)


# --- the bundle: what every task of one language reads ------------------------------


@dataclass(frozen=True)
class Bundle:
    digest: str
    files: dict[str, bytes] = field(repr=False)  # POSIX path inside the bundle -> bytes


def _add_tree(files: dict[str, bytes], root: Path, prefix: str) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[f"{prefix}/{path.relative_to(root).as_posix()}"] = path.read_bytes()


def make_bundle(options: Config, lang: str) -> Bundle:
    """templates/, ``locales/<lang>/``, the reference.docx and the project's own
    questionnaire editions (``questionnaires/*.yaml``), keyed by content."""
    from reportgen.paths import PROJECT_QUESTIONNAIRES as PROJECT_FOLDER

    files: dict[str, bytes] = {}
    _add_tree(files, options.templates, "templates")
    if PROJECT_FOLDER.is_dir():
        for edition in sorted(PROJECT_FOLDER.glob("*.yaml")):
            files[f"questionnaires/{edition.name}"] = edition.read_bytes()
    catalogs = options.locales / lang
    if catalogs.is_dir():
        _add_tree(files, catalogs, f"locales/{lang}")
    if options.reference_docx:
        files["reference.docx"] = options.reference_docx.read_bytes()
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return Bundle(digest.hexdigest(), files)


def unpack(bundle: Bundle) -> Path:
    """The bundle's folder on this worker, unpacked on first use (into a
    temporary folder renamed into place, so concurrent workers never see half).
    Each use marks the folder as used now (its time stamp); unpacking a new
    bundle removes those not used for ``BUNDLE_KEEP_DAYS``."""
    cache = Path(tempfile.gettempdir()) / BUNDLE_CACHE
    target = cache / bundle.digest
    if target.is_dir():
        with contextlib.suppress(OSError):
            os.utime(target)
        return target
    cache.mkdir(parents=True, exist_ok=True)
    remove_unused_bundles(cache)
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=f".{bundle.digest[:12]}."))
    for name, data in bundle.files.items():
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (staging / "locales").mkdir(exist_ok=True)
    try:
        staging.rename(target)
    except OSError:  # another worker process on this machine was first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def remove_unused_bundles(cache: Path) -> list[str]:
    """Remove the bundles (and half-unpacked folders of a killed worker) that
    no task used for ``BUNDLE_KEEP_DAYS``; their names. Each edit of a template
    or catalog makes a new bundle (~3 MB), so a worker's cache would otherwise
    grow with every build that follows one. A bundle is first renamed aside, so
    no task can find it half removed."""
    cutoff = time.time() - BUNDLE_KEEP_DAYS * 86400
    removed = []
    for folder in sorted(cache.iterdir()):
        try:
            if not folder.is_dir() or folder.stat().st_mtime >= cutoff:
                continue
            aside = cache / f".removing.{folder.name}.{os.getpid()}"
            handle = os.open(folder, os.O_RDONLY)
            try:
                # Not while a task reads it (held_bundle), nor if one marked it used meanwhile.
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.fstat(handle).st_mtime >= cutoff:
                    continue
                folder.rename(aside)
            finally:
                os.close(handle)
        except OSError:  # in use, gone already, or another worker is removing it
            continue
        shutil.rmtree(aside, ignore_errors=True)
        removed.append(folder.name)
    return removed


@contextlib.contextmanager
def held_bundle(bundle: Bundle, attempts: int = 3) -> Iterator[Path]:
    """The bundle's folder (``unpack``), held with a shared lock while a task
    reads it, so another worker's ``remove_unused_bundles`` leaves it alone.
    A folder removed between the two is unpacked again."""
    for _ in range(attempts):
        target = unpack(bundle)
        try:
            handle = os.open(target, os.O_RDONLY)
        except FileNotFoundError:
            continue
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            still_there = os.path.samestat(os.fstat(handle), os.stat(target))
        except FileNotFoundError:
            still_there = False
        if not still_there:
            os.close(handle)
            continue
        try:
            yield target
        finally:
            os.close(handle)
        return
    raise ReportgenError(f"bundle {bundle.digest[:12]}: removed {attempts} times while this task unpacked it")


# --- one task, on a worker -------------------------------------------------------------


@dataclass
class RemoteResult:
    result: TaskResult
    data: dict[str, bytes] = field(default_factory=dict, repr=False)


def run_remote(task: Task, responses: bytes, bundle: Bundle, options: Config) -> RemoteResult:
    """Build one task from the bytes sent with it; paths in messages are the client's."""
    from reportgen.build import TaskResult, _peak_rss_mb, render_outputs

    remote = RemoteResult(TaskResult(task))
    # In the bundle's folder: a project's own editions are looked up in ./questionnaires/
    # (workers run one thread, so changing the folder for the task is safe).
    with held_bundle(bundle) as root, tempfile.TemporaryDirectory(prefix="reportgen-task-") as folder, \
            contextlib.chdir(root):
        local = options.model_copy(update={
            "templates": root / "templates", "locales": root / "locales",
            "reference_docx": root / "reference.docx" if options.reference_docx else None})
        path = Path(folder) / task.responses.name
        path.write_bytes(responses)
        try:
            remote.data = dict(render_outputs(path, task, local, remote.result))
        except ReportgenError as exc:
            remote.result.error = str(exc)
        except Exception as exc:  # one country's bug must not stop the others
            remote.result.error = f"internal error: {type(exc).__name__}: {exc}"
        _client_paths(remote.result, {str(path): str(task.responses), str(root / "templates"): str(options.templates),
                                      str(root / "locales"): str(options.locales), str(root): "<bundle>"})
    remote.result.peak_rss_mb = _peak_rss_mb()
    return remote


def _client_paths(result: TaskResult, paths: dict[str, str]) -> None:
    """Messages name the client's files, not the worker's temporary copies."""

    def fix(text: str) -> str:
        for worker_path, client_path in paths.items():
            text = text.replace(worker_path, client_path)
        return text

    result.warnings = [fix(w) for w in result.warnings]
    if result.error:
        result.error = fix(result.error)


# --- the client side -----------------------------------------------------------------


def check_workers(client: Client) -> None:
    """Refuse workers with more than one thread (a task changes the process's
    current folder while it renders), and workers whose reportgen is not this
    one: the keys hash this process's code and data, the bytes would come
    from theirs."""
    threads = client.nthreads()
    crowded = sorted(address for address, count in threads.items() if count > 1)
    if crowded:
        raise ConfigError(f"Dask worker {crowded[0]} runs {threads[crowded[0]]} threads: start workers with "
                          "--nthreads 1 (use --nworkers for more processes)")
    ours = code_fingerprint()
    theirs: dict[str, str] = client.run(code_fingerprint)
    other = sorted(address for address, fingerprint in theirs.items() if fingerprint != ours)
    if other:
        raise ConfigError(f"Dask worker {other[0]} has another reportgen than this one (its code or data differ): "
                          "install the same version on every worker and here")


def task_name(task: Task, options: Config) -> str:
    """The task's Dask key. A scheduler shares a key's result between clients,
    so the key names everything the result depends on: the inputs (``task.key``)
    and what this client asked for (formats, file names, --strict, ...), which
    the inputs' key leaves out on purpose (build.shared_fingerprint)."""
    asked = hashlib.sha256(repr(task).encode() + options.model_dump_json().encode()).hexdigest()
    return f"reportgen-{task.country}-{task.lang}-{asked[:24]}"


def results(tasks: list[Task], options: Config, client: Client) -> Iterable[TaskResult]:
    """Run ``tasks`` on the cluster; write each output here, as it arrives."""
    from distributed import as_completed

    from reportgen.build import TaskResult

    if not tasks:
        return
    check_workers(client)
    bundles: dict[str, Any] = {}
    pending: dict[Any, Task] = {}
    for task in tasks:
        if task.lang not in bundles:
            bundle = make_bundle(options, task.lang)
            # A task holding the bundle (not scattered data): a worker that dies
            # with the only copy does not lose it, the scheduler recomputes it.
            bundles[task.lang] = client.submit(_identity, bundle, key=f"reportgen-bundle-{bundle.digest}")
        future = client.submit(run_remote, task, task.responses.read_bytes(), bundles[task.lang],
                               options, key=task_name(task, options))
        pending[future] = task
    try:
        for future in as_completed(list(pending)):
            task = pending.pop(future)
            try:
                remote: RemoteResult = future.result()
            except Exception as exc:  # KilledWorker after repeated deaths, a lost scheduler
                yield TaskResult(task, error=f"Dask task failed: {type(exc).__name__}: {exc}")
                continue
            finally:
                # The documents' bytes leave the worker's memory once here: holding
                # every future to the end kept a whole batch's outputs on the workers.
                future.release()
            yield _write(remote, options)
    finally:
        for future in pending:
            future.cancel()
        for bundle in bundles.values():
            bundle.cancel()


def _identity(value: Any) -> Any:
    return value


def _write(remote: RemoteResult, options: Config) -> TaskResult:
    from reportgen.build import Output, output_name

    result, task = remote.result, remote.result.task
    for fmt, data in remote.data.items():
        path = options.out / task.country / output_name(task, fmt)
        try:
            write_atomic(path, data)
        except ReportgenError as exc:
            result.error = str(exc)
            break
        result.outputs[fmt] = Output(str(path), hashlib.sha256(data).hexdigest(), len(data), task.key)
    return result


@contextlib.contextmanager
def connect(scheduler: str, jobs: int, formats: Iterable[str] = ("docx", "pdf")) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (``tcp://host:8786``), or of a
    LocalCluster of ``jobs`` single-threaded worker processes for ``local``
    (forked from a server that has imported what a build of ``formats`` needs)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler == LOCAL:
        # memory_limit: the nanny restarts a worker that passes 95 % of it (ours peak near 200 MB).
        # The nannies hand the configuration set here to the worker processes they start.
        with dask.config.set({**BATCH_CONFIG, "distributed.worker.multiprocessing-method": "forkserver"}):
            _preload_workers(formats)
            with _ctrl_c_held() as pressed:
                cluster = LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1, processes=True,
                                       memory_limit=LOCAL_MEMORY, dashboard_address=None)
            with cluster, Client(cluster) as client, _quiet_if_interrupted():
                if pressed:
                    raise KeyboardInterrupt
                client.run(_quiet_about_cancelled_tasks)
                yield client
        return
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"--scheduler {scheduler}: cannot connect: {exc}") from None
    with client:
        yield client


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[list[int]]:
    """Ctrl-C while the LocalCluster starts broke its start-up half way, and
    Dask failed with tracebacks as it closed what it had started. Held until
    the cluster is up (the list says whether it was pressed), it then stops the
    build as any Ctrl-C does. The workers ignore it (reportgen.ignore_ctrl_c)."""
    pressed: list[int] = []
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield pressed
        return
    previous = signal.signal(signal.SIGINT, lambda number, _frame: pressed.append(number))
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _quiet_if_interrupted() -> Iterator[None]:
    """After Ctrl-C, closing the cluster logs what it cancels (tasks, workers
    "lost" or killed because they were busy, a callback of Dask's own that
    fails on being cancelled): the build says it was interrupted, once. The
    command line reports Ctrl-C by exiting (130), so that ends here too."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        for name in ("distributed", "tornado"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        raise


def _quiet_about_cancelled_tasks() -> None:
    """In a LocalCluster's worker: a task cancelled because its worker closes
    (the build interrupted) was logged as a warning with the task's coroutine,
    after the build had said it was interrupted. Only that message is dropped."""
    logging.getLogger("distributed.worker.state_machine").addFilter(_not_a_cancellation)


def _not_a_cancellation(record: logging.LogRecord) -> bool:
    return not record.getMessage().endswith("ended with CancelledError")


def _preload_workers(formats: Iterable[str]) -> None:
    """What the local pool's fork server does, for the LocalCluster's workers.

    Each worker was a fresh interpreter that imported Dask, then reportgen and
    WeasyPrint on its first task: ~1 s of CPU a worker, again after every
    restart. Forked from one server that imported them once, they start with
    them loaded. (Not reportgen.warmup: a task reads the templates from its
    bundle's folder, so compiling the package's in advance would be wasted.)
    Dask sets its preload list (Dask and every optional package it finds) the
    first time it asks for the forkserver context, so it is asked first, and
    the list replaced by Dask's core and reportgen's writers before the server
    starts (a server already running keeps its own).
    """
    from distributed.utils import get_mp_context

    from reportgen.build import worker_modules

    get_mp_context().set_forkserver_preload(["reportgen.ignore_ctrl_c", "distributed", *worker_modules(formats)])
