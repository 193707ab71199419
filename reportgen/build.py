"""Countries x languages x formats: plan, run in parallel, write atomically, record.

The unit of work is one country in one language: its document model is made
once and every requested format is written from it. Each output has a key, a
hash of everything it depends on; an output whose key, size and hash match
the manifest is skipped. Workers are processes recycled after a few tasks
because WeasyPrint's memory grows across renders; any ``concurrent.futures``
executor can stand in for the local pool (a Dask client's, for instance).

Faults stay local: a task whose worker died is retried once (the local pool
replaces a dead worker, so the retry runs on a fresh one); workers exit when
the build process dies; a manifest of the wrong shape is replaced; a file
name that is not a country code, or two files for one country, fail that
country only.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Executor, Future, as_completed
from contextlib import closing, contextmanager, nullcontext, suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from reportgen import __version__, stamp
from reportgen.config import Config
from reportgen.errors import ConfigError, ReportgenError, WriterError
from reportgen.files import remove_stale_temporaries, write_atomic
from reportgen.fingerprints import code_fingerprint, hash_files, tree
from reportgen.paths import LOCALES as LOCALES  # re-exported: the defaults, for the Python API
from reportgen.paths import PACKAGE, PROJECT_QUESTIONNAIRES
from reportgen.paths import TEMPLATES as TEMPLATES

if TYPE_CHECKING:
    import distributed

    from reportgen.forkjoin import Pause

# Tasks per worker process before it is replaced. A worker's peak grows about
# 2 MB per document from ~140 MB (WeasyPrint's caches; docs/benchmarks.md), so
# 40 documents stay near 220 MB, under the 300 MB aim. A replacement is a fork
# of the fork server (WorkerPool), which costs only the caches it warms again.
RECYCLE_AFTER = 40


# The build's options are the run's one configuration (reportgen.config);
# the name stays for the Python API.


@dataclass(frozen=True)
class Task:
    country: str
    responses: Path
    lang: str
    formats: tuple[str, ...]
    key: str  # fingerprint of every input of this country and language
    stem: str = ""  # the outputs' file name without suffix (document_stem); "" = the country-language default
    pdf_tag: str = ""  # the PDF variant in the PDF's name, when not the default (variant_tag)


@dataclass
class Output:
    path: str
    sha256: str
    size: int
    key: str


@dataclass
class TaskResult:
    task: Task
    outputs: dict[str, Output] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    peak_rss_mb: float = 0.0


@dataclass
class Summary:
    built: list[TaskResult] = field(default_factory=list)
    skipped: list[Task] = field(default_factory=list)
    failed: list[TaskResult] = field(default_factory=list)
    seconds: float = 0.0
    set_aside: list[dict[str, str]] = field(default_factory=list)  # outputs moved away (failed or superseded)
    manifest: Path | None = None  # the run manifest written at the end
    interrupted: bool = False  # stopped before every task was done (Ctrl-C, an error of the build itself)
    engine: str = "in-process"  # where the tasks ran, for run.json: in-process, local forks, local pool, dask

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted


# --- fingerprints -------------------------------------------------------------


# The options that change the bytes of an output (the build date too, below).
BYTES_OPTIONS = ("organisation", "edition", "disclaimer", "copyright", "status", "annex", "internal",
                 "pdf_variant", "docx_page_numbers")


def shared_fingerprint(options: Config) -> str:
    """What every output depends on: templates (sections, HTML, fonts,
    reference.docx), the questionnaire editions (the project's own too),
    reportgen's version, code and data, the build date (``options.source_date_epoch``), and the options that change
    the bytes of an output (``BYTES_OPTIONS``). Options that only choose what to
    build (languages, formats, --strict, folders) stay out, so a build of one
    format does not stale the others."""
    digest = hashlib.sha256()
    digest.update(hash_files(tree(options.templates), options.templates).encode())
    digest.update(code_fingerprint().encode())
    if PROJECT_QUESTIONNAIRES.is_dir():  # a project's edition is looked up before the shipped one
        digest.update(hash_files(tree(PROJECT_QUESTIONNAIRES, "*.yaml"), PROJECT_QUESTIONNAIRES).encode())
    if options.reference_docx:
        with options.reference_docx.open("rb") as stream:  # any size: hashed in chunks, never held whole
            digest.update(hashlib.file_digest(stream, "sha256").digest())
    settings = {name: str(getattr(options, name)) for name in BYTES_OPTIONS}
    digest.update(json.dumps([__version__, settings, options.source_date_epoch], sort_keys=True).encode())
    return digest.hexdigest()


def task_key(shared: str, responses: bytes, country: str, lang: str, locales: Path) -> str:
    """The shared fingerprint plus this country's answers and this language's catalogs."""
    digest = hashlib.sha256(shared.encode())
    digest.update(responses)
    for name in ("messages.po", "questionnaire.po", f"responses-{country}.po"):
        po = locales / lang / "LC_MESSAGES" / name
        digest.update(po.read_bytes() if po.is_file() else b"-")
    return digest.hexdigest()


DEFAULT_PDF_VARIANT = "pdf/ua-1"
_QUESTIONNAIRE_LINE = re.compile(rb"^questionnaire:[ \t]*[\"']?([a-z0-9][a-z0-9-]*)", re.MULTILINE)
_EDITION_LINE = re.compile(r"^edition:[ \t]*[\"']?([\w.-]+)", re.MULTILINE)


def edition_of(responses: bytes) -> str:
    """The edition of the questionnaire a responses file names, read from the
    two files' text (planning, a no-op rebuild included, loads no model);
    "unknown" when it cannot be read (the build then fails with the reason)."""
    from reportgen.paths import questionnaire_folders

    found = _QUESTIONNAIRE_LINE.search(responses)
    if not found:
        return "unknown"
    name = found.group(1).decode() + ".yaml"
    for folder in questionnaire_folders():
        if (folder / name).is_file():
            edition = _EDITION_LINE.search((folder / name).read_text(encoding="utf-8"))
            return edition.group(1) if edition else "unknown"
    return "unknown"


def document_stem(country: str, lang: str, edition: str, options: Config) -> str:
    """``PRY-profile-2024-en``, then ``-draft`` unless Final and ``-internal``
    for a copy not for publication: what a printer or a web team must not
    confuse is in the name (docs/batches.md)."""
    parts = [country, "profile", edition, lang]
    if options.status != "final":
        parts.append("draft")
    if options.internal:
        parts.append("internal")
    return "-".join(parts)


def variant_tag(variant: str | None) -> str:
    """The PDF variant as a file-name part: "" for the default (PDF/UA-1),
    ``pdfa-3a-pdfua-1`` for pdf/a-3a+pdf/ua-1, ``untagged`` for none."""
    if variant == DEFAULT_PDF_VARIANT:
        return ""
    if variant is None:
        return "untagged"
    return variant.replace("/", "").replace("+", "-")


def output_name(task: Task, fmt: str) -> str:
    stem = task.stem or f"{task.country}-profile-{task.lang}"
    tag = f"-{task.pdf_tag}" if fmt == "pdf" and task.pdf_tag else ""
    return f"{stem}{tag}.{fmt}"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- manifest -------------------------------------------------------------------


def manifest_path(out: Path, country: str) -> Path:
    return out / country / "manifest.json"


_SECTIONS = ("outputs", "warnings", "timings", "inputs")


def read_manifest(out: Path, country: str) -> dict:
    """The country's manifest, or an empty one when it is missing, unreadable
    or of the wrong shape (then every output is rebuilt and the manifest
    rewritten): a manifest is a record, never a reason for a build to fail."""
    empty: dict[str, Any] = {"country": country, **{key: {} for key in _SECTIONS}}
    try:
        data = json.loads(manifest_path(out, country).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty
    if not isinstance(data, dict) or any(not isinstance(data.get(key, {}), dict) for key in _SECTIONS):
        return empty
    outputs = data.get("outputs", {})
    if any(not isinstance(entry, dict) for entry in outputs.values()):
        return empty
    return {**data, **{key: data.get(key, {}) for key in _SECTIONS}}


def _record(out: Path, result: TaskResult) -> None:
    task = result.task
    manifest = read_manifest(out, task.country)
    manifest["reportgen"] = __version__
    folder = manifest_path(out, task.country).parent
    # Paths relative to the manifest's folder, as run.json's are to its own: the
    # record holds wherever the build was run from, and when the folder moves with it.
    manifest["inputs"][task.lang] = {"responses": Path(os.path.relpath(task.responses, folder)).as_posix(),
                                     "key": task.key, "responses_sha256": sha256_file(task.responses)}
    for fmt, output in result.outputs.items():
        name = output_name(task, fmt)
        manifest["outputs"][name] = {**asdict(output), "path": name, "language": task.lang, "format": fmt}
    manifest["warnings"][task.lang] = result.warnings
    manifest["timings"][task.lang] = result.timings
    write_atomic(manifest_path(out, task.country),
                 (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())


def is_current(out: Path, task: Task, fmt: str, manifest: dict) -> bool:
    name = output_name(task, fmt)
    entry = manifest.get("outputs", {}).get(name)
    path = out / task.country / name
    if not entry or entry.get("key") != task.key or not path.is_file():
        return False
    return path.stat().st_size == entry.get("size") and sha256_file(path) == entry.get("sha256")


# --- one task (runs in a worker) ----------------------------------------------------


def run_task(task: Task, options: Config) -> TaskResult:
    """Build one country in one language in every requested format. Never raises:
    a failure is a one-line message in ``error``."""
    result = TaskResult(task)
    try:
        _run(task, options, result)
    except ReportgenError as exc:
        result.error = str(exc)
    except Exception as exc:  # one country's bug must not stop the others
        result.error = f"internal error: {type(exc).__name__}: {exc}"
    result.peak_rss_mb = _peak_rss_mb()
    return result


def _run(task: Task, options: Config, result: TaskResult) -> None:
    folder = options.out / task.country
    for fmt, data in render_outputs(task.responses, task, options, result):
        path = folder / output_name(task, fmt)
        write_atomic(path, data)
        result.outputs[fmt] = Output(str(path), hashlib.sha256(data).hexdigest(), len(data), task.key)


def render_outputs(responses_path: Path, task: Task, options: Config,
                   result: TaskResult) -> Iterator[tuple[str, bytes]]:
    """The bytes of each requested format of one country in one language,
    read from ``responses_path``, ``options.templates`` and ``options.locales``
    only (a Dask worker points these at its copy of the inputs); warnings and
    timings go into ``result``. Writes nothing."""
    import_modules(worker_modules(task.formats))
    with frozen_heap():  # the document's objects are all gone when it collects
        yield from _document_outputs(responses_path, task, options, result)


def _document_outputs(responses_path: Path, task: Task, options: Config,
                      result: TaskResult) -> Iterator[tuple[str, bytes]]:
    from reportgen import glyphs, questionnaire
    from reportgen.i18n import Locale
    from reportgen.narrative import build_document
    from reportgen.responses import load_responses
    from reportgen.writers import get_writer

    clock = _Clock(result.timings)
    responses, problems = load_responses(responses_path, strict=options.strict, limits=options.limits)
    catalog = questionnaire.load(responses.questionnaire)
    clock.lap("load")
    locale = Locale(task.lang, options.locales, country=responses.country)
    built = build_document(responses, catalog, locale, options)
    result.warnings = [str(problem) for problem in problems] + built.warnings
    clock.lap("narrative")
    # Before any writer: a character no font can draw fails every format (no tofu).
    glyphs.check(built.document, options.templates.resolve(),
                 glyphs.input_files(responses_path, task.lang, responses.country, options.locales,
                                    options.templates),
                 fallback=output_name(task, "*"))
    clock.lap("glyphs")
    for fmt in task.formats:
        data = get_writer(fmt)(built.document, options)
        clock.lap(fmt)
        yield fmt, data


def import_modules(names: Iterable[str]) -> None:
    """Import what a build needs before its first document (a pool worker has
    them from the fork server already), so that ``frozen_heap`` covers them."""
    for name in names:
        importlib.import_module(name)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """While building: the cyclic garbage collector skips every object that
    was alive when the document started.

    WeasyPrint's layout allocates many short-lived containers, so the collector
    runs often, and each full pass walked the ~200,000 objects of the imported
    modules, which can never be garbage: 7 % of a document's CPU (issue 16).
    ``gc.freeze`` moves them to a generation the collector never scans.

    At the end, the document's own garbage (its layout trees are full of
    cycles) is collected while the rest is still frozen, which walks only what
    the document made; then ``gc.unfreeze`` gives the rest back, and a host
    process is left as it was. Without that collection, the cycles a document
    left behind were frozen with everything else when the next one started,
    and a worker grew by ~9 MB a document. A pool worker, whose fork server
    froze what it imported (reportgen.forkserver_warmup; a fork of the build
    process: the build froze it), only collects: the garbage
    includes WeasyPrint's font configuration, whose temporary folder (~2 MB
    of fonts) its finalizer removes, and a worker ends without collecting
    (``os._exit``): each worker left one folder behind in the temporary
    directory, build after build.

    Meanwhile the collector runs less often (``DOCUMENT_GC_THRESHOLDS``), and
    a host process gets its thresholds back at the end too. As with the
    freeze, only the build that changed them gives them back (two builds in
    threads of one process would otherwise leave the second one's); a pool
    worker has them from the start (``_start_worker``).
    """
    frozen_here = not gc.get_freeze_count()
    if frozen_here:
        gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(*DOCUMENT_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.collect()
        if frozen_here:
            gc.set_threshold(*thresholds)
            gc.unfreeze()


# The collector's thresholds while a document is built (Python's are 700, 10,
# 10): a young collection after 10,000 new containers, not 700, and a middle
# one after 20 of those. WeasyPrint's layout makes containers by the million,
# most freed at once, so the collector ran ~750 times per Paraguay process
# for little. Paraguay's four documents in one process, the collector's own
# CPU timed by gc.callbacks: 0.72 -> 0.47 s, of ~12 s (the full collections at
# each document's end stay); the process's peak memory did not move (151 MB).
DOCUMENT_GC_THRESHOLDS = (10_000, 20, 10)


class _Clock:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 4)
        self.last = now


def _peak_rss_mb() -> float:
    """This process's own peak resident memory (``VmHWM``). Not ``ru_maxrss``:
    a child process's starts at its parent's peak (issue 16)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:  # not Linux: ru_maxrss (kilobytes on Linux, bytes on macOS) is the best there is
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kilobytes = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return round(kilobytes / 1024, 1)


# --- planning and running -----------------------------------------------------------


COUNTRY_CODE = re.compile(r"[A-Z]{3}")


def country_files(responses: list[Path], options: Config) -> tuple[list[tuple[Path, bytes]], list[TaskResult]]:
    """The responses files that can be built, each with its bytes (read once,
    within ``limits.max_file_bytes``: planning hashes them before the loader
    sees them), and one failure per file whose name is not a country code (it
    becomes a folder name: ``...yaml``), whose country has another file too
    (both would write one folder), or that cannot be read (a folder, a broken
    link, /dev/zero): that country fails, the others are built."""
    from reportgen.yamlsource import read_bytes_limited

    by_country: dict[str, list[Path]] = {}
    for path in responses:
        by_country.setdefault(path.stem.upper(), []).append(path)
    usable: list[tuple[Path, bytes]] = []
    failed: list[TaskResult] = []
    for country, paths in by_country.items():
        if not COUNTRY_CODE.fullmatch(country):
            error = f"{paths[0]}: the file name must be a country code (ISO 3166-1 alpha-3, e.g. PRY.yaml)"
        elif len(paths) > 1:
            error = f"{paths[0]}: {country} has {len(paths)} responses files ({', '.join(map(str, paths))}); keep one"
        else:
            try:
                usable.append((paths[0], read_bytes_limited(paths[0], options.limits.max_file_bytes)))
                continue
            except ReportgenError as exc:
                error = str(exc)
        for lang in options.languages:
            failed.append(TaskResult(Task(country, paths[0], lang, options.formats, ""), error=error))
    return usable, failed


def check_out_folder(out: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder that is the filesystem root or inside a source
    folder (templates/, locales/, responses/, reportgen/): a build writes and
    replaces files there, and outputs in templates/ would change every key."""
    target = out.resolve()
    if target == Path(target.anchor):
        raise ConfigError(f"--out {out}: refusing to write at the filesystem root")
    for source in sources:
        folder = source.resolve()
        if target == folder or folder in target.parents:
            raise ConfigError(f"--out {out}: refusing to write into the source folder {source}")


def plan(responses: list[tuple[Path, bytes]], options: Config) -> tuple[list[Task], list[Task]]:
    """Split the work into tasks to run and tasks whose outputs are current
    (``responses``: each file with its bytes, as ``country_files`` read them)."""
    shared = shared_fingerprint(options)
    to_run: list[Task] = []
    skipped: list[Task] = []
    for path, data in responses:
        country = path.stem.upper()
        manifest = read_manifest(options.out, country)
        remove_stale_temporaries(options.out / country, country)
        edition = options.edition or edition_of(data)
        for lang in options.languages:
            key = task_key(shared, data, country, lang, options.locales)
            task = Task(country, path, lang, tuple(options.formats), key,
                        document_stem(country, lang, edition, options), variant_tag(options.pdf_variant))
            # --strict must see the warnings of the last build, so it redoes those tasks.
            warned = options.strict and bool(manifest.get("warnings", {}).get(lang))
            stale = [f for f in options.formats
                     if options.force or warned or not is_current(options.out, task, f, manifest)]
            if stale:
                to_run.append(replace(task, formats=tuple(stale)))
            else:
                skipped.append(task)
    return to_run, skipped


class WorkerPool(Executor):
    """The local pool: pebble's ProcessPool behind the ``concurrent.futures``
    interface the build uses for any executor.

    Pebble (not ``ProcessPoolExecutor``) because a worker killed by the OS
    fails only the task it was running (``ProcessExpired``) and is replaced,
    where CPython's pool breaks and fails every queued task; and because it
    recycles workers after ``max_tasks`` without the private-API workaround
    CPython 3.11-3.13 needed (gh-115634). Each worker watches the process it
    was forked from and exits when it dies (``kill -9`` leaves nothing behind).

    Workers are forked from a *fork server* that imported the writers once
    (``WORKER_MODULES``): a spawned worker imported everything again (~1.5 s
    of CPU each, issue 16), so two workers cost more CPU than one process and
    recycling a worker was expensive. The fork server is a fresh,
    single-threaded process, so forking it is safe where forking the build
    process (which runs pebble's threads) is not; a build of no more
    documents than workers forks the build process before any such thread
    runs instead (reportgen.forkjoin).
    """

    def __init__(self, jobs: int, max_tasks: int = RECYCLE_AFTER, formats: Iterable[str] = ("docx", "pdf")):
        self.jobs = jobs
        self.max_tasks = max_tasks
        self.preload = worker_modules(formats)
        self._pool: Any = None  # started by the first task: a no-op rebuild spawns nothing

    def _started(self) -> Any:
        if self._pool is None:
            import multiprocessing

            from pebble import ProcessPool

            _socket_folder_that_fits()
            context = multiprocessing.get_context("forkserver")
            # Read when the fork server starts (once per build process); later pools
            # share it, and import what it lacks in each worker.
            context.set_forkserver_preload([*POOL_MODULES, *self.preload, WARM_UP])
            self._pool = ProcessPool(max_workers=self.jobs, max_tasks=self.max_tasks,
                                     initializer=_start_worker, context=context)
        return self._pool

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._started().schedule(fn, args=args, kwargs=kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is None:
            return
        if cancel_futures:
            self._pool.stop()
        else:
            self._pool.close()
        if wait:
            self._pool.join()


# The size of an AF_UNIX socket's path, its final NUL included (sun_path: 108 bytes on
# Linux, 104 on the BSDs and macOS): the smaller, so one rule holds everywhere.
SUN_PATH_MAX = 104


def _socket_folder_that_fits() -> None:
    """Give multiprocessing a temporary folder short enough for the fork
    server's socket (``<tmp>/pymp-XXXXXXXX/listener-XXXXXXXX``): with a long
    ``TMPDIR`` (macOS's are ~50 characters; a test's own), binding it failed
    and the build stopped with "BrokenProcessPool". Newer Pythons fall back
    to /tmp themselves (CPython gh-132124); this does the same on older ones,
    once per process: multiprocessing makes its folder on first use, with
    ``tempfile``'s folder, and keeps it (``multiprocessing.util.get_temp_dir``).
    """
    import tempfile
    from multiprocessing import util

    if len(tempfile.gettempdir()) + len("/pymp-XXXXXXXX/listener-XXXXXXXX") < SUN_PATH_MAX:
        return
    usable = [folder for folder in ("/tmp", "/var/tmp", "/usr/tmp")
              if os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)]
    if not usable:
        return  # nothing better: multiprocessing will say why
    previous = tempfile.tempdir
    tempfile.tempdir = usable[0]
    try:
        util.get_temp_dir()  # creates and remembers pymp-XXXXXXXX there, removed at exit
    finally:
        tempfile.tempdir = previous


# What a worker imports to build a document, whatever the format; each format adds its writer.
WORKER_MODULES = ("reportgen.narrative", "reportgen.responses", "reportgen.questionnaire", "reportgen.glyphs")


def worker_modules(formats: Iterable[str]) -> list[str]:
    """The modules the fork server imports for a build of ``formats`` (a
    DOCX-only build does not load WeasyPrint)."""
    from reportgen.writers import writer_module

    return [*WORKER_MODULES, *(writer_module(fmt) for fmt in sorted(set(formats)))]


# What a pool's worker imports before its first task: pebble's worker loop, this
# module (run_task), and pkgutil (multiprocessing runs the build's main script
# again in each worker, with runpy). Imported once by the fork server instead of
# by each worker after the fork (see reportgen.warmup).
POOL_MODULES = ("pebble.pool.process", "reportgen.build", "pkgutil")

# Imported by the fork server after the worker modules: it warms their caches once for all workers.
WARM_UP = "reportgen.forkserver_warmup"


PARENT_POLL_SECONDS = 0.5


def _start_worker(parent: int | None = None) -> None:
    """Worker initializer: the collector's thresholds for documents (a worker
    builds nothing else; set here, not in the fork server, which a host's own
    forkserver pools share), and an exit with the parent (``parent``: the
    process that forked it, when the caller knows it: reportgen.forkjoin)."""
    gc.set_threshold(*DOCUMENT_GC_THRESHOLDS)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int | None = None) -> None:
    """Exit as soon as the process this worker was forked from (``parent``,
    else the one it has now: the fork server, which ends with the build, or
    the build itself) is gone: a worker is re-parented when its parent dies,
    even before the parent is reaped."""
    if parent is None:
        parent = os.getppid()
    elif os.getppid() != parent:  # it died between the fork and now
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def default_executor(jobs: int, formats: Iterable[str] = ("docx", "pdf")) -> Executor:
    return WorkerPool(jobs, formats=formats)


def build(responses: list[Path], options: Config, executor: Executor | Any | None = None,
          on_done: Callable[[TaskResult | Task, int, int], None] | None = None,
          pause: Pause | None = None) -> Summary:
    """Build every task not current; ``executor=None`` runs in this process.
    ``executor`` may be any ``concurrent.futures`` executor or a
    ``distributed.Client`` (tasks then run on the cluster, outputs are written here).
    With the local pool, 2 to ``jobs`` documents are built in forks of this
    process (reportgen.forkjoin), where it runs no other thread: ``pause``
    is a context in which the caller stops threads of its own while the
    build forks (None: it has none). Ends by writing the run manifest
    (``run.json``) at the top of ``options.out``."""
    start = time.perf_counter()
    check_out_folder(options.out, [options.templates, options.locales, PACKAGE, *{p.parent for p in responses}])
    stamp.remove(options.out)  # this run may change anything a no-op stamp recorded
    _forget_last_run(options.out)
    usable, unusable = country_files(responses, options)
    to_run, skipped = plan(usable, options)
    summary = Summary(skipped=skipped, failed=unusable)
    total = len(to_run) + len(skipped)
    for done, task in enumerate(skipped, start=1):
        if on_done:
            on_done(task, done, total)
    from reportgen.project import users_names

    name = users_names((options.templates, options.locales))
    try:
        # Closed on the way out (Ctrl-C, an error here): forks still building are ended first.
        with closing(_results(to_run, options, executor, summary, pause)) as results:
            for done, result in enumerate(results, start=len(skipped) + 1):
                # Messages name the project's files, not a project overlay's temporary copies.
                result.warnings = [name(warning) for warning in result.warnings]
                result.error = name(result.error) if result.error else result.error
                if not result.error:
                    _record_or_fail(options.out, result)
                (summary.failed if result.error else summary.built).append(result)
                if on_done:
                    on_done(result, done, total)
    except BaseException:
        summary.interrupted = True
        raise
    finally:
        # Also when interrupted: each finished task is recorded already, its
        # superseded files must not stay beside it, and run.json says the run stopped.
        _close_run(summary, options, start)
    return summary


def _forget_last_run(out: Path) -> None:
    """Remove the last run's run.json before this run changes any output: a run
    killed outright must not leave a record (hashes, ok) that no longer holds;
    each run writes its own at its end, also when interrupted."""
    from reportgen.runrecord import RUN_MANIFEST

    with suppress(OSError):  # a record, never a reason for the build to fail
        (out / RUN_MANIFEST).unlink(missing_ok=True)


def _close_run(summary: Summary, options: Config, start: float) -> None:
    from reportgen import runrecord

    failure: Exception | None = None
    try:
        summary.set_aside = runrecord.set_aside(options.out, summary)
    except (ReportgenError, OSError) as exc:  # a full disk, a folder that cannot be written
        failure = exc
    summary.seconds = time.perf_counter() - start
    try:  # a record, never a reason for the build to fail
        summary.manifest = runrecord.write_run_manifest(options, summary)
    except (ReportgenError, OSError):
        summary.manifest = None
    if failure is not None and not summary.interrupted:  # else the interruption is what to report
        raise WriterError(f"{options.out}: cannot set aside superseded outputs: {failure}") from None


def _engine(executor: Executor | Any | None) -> str:
    if executor is None:
        return "in-process"
    if isinstance(executor, WorkerPool):
        return f"local pool ({executor.jobs} workers)"
    from reportgen import cluster

    if cluster.is_client(executor):
        client: Any = executor
        return f"dask ({client.scheduler.address})"
    return type(executor).__name__


def _record_or_fail(out: Path, result: TaskResult) -> None:
    """Record a built task; a manifest that cannot be written fails this
    task only (its outputs stay, the next build redoes them)."""
    try:
        _record(out, result)
    except (ReportgenError, OSError) as exc:
        result.error = f"{manifest_path(out, result.task.country)}: cannot record the build: {exc}"


def _results(tasks: list[Task], options: Config, executor: Executor | Any | None, summary: Summary,
             pause: Pause | None) -> Generator[TaskResult, None, None]:
    """Each task's result as it is done, and ``summary.engine``: where they ran."""
    # One document is built here: a worker would cost more than the parallelism it cannot have.
    if executor is None or (isinstance(executor, WorkerPool) and len(tasks) <= 1):
        summary.engine = _engine(None)
        yield from (run_task(task, options) for task in tasks)
        return
    summary.engine = _engine(executor)
    if isinstance(executor, WorkerPool) and _may_fork(len(tasks), executor, pause):
        from reportgen import forkjoin

        # Frozen before the forks are made: they share it and never walk it.
        with frozen_heap():
            forks = forkjoin.start(tasks, options, run_task, _start_worker, pause or nullcontext)
            if forks is not None:
                summary.engine = f"local forks ({len(tasks)} processes)"
                yield from forks.results()
                return
    from reportgen import cluster

    if cluster.is_client(executor):
        yield from cluster.results(tasks, options, cast("distributed.Client", executor))
        return
    futures: dict[Future[TaskResult], Task] = {executor.submit(run_task, t, options): t for t in tasks}
    retried: set[Task] = set()
    try:
        while futures:
            future = next(as_completed(futures))
            task = futures.pop(future)
            try:
                yield future.result()
            except Exception as exc:  # a worker killed by the OS, a broken pool
                failure = f"worker failed: {type(exc).__name__}: {exc}"
                retry = _retry(executor, task, options) if task not in retried else None
                if retry is None:
                    yield TaskResult(task, error=failure)
                else:
                    retried.add(task)
                    futures[retry] = task
    finally:
        for future in futures:
            future.cancel()


def _retry(executor: Executor, task: Task, options: Config) -> Future[TaskResult] | None:
    """Run a task whose worker died once more (the pool has replaced the
    worker); None when the executor cannot take it (a broken pool)."""
    try:
        return executor.submit(run_task, task, options)
    except Exception:
        return None


def _may_fork(documents: int, pool: WorkerPool, pause: Pause | None) -> bool:
    """Whether to try building the documents in forks of this process
    (reportgen.forkjoin): imports what the pool's fork server gives its
    workers (the writers, the warm-up) first, here. Not in a process that
    runs threads of its own and no ``pause`` to stop them (a threaded host),
    nor where the writers cannot be imported (then each document fails with
    the reason, in the pool)."""
    from reportgen import forkjoin
    from reportgen.warmup import warm

    if not forkjoin.worth_forking(documents, pool.jobs) or (pause is None and threading.active_count() > 1):
        return False
    try:
        import_modules(pool.preload)
    except Exception:
        return False
    warm()
    return True
