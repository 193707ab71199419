"""Whole-process figures: commands timed as a user runs them (issue 16).

Each measure starts a fresh process (``reportgen build ...``, or WeasyPrint's
own command line on the same HTML), repeats it and reports the median and the
spread (min-max) of wall time and of CPU time (user + system of the process
and of every process it started: the worker pool's fork server outlives the
build by a moment and reaps its own workers, so the benchmark makes itself a
*child subreaper* and waits for them too; without that their CPU is lost). Worker memory is each
worker's own peak (``VmHWM``, recorded per document in ``run.json``), not
``ru_maxrss``, which a spawned child inherits from its parent.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from reportgen.synth import member_states, write_synthetic

PRY = Path("responses/PRY.yaml")


@dataclass
class Timing:
    walls: list[float]
    cpus: list[float]

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def spread(self, values: list[float]) -> str:
        return f"{min(values):.2f}–{max(values):.2f}"

    def cpu_ratio(self, reference: Timing) -> float:
        """This command's CPU against ``reference``'s: the median of the ratios
        of each round (``interleaved`` runs them side by side), which a drift
        of the machine's speed between rounds moves less than a ratio of medians."""
        return statistics.median(mine / theirs for mine, theirs in zip(self.cpus, reference.cpus, strict=True))

    def throughput_ratio(self, reference: Timing) -> float:
        """This command's throughput against ``reference``'s (the inverse of
        their wall times), as the median of each round's ratio."""
        return statistics.median(theirs / mine for mine, theirs in zip(self.walls, reference.walls, strict=True))


def _reportgen() -> str:
    return str(Path(sys.executable).parent / "reportgen")


PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def _become_subreaper() -> bool:
    """Make orphaned descendants (the fork server, its workers) children of
    this process, so that their CPU time reaches ``RUSAGE_CHILDREN``."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _children() -> set[int]:
    """This process's children (Linux's /proc/PID/task/TID/children)."""
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        with contextlib.suppress(OSError):
            pids |= {int(pid) for pid in (task / "children").read_text().split()}
    return pids


def _reap_descendants(earlier: set[int]) -> None:
    """Wait for every process left over from the command (re-parented here),
    not for the children this process had before it (a fork server of an
    in-process build would keep it waiting)."""
    while left := _children() - earlier:
        for pid in left:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def run_process(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one command, all its descendants included; a failure raises."""
    subreaper = _become_subreaper()
    earlier = _children() if subreaper else set()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if subreaper:
        _reap_descendants(earlier)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: some documents failed, still a measured run
        raise RuntimeError(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.strip()[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def interleaved(commands: list[list[str]], repeats: int, once: frozenset[int] = frozenset()) -> list[Timing]:
    """Each command once per round, ``repeats`` rounds: a ratio between them
    is then measured side by side, not across minutes in which a shared
    machine's speed drifts (two runs in a row differed by 15 %, issue 16).
    The commands at the indexes in ``once`` run in the first round only."""
    timings = [Timing([], []) for _ in commands]
    for number in range(repeats):
        for index, (command, timing) in enumerate(zip(commands, timings, strict=True)):
            if number and index in once:
                continue
            wall, cpu = run_process(command)
            timing.walls.append(wall)
            timing.cpus.append(cpu)
    return timings


def repeat(command: list[str], repeats: int, before: list[str] | None = None, cwd: Path | None = None) -> Timing:
    walls, cpus = [], []
    for _ in range(repeats):
        if before:
            subprocess.run(before, capture_output=True, check=False)
        wall, cpu = run_process(command, cwd)
        walls.append(wall)
        cpus.append(cpu)
    return Timing(walls, cpus)


def _row(label: str, timing: Timing, reference: Timing | None) -> str:
    ratio = f"{timing.cpu_ratio(reference):.2f}" if reference else "—"
    return (f"| {label} | {timing.wall:.2f} ({timing.spread(timing.walls)}) | "
            f"{timing.cpu:.2f} ({timing.spread(timing.cpus)}) | {ratio} |")


LANGUAGES = ("en", "es", "fr", "ru", "ar", "zh")


def _weasyprint_inputs(folder: Path, languages: tuple[str, ...] = ("en", "es"),
                       tagged: bool = True) -> list[list[str]]:
    """Paraguay's HTML sources as the PDF writer gives them to WeasyPrint (with
    the same @font-face rules: bundled fonts by URL, the CJK face subset to the
    page), and the commands that run WeasyPrint's own CLI on them: by default
    for the same PDF variant the build writes (PDF/UA-1, whose structure tree
    WeasyPrint builds at a cost of ~10 %), else a plain, untagged PDF."""
    from reportgen import glyphs, questionnaire
    from reportgen.config import Config
    from reportgen.i18n import Locale
    from reportgen.narrative import build_document
    from reportgen.responses import load_responses
    from reportgen.writers import TEMPLATES
    from reportgen.writers.html import font_face_css, font_faces, render_html

    responses, _ = load_responses(PRY)
    catalog = questionnaire.load(responses.questionnaire)
    folder.mkdir(parents=True, exist_ok=True)
    templates = TEMPLATES.resolve()
    commands = []
    for lang in languages:
        document = build_document(responses, catalog, Locale(lang, country="PRY"), Config()).document
        html = render_html(document, templates, standalone=False)
        characters = set(html) | glyphs.document_characters(document)
        characters |= {c.upper() for c in characters} | {c.lower() for c in characters}
        faces = font_faces(templates, lang, embed=False, characters=characters)
        (folder / f"faces-{lang}.css").write_text(font_face_css(templates, embed=False, faces=faces),
                                                  encoding="utf-8")
        source = folder / f"PRY-{lang}.html"
        source.write_text(html, encoding="utf-8")
        variant = ["--pdf-variant", str(Config().pdf_variant)] if tagged and Config().pdf_variant else []
        commands.append([str(Path(sys.executable).parent / "weasyprint"), *variant, "-u", templates.as_uri() + "/",
                         "-s", str(folder / f"faces-{lang}.css"), str(source), str(folder / f"PRY-{lang}.pdf")])
    return commands


def six_languages(root: Path, repeats: int) -> list[str]:
    """Paraguay's PDFs in the six official languages against WeasyPrint alone on the same HTML."""
    base = [_reportgen(), "build", "PRY", "--lang", ",".join(LANGUAGES), "--format", "pdf",
            "--out", str(root / "pry6"), "--force"]
    inputs = _weasyprint_inputs(root / "weasy6", LANGUAGES)
    weasy, weasy2, serial, pool = interleaved([commands_in_one_process(inputs), commands_in_one_process(inputs, 2),
                                               [*base, "--jobs", "0"], [*base, "--jobs", "2"]], repeats)
    return ["## Paraguay in six languages (en, es, fr, ru, ar, zh), PDF, whole process", "",
            f"Median of {repeats} rounds (min–max), the four commands in turn; a CPU ratio is the median of the "
            "ratios of each round. WeasyPrint's CLI gets the same "
            "HTML and @font-face rules "
            "(the Chinese face already subset, which reportgen's time includes).", "",
            "| command | wall s | CPU s | CPU ratio |", "|---|---:|---:|---:|",
            _row("`weasyprint --pdf-variant pdf/ua-1` on the same six HTML files, one after the other", weasy, None),
            _row("the same six runs, two at a time (as two workers run)", weasy2, None),
            _row("`reportgen build PRY --lang en,es,fr,ru,ar,zh --format pdf --jobs 0 --force`", serial, weasy),
            _row("`... --jobs 2 --force` (ratio to the six runs two at a time)", pool, weasy2), "",
            f"Six PDFs: {serial.cpu_ratio(weasy):.2f}× WeasyPrint's CPU in one process; with 2 workers "
            f"{pool.cpu_ratio(weasy2):.2f}× WeasyPrint's CLI run two at a time ({pool.cpu_ratio(weasy):.2f}× "
            "its runs one after the other) (target ≤ 1.3×).", ""]


def paraguay(root: Path, repeats: int) -> list[str]:
    """The four documents against WeasyPrint alone; the no-op rebuild."""
    out = str(root / "pry")
    base = [_reportgen(), "build", "PRY", "--out", out]
    inputs = _weasyprint_inputs(root / "weasy")
    by_language = [[_reportgen(), "build", "PRY", "--lang", lang, "--out", str(root / f"pry-{lang}"),
                    "--jobs", "0", "--force"] for lang in ("en", "es")]
    weasy, weasy2, untagged, serial, one_worker, pool, two_processes = interleaved(
        [commands_in_one_process(inputs), commands_in_one_process(inputs, 2),
         commands_in_one_process(_weasyprint_inputs(root / "weasy-plain", tagged=False)),
         [*base, "--jobs", "0", "--force"], [*base, "--jobs", "1", "--force"], [*base, "--jobs", "2", "--force"],
         commands_in_one_process(by_language, 2)],
        repeats)
    # The last command to write root/pry was the last --jobs 2 build: where it ran.
    engine = json.loads((root / "pry" / "run.json").read_text(encoding="utf-8"))["engine"]
    noop = user_noop(root / "user", repeats)
    return ["## Paraguay, the four documents (en/es × docx/pdf), whole process", "",
            f"Median of {repeats} rounds (min–max); each round runs the seven commands in turn, and a CPU ratio "
            "is the median of the ratios of each round, runs made side by side. CPU: the process and its "
            "children (workers). Two processes at once each need more CPU for the same work than one alone "
            "(they share the machine's caches and memory), so the build with 2 workers is also set against "
            "WeasyPrint's two runs made at once.", "",
            "| command | wall s | CPU s | CPU ratio |", "|---|---:|---:|---:|",
            _row("`weasyprint` CLI on the same two HTML files, untagged", untagged, None),
            _row("`weasyprint --pdf-variant pdf/ua-1` on the same two HTML files (the build's variant)", weasy, None),
            _row("the same two runs at once (as two workers run)", weasy2, None),
            _row("`reportgen build PRY --jobs 0 --force`", serial, weasy),
            _row("`reportgen build PRY --jobs 1 --force` (the pool, one worker)", one_worker, weasy),
            _row(f"`reportgen build PRY --jobs 2 --force` (engine of the last run: {engine}; ratio to the "
                 "two runs at once)", pool, weasy2),
            _row("the same work as two processes at once, `--lang en --jobs 0` and `--lang es --jobs 0` "
                 "(ratio to the one-process build)", two_processes, serial),
            _row("`reportgen build PRY` in a project (no-op: nothing changed)", noop, None), "",
            f"No-op rebuild: {noop.wall / serial.wall:.1%} of the one-process build's wall time "
            f"(target ≤ 2 %). Four documents (target ≤ 1.3×; WeasyPrint's CLI builds the two PDFs only, "
            f"reportgen also the two DOCX): {serial.cpu_ratio(weasy):.2f}× WeasyPrint's CPU in one process; "
            f"the default build (2 workers: each document in a fork of the build, reportgen.forkjoin) "
            f"{pool.cpu_ratio(weasy):.2f}× WeasyPrint's runs one after the other and "
            f"{pool.cpu_ratio(weasy2):.2f}× its two runs at once (which took {weasy2.cpu_ratio(weasy):.2f}× "
            f"the CPU of its runs one after the other). "
            f"Against untagged PDFs: {serial.cpu_ratio(untagged):.2f}× and {pool.cpu_ratio(untagged):.2f}×. "
            f"What parallel work costs: the pool with one worker took {one_worker.cpu_ratio(serial):.2f}× the "
            f"CPU of the one-process build (its fork server imports everything again), the two forks "
            f"{pool.cpu_ratio(serial):.2f}×. The same work done as two processes at once took "
            f"{two_processes.cpu_ratio(serial):.2f}× (each imports everything, and both share the machine): "
            f"the 2-worker build took {pool.cpu_ratio(two_processes):.2f}× the CPU of that.",
            ""]


def commands_in_one_process(commands: list[list[str]], at_once: int = 1) -> list[str]:
    """One process that runs ``commands``, ``at_once`` at a time (1: one after the other)."""
    if at_once == 1:
        script = "; ".join(f"subprocess.run({c!r}, check=True)" for c in commands)
        return [sys.executable, "-c", f"import subprocess; {script}"]
    run = "lambda c: subprocess.run(c, check=True)"
    return [sys.executable, "-c", "import subprocess; from concurrent.futures import ThreadPoolExecutor; "
            f"list(ThreadPoolExecutor({at_once}).map({run}, {commands!r}))"]


def user_noop(folder: Path, repeats: int) -> Timing:
    """``reportgen build PRY`` exactly as a user types it, in a report project
    (``reportgen new``) holding Paraguay's answers, once built: the no-op
    rebuild with its default folder, workers and settings."""
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([_reportgen(), "new", str(folder)], capture_output=True, check=True)
    shutil.copy(PRY, folder / "responses" / PRY.name)
    command = [_reportgen(), "build", "PRY"]
    run_process(command, folder)  # the build the no-ops find current
    return repeat(command, repeats, cwd=folder)


ENGINES = {
    "local pool, 1 worker": ["--jobs", "1"],
    "local pool, 2 workers": ["--jobs", "2"],
    "Dask LocalCluster, 2 workers (`--scheduler local`)": ["--jobs", "2", "--scheduler", "local"],
}


AT_SCALE = 100  # tasks: where the LocalCluster's start-up no longer decides its throughput


def engines(root: Path, countries: int, repeats: int, languages: tuple[str, ...] = ("en",),
            formats: tuple[str, ...] = ("docx", "pdf"), one_worker_once: bool = False) -> list[str]:
    """1 and 2 local workers, and a 2-worker LocalCluster, on the same
    synthetic countries (with ``one_worker_once``, 1 worker in the first round only)."""
    folder = root / f"synth-{countries}"
    write_synthetic(member_states()[:countries], folder)
    common = ["build", "--all", "--responses", str(folder), "--lang", ",".join(languages),
              "--format", ",".join(formats), "--force"]
    outs = {label: root / f"engine-{number}" for number, label in enumerate(ENGINES)}
    commands = [[_reportgen(), *common, "--out", str(outs[label]), *extra] for label, extra in ENGINES.items()]
    once = frozenset({0}) if one_worker_once else frozenset()
    timings = dict(zip(ENGINES, interleaved(commands, repeats, once), strict=True))
    memory = {label: _worker_peaks(out) for label, out in outs.items()}  # the last round's workers
    for out in outs.values():
        shutil.rmtree(out, ignore_errors=True)
    docs = countries * len(languages)
    one, pool, dask = (timings[label] for label in ENGINES)
    what = f"{countries} synthetic countries × {len(languages)} language{'s' if len(languages) > 1 else ''} " \
           f"({', '.join(languages)}), {' + '.join(formats)} ({docs} tasks, {docs * len(formats)} documents)"
    runs = f"Median of {repeats} rounds (min–max), the engines in turn" if repeats > 1 else "One run each"
    runs += " (1 worker in the first round only)" if one_worker_once and repeats > 1 else ""
    lines = [f"## Throughput: {what}, whole process", "",
             f"{runs}; the LocalCluster's start-up is included.", "",
             "| engine | wall s | CPU s | tasks / minute | worker peak MB (max) |", "|---|---:|---:|---:|---:|"]
    for label, timing in timings.items():
        peak = max(memory[label], default=0)
        lines.append(f"| {label} | {timing.wall:.1f} ({timing.spread(timing.walls)}) | "
                     f"{timing.cpu:.1f} ({timing.spread(timing.cpus)}) | {docs / timing.wall * 60:.0f} | {peak:.0f} |")
    lines += ["", f"2 workers against 1: {one.wall / pool.wall:.2f}×. LocalCluster against the pool with the same "
              f"2 workers: throughput {dask.throughput_ratio(pool):.2f}× (median of the rounds' ratios)" + (
                  " (target ≥ 0.9×)." if docs >= AT_SCALE else
                  f" (the LocalCluster's start-up weighs on {docs} tasks; the target, ≥ 0.9×, is for a batch "
                  "at scale, below)."), ""]
    return lines


SCALE_ROUNDS = 3  # the LocalCluster's ratio to the pool moved from 0.86 to 0.95 between single runs


def scale(root: Path, countries: int, rounds: int = SCALE_ROUNDS) -> list[str]:
    """Every Member State in two languages: the 2-worker pool and the
    LocalCluster side by side for ``rounds`` rounds, 1 worker once. DOCX
    only: the batch machinery (planning, scheduling, manifests) at the scale
    of an edition, in minutes rather than hours; the PDF's cost per document
    is measured above and scales linearly with it."""
    if countries <= 0:
        return []
    return engines(root, countries, rounds, languages=("en", "es"), formats=("docx",), one_worker_once=True)


def _worker_peaks(out: Path) -> list[float]:
    """Each built document's worker peak (VmHWM) from the run manifest, in build order."""
    try:
        run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [d["worker_peak_rss_mb"] for d in run.get("documents", []) if d.get("worker_peak_rss_mb")]


def memory(root: Path, countries: int) -> list[str]:
    """Every country (193 by default) on 2 local workers: does a worker grow?"""
    folder = root / f"synth-{countries}"
    codes = member_states()[:countries]
    write_synthetic(codes, folder)
    out = root / "memory"
    wall, cpu = run_process([_reportgen(), "build", "--all", "--responses", str(folder), "--lang", "en",
                             "--format", "docx,pdf", "--jobs", "2", "--out", str(out), "--force"])
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    built = [d for d in run["documents"] if d["result"] == "built"]
    built.sort(key=lambda d: codes.index(d["country"]))
    peaks = [d["worker_peak_rss_mb"] for d in built]
    tenth = max(1, len(peaks) // 10)
    first, last = statistics.mean(peaks[:tenth]), statistics.mean(peaks[-tenth:])
    from reportgen.build import RECYCLE_AFTER

    return [f"## Worker memory over {countries} synthetic countries, whole process", "",
            f"{len(built)} built, {run['counts']['failed']} failed in {wall:.0f} s wall, {cpu:.0f} s CPU, "
            f"2 workers recycled every {RECYCLE_AFTER} tasks. Each worker's own peak (VmHWM) after each task:", "",
            "| measure | MB |", "|---|---:|", f"| highest | {max(peaks):.0f} |",
            f"| mean, first tenth of countries | {first:.0f} |", f"| mean, last tenth of countries | {last:.0f} |",
            "", f"Target: ≤ 300 MB per worker, no growth (last/first = {last / first:.2f}).", ""]


def cache_bytecode() -> bool:
    """Compile reportgen's modules to bytecode, as a user's Python does the
    first time it imports them (WeasyPrint and the other dependencies are
    compiled when pip installs them). Where ``PYTHONDONTWRITEBYTECODE`` is
    set, as on some CI machines, nothing was ever cached: every process
    compiled the package again, ~0.3 s of CPU in each, which the build with
    two workers paid twice (its parent and its fork server) and WeasyPrint's
    CLI never. False when the package's folder cannot be written."""
    import compileall

    return bool(compileall.compile_dir(Path(__file__).parent, quiet=2))


def cache_templates() -> None:
    """Compile the profile's templates into reportgen's cache folder
    (docs/configuration.md), as a user's first build does: otherwise the
    first round of every comparison would compile them and the others not."""
    from reportgen.environment import load_templates
    from reportgen.paths import TEMPLATES

    load_templates(TEMPLATES)


def whole_process_figures(root: Path, countries: int, memory_countries: int, repeats: int,
                          scale_countries: int = 193) -> list[str]:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1732000000")
    cache_bytecode()
    cache_templates()
    lines = (paraguay(root, repeats) + six_languages(root, repeats) + engines(root, countries, repeats)
             + scale(root, scale_countries) + memory(root, memory_countries))
    shutil.rmtree(root / "memory", ignore_errors=True)
    return lines
