"""No tofu, ever: a character no font of the document's language can draw
fails the build with the input file and line it comes from; a missing CJK
font says how to install it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import fonts, glyphs
from reportgen.cli import cli
from reportgen.config import Config
from reportgen.responses import check_file
from tests.entry import run_here
from tests.responses_factory import minimal_yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
NAME = "Fernando Saguier"  # the CIO's name: in the answers once, printed in every format


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it."""
    exe = Path(sys.executable).parent / "reportgen"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT, check=False,
                          env={**os.environ, "REPORTGEN_DEBUG": ""})


def planted(tmp_path: Path, text: str) -> tuple[Path, int]:
    """Paraguay's answers with ``text`` inside the CIO's name; the folder and
    the line of the first occurrence."""
    lines = (ROOT / "responses" / "PRY.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(number for number, content in enumerate(lines, start=1) if NAME in content)
    folder = tmp_path / "responses"
    folder.mkdir()
    changed = "".join(lines).replace(NAME, NAME.replace(" ", f" {text} "))
    (folder / "PRY.yaml").write_text(changed, encoding="utf-8")
    return folder, line


# The first case goes through the installed console script, as a user runs
# it; the others, about other scripts and languages, run in this process.
@pytest.mark.parametrize(("lang", "text", "character", "runner"), [
    ("en", "\U0001F600", "U+1F600 GRINNING FACE ('\U0001F600')", run),
    ("en", "政", "U+653F CJK UNIFIED IDEOGRAPH-653F ('政')", run_here),  # Han is only in Chinese's stack
    ("ar", "政", "U+653F CJK UNIFIED IDEOGRAPH-653F ('政')", run_here),
    ("zh", "ح", "U+062D ARABIC LETTER HAH ('ح')", run_here),
], ids=["en-emoji-console-script", "en-han", "ar-han", "zh-arabic"])
def test_a_character_without_a_glyph_fails_the_build_with_its_file_and_line(
        tmp_path: Path, lang: str, text: str, character: str,
        runner: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    folder, line = planted(tmp_path, text)
    out = tmp_path / "out"
    result = runner("build", "PRY", "--responses", str(folder), "--lang", lang, "--format", "pdf,docx,html",
                    "--out", str(out), "-j", "0")
    names = ", ".join(fonts.stack_names(lang))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    # The name is first in Q14's details: the question is named, as reportgen check names it.
    expected = (f"{folder / 'PRY.yaml'}:{line}: Q14: character {character} has no glyph in the fonts for {lang} "
                f"({names})")
    assert [x for x in result.stderr.splitlines() if "no glyph" in x] == [f"PRY {lang}: {expected}"], result.stderr
    assert not list(out.glob("PRY/PRY-profile-*")), "no output may be left"


def test_characters_that_are_not_drawn_need_no_glyph() -> None:
    # first strong isolate, pop directional isolate, right-to-left mark, soft
    # hyphen, zero-width joiner, no-break and ideographic spaces, a tab
    assert not glyphs.missing("\u2068\u2069\u200f\u00ad\u200d\u00a0\u3000\t", glyphs.covered("en", TEMPLATES))
    assert glyphs.missing("a\u3001", glyphs.covered("en", TEMPLATES)) == ["\u3001"]  # ideographic comma is drawn
    assert not glyphs.missing("\u3001\u201c\u00e9\u0416", glyphs.covered("zh", TEMPLATES))
    # Arabic comma, lam, alef, fathatan
    assert not glyphs.missing("\u060c\u0644\u0627\u064b", glyphs.covered("ar", TEMPLATES))


def test_the_line_comes_from_the_catalog_when_the_answers_lack_the_character(tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    po.write_text('msgid "Portal"\nmsgstr "Portal \U0001F600"\n', encoding="utf-8")
    answers = tmp_path / "PRY.yaml"
    answers.write_text("country: PRY\n", encoding="utf-8")
    assert glyphs.locate("\U0001F600", [answers, po]) == (po, 2)
    assert glyphs.locate("\U0001F600", [answers]) is None


def test_a_missing_cjk_font_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIR", tmp_path / "no-fonts")
    fonts._cmap.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["build", "PRY", "--lang", "zh", "--format", "pdf", "--out",
                                          str(tmp_path / "out"), "-j", "0"])
    finally:
        fonts._cmap.cache_clear()
    assert result.exit_code == 1
    lines = [x for x in result.output.splitlines() if "fonts-noto-cjk" in x]
    assert lines == [f"PRY zh: {tmp_path / 'no-fonts' / 'NotoSansCJK-Regular.ttc'}: font Noto Sans CJK SC is not "
                     "installed; install Debian's fonts-noto-cjk package (sudo apt-get install fonts-noto-cjk, "
                     "or scripts/system-deps.sh run)"], result.output
    assert not list((tmp_path / "out").glob("PRY/PRY-profile-*"))


def value_line(answers: Path) -> int:
    """The line of the CIO's name as an answer (Q15's value), which every
    document prints (the first occurrence, Q14's inferred reason, is not printed)."""
    lines = answers.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, start=1) if text.strip().startswith("value: Fernando"))


