"""Input that used to pass `check` and then crash the build (issue 15): each
is now a FILE:LINE problem from `check`, so a clean check means a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.limits import Limits
from reportgen.responses import check_file
from tests.responses_factory import minimal_yaml


def with_answer(number: int, body: str) -> str:
    """A valid file whose item ``number`` is ``body`` (indented under it)."""
    return minimal_yaml(f"  {number}:\n" + "".join(f"    {line}\n" for line in body.splitlines()), drop={number})


def errors_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "PRY.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = check_file(path)
    return [str(p) for p in problems if p.severity == "error"]


def test_the_base_file_is_clean(tmp_path: Path) -> None:
    assert errors_of(tmp_path, with_answer(13, "text: The ministry.")) == []


def test_a_url_with_a_control_character(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, with_answer(7, 'sources:\n  - url: "https://portal.gov.py/a\\x1bb"'))
    assert any("PRY.yaml:" in e and "Q7" in e and "U+001B" in e for e in errors), errors


def test_a_lone_surrogate(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, with_answer(13, 'text: "Ministry \\ud800 of ICT"'))
    assert errors == [f"{tmp_path / 'PRY.yaml'}:74: Q13: text: lone surrogate U+D800 "
                      "(not a character; fix the \\u escape)"]


def budget_yaml(national: str) -> str:
    body = f"text: Budget.\nbudget:\n  national: {{{national}}}"
    return minimal_yaml("  61:\n    value: yes\n  62:\n" + "".join(f"    {x}\n" for x in body.splitlines()),
                        drop={61})


@pytest.mark.parametrize("amount", ["123456789012345678901234567890", "1.123456789"])
def test_an_absurd_amount(tmp_path: Path, amount: str) -> None:
    errors = errors_of(tmp_path, budget_yaml(f"amount: {amount}, currency: PYG"))
    assert any("Q62: budget.national.amount:" in e for e in errors), errors


def test_a_large_but_real_amount_is_fine(tmp_path: Path) -> None:
    assert errors_of(tmp_path, budget_yaml("amount: 105387451822273000, currency: IRR, usd: 1.5e10")) == []


def test_a_date_a_docx_cannot_record(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, minimal_yaml().replace("submitted: null", "submitted: 2204-03-01"))
    assert errors == [f"{tmp_path / 'PRY.yaml'}:3: submitted: year 2204 is not plausible (1990-2099)"]


def test_deep_nesting_is_one_line_and_the_limit_is_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "PRY.yaml"
    path.write_text(minimal_yaml().replace("respondent:", "deep: " + "[" * 5000 + "]" * 5000 + "\nrespondent:"))
    with pytest.raises(InputError, match=r"PRY.yaml:4: YAML syntax error: nested deeper than 20 levels"):
        check_file(path)
    with pytest.raises(InputError, match="nested deeper than 8 levels"):
        check_file(path, limits=Limits(yaml_depth=8))


def test_numeric_and_text_keys_for_one_item(tmp_path: Path) -> None:
    text = with_answer(13, "text: first").replace("answers:\n", 'answers:\n  "13":\n    text: second\n')
    errors = errors_of(tmp_path, text)
    assert any("Q13: duplicate key 13" in e for e in errors), errors


def test_a_leading_zero_key_is_refused_not_read_as_octal(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, minimal_yaml("  010:\n    text: ten\n"))
    assert any("010 has a leading zero" in e and "write 10" in e for e in errors), errors


def test_one_url_registered_twice_with_two_titles(tmp_path: Path) -> None:
    registry = "sources:\n  - url: https://a.gov.py/x\n    title: One\n  - url: https://a.gov.py/x/\n    title: Two\n"
    errors = errors_of(tmp_path, minimal_yaml().replace("answers:", registry + "answers:"))
    assert any("registered twice with different titles (lines 9 and 11)" in e for e in errors), errors


def test_an_unterminated_right_to_left_override(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, with_answer(13, 'text: "Ministry \\u202e of ICT"'))
    assert any("Q13: text: bidi control U+202E is never closed" in e for e in errors), errors


def test_a_closed_override_and_arabic_text_are_fine(tmp_path: Path) -> None:
    assert errors_of(tmp_path, with_answer(13, 'text: "وزارة \\u202bنص\\u202c and \\u2067x\\u2069"')) == []


def test_an_escape_sequence_in_a_contact_field(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, minimal_yaml().replace("Test Person", '"Test \\e]52;c;aGk=\\a Person"'))
    assert any("respondent.name: control character U+001B" in e for e in errors), errors


def test_the_size_limit_is_counted_while_reading(tmp_path: Path) -> None:
    path = tmp_path / "PRY.yaml"
    path.write_text(minimal_yaml() + "#" * 2000)
    with pytest.raises(InputError, match=r"PRY.yaml:1: file is too large \(more than 1,000 bytes, the limit\)"):
        check_file(path, limits=Limits(max_file_bytes=1000))


def test_limits_are_settings_the_cli_applies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from reportgen.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "reportgen.toml").write_text("[limits]\nmax_file_bytes = 500\n")
    (tmp_path / "PRY.yaml").write_text(minimal_yaml())
    result = CliRunner().invoke(cli, ["check", "PRY.yaml"])
    assert result.exit_code == 2
    assert "PRY.yaml:1: file is too large (more than 500 bytes, the limit)" in result.output
    (tmp_path / "reportgen.toml").write_text("[limits]\nmax_file_bytes = 0\n")
    result = CliRunner().invoke(cli, ["check", "PRY.yaml"])
    assert result.exit_code == 2 and "limits.max_file_bytes" in result.output
