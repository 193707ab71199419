"""The ``reportgen`` command line: commands only, the work happens elsewhere.

Exit codes: 0 clean, 1 problems found (or a build failed), 2 unusable input
or usage. Every error is one line; no traceback reaches the user.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import click

from reportgen.errors import ReportgenError
from reportgen.terminal import safe

if TYPE_CHECKING:
    from rich.console import Console

    from reportgen.build import BuildOptions, Summary, Task, TaskResult
    from reportgen.importers.forms import ImportResult

EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2


def _fail(error: ReportgenError, code: int = EXIT_UNUSABLE) -> None:
    _say(f"reportgen: {error}", err=True)
    sys.exit(code)


def _say(message: str, err: bool = False) -> None:
    """Print a message that may quote the input: controls shown escaped."""
    click.echo(safe(message), err=err)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportgen")
def cli() -> None:
    """Turn E-Government Survey questionnaire answers into country profiles."""


def main() -> None:
    """The console entry point: a bug still ends in one line, not a traceback
    (set REPORTGEN_DEBUG=1 to see it)."""
    import os

    try:
        cli()
    except ReportgenError as exc:
        _fail(exc)
    except Exception as exc:
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        _say(f"reportgen: internal error: {type(exc).__name__}: {exc} (REPORTGEN_DEBUG=1 shows more)", err=True)
        sys.exit(EXIT_PROBLEMS)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (review flags, unknown date) as errors.")
def check(files: tuple[Path, ...], strict: bool) -> None:
    """Validate responses files; print FILE:LINE: Qnn: message per problem."""
    from reportgen.responses import check_file
    from reportgen.settings import load_settings

    try:
        limits = load_settings().limits
    except ReportgenError as exc:
        _fail(exc)
    worst = 0
    for path in files:
        try:
            _, problems = check_file(path, strict=strict, limits=limits)
        except ReportgenError as exc:
            _say(str(exc), err=True)
            worst = max(worst, EXIT_UNUSABLE)
            continue
        for problem in problems:
            _say(str(problem), err=problem.severity == "error")
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        status = "ok" if not errors else "FAILED"
        _say(f"{path}: {status} ({errors} errors, {warnings} warnings)")
        if errors:
            worst = max(worst, EXIT_PROBLEMS)
    sys.exit(worst)


@cli.command(name="import")
@click.argument("export", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="The responses YAML to write, e.g. responses/PRY.yaml (never overwritten without --force).")
@click.option("--merge", "merge_into", type=click.Path(path_type=Path),
              help="A reviewed responses YAML to take the export into, keeping the review.")
@click.option("--dry-run", is_flag=True, help="With --merge: print the changes, write nothing.")
@click.option("--force", is_flag=True, help="Overwrite an existing --output file.")
@click.option("--partial", is_flag=True, help="Import an export that ends before the last item (flagged).")
@click.option("--country", help="ISO 3166-1 alpha-3 code, if the export's country name is not enough.")
def import_(export: Path, output: Path | None, merge_into: Path | None, dry_run: bool, force: bool,
            partial: bool, country: str | None) -> None:
    """Import a questionnaire form export (Markdown/text) into a responses YAML.

    With --merge, a resubmitted export is taken into a reviewed file: only
    what the Government changed is replaced, item by item, and printed.
    """
    from reportgen.errors import ConfigError
    from reportgen.importers.forms import import_export, read_export

    try:
        if (output is None) == (merge_into is None):
            raise ConfigError("give either -o/--output (a new file) or --merge (a reviewed file)")
        if dry_run and merge_into is None:
            raise ConfigError("--dry-run goes with --merge")
        if merge_into is not None:
            _merge(read_export(export, country, partial), merge_into, dry_run)
            return
        assert output is not None
        result = import_export(export, output, country=country, force=force, partial=partial)
    except ReportgenError as exc:
        _fail(exc)
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"{output}: {result.summary()}")


def _merge(result: ImportResult, reviewed: Path, dry_run: bool) -> None:
    """Merge and print the change list: one line per change, notes after."""
    from reportgen.importers.merge import merge_export

    for warning in result.warnings:
        click.echo(str(warning), err=True)
    report = merge_export(result, reviewed, dry_run=dry_run)
    for line in report.changes:
        click.echo(f"{reviewed}: {line}")
    for line in report.notes:
        click.echo(f"{reviewed}: note: {line}")
    if not report.changes:
        click.echo(f"{reviewed}: no changes from the export")
    elif dry_run:
        click.echo(f"{reviewed}: {len(report.changes)} change(s); dry run, nothing written")
    else:
        click.echo(f"{reviewed}: {len(report.changes)} change(s) written")


# --- translation ---------------------------------------------------------------


@cli.group()
def i18n() -> None:
    """Translation catalogs: extract, update, stats, check."""


@i18n.command()
@click.option("--responses", "responses_dir", type=click.Path(path_type=Path), default=Path("responses"),
              show_default=True, help="Folder of country responses whose free text is extracted.")
def extract(responses_dir: Path) -> None:
    """Write locales/messages.pot and locales/responses-<COUNTRY>.pot."""
    from reportgen import catalogs
    from reportgen.i18n import LOCALES
    from reportgen.responses import load_responses

    for name, catalog in (("messages", catalogs.extract_messages()),
                          ("questionnaire", catalogs.extract_questionnaire())):
        catalogs.write_catalog(catalog, LOCALES / f"{name}.pot")
        click.echo(str(LOCALES / f"{name}.pot"))
    for path in sorted(responses_dir.glob("*.yaml")):
        try:
            responses, _ = load_responses(path)
        except ReportgenError as exc:
            _fail(exc)
        target = LOCALES / f"responses-{responses.country}.pot"
        catalogs.write_catalog(catalogs.extract_responses(responses), target)
        click.echo(str(target))


@i18n.command()
@click.option("--lang", "langs", multiple=True, help="Languages to update (default: every locales/<lang>/).")
@click.option("--domain", "domains", multiple=True, help="Catalogs to update: messages, responses-PRY (default: all).")
def update(langs: tuple[str, ...], domains: tuple[str, ...]) -> None:
    """Merge the .pot templates into each language's .po (keeps translations, marks changes fuzzy)."""
    from reportgen import catalogs
    from reportgen.i18n import LOCALES, read_catalog

    for lang in langs or catalogs.languages():
        for pot in sorted(LOCALES.glob("*.pot")):
            if (domains and pot.stem not in domains) or not catalogs.needs_catalog(pot.stem, lang):
                continue
            template = read_catalog(pot)
            assert template is not None
            po = LOCALES / lang / "LC_MESSAGES" / f"{pot.stem}.po"
            catalogs.write_catalog(catalogs.update_catalog(template, po, lang), po)
            click.echo(f"{po}: {catalogs.stats(po).percent:.0f}% translated")


