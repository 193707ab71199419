"""Writing files so that nobody ever sees half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reportgen.errors import WriterError


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then ``os.replace``:
    readers (and an interrupted build) see the old file or the whole new one,
    never a half-written one. An OS error is a one-line WriterError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriterError(f"{path}: cannot write: {exc.strerror or exc}") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            raise WriterError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise


def remove_stale_temporaries(folder: Path, country: str) -> None:
    """Temporaries left by a process killed in the middle of ``write_atomic``:
    only names ``write_atomic`` gives to this country's outputs and manifest,
    only in its own folder (never a file the build did not create)."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for pattern in (f".{country}-profile-*.tmp", ".manifest.json.*.tmp"):
        for stale in folder.glob(pattern):
            if stale.is_file() and not stale.is_symlink():
                stale.unlink(missing_ok=True)
