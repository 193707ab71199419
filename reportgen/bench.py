"""The benchmark: figures measured side by side in one run on one machine.

Timed tests would be flaky on shared machines; this prints ratios instead
(ours against WeasyPrint's own time on the same HTML, 2 workers against 1, a
LocalCluster against the pool, a no-op rebuild against a full one) and keeps
them in docs/benchmarks.md. Whole-process figures (reportgen.bench_process)
come first; in-process stage timings after, labelled as such.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportgen import questionnaire
from reportgen.bench_hostile import hostile_input_figures
from reportgen.config import Config
from reportgen.i18n import Locale
from reportgen.narrative import build_document
from reportgen.responses import load_responses
from reportgen.synth import member_states
from reportgen.writers import TEMPLATES
from reportgen.writers.docx import write_docx
from reportgen.writers.html import render_html
from reportgen.writers.pdf import SafeURLFetcher, html_to_pdf

PRY = Path("responses/PRY.yaml")


def _timed(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def paraguay_stages(lang: str) -> dict[str, float]:
    """One language of Paraguay, stage by stage (seconds)."""
    (responses, _), load = _timed(load_responses, PRY)
    catalog = questionnaire.load(responses.questionnaire)
    writer_options = Config()
    result = build_document(responses, catalog, Locale(lang, country="PRY"), writer_options)
    _, docx = _timed(write_docx, result.document, writer_options)
    source, html = _timed(render_html, result.document, TEMPLATES.resolve(), standalone=False)
    _, standalone = _timed(render_html, result.document, TEMPLATES.resolve(), standalone=True)
    tags: dict[str, float] = {}
    _, weasy = _timed(html_to_pdf, source, result.document, writer_options, SafeURLFetcher(TEMPLATES), tags)
    return {"load": load, "narrative": result.timings["narrative"], "model": result.timings["model"],
            "docx writer": docx, "html writer": html, "pdf tags": tags["pdf tags"],
            "weasyprint": weasy - tags["pdf tags"], "standalone html (fonts subset)": standalone}


def machine() -> str:
    """What the figures were measured on: a user compares their own against this."""
    import weasyprint

    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((line.split()[1] for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal:")), "0")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"Machine: {model}, {os.cpu_count()} cores, {int(memory) / 1024 / 1024:.1f} GB; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
            f"WeasyPrint {weasyprint.__version__}. Load average when the run started: {load:.1f} "
            "(the machine is shared: compare ratios, not seconds).")


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def run_benchmarks(countries: int = 12, memory_countries: int | None = None, repeats: int = 3,
                   scale_countries: int = 193) -> str:
    from reportgen.bench_process import whole_process_figures

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1732000000")
    lines = ["# Benchmarks", "", machine(), "",
             "Run with `make bench` (`reportgen dev bench`); `reportgen dev bench --help` sets the sizes and repeats. "
             "Sections say whether a figure is **whole process** (a command timed as a user runs it, started "
             "fresh each time) or **in-process** (a stage timed inside one warm Python process: useful to see "
             "where time goes, not what a user waits for). Seconds unless noted. reportgen's modules are compiled "
             "to bytecode first, as a user's Python caches them (`PYTHONDONTWRITEBYTECODE` would otherwise make "
             "every process compile them again), and the templates into reportgen's cache folder, as a user's "
             "first build leaves them (docs/configuration.md).", "",
             f"This run: `reportgen dev bench --countries {countries} --scale-countries {scale_countries} "
             f"--memory-countries {memory_countries or len(member_states())} --repeats {repeats}`.", ""]
    with tempfile.TemporaryDirectory() as scratch:
        lines += whole_process_figures(Path(scratch), countries, memory_countries or len(member_states()), repeats,
                                       scale_countries)
    cold = paraguay_stages("en")  # the first document of a process: imports done, caches empty
    stages = {lang: paraguay_stages(lang) for lang in ("en", "es")}
    names = list(stages["en"])
    lines += ["## Paraguay, per document, in-process (one sample)", "",
              "Cold: the first document a process builds (modules imported, WeasyPrint's and the templates' "
              "caches empty); warm: the same document again in the same process.", "",
              "| stage | en, cold | en, warm | es, warm |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {cold[name]:.3f} | {stages['en'][name]:.3f} | {stages['es'][name]:.3f} |"
              for name in names]
    lines += ["", f"Cold against warm, English, all stages: {sum(cold.values()):.2f} s against "
              f"{sum(stages['en'].values()):.2f} s."]
    weasy = sum(s["weasyprint"] for s in stages.values())
    not_pdf = ("weasyprint", "docx writer", "standalone html (fonts subset)")
    ours = {lang: sum(v for k, v in s.items() if k not in not_pdf) for lang, s in stages.items()}
    lines += ["", f"WeasyPrint itself, both PDFs: {weasy:.2f} s. Outside WeasyPrint (load, narrative, model, HTML, "
              "PDF tags) per PDF: " + ", ".join(f"{lang} {ours[lang] / stages[lang]['weasyprint']:.1%}"
                                                for lang in ours) + " of WeasyPrint's time (in-process).", ""]
    with tempfile.TemporaryDirectory() as scratch:
        lines += preview_refresh(Path(scratch))
    lines += hostile_input_figures()
    return "\n".join(lines) + "\n"


def preview_refresh(root: Path, samples: int = 7) -> list[str]:
    """Edit-to-refresh of ``reportgen serve``: from saving a template to the
    browser's event and the new page fetched, as a page's script sees it
    (an SSE client and a GET over HTTP on 127.0.0.1)."""
    import http.client
    import shutil

    from reportgen.serve import Preview, start

    shutil.copytree(TEMPLATES, root / "preview" / "templates")
    (root / "preview" / "responses").mkdir()
    shutil.copy(PRY, root / "preview" / "responses" / "PRY.yaml")
    server = start(Preview(root / "preview" / "responses" / "PRY.yaml", "en", root / "preview" / "templates"), port=0)
    host, port = server.httpd.server_address[:2]
    template = root / "preview" / "templates" / "sections" / "D-strategy.md.j2"
    original = template.read_text(encoding="utf-8")
    events = http.client.HTTPConnection(str(host), port, timeout=30)
    events.request("GET", "/events")
    stream = events.getresponse()
    times = []
    try:
        _next_state(stream)  # the current state
        for sample in range(samples):
            start_time = time.perf_counter()
            template.write_text(original + f"\nEdit number {sample}.\n", encoding="utf-8")
            _next_state(stream)
            page = http.client.HTTPConnection(str(host), port, timeout=30)
            page.request("GET", "/")
            body = page.getresponse().read()
            page.close()
            assert f"Edit number {sample}.".encode() in body
            times.append(time.perf_counter() - start_time)
    finally:
        events.close()
        server.close()
    return ["## Live preview (`reportgen serve`), Paraguay in English", "",
            "From saving a template to the page's event and the new HTML fetched "
            f"({samples} edits; the browser's own layout comes on top).", "",
            "| measure | seconds |", "|---|---:|",
            f"| median edit-to-refresh | {statistics.median(times):.2f} |",
            f"| slowest | {max(times):.2f} |", "", "Target: ≤ 1 s.", ""]


def _next_state(stream: Any) -> str:
    """The data line of the next ``state`` event of a server-sent event stream."""
    while True:
        line = stream.readline().decode("utf-8")
        if line.startswith("data: "):
            return line[6:].strip()
        if not line:
            raise RuntimeError("the event stream ended")