@i18n.command()
def stats() -> None:
    """Translated / fuzzy / untranslated messages per catalog."""
    from rich.console import Console
    from rich.table import Table

    from reportgen import catalogs

    table = Table("catalog", "translated", "fuzzy", "untranslated", "%")
    for po in catalogs.po_files():
        s = catalogs.stats(po)
        table.add_row(_relative(po), str(s.translated), str(s.fuzzy), str(s.untranslated), f"{s.percent:.0f}")
    Console().print(table)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@i18n.command(name="check")
def check_catalogs() -> None:
    """Placeholders match, plural forms are right, every catalog compiles."""
    from reportgen import catalogs

    problems = [p for po in catalogs.po_files() for p in catalogs.check(po)]
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"{len(catalogs.po_files())} catalogs checked, {len(problems)} problems")
    sys.exit(EXIT_PROBLEMS if problems else 0)


# --- build ------------------------------------------------------------------------


def _split(value: str | None) -> tuple[str, ...] | None:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else None


@cli.command()
@click.argument("countries", nargs=-1)
@click.option("--all", "all_countries", is_flag=True, help="Every country in the responses folder (default).")
@click.option("--lang", help="Comma-separated languages, e.g. en,es (default from settings).")
@click.option("--format", "formats", help="Comma-separated formats: docx,pdf,html (default from settings).")
@click.option("--jobs", "-j", type=click.IntRange(0), help="Worker processes (default: CPU count; 0 = none).")
@click.option("--strict", is_flag=True, help="Untranslated text and review flags fail the build.")
@click.option("--annex", is_flag=True, help="Append the full answers, item by item.")
@click.option("--internal", is_flag=True, help="Build without consent to publish; pages say 'Not for publication'.")
@click.option("--final", is_flag=True, help="Mark the profiles Final instead of Draft (implies --strict).")
@click.option("--pdf-variant",
              help="pdf/ua-1 (default), pdf/a-3a+pdf/ua-1 (archival and accessible), pdf/a-3u, ... or 'none'.")
@click.option("--reference-docx", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A reference.docx whose styles replace templates/reference.docx.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default build/).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option("--responses", "responses_dir", type=click.Path(path_type=Path), help="Folder of responses.")
@click.option("--site-index", is_flag=True,
              help="Also write OUT/index.html linking every country and language's HTML, PDF and DOCX.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on a Dask cluster: tcp://HOST:8786, or 'local' for a LocalCluster of --jobs workers.")
