"""The benchmark: figures measured side by side in one run on one machine.

Timed tests would be flaky on shared machines; this prints ratios instead
(ours against WeasyPrint's own time on the same HTML, 2 workers against 1,
a no-op rebuild against a full one) and keeps them in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from reportgen import build as builder
from reportgen import questionnaire
from reportgen.bench_hostile import hostile_input_figures
from reportgen.i18n import Locale
from reportgen.narrative import Options, build_document
from reportgen.responses import load_responses
from reportgen.synth import member_states, write_synthetic
from reportgen.writers import TEMPLATES, WriterOptions
from reportgen.writers.docx import write_docx
from reportgen.writers.html import render_html
from reportgen.writers.pdf import SafeURLFetcher, html_to_pdf

PRY = Path("responses/PRY.yaml")


def _timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def paraguay_stages(lang: str) -> dict[str, float]:
    """One language of Paraguay, stage by stage (seconds)."""
    (responses, _), load = _timed(load_responses, PRY)
    catalog = questionnaire.load(responses.questionnaire)
    result = build_document(responses, catalog, Locale(lang, country="PRY"), Options())
    writer_options = WriterOptions()
    _, docx = _timed(write_docx, result.document, writer_options)
    source, html = _timed(render_html, result.document, TEMPLATES.resolve(), standalone=False)
    _, standalone = _timed(render_html, result.document, TEMPLATES.resolve(), standalone=True)
    tags: dict[str, float] = {}
    _, weasy = _timed(html_to_pdf, source, result.document, writer_options, SafeURLFetcher(TEMPLATES), tags)
    return {"load": load, "narrative": result.timings["narrative"], "model": result.timings["model"],
            "docx writer": docx, "html writer": html, "pdf tags": tags["pdf tags"],
            "weasyprint": weasy - tags["pdf tags"], "standalone html (fonts subset)": standalone}


def _build_seconds(paths: list[Path], options: builder.BuildOptions, jobs: int) -> tuple[float, builder.Summary]:
    start = time.perf_counter()
    if jobs == 0:
        summary = builder.build(paths, options)
    else:
        with builder.default_executor(jobs) as pool:
            summary = builder.build(paths, options, executor=pool)
    return time.perf_counter() - start, summary


def run_benchmarks(countries: int = 12, memory_countries: int | None = None) -> str:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1732000000")
    lines = ["# Benchmarks", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"run with `reportgen dev bench` (`make bench`). Seconds unless noted.", ""]
    paraguay_stages("en")  # warm imports and caches so the first row is not penalised
    stages = {lang: paraguay_stages(lang) for lang in ("en", "es")}
    names = list(stages["en"])
    lines += ["## Paraguay, per document", "", "| stage | en | es |", "|---|---:|---:|"]
    lines += [f"| {name} | {stages['en'][name]:.3f} | {stages['es'][name]:.3f} |" for name in names]
    weasy = sum(s["weasyprint"] for s in stages.values())
    not_pdf = ("weasyprint", "docx writer", "standalone html (fonts subset)")
    ours = {lang: sum(v for k, v in s.items() if k not in not_pdf) for lang, s in stages.items()}
    lines += ["", "Outside WeasyPrint (load, narrative, model, HTML, PDF tags) per PDF: "
              + ", ".join(f"{lang} {ours[lang] / stages[lang]['weasyprint']:.1%}" for lang in ours)
              + " of WeasyPrint's time (target ≤ 10 %).",
              "DOCX writer against the PDF: "
              + ", ".join(f"{lang} {s['docx writer'] / (s['weasyprint'] + s['html writer'] + s['pdf tags']):.1%}"
                          for lang, s in stages.items()) + " of the PDF's time.", ""]

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        options = builder.BuildOptions(out=root / "pry", formats=("docx", "pdf"), languages=("en", "es"))
        serial, _ = _build_seconds([PRY], replace(options, force=True), 0)
        parallel, _ = _build_seconds([PRY], replace(options, force=True), 2)
        noop, summary = _build_seconds([PRY], options, 0)
        lines += ["## Paraguay, the four documents (en/es × docx/pdf)", "",
                  "| measure | seconds | ratio |", "|---|---:|---:|",
                  f"| WeasyPrint alone on the same two HTML files | {weasy:.2f} | 1.00 |",
                  f"| `reportgen build PRY`, one process | {serial:.2f} | {serial / weasy:.2f} |",
                  f"| `reportgen build PRY`, 2 workers | {parallel:.2f} | {parallel / weasy:.2f} |",
                  f"| no-op rebuild (nothing changed) | {noop:.3f} | {noop / serial:.1%} of the full build |",
                  "", f"Targets: build ≤ 1.3 × WeasyPrint; no-op ≤ 2 % (skipped {len(summary.skipped)} tasks).", ""]
        lines += preview_refresh(root)
        lines += _throughput(root, countries)
        lines += _memory(root, memory_countries)
    lines += hostile_input_figures()
    report = "\n".join(lines) + "\n"
    return report


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


def _throughput(root: Path, countries: int) -> list[str]:
    paths = write_synthetic(member_states()[:countries], root / f"synth-{countries}")
    results = {}
    for jobs in (1, 2):
        options = builder.BuildOptions(out=root / f"t{jobs}", formats=("docx", "pdf"), languages=("en",))
        seconds, summary = _build_seconds(paths, options, jobs)
        results[jobs] = (seconds, len(summary.built))
    one, two = results[1][0], results[2][0]
    return ["## Throughput over synthetic countries (en, docx + pdf)", "",
            "| workers | countries | seconds | documents / minute |", "|---:|---:|---:|---:|",
            *[f"| {jobs} | {n} | {s:.1f} | {2 * n / s * 60:.0f} |" for jobs, (s, n) in results.items()],
            "", f"Speed-up with 2 workers: {one / two:.2f}× (target ≥ 1.8× on 2 cores).", ""]


def _memory(root: Path, memory_countries: int | None) -> list[str]:
    codes = member_states()[: memory_countries or len(member_states())]
    paths = write_synthetic(codes, root / "synth-all")
    options = builder.BuildOptions(out=root / "mem", formats=("docx", "pdf"), languages=("en",))
    seconds, summary = _build_seconds(paths, options, 2)
    ordered = sorted(summary.built, key=lambda r: codes.index(r.task.country))
    peaks = [r.peak_rss_mb for r in ordered]
    tenth = max(1, len(peaks) // 10)
    first, last = statistics.mean(peaks[:tenth]), statistics.mean(peaks[-tenth:])
    return ["## Memory over the whole synthetic batch", "",
            f"{len(ordered)} countries built ({len(summary.failed)} failed) in {seconds:.0f} s with 2 workers, "
            f"workers recycled every {builder.RECYCLE_AFTER} tasks.", "",
            "| measure | MB |", "|---|---:|",
            f"| peak RSS of any worker | {max(peaks):.0f} |",
            f"| mean peak, first tenth of countries | {first:.0f} |",
            f"| mean peak, last tenth of countries | {last:.0f} |",
            "", f"Target: ≤ 300 MB per worker, no growth (last/first = {last / first:.2f}).", ""]
