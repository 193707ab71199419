"""Fuzzing ``check`` -> ``build`` (issue 15): for any answers file, ``check``
either reports problems (FILE:LINE) or the build succeeds; never an internal
error. When its only errors are characters without a glyph, the build
with the annex (which prints every answer) refuses the file too. The fast
run (20 files, HTML and DOCX) is in ``make test``; the 2,000-file run is
marked slow (``pytest -m slow tests/test_fuzz.py``)."""

from __future__ import annotations

import json
import re
import string
import tempfile
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, Phase, event, find, given, settings
from hypothesis import strategies as st

from reportgen import glyphs
from reportgen.build import Task, run_task
from reportgen.config import Config
from reportgen.errors import ReportgenError
from reportgen.paths import TEMPLATES
from reportgen.questionnaire import Kind, load
from reportgen.responses import check_file
from tests.responses_factory import minimal_yaml

CATALOG = load("msq-2024")
LANG = "en"  # the language each clean file is built in
BUILD = Config(languages=(LANG,))  # what check checks the glyphs for
ITEMS = [item for item in CATALOG.items if item.number not in CATALOG.header_items()]

# Text from every Unicode category (controls, format characters such as
# U+202E, lone surrogates), as YAML double-quoted escapes.
texts = st.one_of(st.text(max_size=40), st.text(alphabet=st.characters(codec=None), max_size=40),
                  st.sampled_from(["", " ", "[@src-00000000]", "{{ 7 * 7 }}", "<script>", "\u202eevil", "\x1b[31m",
                                   "a" * 300, "010", "yes", "null", "- item", "# heading"]))
urls = st.one_of(st.sampled_from(["https://www.mitic.gov.py/", "https://a.gov.py/x", "http://[::1]:99999/",
                                  "javascript:alert(1)", "https://a.gov.py/\x01", "ftp://x.org", "https://x"]),
                 st.builds(lambda t: f"https://example.gov.py/{t}", st.text(max_size=20)), texts)
numbers = st.one_of(st.integers(min_value=-10, max_value=10**40), st.floats(allow_nan=True),
                    st.decimals(allow_nan=False, places=None), st.sampled_from(["1e400", "0.1", "12,5"]))
scalars = st.one_of(texts, numbers, st.booleans(), st.none(), st.dates(min_value=date(1, 1, 1)))


def _source() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"url": urls}, optional={"title": texts, "locator": texts})


# Text a writer must render literally, no controls: mostly what English's
# fonts draw (Latin, Greek and Cyrillic letters, combining marks, Markdown and
# HTML punctuation, line and paragraph separators); sometimes any printable
# character (right-to-left letters, Han, emoji), which `check` refuses for an
# English build as the build itself would (no glyph).
NOT_PRINTABLE: Final = ("Cs", "Cc", "Cf", "Co", "Cn")
DRAWN_IN_ENGLISH = [*sorted(c for c in map(chr, glyphs.covered(LANG, TEMPLATES))
                           if unicodedata.category(c) not in NOT_PRINTABLE), "\u2028", "\u2029"]
prose = st.one_of(
    st.text(alphabet=st.sampled_from(DRAWN_IN_ENGLISH), min_size=1, max_size=80),
    st.text(alphabet=st.characters(exclude_categories=NOT_PRINTABLE), min_size=1, max_size=80))
good_sources = st.lists(st.fixed_dictionaries(
    {"url": st.builds(lambda path: f"https://www.example.gov.py/{path}",
                      st.text(alphabet=string.ascii_letters + string.digits + "-_/.?=&%~", max_size=30))},
    optional={"title": prose, "locator": prose}), max_size=3)
good_amount = st.fixed_dictionaries({"amount": st.decimals(min_value=0, max_value=10**15, places=2),
                                     "currency": st.sampled_from(["PYG", "USD", "EUR", "JPY"])})


def _good_answer(item: Any) -> st.SearchStrategy[Any]:
    """An answer `check` should accept (it may still find a reason not to)."""
    options = [option.value for option in item.options]
    if item.kind in (Kind.YES_NO, Kind.YES_NO_OTHER):
        value: st.SearchStrategy[Any] = st.sampled_from(["yes", "no", "planned"])
    elif item.kind == Kind.MULTIPLE_CHOICE and options:
        value = st.lists(st.sampled_from(options), min_size=1, max_size=3, unique=True)
    elif options:
        value = st.sampled_from(options)
    elif item.kind in (Kind.TEXT, Kind.LINKS):
        return st.fixed_dictionaries({}, optional={"text": prose, "summary": prose, "sources": good_sources})
    else:
        value = prose
    return st.fixed_dictionaries({"value": value}, optional={
        "sources": good_sources, "period": st.fixed_dictionaries({"start": st.just(2022), "end": st.just(2030)}),
        "budget": st.fixed_dictionaries({}, optional={"national": good_amount, "dedicated": good_amount,
                                                      "share_percent": st.decimals(0, 100, places=2)})})


def _answer(item: Any) -> st.SearchStrategy[Any]:
    """Mostly good answers, some anything at all (Hypothesis shrinks integers
    toward 0, so the rare branches are the maximum)."""
    good = _good_answer(item)
    return st.integers(0, 7).flatmap(lambda roll: _any_answer(item) if roll == 7 else good)


