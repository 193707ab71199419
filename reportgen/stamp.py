"""The no-op stamp: a rebuild with nothing to do, without starting the toolkit.

Checking that every output is current needs the configuration (pydantic), the
plan and the content hashes of every input: about 0.2 s of imports and
hashing for a build whose answer is "nothing to do". As make and ninja do, the
last successful ``reportgen build`` leaves a *stamp* beside its run manifest,
``<out>/.reportgen-stamp.json``: the command line, the folder it ran in, the
package, the environment variables that change an output or what is printed,
and the ``stat`` of everything it read (settings files, the responses,
templates and locales trees, questionnaire editions, the package's own files,
a --reference-docx) and wrote (the outputs and manifests), with the listing of
every folder whose contents matter (a new override file, a new country, a
stray file in an output folder). It also holds what a no-op prints and the run
manifest a no-op writes.

A new run whose stamp matches exactly prints that summary, rewrites
``run.json`` as a no-op does, and exits 0 before click, pydantic, Rich, Babel
or a writer is imported (:func:`try_noop`, called by the console entry point).
Anything that differs falls through to the full command, whose content-hash
check stays the authority.

Why it cannot skip a needed rebuild:
- inputs are stat'ed when the run *starts* (before they are read), outputs
  after they are written, and the stamp is written only after a fully
  successful run (and deleted when any build starts): an input edited during
  the run no longer matches;
- an entry is its size, mtime, ctime and inode: an edit, a replacement (``mv``,
  an editor's atomic save) or a copy that keeps the old mtime all change one;
- a file whose time is within ``RACY_NS`` of the moment it was stat'ed could
  still change within the file system's time granularity without changing
  its times (git's "racily clean" case): its SHA-256 is kept and compared too;
- ``--force``, ``--site-index`` and a Dask scheduler never use a stamp.

This module imports only the standard library.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

STAMP = ".reportgen-stamp.json"
FORMAT = 1
# Two seconds: coarser than any file system's time stamps we may meet (FAT: 2 s).
RACY_NS = 2_000_000_000
# What changes a profile's bytes or what the command prints (Rich reads the terminal ones).
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "PYTHONPATH", "PYTHONIOENCODING", "PYTHONUTF8", "LANG", "LC_ALL", "LC_CTYPE",
               "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TTY_COMPATIBLE",
               "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES")
# Flags that must always run the command: they ask for work or for another engine.
NEVER = ("--force", "--site-index", "--scheduler", "--help", "-h", "--version")
GLOBAL_FLAGS = ("-q", "--quiet", "-v", "--verbose")
IGNORED_NAMES = ("__pycache__", STAMP)


# --- what a run saw ------------------------------------------------------------------


def _entry(path: str, digest: bool) -> list[Any] | None:
    """``[size, mtime_ns, ctime_ns, inode, sha256 or None]``, None when absent.
    The hash is taken when the file's times are too recent to be trusted
    (``digest`` forces it)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    recent = max(info.st_mtime_ns, info.st_ctime_ns) >= time.time_ns() - RACY_NS
    sha = _sha256(path) if (recent or digest) else None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, sha]


def _sha256(path: str) -> str | None:
    import hashlib  # only for recent files: most no-ops never hash

    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def _listing(path: str) -> list[str] | None:
    try:
        return sorted(name for name in os.listdir(path) if name not in IGNORED_NAMES)
    except OSError:
        return None


class Snapshot:
    """The stat of files and the listings of folders, taken as they are met."""

    def __init__(self) -> None:
        self.files: dict[str, list[Any] | None] = {}
        self.dirs: dict[str, list[str] | None] = {}

    def file(self, path: Path | str) -> None:
        name = os.path.abspath(path)
        if name not in self.files:
            self.files[name] = _entry(name, digest=False)

    def folder(self, path: Path | str, files: bool = True) -> None:
        """A folder's listing and (``files``) the stat of the files directly in it."""
        name = os.path.abspath(path)
        if name in self.dirs:
            return
        self.dirs[name] = listing = _listing(name)
        for child in listing or () if files else ():
            child_path = os.path.join(name, child)
            if os.path.isfile(child_path):
                self.file(child_path)

    def tree(self, path: Path | str) -> None:
        """Every folder and file under ``path`` (or that it is absent)."""
        name = os.path.abspath(path)
        if not os.path.isdir(name):
            self.dirs.setdefault(name, None)
            return
        for folder, subfolders, _ in os.walk(name):
            subfolders[:] = sorted(d for d in subfolders if d not in IGNORED_NAMES)
            self.folder(folder)

    def as_json(self) -> dict[str, Any]:
        return {"files": self.files, "dirs": self.dirs}


