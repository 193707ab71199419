"""Templates read only under templates/ and render within limits (issue 15)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reportgen.config import Config
from reportgen.errors import TemplateError
from reportgen.i18n import Locale
from reportgen.limits import Limits
from reportgen.narrative import build_document
from reportgen.questionnaire import load
from tests.test_narrative import make_templates, responses_with


def render(tmp_path: Path, body: str, limits: Limits | None = None):  # type: ignore[no-untyped-def]
    templates = make_templates(tmp_path, body)
    return build_document(responses_with(tmp_path, ""), load("msq-2024"), Locale("en", country="PRY"),
                          Config(templates=templates, limits=limits or Limits()))


def test_a_symlink_out_of_templates_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    templates = make_templates(tmp_path, "{% include 'leak.md.j2' %}\n")
    (templates / "sections" / "leak.md.j2").symlink_to(secret)
    with pytest.raises(TemplateError, match=r"templates/sections/leak.md.j2: refused: it resolves to .*secret.txt"):
        build_document(responses_with(tmp_path, ""), load("msq-2024"), Locale("en", country="PRY"),
                       Config(templates=templates))


def test_a_symlink_inside_templates_is_fine(tmp_path: Path) -> None:
    templates = make_templates(tmp_path, "{% include 'alias.md.j2' %}\n")
    (templates / "sections" / "real.md.j2").write_text("Inside.\n")
    (templates / "sections" / "alias.md.j2").symlink_to(templates / "sections" / "real.md.j2")
    result = build_document(responses_with(tmp_path, ""), load("msq-2024"), Locale("en", country="PRY"),
                            Config(templates=templates))
    assert "Inside." in str(result.document.sections[0].blocks)


def test_a_loop_that_never_ends_is_stopped_with_the_template_named(tmp_path: Path) -> None:
    body = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}\n"
    start = time.monotonic()
    with pytest.raises(TemplateError, match=r"templates/sections/body.md.j2:1: rendering took longer than 1 s"):
        render(tmp_path, body, Limits(template_seconds=1))
    assert time.monotonic() - start < 30


def test_a_huge_string_is_refused_before_it_is_made(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"body.md.j2:1: a repetition of 10,000,000,000 items exceeds"):
        render(tmp_path, "{{ 'x' * 10000000000 }}\n")


def test_a_huge_power_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"body.md.j2:1: 10 \*\* 100000000 is too large"):
        render(tmp_path, "{{ 10 ** 100000000 }}\n")


def test_output_beyond_the_limit(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"body.md.j2:1: output exceeds 1,000 characters \(template_chars\)"):
        render(tmp_path, "{% for i in range(500) %}word {% endfor %}\n", Limits(template_chars=1000))


def test_a_template_that_includes_itself(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"body.md.j2:1: RecursionError"):
        render(tmp_path, "x{% include 'body.md.j2' %}\n")