@click.option("--json", "as_json", is_flag=True, help="Print the run manifest (OUT/run.json) on standard output.")
def build(countries: tuple[str, ...], all_countries: bool, lang: str | None, formats: str | None,
          jobs: int | None, strict: bool, annex: bool, internal: bool, final: bool, pdf_variant: str | None,
          reference_docx: Path | None, out: Path | None, force: bool, responses_dir: Path | None,
          site_index: bool, scheduler: str | None, as_json: bool) -> None:
    """Build country profiles: build/<CODE>/<CODE>-profile-<lang>.<format> and manifest.json."""
    import os

    from reportgen import build as builder
    from reportgen.i18n import available_languages
    from reportgen.settings import load_settings, source_date_epoch
    from reportgen.writers import FORMATS

    try:
        settings = load_settings()
        source_date_epoch()  # garbage is one line now, not a crash in a writer
    except ReportgenError as exc:
        _fail(exc)
    folder = responses_dir or settings.responses
    paths = _responses_paths(folder, countries, all_countries)
    languages = _split(lang) or tuple(settings.languages)
    known = available_languages()
    for language in languages:
        if language not in known:
            _fail(ReportgenError(f"--lang {language}: no catalog in locales/{language}/ (have: {', '.join(known)})"))
    fmts = _split(formats) or tuple(settings.formats)
    for fmt in fmts:
        if fmt not in FORMATS:
            _fail(ReportgenError(f"--format {fmt}: unknown (known: {', '.join(FORMATS)})"))
    variant = pdf_variant or settings.pdf_variant
    if "pdf" in fmts and variant != "none":
        from reportgen.writers.pdf import pdf_variant as check_variant

        try:
            check_variant(variant)
        except ReportgenError as exc:
            _fail(exc)
    status = "final" if final else settings.status  # a Final profile is always built --strict
    options = builder.BuildOptions(
        languages=languages, formats=fmts, out=out or settings.out, organisation=settings.organisation,
        edition=settings.edition, status=status, strict=strict or status == "final", annex=annex,
        internal=internal, force=force, pdf_variant=None if variant == "none" else variant,
        reference_docx=reference_docx, limits=settings.limits,
    )
    try:
        builder.check_out_folder(options.out, [options.templates, options.locales, builder.PACKAGE, folder])
    except ReportgenError as exc:
        _fail(exc)
    jobs = os.cpu_count() or 1 if jobs is None else jobs
    scheduler = scheduler or settings.scheduler
    if scheduler:
        summary = _run_on_cluster(builder, paths, options, jobs, scheduler)
    else:
        summary = _run_build(builder, paths, options, jobs)
    if as_json and summary.manifest is not None:
        click.echo(summary.manifest.read_text(encoding="utf-8"), nl=False)
    if site_index:
        from reportgen.site import write_index

        click.echo(f"site index: {write_index(options.out)}", err=True)
    sys.exit(0 if summary.ok else EXIT_PROBLEMS)


def _responses_paths(folder: Path, countries: tuple[str, ...], all_countries: bool) -> list[Path]:
    if not folder.is_dir():
        _fail(ReportgenError(f"{folder}: no such responses folder"))
    if countries and not all_countries:
        for code in countries:  # a code becomes a path: "../ELSEWHERE/PRY" must not
            if not (len(code) == 3 and code.isascii() and code.isalpha()):
                _fail(ReportgenError(f"{code}: not a country code (ISO 3166-1 alpha-3, e.g. PRY)"))
        paths = [folder / f"{code.upper()}.yaml" for code in countries]
        for path in paths:
            if not path.is_file():
                _fail(ReportgenError(f"{path}: no responses for {path.stem}"))
        return paths
    return sorted(folder.glob("*.yaml"))


def _run_on_cluster(builder: ModuleType, paths: list[Path], options: BuildOptions, jobs: int,
                    scheduler: str) -> Summary:
    """The build with a ``distributed.Client`` as its executor."""
    from reportgen import cluster

    try:
        with cluster.connect(scheduler, jobs) as client:
            return _run_build(builder, paths, options, jobs, client)
    except ReportgenError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


def _run_build(builder: ModuleType, paths: list[Path], options: BuildOptions, jobs: int,
               client: Any = None) -> Summary:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    pool = builder.default_executor(jobs) if jobs > 0 and client is None else None
    executor = client or pool
    with Progress(*columns, console=console, transient=True) as progress:
        bar = progress.add_task("planning", total=None)

        def on_done(item: TaskResult | Task, done: int, total: int) -> None:
            task = getattr(item, "task", item)
            progress.update(bar, total=total, completed=done, description=f"{task.country} {task.lang}")

        try:
            summary = builder.build(paths, options, executor, on_done)
        except KeyboardInterrupt:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            console.print("interrupted: finished outputs are kept; the next build resumes", markup=False)
            sys.exit(130)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
    _print_summary(console, summary, options)
    return summary