def context(argv: list[str]) -> dict[str, Any]:
    """What else must be the same: the command, where it runs, which reportgen
    and Python, the environment that matters, and where stdout goes (Rich
    draws the summary for a terminal of that width, or plain for a pipe)."""
    from reportgen import __version__

    tty = os.isatty(1)
    try:
        columns = os.get_terminal_size(1).columns if tty else None
    except OSError:
        columns = None
    return {"format": FORMAT, "argv": list(argv), "cwd": os.getcwd(), "reportgen": __version__,
            "package": os.path.dirname(os.path.abspath(__file__)), "python": [sys.executable, sys.version],
            "env": {name: os.environ.get(name) for name in ENVIRONMENT}, "stdout": [tty, columns]}


def eligible(argv: list[str]) -> bool:
    """A ``build`` command line that may be answered from a stamp."""
    words = list(argv)
    while words and words[0] in GLOBAL_FLAGS:
        words.pop(0)
    if not words or words[0] != "build":
        return False
    return not any(word in NEVER or word.startswith(tuple(f"{flag}=" for flag in NEVER)) for word in words)


def path_of(out: Path) -> Path:
    return out / STAMP


def remove(out: Path) -> None:
    """Forget the stamp: called when a build starts (it may change anything)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path_of(out))


def write(out: Path, argv: list[str], inputs: Snapshot, outputs: Iterable[Path], text: str | None,
          summary_json: dict[str, Any], record: dict[str, Any]) -> None:
    """Record a fully successful run. ``inputs`` was taken before the run read
    them; the outputs (and the folders holding them) are stat'ed now.
    ``text`` is what a no-op prints (None with --json, which prints
    ``summary_json`` and ``record``, the run manifest a no-op writes)."""
    seen = Snapshot()
    seen.files, seen.dirs = dict(inputs.files), dict(inputs.dirs)
    seen.folder(out, files=False)  # run.json is rewritten by every run, a no-op included
    for path in outputs:
        seen.folder(Path(path).parent)
        seen.file(path)
    data = {**context(argv), "out": os.path.abspath(out), **seen.as_json(),
            "print": {"text": text, "json": summary_json if text is None else None}, "record": record}
    _write_atomic(path_of(out), json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- the fast path -----------------------------------------------------------------


def _out_folder(argv: list[str]) -> Path:
    """The output folder a build command line names: --out, else the settings'
    ``out`` (reportgen.toml, else [tool.reportgen]), else build/. Only where to
    look for a stamp: the stamp itself must then match in every respect."""
    for index, word in enumerate(argv):
        if word == "--out" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if word.startswith("--out="):
            return Path(word.removeprefix("--out="))
    import tomllib

    for name, table in (("reportgen.toml", ()), ("pyproject.toml", ("tool", "reportgen"))):
        try:
            with open(name, "rb") as stream:
                data = tomllib.load(stream)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for key in table:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if name == "pyproject.toml" and not data:
            continue
        out = data.get("out", "build") if isinstance(data, dict) else "build"
        return Path(out) if isinstance(out, str) else Path("build")
    return Path("build")


def matches(stamp: dict[str, Any], argv: list[str]) -> bool:
    """Whether nothing the stamp recorded has changed."""
    if {key: stamp.get(key) for key in ("format", "argv", "cwd", "reportgen", "package", "python", "env", "stdout")} \
            != context(argv):
        return False
    for name, listing in stamp["dirs"].items():
        if _listing(name) != listing:
            return False
    for name, entry in stamp["files"].items():
        now = _entry(name, digest=bool(entry and entry[4]))
        if now is None or entry is None:
            if now is not entry:
                return False
            continue
        if now[:4] != entry[:4] or (entry[4] and now[4] != entry[4]):
            return False
    return True


def try_noop(argv: list[str]) -> bool:
    """Answer a no-op rebuild from its stamp: print what the full command
    would, rewrite run.json, return True; False (having done nothing) when
    the command line is not eligible or anything differs."""
    start = time.perf_counter()
    if not eligible(argv):
        return False
    out = _out_folder(argv)
    try:
        with open(path_of(out), "rb") as stream:
            stamp = json.load(stream)
        if stamp.get("out") != os.path.abspath(out) or not matches(stamp, argv):
            return False
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return False
    from datetime import UTC, datetime

    record = dict(stamp["record"])
    record["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    record["seconds"] = round(time.perf_counter() - start, 3)
    # As a no-op does: run.json says what this run did (nothing). If it cannot
    # be written (a full disk, a folder in its place), the full command runs
    # and reports what it can.
    try:
        _write_atomic(out / "run.json", (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError:
        return False
    printed = stamp["print"]
    if printed["text"] is None:
        from reportgen.terminal import safe

        text = safe(json.dumps({**printed["json"], **record}, indent=2, ensure_ascii=False, default=str)) + "\n"
    else:
        text = printed["text"]
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


def main() -> None:
    """The console entry point: a no-op answered from its stamp, else the command line."""
    if try_noop(sys.argv[1:]):
        sys.exit(0)
    from reportgen.cli import main as full

    full()
