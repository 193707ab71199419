"""Checks that make a clean ``check`` mean a successful build.

What a writer would later choke on is found here, with its file and line:
text no document format can hold (lone surrogates, control characters), bidi
controls left open (U+202E would reverse the rest of a paragraph), numbers
written with a leading zero (YAML 1.1 reads ``010`` as 8), one address
registered twice, amounts beyond what a number format can hold and dates a
DOCX or ZIP file cannot record. Kept apart from ``responses.py`` so each
check is a small function of the parsed file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen import urls
from reportgen.errors import Problem
from reportgen.yamlsource import Located

# C0 and C1 controls except tab, newline and carriage return, DEL, and the
# non-characters XML refuses.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
# Bidi embeddings/overrides close with PDF (U+202C); isolates with PDI (U+2069).
_EMBEDDINGS = "\u202a\u202b\u202d\u202e"
_ISOLATES = "\u2066\u2067\u2068"

MAX_AMOUNT_DIGITS = 18  # integer digits: 10^18 exceeds any national budget in any currency
MAX_DECIMALS = 4
FIRST_YEAR, LAST_YEAR = 1990, 2099  # a ZIP entry (DOCX) records 1980-2107


def walk_strings(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in parsed YAML (keys included) with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield (*path, key), key
            yield from walk_strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk_strings(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def unclosed_bidi(text: str) -> str | None:
    """The first bidi embedding, override or isolate not closed in ``text``."""
    stack: list[str] = []
    for char in text:
        if char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(char)
        elif stack and ((char == "\u202c" and stack[-1] in _EMBEDDINGS)
                        or (char == "\u2069" and stack[-1] in _ISOLATES)):
            stack.pop()
    return stack[0] if stack else None


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot go into a profile, or None."""
    if found := SURROGATE.search(text):
        return f"lone surrogate U+{ord(found.group()):04X} (not a character; fix the \\u escape)"
    if found := CONTROL.search(text):
        return f"control character U+{ord(found.group()):04X} is not allowed"
    if opened := unclosed_bidi(text):
        return (f"bidi control U+{ord(opened):04X} is never closed (it would reorder the text after it); "
                "remove it or close it with U+202C/U+2069")
    return None


def item_of(path: tuple[Any, ...]) -> int | None:
    if len(path) >= 2 and path[0] == "answers" and isinstance(path[1], int):
        return path[1]
    return None


def field_of(path: tuple[Any, ...]) -> str:
    start = 2 if item_of(path) is not None else 0
    return ".".join(str(p) for p in path[start:]) or "key"


def text_problems(file: Path, located: Located) -> list[Problem]:
    problems = []
    for path, text in walk_strings(located.data):
        if reason := text_problem(text):
            problems.append(Problem(file, located.line(path), f"{field_of(path)}: {reason}", item_of(path)))
    return problems


def leading_zero_problems(file: Path, located: Located) -> list[Problem]:
    """``010:`` is refused rather than guessed: YAML 1.1 reads it as octal 8,
    ``08`` as the text "08"; either way not what was meant."""
    problems = []
    for path, line, written in located.leading_zeros:
        meant = written.lstrip("+-0").replace("_", "") or "0"
        problems.append(Problem(file, line, f"{written} has a leading zero, which YAML reads as octal or text; "
                                f"write {meant}", item_of(path)))
    return problems


def registry_problems(file: Path, located: Located) -> list[Problem]:
    """One address registered twice: with two titles it is an error (which
    one is meant?), with the same title a warning."""
    sources = located.data.get("sources") if isinstance(located.data, dict) else None
    seen: dict[str, tuple[int, Any]] = {}
    problems = []
    for index, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, dict) or not isinstance(source.get("url"), str):
            continue
        key = urls.normalize(source["url"])
        line = located.line(("sources", index, "url"))
        if key not in seen:
            seen[key] = (line, source.get("title"))
            continue
        first_line, first_title = seen[key]
        if first_title != source.get("title"):
            problems.append(Problem(file, line, f"{source['url']} is registered twice with different titles "
                                    f"(lines {first_line} and {line}): keep one"))
        else:
            problems.append(Problem(file, line, f"{source['url']} is registered twice (lines {first_line} and "
                                    f"{line})", severity="warning"))
    return problems


def amount_problem(value: Decimal) -> str | None:
    if not value.is_finite():
        return "must be a finite number"
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    integer_digits = len(digits) + exponent
    if integer_digits > MAX_AMOUNT_DIGITS:
        return f"{integer_digits} digits is beyond any budget (at most {MAX_AMOUNT_DIGITS})"
    if -exponent > MAX_DECIMALS and value != value.quantize(Decimal(1).scaleb(-MAX_DECIMALS)):
        return f"more than {MAX_DECIMALS} decimal places"
    return None


def number_problems(file: Path, located: Located, answers: dict[int, Any]) -> list[Problem]:
    """Budgets and shares a number format can print (a 30-digit amount makes
    Babel's rounding fail with InvalidOperation)."""
    problems = []
    for number, answer in answers.items():
        budget = getattr(answer, "budget", None)
        if budget is None:
            continue
        fields = {"share_percent": budget.share_percent}
        for name in ("national", "dedicated"):
            amount = getattr(budget, name)
            if amount is not None:
                fields[f"{name}.amount"], fields[f"{name}.usd"] = amount.amount, amount.usd
        for name, value in fields.items():
            if value is not None and (reason := amount_problem(value)):
                where = ("answers", number, "budget", *name.split("."))
                problems.append(Problem(file, located.line(where), f"budget.{name}: {reason}", number))
    return problems


def date_problems(file: Path, located: Located, submitted: Any) -> list[Problem]:
    if submitted is not None and not FIRST_YEAR <= submitted.year <= LAST_YEAR:
        return [Problem(file, located.line(("submitted",)),
                        f"submitted: year {submitted.year} is not plausible ({FIRST_YEAR}-{LAST_YEAR})")]
    return []


def deduplicate(problems: list[Problem]) -> list[Problem]:
    """One problem per line and cause (the schema and ``text_problems`` both
    see a control character in answer text)."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for problem in problems:
        found = re.search(r"(control character|lone surrogate) U\+[0-9A-F]+", problem.message)
        key = (problem.line, found.group() if found else problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept
