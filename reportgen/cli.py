"""The ``reportgen`` command line: commands only, the work happens elsewhere.

Exit codes: 0 clean, 1 problems found (or a build failed), 2 unusable input
or usage, 3 an internal error (a bug: please report it). Every error is one
line; no traceback reaches the user. Results go to stdout, diagnostics
(problems, warnings, progress) to stderr; ``--json`` makes stdout one JSON
document; ``--quiet`` keeps only errors on stderr; nothing is wrapped when
the output is not a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import click

from reportgen.errors import ReportgenError
from reportgen.terminal import safe

if TYPE_CHECKING:
    from rich.console import Console

    from reportgen.build import Summary, Task, TaskResult
    from reportgen.config import Config
    from reportgen.importers.base import Imported
    from reportgen.project import Project

EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3
UNTRANSLATED = ": untranslated, shown in English: "  # one warning per missing string (narrative._warnings)
UNTRANSLATED_SHOWN = 5


def _say(message: object, err: bool = False) -> None:
    """Print a line that may quote the input (answers, file names): control,
    bidi and other invisible characters are shown escaped, never sent to the
    terminal (reportgen/terminal.py)."""
    click.echo(safe(str(message)), err=err)


def _fail(error: ReportgenError, code: int = EXIT_UNUSABLE) -> None:
    _say(f"reportgen: {error}", err=True)
    sys.exit(code)


@dataclass
class Ui:
    """How much to say (``--quiet``/``--verbose``); handed to commands by click, never global."""

    quiet: bool = False
    verbose: bool = False
    # The process's own command line, when it came from the console entry point
    # (not from click's CliRunner): a no-op stamp records it (stamp.py).
    argv: list[str] | None = None

    def info(self, message: str) -> None:
        """A diagnostic line on stderr (not with --quiet)."""
        if not self.quiet:
            _say(message, err=True)

    def detail(self, message: str) -> None:
        """A diagnostic line shown only with --verbose."""
        if self.verbose:
            _say(message, err=True)

    @staticmethod
    def console(stderr: bool) -> Console:
        """A Rich console that does not wrap or cut lines when its stream is a pipe or a file."""
        from rich.console import Console

        stream = sys.stderr if stderr else sys.stdout
        if stream.isatty():
            return Console(stderr=stderr)
        return Console(stderr=stderr, width=10_000, soft_wrap=True, color_system=None)


pass_ui = click.make_pass_decorator(Ui, ensure=True)


def _emit_json(data: Any) -> None:
    _say(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportgen")
@click.option("--quiet", "-q", is_flag=True, help="Only errors on stderr (no progress, warnings or notes).")
@click.option("--verbose", "-v", is_flag=True, help="More detail on stderr (timings, each file written).")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Turn E-Government Survey questionnaire answers into country profiles."""
    argv = ctx.obj if isinstance(ctx.obj, list) else None  # given by main()
    ctx.obj = Ui(quiet=quiet, verbose=verbose and not quiet, argv=argv)


def main() -> None:
    """The console entry point: a bug still ends in one line, not a traceback
    (set REPORTGEN_DEBUG=1 to see it), with its own exit code."""
    import os

    try:
        cli(obj=list(sys.argv[1:]))
    except ReportgenError as exc:
        _fail(exc)
    except Exception as exc:
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        _say(f"reportgen: internal error: {type(exc).__name__}: {exc} (REPORTGEN_DEBUG=1 shows more)", err=True)
        sys.exit(EXIT_INTERNAL)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (review flags, unknown date) as errors.")
@click.option("--templates", "check_templates", is_flag=True,
              help="Check templates/sections/*.md.j2 instead (rendered with FILES, or a synthetic country).")
