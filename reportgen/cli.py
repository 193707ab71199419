"""The ``reportgen`` command line: commands only, the work happens elsewhere.

Exit codes: 0 clean, 1 problems found (or a build failed), 2 unusable input
or usage. Every error is one line; no traceback reaches the user.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.errors import ReportgenError

EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2


def _fail(error: ReportgenError, code: int = EXIT_UNUSABLE) -> None:
    click.echo(f"reportgen: {error}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportgen")
def main() -> None:
    """Turn E-Government Survey questionnaire answers into country profiles."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (review flags, unknown date) as errors.")
def check(files: tuple[Path, ...], strict: bool) -> None:
    """Validate responses files; print FILE:LINE: Qnn: message per problem."""
    from reportgen.responses import check_file

    worst = 0
    for path in files:
        try:
            _, problems = check_file(path, strict=strict)
        except ReportgenError as exc:
            click.echo(str(exc), err=True)
            worst = max(worst, EXIT_UNUSABLE)
            continue
        for problem in problems:
            click.echo(str(problem), err=problem.severity == "error")
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        status = "ok" if not errors else "FAILED"
        click.echo(f"{path}: {status} ({errors} errors, {warnings} warnings)")
        if errors:
            worst = max(worst, EXIT_PROBLEMS)
    sys.exit(worst)


@main.command(name="import")
@click.argument("export", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The responses YAML to write, e.g. responses/PRY.yaml.")
@click.option("--country", help="ISO 3166-1 alpha-3 code, if the export's country name is not enough.")
def import_(export: Path, output: Path, country: str | None) -> None:
    """Import a questionnaire form export (Markdown/text) into a responses YAML."""
    from reportgen.importers.forms import import_export

    try:
        result = import_export(export, output, country=country)
    except ReportgenError as exc:
        _fail(exc)
    click.echo(f"{output}: {result.summary()}")
