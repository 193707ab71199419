"""The benchmark's set-up: what it does before timing a command."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

import reportgen
from reportgen.bench_process import Timing, cache_bytecode


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