@click.option("--json", "as_json", is_flag=True, help="Print every problem as JSON on stdout.")
@pass_ui
def check(ui: Ui, files: tuple[Path, ...], strict: bool, check_templates: bool, as_json: bool) -> None:
    """Validate responses files; print FILE:LINE: Qnn: message per problem (stderr) and a status per file."""
    from reportgen.config import load_config as load_config
    from reportgen.responses import check_file

    if check_templates:
        _check_templates(ui, files, as_json)
    if not files:
        raise click.UsageError("give responses files to check, or --templates")
    try:
        config = load_config()
    except ReportgenError as exc:
        _fail(exc)
    project = _open_project()  # the templates, fonts and catalogs the build uses
    build = config.model_copy(update={"templates": project.templates, "locales": project.locales})
    worst = 0
    report: list[dict[str, Any]] = []
    for path in files:
        try:
            _, problems = check_file(path, strict=strict, limits=config.limits, build=build)
        except ReportgenError as exc:
            report.append({"path": str(path), "status": "unusable", "error": str(exc), "problems": []})
            if not as_json:
                _say(str(exc), err=True)
            worst = max(worst, EXIT_UNUSABLE)
            continue
        errors = sum(p.severity == "error" for p in problems)
        status = "ok" if not errors else "FAILED"
        report.append({"path": str(path), "status": status.lower(), "problems": [_problem(p) for p in problems]})
        if errors:
            worst = max(worst, EXIT_PROBLEMS)
        if as_json:
            continue
        for problem in problems:
            if problem.severity == "error" or not ui.quiet:
                _say(str(problem), err=True)
        _say(f"{path}: {status} ({errors} errors, {len(problems) - errors} warnings)")
    if as_json:
        _emit_json({"files": report})
    sys.exit(worst)


def _problem(problem: Any) -> dict[str, Any]:
    return {"path": str(problem.path), "line": problem.line, "item": problem.item,
            "severity": problem.severity, "message": problem.message}


def _check_templates(ui: Ui, files: tuple[Path, ...], as_json: bool) -> None:
    from dataclasses import replace

    from reportgen.config import load_config as load_config
    from reportgen.project import users_names
    from reportgen.templatecheck import check_templates

    project = _open_project()
    try:
        languages = tuple(load_config().languages)
        problems = check_templates(project.templates, list(files) or None, languages)
    except ReportgenError as exc:
        _fail(exc)
    # The project's template, not the overlay's temporary copy of it.
    name = users_names([project.templates])
    problems = [replace(p, path=name(str(p.path))) for p in problems]
    if as_json:
        _emit_json({"templates": [_problem(p) for p in problems]})
    else:
        for problem in problems:
            _say(str(problem), err=True)
        _say(f"templates: {'ok' if not problems else 'FAILED'} ({len(problems)} problems)")
    sys.exit(EXIT_PROBLEMS if problems else 0)


@cli.command(name="import")
@click.argument("export", type=click.Path(path_type=Path))
@click.option("-o", "--out", "output", type=click.Path(path_type=Path),
              help="The responses YAML to write, e.g. responses/PRY.yaml (never overwritten without --force).")
@click.option("--output", "output", type=click.Path(path_type=Path), hidden=True)
@click.option("--merge", "merge_into", type=click.Path(path_type=Path),
              help="A reviewed responses YAML to take the export into, keeping the review.")
@click.option("--dry-run", is_flag=True, help="With --merge: print the changes, write nothing.")
@click.option("--force", is_flag=True, help="Overwrite an existing --out file.")
@click.option("--partial", is_flag=True, help="Import an export that ends before the last item (flagged).")
@click.option("--country", help="ISO 3166-1 alpha-3 code, if the export's country name is not enough.")
@click.option("--questionnaire", "questionnaire_id", default="msq-2024", show_default=True,
              help="The edition the export answers (reportgen/questionnaires/ or the project's questionnaires/).")
@click.option("--format", "export_format", default="forms", show_default=True,
              help="The kind of export: 'forms' (a form's \"View results\" page as Markdown or text).")
def import_(export: Path, output: Path | None, merge_into: Path | None, dry_run: bool, force: bool,
            partial: bool, country: str | None, questionnaire_id: str, export_format: str) -> None:
    """Import a questionnaire form export (Markdown/text) into a responses YAML.

    With --merge, a resubmitted export is taken into a reviewed file: only
    what the Government changed is replaced, item by item, and printed.
    """
    from reportgen import questionnaire as catalogs
    from reportgen.errors import ConfigError
    from reportgen.importers.base import get_importer
    from reportgen.importers.writer import refuse_existing, write_responses

    try:
        if (output is None) == (merge_into is None):
            raise ConfigError("give either -o/--out (a new file) or --merge (a reviewed file)")
        if dry_run and merge_into is None:
            raise ConfigError("--dry-run goes with --merge")
        importer = get_importer(export_format)
        if output is not None:
            refuse_existing(output, force)  # before reading: an existing file is a reviewer's work
        imported = importer.read(export, catalogs.load(questionnaire_id), country=country, partial=partial)
        if merge_into is not None:
            _merge(imported, merge_into, dry_run)
            return
        assert output is not None
        write_responses(imported.responses, output, export, force=force)
    except ReportgenError as exc:
        _fail(exc)
    for warning in imported.warnings:
        _say(str(warning), err=True)
    _say(f"{output}: {imported.summary}")


