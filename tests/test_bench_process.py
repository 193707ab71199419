"""The benchmark's set-up: what it does before timing a command."""

from __future__ import annotations

import importlib.util
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import reportgen
from reportgen import bench_process
from reportgen.bench_process import Timing, cache_bytecode, commands_in_one_process, interleaved


def test_the_package_is_timed_with_its_bytecode_cached() -> None:
    """Every module gets a cached file whose header names its source's mtime
    and size, so a timed process never compiles reportgen again."""
    sources = sorted(Path(reportgen.__file__).parent.rglob("*.py"))
    Path(importlib.util.cache_from_source(str(sources[-1]))).unlink(missing_ok=True)
    assert cache_bytecode()
    assert len(sources) > 50
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        header = cached.read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source
        flags, mtime, size = struct.unpack("<III", header[4:16])
        stat = source.stat()
        assert (flags, mtime, size) == (0, int(stat.st_mtime) & 0xFFFFFFFF, stat.st_size & 0xFFFFFFFF), source


def test_a_cpu_ratio_pairs_the_runs_of_each_round() -> None:
    """A machine that slows down between rounds moves both commands of a
    round: the paired ratio stays 1.2 where the ratio of medians does not."""
    reference = Timing(walls=[1.0] * 3, cpus=[10.0, 20.0, 40.0])
    measured = Timing(walls=[1.0] * 3, cpus=[12.0, 24.0, 48.0])
    assert measured.cpu_ratio(reference) == pytest.approx(1.2)
    drifting = Timing(walls=[1.0] * 3, cpus=[48.0, 12.0, 24.0])  # the same values, paired with other rounds
    assert drifting.cpu_ratio(reference) != pytest.approx(1.2)
    assert drifting.cpu / reference.cpu == pytest.approx(1.2)


def test_a_throughput_ratio_pairs_the_runs_of_each_round() -> None:
    pool = Timing(walls=[100.0, 200.0, 110.0], cpus=[1.0] * 3)
    cluster = Timing(walls=[105.0, 210.0, 115.5], cpus=[1.0] * 3)  # 5 % slower in every round
    assert cluster.throughput_ratio(pool) == pytest.approx(1 / 1.05)


def test_interleaved_runs_a_command_in_the_first_round_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # run_process is not called for real: it reaps every descendant of the
    # process, which in a test worker includes other tests' fork servers.
    ran: list[str] = []
    monkeypatch.setattr(bench_process, "run_process", lambda command: (ran.append(command[0]), (1.0, 2.0))[1])
    once, every = interleaved([["one"], ["every"]], 3, once=frozenset({0}))
    assert ran == ["one", "every", "every", "every"]
    assert (once.walls, every.cpus) == ([1.0], [2.0, 2.0, 2.0])


def _meeting(mine: Path, other: Path) -> list[str]:
    """A command that leaves ``mine`` and succeeds only if ``other`` appears
    within 3 s: two of them both succeed only when they run at the same time."""
    script = ("import pathlib, sys, time; pathlib.Path(sys.argv[1]).touch(); end = time.time() + 3\n"
              "while not pathlib.Path(sys.argv[2]).exists():\n"
              "    time.sleep(0.02)\n"
              "    if time.time() > end: sys.exit(1)")
    return [sys.executable, "-c", script, str(mine), str(other)]


def test_the_weasyprint_baseline_runs_two_at_a_time_as_the_workers_do(tmp_path: Path) -> None:
    """The baseline for the 2-worker build runs WeasyPrint's commands two at
    once; the plain one runs them in turn (the second never meets the first)."""
    a, b = tmp_path / "a", tmp_path / "b"
    commands = [_meeting(a, b), _meeting(b, a)]
    assert subprocess.run(commands_in_one_process(commands, 2), capture_output=True).returncode == 0
    a.unlink()
    b.unlink()
    assert subprocess.run(commands_in_one_process(commands), capture_output=True).returncode != 0


REAPER = """
import subprocess, sys
from reportgen.bench_process import run_process
other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # a child of the measuring process
orphan = "import time\\nend = time.process_time() + 0.3\\nwhile time.process_time() < end: pass"
leaves = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {orphan!r}])"
wall, cpu = run_process([sys.executable, "-c", leaves])
print(cpu >= 0.3, other.poll() is None)
other.kill()
"""


def test_a_measured_command_counts_its_orphans_and_leaves_other_children_alone() -> None:
    """The command's orphans (a fork server and its workers) are waited for,
    so their CPU counts; a child the measuring process had before is not."""
    done = subprocess.run([sys.executable, "-c", REAPER], capture_output=True, text=True, timeout=30, check=False)
    assert done.stdout.split() == ["True", "True"], done.stderr