def test_check_refuses_what_the_build_would_refuse_at_its_line_and_question(tmp_path: Path) -> None:
    """A clean ``reportgen check`` means the build succeeds (issue 15): the
    build's glyph check is also ``check``'s, for the project's languages."""
    folder, _ = planted(tmp_path, "\u0531")  # ARMENIAN CAPITAL LETTER AYB: in no stack
    answers = folder / "PRY.yaml"
    checked = run_here("check", str(answers))
    assert checked.returncode == 1, checked.stderr
    expected = (f"{answers}:{value_line(answers)}: Q15: value: character U+0531 ARMENIAN CAPITAL LETTER AYB "
                "('\u0531') has no glyph in the fonts for en, es (Noto Sans)")
    assert [x for x in checked.stderr.splitlines() if "no glyph" in x] == [expected], checked.stderr
    built = run_here("build", "PRY", "--responses", str(folder), "--lang", "en", "--format", "html",
                     "--out", str(tmp_path / "out"), "-j", "0")
    assert built.returncode == 1 and "character U+0531" in built.stderr, built.stderr


def test_check_asks_only_the_fonts_of_the_languages_to_be_built(tmp_path: Path) -> None:
    folder, _ = planted(tmp_path, "\u653f\u5e9c")  # Han: only Chinese's stack has it
    answers = folder / "PRY.yaml"

    def glyph_problems(*languages: str) -> list[str]:
        _, problems = check_file(answers, build=Config(languages=languages, templates=TEMPLATES) if languages else None)
        return [f"{p.line}: {p.message}" for p in problems if "no glyph" in p.message]

    assert glyph_problems("zh") == []
    assert glyph_problems() == []  # not asked: `reportgen export` reads answers, draws nothing
    assert glyph_problems("ar", "zh", "ru") == [
        f"{value_line(answers)}: value: character U+5E9C CJK UNIFIED IDEOGRAPH-5E9C ('\u5e9c') has no glyph in "
        "the fonts for ar (Noto Sans, Noto Naskh Arabic), ru (Noto Sans); 1 more character(s) too"]


def test_check_leaves_what_no_document_draws_and_what_is_translated(tmp_path: Path) -> None:
    """The respondent, the reason for an inferred value and the CIO's e-mail
    (an Armenian letter) are never printed; the CIO's title, translated in a
    language's catalog, is printed translated there; the CIO's name is printed
    as given everywhere. (A character that is printed is reported wherever the
    file has it, printed or not.)"""
    text = minimal_yaml('  14:\n    value: yes\n    inferred: "\u653f: the reason"\n'
                        '  15:\n    value: Ana \u5e9c\n'
                        '  16:\n    value: >-\n      Director\n      \u653f\n'
                        '  18:\n    value: "\u0531@example.org"\n', drop={14, 15, 16, 18})
    answers = tmp_path / "PRY.yaml"
    answers.write_text(text.replace("Test Person", "Test \u653f"), encoding="utf-8")
    messages = tmp_path / "locales" / "es" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "responses-PRY.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Director \u653f"\nmsgstr "Directora"\n', encoding="utf-8")

    def glyph_problems(lang: str) -> list[tuple[int, str]]:
        _, problems = check_file(answers, build=Config(languages=(lang,), templates=TEMPLATES,
                                                         locales=tmp_path / "locales"))
        return [(p.line, p.message.split(" has no glyph")[0]) for p in problems if "no glyph" in p.message]

    lines = text.splitlines()
    name = (lines.index("    value: Ana \u5e9c") + 1, "value: character U+5E9C CJK UNIFIED IDEOGRAPH-5E9C ('\u5e9c')")
    title = (lines.index("      \u653f") + 1, "value: character U+653F CJK UNIFIED IDEOGRAPH-653F ('\u653f')")
    assert glyph_problems("es") == [name]
    assert glyph_problems("en") == [name, title]  # the title's line: in the folded value, the character's


def test_check_says_when_a_languages_fonts_are_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIR", tmp_path / "no-fonts")
    fonts._cmap.cache_clear()
    try:
        _, problems = check_file(ROOT / "responses" / "PRY.yaml",
                                 build=Config(languages=("en", "zh"), templates=TEMPLATES))
    finally:
        fonts._cmap.cache_clear()
    assert [(p.severity, p.message.split(":")[0]) for p in problems if "not checked" in p.message] == [
        ("warning", "not checked for zh's fonts")]
