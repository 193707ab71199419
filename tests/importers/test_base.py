"""The importer protocol: a registered importer is what ``reportgen import
--format`` runs; what it returns is validated ``Responses``; a result that
fails validation is one line naming the file, the line and the item."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reportgen import questionnaire
from reportgen.cli import cli
from reportgen.errors import InputError
from reportgen.importers import base
from reportgen.importers.base import Imported, Importer, validated_responses
from reportgen.importers.forms import FormsImporter, parse_export
from reportgen.importers.writer import document
from reportgen.questionnaire import Questionnaire
from reportgen.responses import Responses, check_file

SEED = Path(__file__).parent.parent / "fixtures" / "msq-2024-paraguay-forms-export.md"


class TabImporter:
    """A tiny importer of ``item<TAB>text`` lines, for these tests only."""

    name = "tab"
    description = "item number, a tab, the answer's text"

    def read(self, path: Path, questionnaire: Questionnaire, *, country: str | None = None,
             partial: bool = False) -> Imported:
        answers: dict[int, dict[str, object]] = {}
        lines: dict[int, int] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            item, _, text = line.partition("\t")
            if item == "period":  # "period<TAB>60<TAB>1850-1860": a year the model refuses
                item, _, span = text.partition("\t")
                start, end = (int(y) for y in span.split("-"))
                answers[int(item)] = {"value": "other", "period": {"start": start, "end": end}}
            else:
                answers[int(item)] = {"text": text}
            lines[int(item)] = number
        data = {"country": country or "URY", "questionnaire": questionnaire.id, "answers": answers}
        return Imported(validated_responses(data, path, lines), f"{len(answers)} answers")


@pytest.fixture
def tab_format() -> Iterator[None]:
    base.register(TabImporter())
    yield
    base.unregister("tab")


def test_importers_satisfy_the_protocol() -> None:
    assert isinstance(FormsImporter(), Importer)
    assert isinstance(TabImporter(), Importer)
    assert base.get_importer("forms").name == "forms"


def test_a_registered_importer_runs_through_the_cli(tmp_path: Path, tab_format: None) -> None:
    export = tmp_path / "answers.tsv"
    export.write_text("20\tThe portal is run by MITIC.\n", encoding="utf-8")
    output = tmp_path / "URY.yaml"
    run = CliRunner().invoke(cli, ["import", "--format", "tab", str(export), "-o", str(output)])
    assert run.exit_code == 0, run.output
    assert run.output == f"{output}: 1 answers\n"
    written = output.read_text(encoding="utf-8")
    assert written.startswith("# Imported from answers.tsv by `reportgen import`")
    assert yaml.safe_load(written) == {"country": "URY", "questionnaire": "msq-2024",
                                       "answers": {20: {"text": "The portal is run by MITIC."}}}
    responses, _ = check_file(output)  # what `reportgen check` reads: None when the schema fails
    assert responses is not None and responses.answers[20] is not None
    assert responses.answers[20].text == "The portal is run by MITIC."


def test_an_unknown_format_is_one_line(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["import", "--format", "xlsx", str(SEED), "-o", str(tmp_path / "x.yaml")])
    assert run.exit_code == 2
    assert run.output == "reportgen: unknown import format 'xlsx' (known: forms)\n"
    assert not (tmp_path / "x.yaml").exists()


def test_an_invalid_result_is_one_line_naming_file_line_and_item(tmp_path: Path, tab_format: None) -> None:
    export = tmp_path / "answers.tsv"
    export.write_text("20\tFine.\nperiod\t60\t1850-1860\n", encoding="utf-8")
    output = tmp_path / "URY.yaml"
    run = CliRunner().invoke(cli, ["import", "--format", "tab", str(export), "-o", str(output)])
    assert run.exit_code == 2
    assert run.output == (f"reportgen: {export}:2: Q60: the import is not valid responses: period.start: "
                          "Input should be greater than or equal to 1900\n")
    assert "Traceback" not in run.output and not output.exists()


def test_validation_error_outside_answers_names_line_one() -> None:
    with pytest.raises(InputError) as error:
        validated_responses({"questionnaire": "msq-2024"}, "x.md")
    assert str(error.value) == "x.md:1: the import is not valid responses: country: Field required"


def test_the_model_keeps_every_key_and_order_of_the_paraguay_import() -> None:
    """What is written comes from the validated model: it must be the
    document the importer decided, key for key and in the same order."""
    result = parse_export(SEED.read_text(encoding="utf-8"), questionnaire.load("msq-2024"), SEED.name)
    responses = validated_responses(result.data, SEED, result.item_lines)
    assert isinstance(responses, Responses)
    written = document(responses)
    assert written == result.data
    assert [list(a or {}) for a in written["answers"].values()] == \
        [list(a or {}) for a in result.data["answers"].values()]
    assert list(written) == list(result.data)
