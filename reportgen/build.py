"""Countries x languages x formats: plan, run in parallel, write atomically, record.

The unit of work is one country in one language: its document model is made
once and every requested format is written from it. Each output has a key, a
hash of everything it depends on; an output whose key, size and hash match
the manifest is skipped. Workers are processes recycled after a few tasks
because WeasyPrint's memory grows across renders; any ``concurrent.futures``
executor can stand in for the local pool (a Dask client's, for instance).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportgen import __version__, questionnaire
from reportgen.errors import ReportgenError
from reportgen.files import remove_stale_temporaries, write_atomic
from reportgen.i18n import LOCALES
from reportgen.writers import TEMPLATES

RECYCLE_AFTER = 6  # tasks per worker process before it is replaced
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BuildOptions:
    languages: tuple[str, ...] = ("en", "es")
    formats: tuple[str, ...] = ("docx", "pdf")
    out: Path = Path("build")
    organisation: str = "United Nations Department of Economic and Social Affairs"
    edition: str | None = None  # None: the questionnaire's own edition
    disclaimer: str | None = None  # the imprint's; None = the default wording, translated
    copyright: str | None = None
    status: str = "draft"
    strict: bool = False
    annex: bool = False
    internal: bool = False
    force: bool = False
    pdf_variant: str | None = "pdf/ua-1"
    docx_page_numbers: bool = False  # contents page numbers from a LibreOffice layout pass
    reference_docx: Path | None = None
    templates: Path = TEMPLATES
    locales: Path = LOCALES


@dataclass(frozen=True)
class Task:
    country: str
    responses: Path
    lang: str
    formats: tuple[str, ...]
    key: str  # fingerprint of every input of this country and language


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

    @property
    def ok(self) -> bool:
        return not self.failed


# --- fingerprints -------------------------------------------------------------


def _hash_files(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _tree(root: Path, pattern: str = "*") -> list[Path]:
    return [p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts]


def shared_fingerprint(options: BuildOptions) -> str:
    """What every output depends on: templates (sections, HTML, fonts,
    reference.docx), the questionnaire catalogs, reportgen's version and code,
    SOURCE_DATE_EPOCH, and the options that change the bytes of an output.
    Options that only choose what to build (languages, formats, --strict,
    folders) stay out, so a build of one format does not stale the others."""
    digest = hashlib.sha256()
    digest.update(_hash_files(_tree(options.templates), options.templates).encode())
    digest.update(_hash_files(_tree(PACKAGE, "*.py") + _tree(PACKAGE, "*.yaml"), PACKAGE).encode())
    if options.reference_docx:
        digest.update(options.reference_docx.read_bytes())
    ignored = ("force", "out", "languages", "formats", "strict", "templates", "locales", "reference_docx")
    settings = {k: str(v) for k, v in asdict(options).items() if k not in ignored}
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    digest.update(json.dumps([__version__, settings, epoch], sort_keys=True).encode())
    return digest.hexdigest()


def task_key(shared: str, responses: Path, country: str, lang: str, locales: Path) -> str:
    """The shared fingerprint plus this country's answers and this language's catalogs."""
    digest = hashlib.sha256(shared.encode())
    digest.update(responses.read_bytes())
    for name in ("messages.po", "questionnaire.po", f"responses-{country}.po"):
        po = locales / lang / "LC_MESSAGES" / name
        digest.update(po.read_bytes() if po.is_file() else b"-")
    return digest.hexdigest()


def output_name(country: str, lang: str, fmt: str) -> str:
    return f"{country}-profile-{lang}.{fmt}"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- manifest -------------------------------------------------------------------


def manifest_path(out: Path, country: str) -> Path:
    return out / country / "manifest.json"


def read_manifest(out: Path, country: str) -> dict:
    path = manifest_path(out, country)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"country": country, "outputs": {}, "warnings": {}, "timings": {}, "inputs": {}}


def _record(out: Path, result: TaskResult) -> None:
    task = result.task
    manifest = read_manifest(out, task.country)
    manifest["reportgen"] = __version__
    for key in ("inputs", "outputs", "warnings", "timings"):
        manifest.setdefault(key, {})  # a manifest of an older reportgen may lack some
    manifest["inputs"][task.lang] = {"responses": str(task.responses), "key": task.key,
                                     "responses_sha256": sha256_file(task.responses)}
    for fmt, output in result.outputs.items():
        manifest["outputs"][output_name(task.country, task.lang, fmt)] = asdict(output)
    manifest["warnings"][task.lang] = result.warnings
    manifest["timings"][task.lang] = result.timings
    write_atomic(manifest_path(out, task.country),
                 (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())


def is_current(out: Path, task: Task, fmt: str, manifest: dict) -> bool:
    name = output_name(task.country, task.lang, fmt)
    entry = manifest.get("outputs", {}).get(name)
    path = out / task.country / name
    if not entry or entry.get("key") != task.key or not path.is_file():
        return False
    return path.stat().st_size == entry.get("size") and sha256_file(path) == entry.get("sha256")


# --- one task (runs in a worker) ----------------------------------------------------


def run_task(task: Task, options: BuildOptions) -> TaskResult:
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


def _run(task: Task, options: BuildOptions, result: TaskResult) -> None:
    from reportgen.i18n import Locale
    from reportgen.narrative import Options, build_document
    from reportgen.responses import load_responses
    from reportgen.writers import WriterOptions, get_writer

    clock = _Clock(result.timings)
    responses, problems = load_responses(task.responses, strict=options.strict)
    catalog = questionnaire.load(responses.questionnaire)
    clock.lap("load")
    locale = Locale(task.lang, options.locales, country=responses.country)
    narrative_options = Options(templates=options.templates, status=options.status,
                                organisation=options.organisation, edition=options.edition,
                                disclaimer=options.disclaimer, copyright=options.copyright,
                                annex=options.annex, internal=options.internal, strict=options.strict)
    built = build_document(responses, catalog, locale, narrative_options)
    result.warnings = [str(problem) for problem in problems] + built.warnings
    clock.lap("narrative")
    writer_options = WriterOptions(templates=options.templates, reference_docx=options.reference_docx,
                                   pdf_variant=options.pdf_variant, docx_page_numbers=options.docx_page_numbers)
    folder = options.out / task.country
    for fmt in task.formats:
        data = get_writer(fmt)(built.document, writer_options)
        path = folder / output_name(task.country, task.lang, fmt)
        write_atomic(path, data)
        result.outputs[fmt] = Output(str(path), hashlib.sha256(data).hexdigest(), len(data), task.key)
        clock.lap(fmt)


class _Clock:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 4)
        self.last = now


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- planning and running -----------------------------------------------------------


def plan(responses: list[Path], options: BuildOptions) -> tuple[list[Task], list[Task]]:
    """Split the work into tasks to run and tasks whose outputs are current."""
    shared = shared_fingerprint(options)
    to_run: list[Task] = []
    skipped: list[Task] = []
    for path in responses:
        country = path.stem.upper()
        manifest = read_manifest(options.out, country)
        remove_stale_temporaries(options.out / country)
        for lang in options.languages:
            key = task_key(shared, path, country, lang, options.locales)
            task = Task(country, path, lang, tuple(options.formats), key)
            # --strict must see the warnings of the last build, so it redoes those tasks.
            warned = options.strict and bool(manifest.get("warnings", {}).get(lang))
            stale = [f for f in options.formats
                     if options.force or warned or not is_current(options.out, task, f, manifest)]
            if stale:
                to_run.append(Task(country, path, lang, tuple(stale), key))
            else:
                skipped.append(task)
    return to_run, skipped


class RecyclingProcessPool(ProcessPoolExecutor):
    """A process pool whose workers are replaced after ``RECYCLE_AFTER`` tasks.

    CPython 3.11-3.13 deadlock once a worker retires at ``max_tasks_per_child``
    while tasks are queued (gh-115634, fixed upstream in Nov. 2025): a stale
    "idle worker" token stops the replacement. This applies the upstream fix:
    replace retired workers whenever the pool is below its size.
    """

    def __init__(self, jobs: int):
        super().__init__(max_workers=jobs, max_tasks_per_child=RECYCLE_AFTER)

    def _adjust_process_count(self) -> None:
        if len(self._processes) < self._max_workers:  # type: ignore[attr-defined]
            self._spawn_process()  # type: ignore[attr-defined]


def default_executor(jobs: int) -> Executor:
    return RecyclingProcessPool(jobs)


def build(responses: list[Path], options: BuildOptions, executor: Executor | None = None,
          on_done: Callable[[TaskResult | Task, int, int], None] | None = None) -> Summary:
    """Build every task not current; ``executor=None`` runs in this process."""
    start = time.perf_counter()
    to_run, skipped = plan(responses, options)
    summary = Summary(skipped=skipped)
    total = len(to_run) + len(skipped)
    for done, task in enumerate(skipped, start=1):
        if on_done:
            on_done(task, done, total)
    results = _results(to_run, options, executor)
    for done, result in enumerate(results, start=len(skipped) + 1):
        if result.error:
            summary.failed.append(result)
        else:
            summary.built.append(result)
            _record(options.out, result)
        if on_done:
            on_done(result, done, total)
    summary.seconds = time.perf_counter() - start
    return summary


def _results(tasks: list[Task], options: BuildOptions, executor: Executor | None) -> Iterable[TaskResult]:
    if executor is None:
        yield from (run_task(task, options) for task in tasks)
        return
    futures: dict[Future[TaskResult], Task] = {executor.submit(run_task, t, options): t for t in tasks}
    try:
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # a worker killed by the OS, a broken pool
                yield TaskResult(futures[future], error=f"worker failed: {type(exc).__name__}: {exc}")
    finally:
        for future in futures:
            future.cancel()