def _merge(imported: Imported, reviewed: Path, dry_run: bool) -> None:
    """Merge and print the change list: one line per change, notes after."""
    from reportgen.importers.merge import merge_export

    for warning in imported.warnings:
        _say(str(warning), err=True)
    report = merge_export(imported, reviewed, dry_run=dry_run)
    for line in report.changes:
        _say(f"{reviewed}: {line}")
    for line in report.notes:
        _say(f"{reviewed}: note: {line}")
    if not report.changes:
        _say(f"{reviewed}: no changes from the export")
    elif dry_run:
        _say(f"{reviewed}: {len(report.changes)} change(s); dry run, nothing written")
    else:
        _say(f"{reviewed}: {len(report.changes)} change(s) written")


# --- translation ---------------------------------------------------------------


def _languages(value: str | None) -> list[str]:
    """--lang as a comma list (default: every locales/<lang>/ but English)."""
    from reportgen import catalogs

    return list(_split(value) or catalogs.languages(_locales()))


def _locales() -> Path:
    """The catalogs folder given to ``reportgen i18n --locales``; by default the
    project's locales/ (in reportgen's checkout, the default catalogs), else the
    installed defaults."""
    from reportgen.paths import LOCALES

    here = Path("locales")
    return click.get_current_context().meta.get("reportgen.locales") or (here if here.is_dir() else LOCALES)


def _open_project() -> Project:
    """The templates and catalogs of the project in the current folder (the
    defaults with its own files over them), cleaned up when the command ends."""
    from reportgen.project import open_project

    try:
        project = open_project()
    except OSError as exc:
        _fail(ReportgenError(f"cannot read the project's templates or locales: {exc}"))
    click.get_current_context().call_on_close(project.close)
    return project


@cli.group()
@click.option("--locales", type=click.Path(file_okay=False, path_type=Path),
              help="The catalogs folder (default: the project's locales/).")
@click.pass_context
def i18n(ctx: click.Context, locales: Path | None) -> None:
    """Translation catalogs: extract, init, update, stats, check (docs/translating.md)."""
    ctx.meta["reportgen.locales"] = locales


@i18n.command()
@click.option("--responses", "responses_dir", type=click.Path(path_type=Path), default=Path("responses"),
              show_default=True, help="Folder of country responses whose free text is extracted.")
def extract(responses_dir: Path) -> None:
    """Write locales/messages.pot, questionnaire.pot and responses-<COUNTRY>.pot."""
    from reportgen import catalogs
    from reportgen.responses import load_responses

    templates = _open_project().templates  # a project's own templates too
    for name, catalog in (("messages", catalogs.extract_messages(templates)),
                          ("questionnaire", catalogs.extract_questionnaire())):
        catalogs.write_catalog(catalog, _locales() / f"{name}.pot")
        _say(str(_locales() / f"{name}.pot"))
    for path in sorted(responses_dir.glob("*.yaml")):
        try:
            responses, _ = load_responses(path)
        except ReportgenError as exc:
            _fail(exc)
        target = _locales() / f"responses-{responses.country}.pot"
        catalogs.write_catalog(catalogs.extract_responses(responses), target)
        _say(str(target))


@i18n.command()
@click.option("--lang", "langs", required=True, help="The new languages, comma-separated: fr,pt.")
@pass_ui
def init(ui: Ui, langs: str) -> None:
    """Start catalogs for new languages from the templates (then translate them)."""
    from reportgen import catalogs
    from reportgen.files import write_atomic

    for lang in _split(langs) or ():
        for pot in sorted(_locales().glob("*.pot")):
            po = _locales() / lang / "LC_MESSAGES" / f"{pot.stem}.po"
            if not catalogs.needs_catalog(pot.stem, lang):
                continue
            if po.exists():
                ui.info(f"{po}: exists, left as it is (use `i18n update`)")
                continue
            write_atomic(po, catalogs.update_catalog(pot, po, lang, catalogs.compendia(po)))
            _say(str(po))


