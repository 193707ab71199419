"""yamlsource reads with libyaml when it can and gives the same result, or the
same one-line error, as the pure-Python loader it falls back to."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from reportgen import yamlsource
from reportgen.errors import InputError

PRY = Path(__file__).resolve().parents[1] / "responses" / "PRY.yaml"
# Pieces that exercise YAML's corners: quoting, anchors and aliases, tabs, a
# byte-order mark inside the text, leading zeros, tags, breaks, control characters.
PIECES = [":", "-", "'", '"', "#", "&a ", "*a", "{", "}", "[", "]", "010", "0853", "'0012'", "\t", " ", "\n",
          "|", ">-", "!!str ", "!!int ", "~", "yes", "é", "\x85", "\u2028", "\x07", "? ", "---\n", "...\n",
          "<<: ", "1_000", "\ufeff", "\r\n", "!x ", "- - ", "\\", ".inf", "2024-01-01", "\U0001F600"]


def _read(path: Path) -> tuple[object, ...]:
    try:
        located = yamlsource.load(path)
    except InputError as exc:
        return ("error", str(exc))
    return (repr(located.data), located.lines, located.duplicates, located.leading_zeros)


def _mutants(count: int, seed: int = 2026) -> list[str]:
    lines = PRY.read_text(encoding="utf-8").splitlines(keepends=True)
    rnd = random.Random(seed)
    texts = []
    for _ in range(count):
        edited = list(lines)
        for _ in range(rnd.randint(1, 4)):
            at = rnd.randrange(len(edited))
            cut = rnd.randrange(len(edited[at]) + 1)
            edited[at] = edited[at][:cut] + rnd.choice(PIECES) + edited[at][cut:]
        texts.append("".join(edited))
    return texts


def test_paraguay_is_read_by_libyaml() -> None:
    if getattr(yaml, "CSafeLoader", None) is None:
        pytest.skip("PyYAML without libyaml")
    assert yamlsource._compose_with_libyaml(PRY.read_text(encoding="utf-8"), yamlsource.MAX_DEPTH) is not None


@pytest.mark.parametrize("text", ["a: &x [1]\nb: *x\n", "a: 1\n\tb: 2\n", "a: x\ufeffy\n", "[" * 30 + "]" * 30])
def test_what_libyaml_would_let_pass_goes_to_the_strict_loader(text: str) -> None:
    assert yamlsource._compose_with_libyaml(text, yamlsource.MAX_DEPTH) is None


@pytest.mark.parametrize("count", [pytest.param(30, id="30"), pytest.param(2000, id="2000", marks=pytest.mark.slow)])
def test_both_loaders_agree_on_edited_answers(count: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each edited file the pure-Python loader accepts: the same data, lines,
    duplicate keys and leading zeros with libyaml. A file libyaml refuses gets
    the pure-Python loader's error. (libyaml accepts a few constructs PyYAML's
    scanner refuses, such as "#" right after a block scalar's ">-": their
    data is libyaml's reading; docs/responses-format.md.)"""
    refused = 0
    for index, text in enumerate(_mutants(count)):
        path = tmp_path / f"{index}.yaml"
        path.write_text(text, encoding="utf-8")
        fast = _read(path)
        with monkeypatch.context() as patch:
            patch.setattr(yamlsource, "_compose_with_libyaml", lambda text, depth: None)
            strict = _read(path)
        if strict[0] == "error" and fast[0] != "error":
            refused += 1
            continue
        assert fast == strict, f"edit {index} differs"
    assert refused <= count // 100, f"{refused} of {count} edits refused only by the pure-Python loader"


ANSWERS = "country: URY\nanswers:\n  13:\n    value: yes\n  14:\n    value: {value}\n    summary: The plan\n" \
          "  15:\n    value: no\n    text: The Government's portal\n"


@pytest.mark.parametrize(("value", "expected"), [
    # The quote runs on to the next apostrophe (line 10), where PyYAML gives up.
    ("'yes", "URY.yaml:6: Q14: YAML syntax error: the quoted text opened on this line runs to line 10, "),
    # No apostrophe later: PyYAML stops at the end of the file.
    ('"yes', "URY.yaml:6: Q14: YAML syntax error: a quote opened on this line is never closed"),
    ("yes\n\tsource: x", "URY.yaml:7: Q14: YAML syntax error: found character '\\t' that cannot start any token"),
    # A bad escape inside a closed quote is said where it is, as PyYAML says it.
    ('"The law\n      is at C:\\laws"', "URY.yaml:7: Q14: YAML syntax error: found unknown escape character 'l'"),
])
def test_a_syntax_error_names_the_line_to_fix_and_its_question(tmp_path: Path, value: str, expected: str) -> None:
    path = tmp_path / "URY.yaml"
    path.write_text(ANSWERS.format(value=value), encoding="utf-8")
    with pytest.raises(InputError) as error:
        yamlsource.load(path)
    assert str(error.value).startswith(f"{tmp_path}/{expected}")
    assert "\n" not in str(error.value)


def test_the_item_of_a_line_is_read_from_the_answers_mapping_alone() -> None:
    text = "country: URY\n# 7: not an item\nanswers:\n  6: null\n  7:\n    text: |\n      12: not a key\n" \
           "respondent:\n  name: X\n"
    assert [yamlsource.item_at(text, line) for line in range(1, 10)] == [None, None, None, 6, 7, 7, 7, None, None]
