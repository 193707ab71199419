"""Validation of responses files: one test per rule, with its message and line."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from reportgen.errors import InputError, ProblemsError
from reportgen.responses import check_file, load_responses

# A small valid file: every required item of msq-2024 is present (most left
# empty with `null`, as a country that skipped them would be recorded).
from tests.responses_factory import minimal_yaml


def write(tmp_path: Path, text: str, name: str = "PRY.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str, strict: bool = False, name: str = "PRY.yaml") -> list[str]:
    _, problems = check_file(write(tmp_path, text, name), strict=strict)
    return [str(p) for p in problems]


def line_of(text: str, needle: str) -> int:
    """The line that is ``needle`` (stripped), else the first that contains it."""
    lines = list(enumerate(text.splitlines(), start=1))
    exact = [i for i, line in lines if line.strip() == needle]
    return exact[0] if exact else next(i for i, line in lines if needle in line)


def test_minimal_file_is_clean_but_for_the_unknown_date(tmp_path: Path) -> None:
    found = problems_of(tmp_path, minimal_yaml())
    assert found == [f"{tmp_path / 'PRY.yaml'}:3: warning: submission date unknown"]


def test_paraguay_checks_clean() -> None:
    responses, problems = load_responses(Path("responses/PRY.yaml"))
    assert [p.message for p in problems] == ["submission date unknown"]
    assert responses.country == "PRY"
    assert responses.answer(62).budget.dedicated.amount == 326688810687
    assert responses.answer(60).period.start == 2022


@pytest.mark.parametrize(
    ("answers", "needle", "message"),
    [
        ("  500:\n    text: x\n", "500:", "Q500: unknown item (the msq-2024 questionnaire has items 1-126)"),
        ("  14:\n    value: maybe\n", "value: maybe", "Q14: 'maybe' is not a valid yes_no value (yes, no, planned)"),
        ("  60:\n    value: [five_year, ten_year]\n", "value: [five", "Q60: a single_choice item takes one value"),
        ("  7:\n    value: 'yes'\n", "value: 'yes'", "Q7: a links item has no value"),
        ("  7:\n    sources:\n      - url: ftp://example.org/x\n", "ftp://", "Q7: not an absolute http(s) address"),
        ("  7:\n    sources:\n      - url: 'https://exa mple.org'\n", "exa mple", "Q7: not an absolute http(s)"),
        ("  37:\n    value: 'no'\n  38:\n    text: The law.\n", "38:", "Q38: details given but Q37 is answered No"),
        ("  40:\n    text: A law.\n", "40:", "Q40: follow-up answered without its question Q39"),
        ("  14:\n    value: 'yes'\n    flags:\n      needs_review: check it\n", "flags:",
         "Q14: warning: National CIO: needs review: check it"),
        ("  14:\n    value: 'yes'\n    inferred: The CIO is named below.\n", "inferred:",
         "Q14: warning: National CIO: 'yes' was inferred from \"The CIO is named below.\"; confirm it with "
         "`reviewed: true`"),
        ("  14:\n    inferred: The CIO is named below.\n", "inferred:",
         "Q14: National CIO: `inferred` explains a value, but there is none"),
        ("  14:\n    value: 'yes'\n    flags:\n      inferred: true\n", "inferred: true",
         "Q14: unknown key 'inferred'"),
        ("  20:\n    text: " + "A long answer. " * 30 + "\n", "text:",
         "Q20: warning: Sectoral/local CIOs: details: 449 characters of text without a `summary`"),
        ("  7:\n    sources:\n      - url: https://example.org/a\n", "example.org/a",
         "Q7: warning: source without a title: https://example.org/a"),
        ("  7:\n    sources:\n      - url: https://example.org/a\n        title: TODO\n", "example.org/a",
         "Q7: warning: source with a placeholder title 'TODO'"),
        ("  7:\n    sources:\n      - url: https://example.org/a\n        title: example.org\n", "example.org/a",
         "Q7: warning: source with a placeholder title 'example.org'"),
        ("  62:\n    budget:\n      dedicated: {amount: 1, currency: XYZ}\n", "currency: XYZ",
         "unknown ISO 4217 currency code 'XYZ'"),
        ("  60:\n    value: other\n    period: {start: 2030, end: 2022}\n", "period:", "Q60: period ends before"),
        ("  2:\n    value: Someone\n", "2:", "Q2: this item belongs in the file header"),
        ("  14:\n    colour: blue\n", "colour", "Q14: unknown key 'colour'"),
    ],
)
def test_each_rule_gives_its_message_at_its_line(tmp_path: Path, answers: str, needle: str, message: str) -> None:
    text = minimal_yaml(extra_answers=answers, drop=_items_in(answers))
    found = problems_of(tmp_path, text)
    line = line_of(text, needle)
    expected_prefix = f"{tmp_path / 'PRY.yaml'}:{line}: "
    assert any(p.startswith(expected_prefix) and message in p for p in found), (expected_prefix, message, found)


def _items_in(answers: str) -> set[int]:
    return {int(line.strip().rstrip(":")) for line in answers.splitlines()
            if line.startswith("  ") and not line.startswith("   ") and line.strip().rstrip(":").isdigit()}


def test_missing_required_answer(tmp_path: Path) -> None:
    text = minimal_yaml(drop={7})
    assert any(": Q7: missing required answer (National portal" in p for p in problems_of(tmp_path, text))


def test_duplicate_key_names_its_line(tmp_path: Path) -> None:
    text = minimal_yaml(extra_answers="  14:\n    value: 'yes'\n  14:\n    value: 'no'\n", drop={14})
    second = [i for i, line in enumerate(text.splitlines(), start=1) if line == "  14:"][1]
    assert f"{tmp_path / 'PRY.yaml'}:{second}: Q14: duplicate key 14" in problems_of(tmp_path, text)


def test_unknown_country_code(tmp_path: Path) -> None:
    text = minimal_yaml().replace("country: PRY", "country: XXY")
    assert f"{tmp_path / 'PRY.yaml'}:1: unknown country code 'XXY' (expected ISO 3166-1 alpha-3, e.g. PRY)" \
        in problems_of(tmp_path, text)


def test_country_must_match_file_name(tmp_path: Path) -> None:
    found = problems_of(tmp_path, minimal_yaml(), name="ARG.yaml")
    assert any(": country PRY does not match the file name ARG.yaml (name it PRY.yaml)" in p
               and "warning" not in p for p in found)


def test_strict_turns_review_flags_into_errors(tmp_path: Path) -> None:
    text = minimal_yaml(extra_answers="  14:\n    value: 'yes'\n    inferred: See Q15.\n", drop={14})
    path = write(tmp_path, text)
    _, problems = check_file(path, strict=True)
    assert {p.severity for p in problems} == {"error"}
    assert any(p.item == 14 and "was inferred" in p.message for p in problems)
    with pytest.raises(ProblemsError) as raised:
        load_responses(path, strict=True)
    lines = str(raised.value).splitlines()
    assert len(lines) == len(problems) >= 2
    assert any(line.endswith("submission date unknown") for line in lines)
    confirmed = text.replace("inferred: See Q15.", "inferred: See Q15.\n    reviewed: true")
    _, problems = check_file(write(tmp_path, confirmed), strict=True)
    assert not any("was inferred" in p.message for p in problems)


def test_yes_no_words_are_read_as_words(tmp_path: Path) -> None:
    text = minimal_yaml(extra_answers="  14:\n    value: yes\n", drop={14})
    responses, _ = check_file(write(tmp_path, text))
    assert responses is not None and responses.answer(14).value == "yes"
    assert responses.consent == "yes"


# --- unusable input: one line, exit 2 in the CLI, never a traceback -------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "1: file is empty"),
        (b"   \n\n", "1: file is empty"),
        (b"country: PRY\nanswers:\n  7: [unclosed\n", "YAML syntax error"),
        (b"- a\n- b\n", "1: expected a mapping of keys (country, answers, ...), found a list"),
        (b"just text\n", "found text"),
        (b"country: PRY\nname: Caf\xe9\n", "2: not valid UTF-8 (byte 0xe9)"),
        (b"a: &x [1]\nb: *x\n", "1: YAML syntax error: YAML anchors are not allowed"),
    ],
)
def test_unusable_input_is_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "PRY.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        check_file(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:")
    assert "\n" not in str(caught.value)


def test_alias_bomb_is_refused_quickly_in_bounded_memory(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputError, match="not allowed"):
        check_file(path)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2 and peak < 20 * 1024 * 1024


def test_fifty_megabyte_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "PRY.yaml"
    with path.open("wb") as handle:
        handle.write(b"country: PRY\nnotes: '" + b"x" * (50 * 1024 * 1024) + b"'\n")
    with pytest.raises(InputError, match="file is too large"):
        check_file(path)


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read file"):
        check_file(tmp_path / "nope.yaml")

