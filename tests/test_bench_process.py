"""The benchmark's set-up: what it does before timing a command."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import reportgen
from reportgen.bench_process import cache_bytecode


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
