"""Hashes of folders of files, and of reportgen's own code and data.

A module of its own, importing nothing heavy: the build's keys, the Dask
workers' check and the compiled templates' folder on disk all use them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from reportgen.paths import PACKAGE


def hash_files(paths: Iterable[Path], root: Path) -> str:
    """One hash of the files' names (relative to ``root``) and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tree(root: Path, pattern: str = "*") -> list[Path]:
    """The files under ``root`` matching ``pattern``, without Python's caches."""
    return [p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts]


def code_fingerprint() -> str:
    """reportgen's code and data as this process has them (what every key
    hashes; a Dask worker with another one is refused, cluster.check_workers)."""
    return hash_files(_package_files(), PACKAGE)


def _package_files() -> list[Path]:
    """reportgen's own code and data (the country names' CSV too), without the
    default templates and catalogs an installed wheel carries under
    ``defaults/``: those are hashed as ``options.templates`` and per language."""
    defaults = PACKAGE / "defaults"
    return [p for p in tree(PACKAGE) if defaults not in p.parents and p.suffix != ".pyc"]
