"""Template problems at their line, in the author's terms.

Two passes, both reported as ``FILE:LINE: message``:

- a static pass over the template sources (cheap, run before every build):
  Jinja syntax, and the Markdown block attributes (``{.role key="value"}``
  lines): unterminated blocks, unknown roles and keys, widths that are not
  numbers or do not match the table below, figures missing from templates/;
- a rendering pass (``reportgen check --templates``, and every build as it
  renders): undefined names, unknown attributes of the view API with the
  nearest valid name, unknown items. The line comes from the traceback Jinja
  rewrites to point into the template.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from reportgen.errors import Problem

# Block attributes a template may write on the line before a block (markup.py reads them).
BLOCK_ROLES = {
    "title": "a title paragraph (cover)",
    "subtitle": "a subtitle paragraph (cover)",
    "lead": "an opening paragraph set larger",
    "status": "the draft/final status line (cover)",
    "note": "a note in smaller type",
    "watermark": "the 'Not for publication' mark",
    "publisher": "the publishing organisation (cover)",
    "imprint": "a line of the imprint page (publisher, edition, dates, how to cite)",
    "contents": "the table of contents (its text is the heading)",
    "sources-list": "the numbered list of sources",
    "further-sources-list": "the list of sources not cited in the text",
    "figure": 'an image from templates/ (with src="..." alt="..."), or a chart made with p.chart(); '
              'the paragraph is its caption',
}
BLOCK_KEYS = {
    "caption": "a table's caption (plain words and commas)",
    "widths": 'relative column widths of a table, one number per column: widths="2 5"',
    "src": "a figure's file, relative to templates/",
    "alt": "a figure's text alternative",
}
_ATTR_LINE = re.compile(r"^\s*\{(?![{%#])")
_JINJA_EXPR = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_ATTR_TOKEN = re.compile(
    r'\s*(?:\.(?P<role>[\w-]+)|#(?P<id>[\w-]+)|(?P<key>[\w-]+)=(?:"(?P<q>[^"]*)"|(?P<v>[^\s"}]+)))')


@dataclass(frozen=True)
class TemplateFile:
    """A template's display name (as the author sees the path) and its source."""

    name: str
    display: str
    source: str