def _print_summary(console: Console, summary: Summary, options: BuildOptions) -> None:
    """A table of what was built or skipped; failures and warnings follow as
    plain lines (a table would cut FILE:LINE of a long path), escaped."""
    from rich.table import Table
    from rich.text import Text

    table = Table("country", "lang", "result", "detail", title=f"reportgen build ({summary.seconds:.1f} s)")
    for result in summary.built:
        outputs = ", ".join(Path(o.path).name for o in result.outputs.values())
        note = f"; {len(result.warnings)} warnings" if result.warnings else ""
        table.add_row(result.task.country, result.task.lang, "[green]built", Text(safe(outputs + note)))
    for task in summary.skipped:
        table.add_row(task.country, task.lang, "skipped", "up to date")
    for result in summary.failed:
        table.add_row(Text(result.task.country), result.task.lang, "[red]failed", "see below")
    console.print(table)
    # One failure (a file with two problems is one failure per language) and
    # one warning about the answers (it comes once per language) said once.
    failures = dict.fromkeys(f"{r.task.country}: {r.error}" for r in summary.failed)
    for failure in failures:
        _say(f"failed: {failure}", err=True)
    warnings = dict.fromkeys(f"{r.task.country}: {w}" for r in summary.built for w in r.warnings)
    for warning in warnings:
        _say(f"warning: {warning}", err=True)
    console.print(f"{len(summary.built)} built, {len(summary.skipped)} skipped, {len(summary.failed)} failed"
                  f" -> {safe(str(options.out))}/", markup=False, highlight=False)


# --- data -------------------------------------------------------------------------


@cli.command()
@click.argument("countries", nargs=-1)
@click.option("--responses", "responses_dir", type=click.Path(path_type=Path), help="Folder of responses.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write: .csv or .json (or say --format).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), help="Default: from the output's suffix.")
def export(countries: tuple[str, ...], responses_dir: Path | None, output: Path, fmt: str | None) -> None:
    """Export the answers as CSV or JSON: one row per country and item, with statuses and sources."""
    from reportgen import export as exporter
    from reportgen.files import write_atomic
    from reportgen.settings import load_settings

    try:
        settings = load_settings()
    except ReportgenError as exc:
        _fail(exc)
    fmt = fmt or output.suffix.lstrip(".").lower()
    if fmt not in ("csv", "json"):
        _fail(ReportgenError(f"{output}: say --format csv or json (or name the file .csv or .json)"))
    paths = _responses_paths(responses_dir or settings.responses, countries, not countries)
    loaded, errors = exporter.load_all(paths)
    for problem in errors:
        _say(str(problem), err=True)
    if errors:
        _say(f"reportgen: nothing exported: {len(errors)} problems (run reportgen check)", err=True)
        sys.exit(EXIT_PROBLEMS)
    table = [row for responses in loaded for row in exporter.rows(responses)]
    text = exporter.to_csv(table) if fmt == "csv" else exporter.to_json(table)
    try:
        write_atomic(output, text.encode("utf-8"))
    except ReportgenError as exc:
        _fail(exc)
    click.echo(f"{output}: {len(table)} rows, {len(loaded)} countries", err=True)


# --- scale ------------------------------------------------------------------------


@cli.command()
@click.option("--countries", default="all", show_default=True,
              help="'all' (the 193 UN Member States), a number N (the first N), or codes: ARG,BRA.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write <CODE>.yaml files into.")
@click.option("--seed", default=2024, show_default=True, help="Random seed; the same seed gives the same files.")
def synth(countries: str, output: Path, seed: int) -> None:
    """Write valid, varied synthetic responses for UN Member States."""
    from reportgen.synth import member_states, write_synthetic

    codes = member_states()
    if countries.isdigit():
        codes = codes[: int(countries)]
    elif countries != "all":
        wanted = [c.strip().upper() for c in countries.split(",")]
        unknown = [c for c in wanted if c not in codes]
        if unknown:
            _fail(ReportgenError(f"--countries: {unknown[0]} is not a UN Member State code"))
        codes = wanted
    written = write_synthetic(codes, output, seed)
    click.echo(f"{len(written)} synthetic responses written to {output}/")


@cli.command()
@click.option("--countries", default=12, show_default=True, help="Synthetic countries for the throughput runs.")
@click.option("--memory-countries", default=0, help="Countries for the memory run (0 = all 193).")
@click.option("--repeats", default=3, show_default=True, type=click.IntRange(1),
              help="Runs of each whole-process measure (median and spread are reported).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("docs/benchmarks.md"),
              show_default=True, help="Where to keep the latest figures (Markdown).")
def bench(countries: int, memory_countries: int, repeats: int, output: Path) -> None:
    """Measure build speed and memory; print figures and keep them in docs/benchmarks.md."""
    from reportgen.bench import run_benchmarks

    report = run_benchmarks(countries, memory_countries or None, repeats)
    click.echo(report)
    output.write_text(report, encoding="utf-8")
