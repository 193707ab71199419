"""Benchmark figures for hostile and careless input (issue 15): a 5,000-letter
word against Paraguay, and 2,000 sources. Part of ``reportgen bench``; also
runnable alone with ``python -m reportgen.bench_hostile``. (The fuzz run of
``check`` -> ``build`` over 2,000 generated files is the slow-marked test
tests/test_fuzz.py: it needs Hypothesis, a test dependency.)"""

from __future__ import annotations

import os
import random
import resource
import string
import tempfile
import time
from pathlib import Path

import yaml

from reportgen import build as builder
from reportgen.config import Config

PRY = Path("responses/PRY.yaml")
TOKEN_ANSWER = "      Ministry of Information and Communication Technologies (MITIC)\n"


def long_word_yaml(length: int = 5000) -> str:
    """Paraguay with one unbreakable word of ``length`` random letters in the lead agency's summary."""
    letters = random.Random(15)  # one generator: a new one per letter gave "gggg..."
    token = "".join(letters.choice(string.ascii_lowercase) for _ in range(length))
    text = PRY.read_text(encoding="utf-8")
    return text.replace(TOKEN_ANSWER, TOKEN_ANSWER.rstrip("\n") + f" {token}\n", 1)


def many_sources_yaml(count: int = 2000) -> str:
    """Paraguay with ``count`` distinct titled sources spread over its answered items."""
    data = yaml.safe_load(PRY.read_text(encoding="utf-8"))
    items = [number for number, answer in data["answers"].items()
             if isinstance(answer, dict) and (answer.get("text") or answer.get("sources"))]
    for index in range(count):
        answer = data["answers"][items[index % len(items)]]
        url = f"https://www.example.gov.py/documents/{index:05d}"
        answer.setdefault("sources", []).append({"url": url, "title": f"Government document number {index}"})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _build(root: Path, name: str, text: str | None, formats: tuple[str, ...]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one in-process build (CPU: the machine may be shared)."""
    folder = root / name / "responses"
    folder.mkdir(parents=True)
    (folder / "PRY.yaml").write_text(text if text is not None else PRY.read_text(encoding="utf-8"), encoding="utf-8")
    options = Config(out=root / name / "out", formats=formats, languages=("en",))
    start, cpu = time.perf_counter(), _cpu()
    summary = builder.build([folder / "PRY.yaml"], options)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    if not summary.ok:
        raise RuntimeError(f"{name}: {summary.failed[0].error}")
    return seconds, cpu


def hostile_input_figures() -> list[str]:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1732000000")
    lines = ["## Hostile and careless input (issue 15)", ""]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        # Discarded: the first build imports WeasyPrint and warms its caches, which a
        # cold base would charge to the base alone (the token then seemed cheaper).
        _build(root, "warm-up", None, ("pdf",))
        base = _build(root, "base", None, ("pdf",))
        token = _build(root, "token", long_word_yaml(), ("pdf",))
        sources = {fmt: _build(root, f"sources-{fmt}", many_sources_yaml(), (fmt,)) for fmt in ("html", "docx", "pdf")}
    lines += ["| measure | wall s | CPU s | ratio (CPU) |", "|---|---:|---:|---:|",
              f"| Paraguay, en PDF | {base[0]:.1f} | {base[1]:.1f} | 1.00 |",
              f"| the same with a 5,000-letter word | {token[0]:.1f} | {token[1]:.1f} | "
              f"{token[1] / base[1]:.2f} (target < 2) |",
              *[f"| 2,000 sources, en {fmt.upper()} | {wall:.1f} | {cpu:.1f} | (target < 60 s) |"
                for fmt, (wall, cpu) in sources.items()],
              "", "Whole builds in one process (`builder.build`, no workers), loading included; CPU time is "
              "the process's own, which a busy shared machine does not inflate.", ""]
    return lines


if __name__ == "__main__":
    print("\n".join(hostile_input_figures()))