def display_path(templates: Path, name: str) -> str:
    """``templates/sections/NAME`` relative to the working folder when possible."""
    path = templates / "sections" / name
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def template_files(templates: Path) -> list[TemplateFile]:
    folder = templates / "sections"
    return [TemplateFile(p.name, display_path(templates, p.name), p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.j2"))]


# --- static pass ------------------------------------------------------------------


def static_problems(env: jinja2.Environment, templates: Path) -> list[Problem]:
    """Syntax and block-attribute problems of every template, all at once.

    ``env`` is reportgen's template environment (environment.make_environment),
    whose syntax is the same for every language, so a file's problems are
    remembered by its content for the life of the process: parsing every
    template again for every document cost as much as compiling them."""
    problems: list[Problem] = []
    for file in template_files(templates):
        problems.extend(_file_problems(env, file, templates))
    return problems


_CHECKED: dict[tuple[TemplateFile, Path], tuple[Problem, ...]] = {}


def _file_problems(env: jinja2.Environment, file: TemplateFile, templates: Path) -> tuple[Problem, ...]:
    key = (file, templates)
    if key not in _CHECKED:
        problems: list[Problem] = []
        try:
            # Compiled, not only parsed: the syntax is checked once, and the
            # code goes into the environment's cache for rendering.
            env.get_template(file.name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(file.display, exc.lineno or 1, _syntax_message(exc)))
        problems.extend(attribute_problems(file, templates))
        _CHECKED[key] = tuple(problems)
    return _CHECKED[key]


def _syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    # Jinja adds "(line N)"/"at position N" in some messages; the line is already in front.
    message = re.sub(r"\s*\((?:line \d+|at position \d+)\)", "", exc.message or "syntax error")
    return "template syntax: " + " ".join(message.split())


def attribute_problems(file: TemplateFile, templates: Path) -> list[Problem]:
    lines = file.source.splitlines()
    problems: list[Problem] = []
    for index, line in enumerate(lines):
        if not _ATTR_LINE.match(line):
            continue
        for message in _attribute_messages(line, lines[index + 1:], templates):
            problems.append(Problem(file.display, index + 1, message))
    return problems


def _attribute_messages(line: str, following: list[str], templates: Path) -> list[str]:
    text = _JINJA_EXPR.sub("X", line.strip())
    if not text.endswith("}"):
        return [f"unterminated attribute block {line.strip()[:40]!r}: it must end with '}}' on the same line"]
    body = text[1:-1]
    roles: list[str] = []
    keys: dict[str, str] = {}
    pos = 0
    while pos < len(body):
        match = _ATTR_TOKEN.match(body, pos)
        if match is None or match.end() == pos:
            rest = body[pos:].strip()
            if not rest:
                break
            return [f"cannot read the attribute block at {rest[:30]!r}: write .role or key=\"value\""]
        if match["role"]:
            roles.append(match["role"])
        elif match["key"]:
            keys[match["key"]] = match["q"] if match["q"] is not None else match["v"]
        pos = match.end()
    messages = [_unknown("role", "." + role, ["." + r for r in BLOCK_ROLES]) for role in roles
                if role not in BLOCK_ROLES]
    messages += [_unknown("attribute", key, list(BLOCK_KEYS)) for key in keys if key not in BLOCK_KEYS]
    if "widths" in keys:
        messages += _widths_messages(keys["widths"], following)
    if "figure" in roles:
        messages += _figure_messages(keys, line, templates)
    return messages


def _unknown(kind: str, name: str, known: list[str]) -> str:
    return f"unknown {kind} {name!r}" + nearest(name, known)


def nearest(name: str, known: list[str]) -> str:
    """' (did you mean 'x'?)' for the closest known name, else the list of names."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (known: {', '.join(sorted(known))})" if len(known) <= 12 else ""


def _widths_messages(widths: str, following: list[str]) -> list[str]:
    if widths == "X":
        return []  # computed by the template: markup.py checks it at build time
    parts = widths.split()
    try:
        values = [float(part) for part in parts]
    except ValueError:
        return [f'widths="{widths}": give one positive number per column, e.g. widths="2 5"']
    if not values or any(v <= 0 for v in values):
        return [f'widths="{widths}": give one positive number per column, e.g. widths="2 5"']
    columns = table_columns(following)
    if columns is None:
        return [f'widths="{widths}": no table follows this attribute block']
    if columns != len(values):
        return [f'widths="{widths}" gives {len(values)} widths for a table of {columns} columns']
    return []


def table_columns(following: list[str]) -> int | None:
    """The column count of the table right below (from its delimiter row)."""
    for line in following[:3]:
        stripped = line.strip()
        if re.fullmatch(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?", stripped):
            return len([cell for cell in stripped.strip("|").split("|")])
    return None


def _figure_messages(keys: dict[str, str], line: str, templates: Path) -> list[str]:
    src = keys.get("src")
    messages = []
    if not src:
        messages.append('a figure needs src="file in templates/"')
    elif "{{" not in line:
        root = templates.resolve()
        path = (root / src).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            messages.append(f"figure {src!r} not found in templates/")
    if not keys.get("alt"):
        messages.append('a figure needs alt="a text alternative"')
    return messages


# --- rendering pass -----------------------------------------------------------------


def template_line(tb: TracebackType | None, templates: Path) -> tuple[str, int] | None:
    """The innermost template frame of a traceback Jinja rewrote: (name, line)."""
    folder = (templates / "sections").resolve()
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            path = Path(filename)
            if path.resolve().parent == folder:
                found = (path.name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def located(exc: BaseException, templates: Path, fallback: str, message: str) -> Problem:
    """A rendering error as a Problem at its template line (line 1 of ``fallback`` if unknown)."""
    where = template_line(exc.__traceback__, templates)
    name, line = where if where else (fallback, 1)
    return Problem(display_path(templates, name), line, message)


def view_name(obj: Any) -> str:
    """What an author calls a view object."""
    kind = type(obj).__name__
    if kind == "AnswerView":
        return f'p.q("{obj.key}")' if getattr(obj, "key", None) else f"p.q({obj.number})"
    if kind == "ProfileView":
        return "p"
    if kind == "SourceView":
        return "a source"
    if kind == "MostCited":
        return "p.most_cited(...)"
    if isinstance(obj, dict):
        return "this mapping"
    return f"a {kind.lower()} value" if kind in ("str", "int", "list", "tuple", "bool") else kind


def public_names(obj: Any) -> list[str]:
    return sorted(name for name in dir(obj) if not name.startswith("_"))


class AuthorUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose message names what the author wrote, with the
    nearest valid attribute of the view API."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name = self._undefined_name
        if self._undefined_obj is jinja2.utils.missing:
            return f"{name!r} is undefined (templates see p, labels and the names they set or import)"
        obj = self._undefined_obj
        if isinstance(obj, dict):
            return f"{view_name(obj)} has no key {name!r}" + nearest(str(name), [str(k) for k in obj])
        known = public_names(obj)
        return f"{view_name(obj)} has no attribute {name!r}" + nearest(str(name), known)


# --- both passes -------------------------------------------------------------------------


def check_templates(templates: Path, responses: list[Path] | None = None,
                    languages: tuple[str, ...] = ("en",)) -> list[Problem]:
    """Every template problem: the static pass, then a rendering of each part
    for each responses file (a synthetic country answering everything when
    none is given) in each language. One problem per part and language at
    most from rendering (a template stops at its first runtime error)."""
    from reportgen.config import Config
    from reportgen.environment import make_environment
    from reportgen.errors import TemplateError
    from reportgen.i18n import Locale
    from reportgen.narrative import build_document

    problems = static_problems(make_environment(templates, Locale("en")), templates)
    if problems:
        return problems
    seen: set[str] = set()
    for answers in _sample_responses(responses):
        for lang in languages:
            options = Config(templates=templates, annex=True, internal=True)
            try:
                build_document(answers, _questionnaire(answers), Locale(lang, country=answers.country), options)
            except TemplateError as exc:
                found = exc.problems or [Problem(display_path(templates, "profile.yaml"), 1, str(exc))]
                for problem in found:
                    if str(problem) not in seen:
                        seen.add(str(problem))
                        problems.append(problem)
    return problems


def _questionnaire(answers: Any) -> Any:
    from reportgen import questionnaire

    return questionnaire.load(answers.questionnaire)


def _sample_responses(paths: list[Path] | None) -> list[Any]:
    from reportgen import questionnaire
    from reportgen.responses import Responses, load_responses
    from reportgen.synth import synthesize

    if paths:
        return [load_responses(path)[0] for path in paths]
    catalog = questionnaire.load(questionnaire.available()[-1])
    return [Responses.model_validate(synthesize("PRY", catalog))]