@i18n.command()
@click.option("--lang", "langs", help="Languages to update, comma-separated (default: every locales/<lang>/).")
@click.option("--domain", "domains", help="Catalogs to update, comma-separated: messages,responses-PRY (default: all).")
def update(langs: str | None, domains: str | None) -> None:
    """Merge the .pot templates into each language's .po with GNU msgmerge
    (keeps translations, marks changes fuzzy with the previous msgid, offers
    other countries' translations as fuzzy suggestions)."""
    from reportgen import catalogs
    from reportgen.files import write_atomic

    wanted = _split(domains)
    for lang in _languages(langs):
        for pot in sorted(_locales().glob("*.pot")):
            if (wanted and pot.stem not in wanted) or not catalogs.needs_catalog(pot.stem, lang):
                continue
            po = _locales() / lang / "LC_MESSAGES" / f"{pot.stem}.po"
            data = catalogs.update_catalog(pot, po, lang, catalogs.compendia(po))
            if not po.is_file() or po.read_bytes() != data:
                write_atomic(po, data)
            _say(f"{po}: {catalogs.stats(po).percent_text} translated")


@i18n.command()
@click.option("--lang", "langs", help="Languages, comma-separated (default: all).")
@click.option("--fail-under", type=click.FloatRange(0, 100), help="Exit 1 if a catalog is less translated (percent).")
@click.option("--list", "list_entries", is_flag=True, help="List untranslated and fuzzy entries as FILE:LINE.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures (and entries) as JSON on stdout.")
def stats(langs: str | None, fail_under: float | None, list_entries: bool, as_json: bool) -> None:
    """Translated / fuzzy / untranslated messages per catalog (fuzzy is not translated)."""
    from reportgen import catalogs

    rows = [catalogs.stats(po) for po in catalogs.po_files(_locales()) if po.parent.parent.name in _languages(langs)]
    below = [s for s in rows if fail_under is not None and s.percent < fail_under]
    if as_json:
        _emit_json({"catalogs": [s.as_dict(list_entries) for s in rows],
                    "fail_under": fail_under, "below": [_relative(s.path) for s in below]})
    else:
        width = max((len(_relative(s.path)) for s in rows), default=7)
        _say(f"{'catalog':<{width}}  translated  fuzzy  untranslated  percent")
        for s in rows:
            _say(f"{_relative(s.path):<{width}}  {s.translated:>10}  {s.fuzzy:>5}  {s.untranslated:>12}"
                       f"  {s.percent_text:>7}")
        if list_entries:
            for s in rows:
                for entry in s.entries:
                    _say(f"{_relative(Path(entry.path))}:{entry.line}: {entry.state}: {entry.text}")
    for s in below:
        _say(f"{_relative(s.path)}: {s.percent_text} translated, under --fail-under {fail_under:g}%", err=True)
    sys.exit(EXIT_PROBLEMS if below else 0)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@i18n.command(name="check")
@click.option("--lang", "langs", help="Languages, comma-separated (default: all).")
def check_catalogs(langs: str | None) -> None:
    """Placeholders match, plural forms are right, every catalog compiles (msgfmt --check)."""
    from reportgen import catalogs

    files = [po for po in catalogs.po_files(_locales()) if po.parent.parent.name in _languages(langs)]
    problems = [p for po in files for p in catalogs.check(po)]
    for problem in problems:
        _say(problem, err=True)
    _say(f"{len(files)} catalogs checked, {len(problems)} problems")
    sys.exit(EXIT_PROBLEMS if problems else 0)


# --- build ------------------------------------------------------------------------


def _split(value: str | None) -> tuple[str, ...] | None:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else None


@cli.command()
@click.argument("countries", nargs=-1)
@click.option("--all", "all_countries", is_flag=True, help="Every country in the responses folder (default).")
@click.option("--lang", help="Comma-separated languages, e.g. en,es (default from settings).")
@click.option("--format", "formats", help="Comma-separated formats: docx,pdf,html (default from settings).")
@click.option("--jobs", "-j", type=click.IntRange(0),
              help="Worker processes (default: CPU count; 0 = none: the least CPU, the longest wait).")
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
@click.option("--docx-page-numbers", is_flag=True,
              help="Page numbers in the DOCX contents, from a LibreOffice layout pass (needs LibreOffice).")
@click.option("--site-index", is_flag=True,
              help="Also write OUT/index.html linking every country and language's HTML, PDF and DOCX.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on a Dask cluster: tcp://HOST:8786, or 'local' for a LocalCluster of --jobs workers.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the run manifest (OUT/run.json) and each task's outcome as JSON on stdout.")
