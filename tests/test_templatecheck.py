"""Every template fault an author makes is reported at its line, in one line,
in the author's terms, by `check --templates` and by the build (issue 12)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen import build as builder
from reportgen.config import Config
from reportgen.templatecheck import check_templates
from reportgen.writers import TEMPLATES

ROOT = Path(__file__).resolve().parents[1]
D = "D-strategy.md.j2"
C = "C-legal.md.j2"


def _line(name: str, text: str) -> int:
    """The 1-based line of ``text`` in a shipped template (so the table survives edits)."""
    lines = (TEMPLATES / "sections" / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


TABLE_ATTRS = _line(C, 'widths="5 2 9"')
STRATEGY_IF = _line(D, "{% if strategy.no %}")
SET_BUDGET = _line(D, '{% set budget_yes, budget = p.q("digital_government_budget")')


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(line: str) -> str:
        assert old in line
        return line.replace(old, new)
    return edit


# (template, line, edit of that line, the one problem expected at that line)
FAULTS = [
    (D, STRATEGY_IF, replace("strategy.no %}", "strategy.no %}{{ 'x' ~ }}"),
     "template syntax: unexpected 'end of print statement'"),
    (D, STRATEGY_IF, replace("strategy.no", "strategy.noo"),
     "p.q(\"national_strategy\") has no attribute 'noo' (did you mean 'no'?)"),
    (D, STRATEGY_IF, replace("strategy.no", "strategy_x.no"),
     "'strategy_x' is undefined (templates see p, labels and the names they set or import)"),
    (D, SET_BUDGET, replace('p.q("digital_government_budget")', 'p.q("digital_goverment_budget")'),
     "template asks for item 'digital_goverment_budget', which msq-2024 does not have; "
     "did you mean 'digital_government_budget' or 'digital_government_budget_details' or "
     "'digital_services_target'?"),
    (C, TABLE_ATTRS, replace('widths="5 2 9"}', 'widths="5 2 9"'),
     "unterminated attribute block '{caption=\"{{ caption }}\" widths=\"5 2 9\"': "
     "it must end with '}' on the same line"),
    (C, TABLE_ATTRS, replace("{caption", "{.leda caption"),
     "unknown role '.leda' (did you mean '.lead'?)"),
    (C, TABLE_ATTRS, replace('widths="5 2 9"', 'widths="5 2 9" colour="red"'),
     "unknown attribute 'colour' (known: alt, caption, src, widths)"),
    (C, TABLE_ATTRS, replace('widths="5 2 9"', 'widths="4 2"'),
     'widths="4 2" gives 2 widths for a table of 3 columns'),
    (C, TABLE_ATTRS, replace('widths="5 2 9"', 'widths="two five"'),
     'widths="two five": give one positive number per column, e.g. widths="2 5"'),
    (C, TABLE_ATTRS, lambda line: '{.figure src="html/chart.png" alt="A chart"}',
     "figure 'html/chart.png' not found in templates/"),
]


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "templates"


def _edit(templates: Path, name: str, line: int, edit: Callable[[str], str]) -> None:
    path = templates / "sections" / name
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = edit(lines[line - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


def test_shipped_templates_are_clean() -> None:
    assert check_templates(TEMPLATES) == []


@pytest.mark.parametrize(("name", "line", "edit", "message"), FAULTS, ids=[f[3][:30] for f in FAULTS])
def test_each_fault_at_its_line(templates: Path, name: str, line: int, edit: Callable[[str], str],
                                message: str) -> None:
    _edit(templates, name, line, edit)
    problems = [str(p) for p in check_templates(templates)]
    assert problems == [f"templates/sections/{name}:{line}: {message}"]


def test_all_faults_at_once(templates: Path) -> None:
    """Faults in several templates and lines are listed together."""
    _edit(templates, C, TABLE_ATTRS, replace("{caption", "{.leda caption"))
    heading = _line("A-institutional.md.j2", "# A. ")
    _edit(templates, "A-institutional.md.j2", heading, lambda line: line + "{% endif %}")
    problems = [str(p) for p in check_templates(templates)]
    assert len(problems) == 2
    assert problems[0].startswith(f"templates/sections/A-institutional.md.j2:{heading}: template syntax:")
    assert problems[1].startswith(f"templates/sections/{C}:{TABLE_ATTRS}: unknown role")


def test_build_fails_with_the_line_not_an_internal_error(templates: Path, tmp_path: Path) -> None:
    _edit(templates, D, STRATEGY_IF, replace("strategy.no", "strategy.noo"))
    options = Config(languages=("en",), formats=("html",), out=tmp_path / "out", templates=templates)
    summary = builder.build([ROOT / "responses" / "PRY.yaml"], options)
    assert not summary.ok
    assert summary.failed[0].error == (f"templates/sections/{D}:{STRATEGY_IF}: "
                                       "p.q(\"national_strategy\") has no attribute 'noo' (did you mean 'no'?)")


def test_docs_reference_is_generated_from_the_code() -> None:
    """docs/templates.md ends with the reference as the code gives it today."""
    from reportgen import templatedoc

    text = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    assert templatedoc.MARKER in text, "run `reportgen dev template-docs`"
    assert text.split(templatedoc.MARKER, 1)[1] == templatedoc.reference().split(templatedoc.MARKER, 1)[1], \
        "docs/templates.md is out of date: run `reportgen dev template-docs`"


def test_docs_examples_render(templates: Path) -> None:
    """The examples block of docs/templates.md is a valid template."""
    text = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    example = text.split("```jinja\n", 1)[1].split("```", 1)[0]
    (templates / "sections" / "G-partnerships.md.j2").write_text(example, encoding="utf-8")
    assert check_templates(templates) == []


def test_a_template_is_checked_again_only_when_its_text_changes(tmp_path: Path, monkeypatch) -> None:
    """The static check is remembered by a file's content (it ran for every
    document, and cost as much as compiling); an edit is checked again. The
    check compiles each template once, for rendering too."""
    import jinja2

    from reportgen.environment import make_environment
    from reportgen.i18n import Locale
    from reportgen.templatecheck import static_problems

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    for template in (templates / "sections").glob("*.j2"):  # text no cache has seen (it is found by text)
        template.write_text(template.read_text(encoding="utf-8") + f"{{# {tmp_path} #}}", encoding="utf-8")
    parsed: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        parsed.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    env = make_environment(templates, Locale("en"))
    assert static_problems(env, templates) == []
    first = len(parsed)
    assert first > 0
    assert static_problems(make_environment(templates, Locale("es")), templates) == []
    assert len(parsed) == first
    edited = templates / "sections" / D
    edited.write_text(edited.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    problems = static_problems(env, templates)
    assert parsed[first:] == [D]
    assert [p.line for p in problems] == [len(edited.read_text(encoding="utf-8").splitlines())]