def _any_answer(item: Any) -> st.SearchStrategy[Any]:
    options = [option.value for option in item.options] or ["yes", "no", "planned", "other"]
    value = st.one_of(st.sampled_from(options), st.lists(st.sampled_from(options), max_size=3), scalars)
    amount = st.fixed_dictionaries({"amount": numbers, "currency": st.sampled_from(["PYG", "USD", "XXX", "pyg"])},
                                   optional={"usd": numbers})
    return st.one_of(st.none(), scalars, st.fixed_dictionaries({}, optional={
        "value": value, "text": texts, "summary": texts, "inferred": texts, "reviewed": st.booleans(),
        "sources": st.lists(_source(), max_size=3),
        "flags": st.fixed_dictionaries({}, optional={"needs_review": texts}),
        "period": st.fixed_dictionaries({"start": numbers, "end": numbers}),
        "budget": st.fixed_dictionaries({}, optional={"national": amount, "dedicated": amount,
                                                      "share_percent": numbers}),
    }))


def _yaml(value: Any, indent: int) -> str:
    """Block YAML whose strings are JSON (= YAML double-quoted) escapes."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return " {}"
        return "".join(f"\n{pad}{_key(k)}:{_yaml(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return " []"
        return "".join(f"\n{pad}-{_yaml(v, indent + 2)}" for v in value)
    if isinstance(value, str):
        return " " + json.dumps(value)
    if value is None:
        return " null"
    if isinstance(value, bool):
        return " true" if value else " false"
    if isinstance(value, (date, Decimal)):
        return f" {value}"
    return f" {value!r}" if isinstance(value, float) else f" {value}"


def _key(key: Any) -> str:
    return json.dumps(key) if isinstance(key, str) else str(key)


@st.composite
def answers_files(draw: st.DrawFn) -> str:
    """A valid file with answers replaced at random, header fields garbled and
    lines cut or duplicated."""
    chosen = draw(st.lists(st.sampled_from(ITEMS), max_size=6, unique_by=lambda item: item.number))
    chosen = [item for item in chosen if item.follow_up_of is None or draw(st.integers(0, 4)) == 4]
    body = "".join(f"  {_key(draw(st.sampled_from([item.number, str(item.number)])))}:"
                   f"{_yaml(draw(_answer(item)), 4)}\n" for item in chosen)
    text = minimal_yaml(body, drop={item.number for item in chosen})
    header = {} if draw(st.integers(0, 5)) < 5 else draw(st.fixed_dictionaries({}, optional={
        "submitted": st.one_of(st.dates(min_value=date(1, 1, 1)), texts),
        "consent": scalars, "country": st.sampled_from(["PRY", "pry", "XXX", "../x", ""]),
        "sources": st.lists(_source(), max_size=3), "nested": st.recursive(scalars, st.lists, max_leaves=30),
    }))
    for key, value in header.items():
        text = _replace_header(text, key, f"{key}:{_yaml(value, 2)}")
    lines = text.split("\n")
    if draw(st.integers(0, 5)) == 5:
        index = draw(st.integers(1, len(lines) - 1))
        lines.insert(index, lines[index]) if draw(st.booleans()) else lines.pop(index)
    return "\n".join(lines)


def _replace_header(text: str, key: str, new: str) -> str:
    start = f"\n{key}:"
    if start not in text:
        return text.replace("\nanswers:", f"\n{new}\nanswers:", 1)
    head, rest = text.split(start, 1)
    following = rest.split("\n")
    index = 1
    while index < len(following) and following[index].startswith(" "):
        index += 1
    return head + "\n" + new + "\n" + "\n".join(following[index:])


def check_then_build(text: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "PRY.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            _, problems = check_file(path, build=BUILD)
        except ReportgenError as exc:
            assert str(exc).startswith(f"{path}:"), str(exc)  # FILE:LINE
            event("unusable input")
            return
        errors = [problem for problem in problems if problem.severity == "error"]
        if errors and not all("no glyph" in problem.message for problem in errors):
            event("refused by check")
            return
        options = Config(out=Path(scratch) / "out", languages=(LANG,), formats=("html", "docx"),
                         internal=True)
        if errors:  # only characters without a glyph: the build refuses them too, in the edition that
            # prints every answer (check covers them all: an author may build the annex)
            event("refused by check for glyphs")
            annexed = options.model_copy(update={"annex": True})
            result = run_task(Task("PRY", path, LANG, options.formats, "fuzz"), annexed)
            assert result.error is not None and "no glyph" in result.error, \
                f"check found no glyph for {errors[0]} but the build with the annex succeeded\n{text}"
            return
        result = run_task(Task("PRY", path, LANG, options.formats, "fuzz"), options)
        event("clean: built")
        assert result.error is None, f"check was clean but the build failed: {result.error}\n{text}"


FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                derandomize=True, database=None)


@settings(FUZZ, max_examples=20)  # the slow twin below runs 2,000
@given(answers_files())
def test_a_clean_check_means_a_successful_build(text: str) -> None:
    check_then_build(text)


@pytest.mark.slow
@settings(FUZZ, max_examples=2000)
@given(answers_files())
def test_a_clean_check_means_a_successful_build_2000_files(text: str) -> None:
    check_then_build(text)


def _is_clean(text: str) -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "PRY.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            _, problems = check_file(path, build=BUILD)
        except ReportgenError:
            return False
        return not any(problem.severity == "error" for problem in problems)


def test_the_generator_reaches_files_that_pass_check_with_answers() -> None:
    """The fuzz run is only worth something if generated files with answers
    pass check and are built (hypothesis.find fails if it finds none)."""
    def answered_and_clean(text: str) -> bool:
        return bool(re.search(r"\n    \"?(text|value|sources|summary)\"?:", text)) and _is_clean(text)

    # The first such file is proof enough: no shrinking it to the smallest one
    # (which cost more than the search itself).
    found = find(answers_files(), answered_and_clean, settings=settings(
        max_examples=500, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow],
        phases=[Phase.generate]))
    assert answered_and_clean(found)
