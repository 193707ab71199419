"""The importer of Microsoft-Forms-style "View results" exports (``--format forms``).

The export is the Markdown a person gets by copying one response out of a
form's "View results" page. It is lossy in ways the importer works around:
options are listed but not marked, headings can be out of order, repeated,
or missing, an export can stop half-way, links come as ``<url>``,
``[text](url)`` with Markdown escapes, or broken over two lines, and page
references ("Pages 32, 95") follow the link they refer to.

Three jobs, three modules:

* reader.py: lines -> item blocks, form text and options (the form's layout);
* content.py: an answer's lines -> prose and sources (markdown-it tokens);
* decide.py: values (marked or inferred), statuses, flags and the counts;

and two shared with every importer: base.py (the ``Importer`` protocol, the
validation into ``Responses``, the registry) and writer.py (the YAML).
"""

from __future__ import annotations

from pathlib import Path

import yaml  # noqa: F401  (tests make yaml.dump fail through this module to check atomic writing)

from reportgen import questionnaire as catalogs
from reportgen.errors import InputError
from reportgen.importers.base import Imported, register, validated_responses
from reportgen.importers.country import checked_country_code, country_problem
from reportgen.importers.forms.decide import COUNTRY_ITEM, ImportResult, parse_export
from reportgen.importers.text import ranges
from reportgen.importers.writer import refuse_existing, write_responses
from reportgen.questionnaire import Questionnaire
from reportgen.responses import Responses
from reportgen.yamlsource import read_text

__all__ = ["FormsImporter", "ImportResult", "import_export", "parse_export", "read_export"]

QUESTIONNAIRE_ID = "msq-2024"


class FormsImporter:
    """``reportgen import --format forms``: a form's "View results" export."""

    name = "forms"
    description = "a form's \"View results\" export copied as Markdown or text"

    def read(self, path: Path, questionnaire: Questionnaire, *, country: str | None = None,
             partial: bool = False) -> Imported:
        result = read_questionnaire_export(path, questionnaire, country, partial)
        return Imported(validate(result, path), result.summary(), result.warnings)


def validate(result: ImportResult, path: Path) -> Responses:
    """The result's document as validated ``Responses`` (one-line InputError otherwise)."""
    return validated_responses(result.data, path, result.item_lines)


def read_questionnaire_export(export_path: Path, questionnaire: Questionnaire, country: str | None = None,
                              partial: bool = False) -> ImportResult:
    """Read and convert an export (no writing): the checks ``import`` and
    ``import --merge`` share. ``country`` (ISO 3166-1 alpha-3) overrides the
    code derived from Q1; a truncated export is refused without ``partial``."""
    if country is not None:
        country = checked_country_code(country)
    text = read_text(export_path)
    result = parse_export(text, questionnaire, str(export_path))
    if country is not None:
        result.set_country(country)
    elif result.data.get("country") is None:
        line = result.item_lines.get(COUNTRY_ITEM, 1)
        raise InputError(export_path, line, f"{country_problem(result.country_name)}: give the "
                         "ISO 3166-1 alpha-3 code with --country")
    if result.truncated_after is not None and not partial:
        raise InputError(export_path, result.last_line, f"the export ends after Q{result.truncated_after} "
                         f"({ranges(result.missing)} not found): it looks truncated; --partial imports it "
                         "with the missing items flagged")
    return result


def read_export(export_path: Path, country: str | None = None, partial: bool = False,
                questionnaire_id: str = QUESTIONNAIRE_ID) -> ImportResult:
    """``read_questionnaire_export`` with the questionnaire given by its id."""
    return read_questionnaire_export(export_path, catalogs.load(questionnaire_id), country, partial)


def import_export(export_path: Path, output_path: Path, country: str | None = None, force: bool = False,
                  partial: bool = False, questionnaire_id: str = QUESTIONNAIRE_ID) -> ImportResult:
    """Read an export, validate it and write the responses YAML atomically.

    An existing ``output_path`` is never overwritten without ``force`` (use
    ``reportgen import --merge`` to take a new export into a reviewed file).
    """
    refuse_existing(output_path, force)
    result = read_export(export_path, country, partial, questionnaire_id)
    write_responses(validate(result, export_path), output_path, export_path, force=True)
    return result


register(FormsImporter())