@pass_ui
def build(ui: Ui, countries: tuple[str, ...], all_countries: bool, lang: str | None, formats: str | None,
          jobs: int | None, strict: bool, annex: bool, internal: bool, final: bool, pdf_variant: str | None,
          reference_docx: Path | None, out: Path | None, force: bool, responses_dir: Path | None,
          docx_page_numbers: bool, site_index: bool, scheduler: str | None, as_json: bool) -> None:
    """Build country profiles: build/<CODE>/<CODE>-profile-<edition>-<lang>[-draft].<format>, manifest.json."""
    import os

    from reportgen import build as builder
    from reportgen import stamp
    from reportgen.config import load_config, settings_files
    from reportgen.i18n import available_languages
    from reportgen.writers import FORMATS

    # What this run reads, stat'ed before it reads it (a no-op stamp records it; stamp.py).
    inputs = stamp.Snapshot()
    for path in settings_files():
        inputs.file(path)
    try:
        # Read once; SOURCE_DATE_EPOCH is resolved into it here (garbage is one line, not a crash in a writer).
        config = load_config()
    except ReportgenError as exc:
        _fail(exc)
    folder = responses_dir or config.responses
    _snapshot_inputs(inputs, folder, reference_docx)
    paths = _responses_paths(folder, countries, all_countries)
    project = _open_project()
    languages = _split(lang) or config.languages
    known = available_languages(project.locales)
    for language in languages:
        if language not in known:
            _fail(ReportgenError(f"--lang {language}: no catalog in locales/{language}/ (have: {', '.join(known)})"))
    fmts = _split(formats) or config.formats
    for fmt in fmts:
        if fmt not in FORMATS:
            _fail(ReportgenError(f"--format {fmt}: unknown (known: {', '.join(FORMATS)})"))
    variant = pdf_variant or config.pdf_variant or "none"
    if "pdf" in fmts and variant != "none":
        from reportgen.writers.pdf_variants import pdf_variant as check_variant

        try:
            check_variant(variant)
        except ReportgenError as exc:
            _fail(exc)
    from reportgen.policy import Policy

    policy = Policy.of("final" if final else config.status, strict, internal)
    try:
        options = config.with_flags(
            languages=languages, formats=fmts, out=out, status=policy.status, strict=policy.strict, annex=annex,
            internal=policy.internal, force=force, pdf_variant=variant, reference_docx=reference_docx,
            docx_page_numbers=docx_page_numbers, scheduler=scheduler, templates=project.templates,
            locales=project.locales)
        builder.check_out_folder(options.out, [options.templates, options.locales, builder.PACKAGE, folder,
                                               *(o.project for o in project.overlays)])
    except ReportgenError as exc:
        _fail(exc)
    jobs = os.cpu_count() or 1 if jobs is None else jobs
    if options.scheduler:
        summary = _run_on_cluster(ui, builder, paths, options, jobs, options.scheduler)
    else:
        summary = _run_build(ui, builder, paths, options, jobs)
    if as_json:
        record = json.loads(summary.manifest.read_text(encoding="utf-8")) if summary.manifest else {}
        _emit_json({**_summary_json(summary, options), **record})
        _print_problems(ui, summary, options)
    else:
        _print_summary(ui, summary, options)
    if ui.argv is not None and stamp.eligible(ui.argv) and summary.ok and summary.manifest and not site_index \
            and not options.scheduler:
        _write_stamp(ui, ui.argv, inputs, paths, summary, options, as_json)
    if site_index:
        from reportgen.site import write_index

        ui.info(f"site index: {write_index(options.out)}")
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


def _run_on_cluster(ui: Ui, builder: ModuleType, paths: list[Path], options: Config, jobs: int,
                    scheduler: str) -> Summary:
    """The build with a ``distributed.Client`` as its executor."""
    from reportgen import cluster

    try:
        with cluster.connect(scheduler, jobs, options.formats) as client:
            return _run_build(ui, builder, paths, options, jobs, client)
    except ReportgenError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits
    except KeyboardInterrupt:  # while the cluster started: no build had begun
        ui.console(stderr=True).print("interrupted before the build began", markup=False)
        sys.exit(130)


def _run_build(ui: Ui, builder: ModuleType, paths: list[Path], options: Config, jobs: int,
               client: Any = None) -> Summary:
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = ui.console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    pool = builder.default_executor(jobs, options.formats) if jobs > 0 and client is None else None
    executor = client or pool
    with Progress(*columns, console=console, transient=True, disable=ui.quiet) as progress:
        bar = progress.add_task("planning", total=None)

        def on_done(item: TaskResult | Task, done: int, total: int) -> None:
            task = cast("Task", getattr(item, "task", item))
            # A country is a file's name: shown, never interpreted (controls, Rich markup).
            progress.update(bar, total=total, completed=done,
                            description=escape(safe(f"{task.country} {task.lang}")))
            timings = getattr(item, "timings", None)
            if timings:
                ui.detail(f"{task.country} {task.lang}: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))

        @contextmanager
        def paused() -> Iterator[None]:
            """The display's refresh thread ended while the build forks its
            workers (reportgen.forkjoin: only a process with one thread forks)."""
            if progress.disable:
                yield
                return
            progress.live.stop()
            try:
                yield
            finally:
                progress.live.start(refresh=True)

        try:
            summary = builder.build(paths, options, executor, on_done, paused)
        except KeyboardInterrupt:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            console.print("interrupted: finished outputs are kept; the next build resumes", markup=False)
            sys.exit(130)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
    return summary


def _summary_table(summary: Summary) -> Any:
    from rich.table import Table
    from rich.text import Text

    def cell(text: str) -> Text:  # a file's name: shown, never interpreted
        return Text(safe(text).replace("\n", " "))

    table = Table("country", "lang", "result", "detail", title=f"reportgen build ({summary.seconds:.1f} s)")
    for result in summary.built:
        outputs = ", ".join(Path(o.path).name for o in result.outputs.values())
        note = f"; {len(result.warnings)} warnings" if result.warnings else ""
        table.add_row(cell(result.task.country), cell(result.task.lang), "[green]built", cell(outputs + note))
    for task in summary.skipped:
        table.add_row(cell(task.country), cell(task.lang), "skipped", "up to date")
    for result in summary.failed:
        table.add_row(cell(result.task.country), cell(result.task.lang), "[red]failed", Text("see below"))
    return table


def _summary_line(summary: Summary, options: Config) -> str:
    return f"{len(summary.built)} built, {len(summary.skipped)} skipped, {len(summary.failed)} failed -> {options.out}/"


def _print_summary(ui: Ui, summary: Summary, options: Config) -> None:
    """The table of outcomes on stdout (the result); warnings and failures on stderr,
    escaped (messages quote the answers)."""
    ui.console(stderr=False).print(_summary_table(summary))
    _print_problems(ui, summary, options)
    _say(_summary_line(summary, options))


def _print_problems(ui: Ui, summary: Summary, options: Config) -> None:
    """Failures, warnings and the files set aside, on stderr (also with --json,
    whose document on stdout has them too)."""
    for result in summary.failed:
        # Messages quote the input ("[@src-...]"): plain text, never Rich markup.
        for line in (result.error or "").splitlines():
            _say(f"{result.task.country} {result.task.lang}: {line}", err=True)
    # A warning about the answers comes once per language: say it once. Untranslated
    # strings come one per string: a few unless --verbose (manifest.json has them all).
    warnings = dict.fromkeys(f"{r.task.country}: {w}" for r in summary.built for w in r.warnings)
    untranslated = [w for w in warnings if UNTRANSLATED in w]
    shown = untranslated if ui.verbose else untranslated[:UNTRANSLATED_SHOWN]
    for warning in warnings:
        if UNTRANSLATED not in warning or warning in shown:
            ui.info(f"warning: {warning}")
    if len(shown) < len(untranslated):
        ui.info(f"warning: ... and {len(untranslated) - len(shown)} more untranslated strings "
                "(--verbose lists them; manifest.json has them all)")
    if summary.set_aside:
        # A Draft replaced by its Final, or a failed document's earlier files: not deleted, moved.
        folders = sorted({f"{options.out}/{Path(entry['moved_to']).parent.parent}/" for entry in summary.set_aside})
        count = len(summary.set_aside)
        files = "file" if count == 1 else "files"
        ui.info(f"{count} earlier {files} set aside in {', '.join(folders)} (run.json says why)")
        for entry in summary.set_aside:
            ui.detail(f"set aside: {entry['path']} -> {entry['moved_to']}: {entry['reason']}")
            replaced_by = entry["reason"].removeprefix("superseded by ")
            if replaced_by != entry["reason"] and "-draft" in replaced_by and "-draft" not in Path(entry["path"]).name:
                # A Final replaced by a Draft: allowed (a correction starts as a Draft), never silent.
                ui.info(f"warning: the Final {entry['path']} was set aside for the Draft {replaced_by} "
                        f"(kept in {options.out}/{Path(entry['moved_to']).parent}/)")


def _snapshot_inputs(inputs: Any, responses: Path, reference_docx: Path | None) -> None:
    """Stat what a build reads before it reads it: the responses folder, the
    default and the project's templates and locales, questionnaire editions
    and reportgen's own files (all of them trees: a new file counts too)."""
    from reportgen.paths import LOCALES, PACKAGE, PROJECT_QUESTIONNAIRES, TEMPLATES

    for root in (responses, TEMPLATES, LOCALES, Path("templates"), Path("locales"), PROJECT_QUESTIONNAIRES, PACKAGE):
        inputs.tree(root)
    if reference_docx is not None:
        inputs.file(reference_docx)


def _write_stamp(ui: Ui, argv: list[str], inputs: Any, paths: list[Path], summary: Summary,
                 options: Config, as_json: bool) -> None:
    """After a fully successful run: the stamp that lets the same command,
    with nothing changed, answer without starting the toolkit (stamp.py). It
    holds what that no-op prints and the run manifest it writes."""
    from dataclasses import replace

    from reportgen import build as builder
    from reportgen import runrecord, stamp
    from reportgen.build import Summary

    order = {path: index for index, path in enumerate(paths)}
    tasks = sorted([*(r.task for r in summary.built), *summary.skipped],
                   key=lambda t: (order.get(t.responses, len(order)), options.languages.index(t.lang)))
    noop = Summary(skipped=[replace(t, formats=tuple(options.formats)) for t in tasks])
    outputs = [options.out / t.country / builder.output_name(t, f) for t in noop.skipped for f in t.formats]
    outputs += [builder.manifest_path(options.out, t.country) for t in noop.skipped]
    try:
        record = runrecord.run_manifest(options, noop)  # what a run with nothing to build records (in-process)
        summary_json = _summary_json(noop, options)
        text = None
        if not as_json:
            console = ui.console(stderr=False)
            with console.capture() as captured:
                console.print(_summary_table(noop))
            text = captured.get() + safe(_summary_line(noop, options)) + "\n"
        stamp.write(options.out, argv, inputs, outputs, text, summary_json, record)
    except (OSError, ValueError, KeyError) as exc:  # a stamp is an optimisation, never a failure
        ui.detail(f"no-op stamp not written: {exc}")


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
    from reportgen.config import load_config as load_config
    from reportgen.files import write_atomic

    try:
        settings = load_config()
    except ReportgenError as exc:
        _fail(exc)
    fmt = fmt or output.suffix.lstrip(".").lower()
    if fmt not in ("csv", "json"):
        _fail(ReportgenError(f"{output}: say --format csv or json (or name the file .csv or .json)"))
    paths = _responses_paths(responses_dir or settings.responses, countries, not countries)
    loaded, errors = exporter.load_all(paths, settings.limits)
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
    _say(f"{output}: {len(table)} rows, {len(loaded)} countries", err=True)


@cli.command()
@click.option("--lang", "languages", help="Comma-separated languages (default from settings).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="The build's output folder.")
@click.option("--partial", is_flag=True,
              help="Combine what the last build made even if countries of the folder are missing (each is named).")
def combine(languages: str | None, out: Path | None, partial: bool) -> None:
    """One PDF per language of every country the last build made, with a bookmark
    per country, in OUT/combined/ (for printing and review: untagged). A
    country the folder holds but the last build did not make (or failed) stops
    it, naming each, unless --partial."""
    from reportgen import combine as combiner
    from reportgen.config import load_config as load_config

    try:
        settings = load_config()
        folder = out or settings.out
        # Every language is checked before any file is written.
        editions = [combiner.plan(folder, lang, partial) for lang in _split(languages) or tuple(settings.languages)]
        for edition in editions:
            path = combiner.write(edition)
            _say(f"{path}: {len(edition.profiles)} countries", err=True)
            if edition.left_out:
                _say(f"warning: {path.name} leaves out {', '.join(edition.left_out)}", err=True)
    except ReportgenError as exc:
        _fail(exc)


def _summary_json(summary: Summary, options: Config) -> dict[str, Any]:
    from reportgen.build import output_name

    def task(t: Task) -> dict[str, Any]:
        return {"country": t.country, "language": t.lang}  # run.json's words

    out = options.out.absolute()
    return {
        "ok": summary.ok, "seconds": round(summary.seconds, 3), "out": str(out),
        "built": [{**task(r.task), "outputs": {f: str(Path(o.path).absolute()) for f, o in r.outputs.items()},
                   "warnings": r.warnings, "timings": r.timings} for r in summary.built],
        "skipped": [{**task(t), "outputs": {f: str(out / t.country / output_name(t, f)) for f in t.formats}}
                    for t in summary.skipped],
        "failed": [{**task(r.task), "error": r.error} for r in summary.failed],
    }


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def new(folder: Path) -> None:
    """Start a report project in FOLDER: reportgen.toml, responses/, and templates/
    and locales/ whose files override the defaults file by file (docs/projects.md)."""
    from reportgen.project import create_project

    try:
        written = create_project(folder)
    except (ReportgenError, OSError) as exc:
        _fail(exc if isinstance(exc, ReportgenError) else ReportgenError(f"{folder}: {exc}"))
    for path in written:
        _say(f"created {path}", err=True)
    _say(f"next: cd {folder}; reportgen import EXPORT.md -o responses/CODE.yaml; reportgen build", err=True)


# --- preview ---------------------------------------------------------------------------


@cli.command()
@click.argument("country", required=False)
@click.option("--lang", default="en", show_default=True, help="The profile's language.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 = any free port).")
@click.option("--responses", "responses_dir", type=click.Path(path_type=Path), help="Folder of responses.")
@pass_ui
def serve(ui: Ui, country: str | None, lang: str, port: int, responses_dir: Path | None) -> None:
    """Preview one profile in the browser; it refreshes on every change of templates/, responses/, locales/."""
    import time

    from reportgen.config import load_config as load_config
    from reportgen.i18n import available_languages
    from reportgen.serve import Preview, start

    try:
        settings = load_config()
    except ReportgenError as exc:
        _fail(exc)
    paths = _responses_paths(responses_dir or settings.responses, (country,) if country else (), False)
    if not paths:
        _fail(ReportgenError(f"{responses_dir or settings.responses}: no responses to preview"))
    project = _open_project()
    if lang not in available_languages(project.locales):
        _fail(ReportgenError(f"--lang {lang}: no catalog in locales/{lang}/"))
    try:
        server = start(Preview(paths[0], lang, project.templates, project.locales, project.overlays), port)
    except OSError as exc:
        _fail(ReportgenError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}"))
    _say(f"{paths[0].stem} ({lang}): {server.url}  (PDF: {server.url}pdf; Ctrl+C stops)")
    if server.preview.state.error:
        ui.info(server.preview.state.error)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.close()


# --- developers ------------------------------------------------------------------------


@cli.group()
def dev() -> None:
    """Developer commands: synthetic data, benchmarks, generated docs."""


@dev.command()
@click.option("--countries", default="all", show_default=True,
              help="'all' (the 193 UN Member States), a number N (the first N), or codes: ARG,BRA.")
@click.option("-o", "--out", "output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write <CODE>.yaml files into.")
@click.option("--seed", default=2024, show_default=True, help="Random seed; the same seed gives the same files.")
@click.option("--questionnaire", "questionnaire_id", default="msq-2024", show_default=True,
              help="The edition the synthetic answers follow.")
def synth(countries: str, output: Path, seed: int, questionnaire_id: str) -> None:
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
    try:
        written = write_synthetic(codes, output, seed, questionnaire_id)
    except ReportgenError as exc:
        _fail(exc)
    _say(f"{len(written)} synthetic responses written to {output}/")


@dev.command()
@click.option("--countries", default=12, show_default=True,
              help="Synthetic countries for the throughput runs with PDF (English, DOCX and PDF).")
@click.option("--scale-countries", default=193, show_default=True,
              help="Countries for the run at scale (English and Spanish, DOCX; 0 = skip it).")
@click.option("--memory-countries", default=0, help="Countries for the memory run (0 = all 193).")
@click.option("--repeats", default=3, show_default=True, type=click.IntRange(1),
              help="Runs of each whole-process measure (median and spread are reported).")
@click.option("--out", "output", type=click.Path(dir_okay=False, path_type=Path), default=Path("docs/benchmarks.md"),
              show_default=True, help="Where to keep the latest figures (Markdown).")
def bench(countries: int, scale_countries: int, memory_countries: int, repeats: int, output: Path) -> None:
    """Measure build speed, memory and the preview's edit-to-refresh; keep them in docs/benchmarks.md."""
    from reportgen.bench import run_benchmarks

    report = run_benchmarks(countries, memory_countries or None, repeats, scale_countries)
    _say(report)
    output.write_text(report, encoding="utf-8")


@dev.command(name="template-docs")
@click.option("--out", "output", type=click.Path(dir_okay=False, path_type=Path), default=Path("docs/templates.md"),
              show_default=True, help="The authors' guide whose reference part is rewritten.")
def template_docs(output: Path) -> None:
    """Regenerate the reference part of docs/templates.md from the code."""
    from reportgen import templatedoc

    changed = templatedoc.write(output)
    _say(f"{output}: {'updated' if changed else 'up to date'}")
