"""The narrative templates' sandbox: what they may read and what they may cost.

- ``ConfinedLoader`` loads only files that are really under templates/ once
  symlinks are resolved (Jinja's FileSystemLoader refuses ``..`` but follows a
  symlink anywhere).
- ``LimitedSandbox`` refuses ``*`` and ``**`` whose result would exceed the
  output limit before computing it (``"x" * 10**10`` would otherwise end in
  MemoryError).
- ``compiled_templates()`` keeps the compiled templates for the life of the
  process (a worker builds many countries, in any language), which
  ``runtime_filters`` makes safe across languages, and on disk for the next.
- ``render`` stops a template that runs longer than ``template_seconds``
  (a timer signal in the main thread; elsewhere, between output chunks) or
  writes more than ``template_chars``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.sandbox import SandboxedEnvironment

from reportgen.errors import TemplateError
from reportgen.limits import Limits


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates, in memory, for every document the process builds,
    in any language, and on disk in ``folder`` for the next process.

    Jinja recompiled every template for every document (0.11 s of the
    narrative's 0.12 s). One cache serves every language because the filters
    are installed through ``runtime_filters``, so no language's words are
    folded into the code. Compiling the profile's templates still cost each
    build process ~0.3 s of CPU (~3 % of Paraguay's four documents) before
    they were kept on disk too, as Python keeps modules' bytecode.

    An entry is found by the template's name and text, not by its path: a
    project's templates are copied to a new temporary folder for every
    command (project.open_project), and would never be found again. The code
    is given the file's path as it is loaded, so that errors name the file
    being rendered (templatecheck.template_line). An edited template is
    another entry; the folder is per reportgen code, Jinja and Python
    version (``compiled_templates``), which decide what the code looks like. A cache
    never fails a build: a file that cannot be read or written is compiled,
    or kept in memory only.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._code: dict[str, bytes] = {}
        self._disk = jinja2.FileSystemBytecodeCache(str(folder), f"%s{ENTRY_SUFFIX}") if folder else None

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        checksum = self.get_source_checksum(source)
        key = hashlib.sha1(f"{name}|{checksum}".encode()).hexdigest()
        bucket = jinja2.bccache.Bucket(environment, key, checksum)
        self.load_bytecode(bucket)
        if bucket.code is not None and bucket.code.co_filename != (filename or "<template>"):
            bucket.code = _refiled(bucket.code, filename or "<template>")  # Jinja's name for no file
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])
        elif self._disk is not None:
            try:
                self._disk.load_bytecode(bucket)
            except LimitExceeded:  # a template's limit, met while its include loads
                raise
            except Exception:  # a damaged or foreign file, read by pickle and marshal: compile again
                bucket.reset()
            if bucket.code is not None:
                self._code[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        if self._disk is not None:
            with suppress(OSError):  # written to a temporary file, then renamed: never half a file
                self._disk.dump_bytecode(bucket)

    def __len__(self) -> int:
        """How many templates are compiled."""
        return len(self._code)


def _refiled(code: CodeType, filename: str) -> CodeType:
    """``code`` (a compiled template) as if compiled from ``filename``."""
    consts = tuple(_refiled(const, filename) if isinstance(const, CodeType) else const for const in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


# On disk: a folder per reportgen code, Jinja and Python version, named by
# FOLDER_NAME; the KEPT_FOLDERS newest are kept. In a folder, the KEPT_ENTRIES
# most recently written entries (each edited text of a template is one).
FOLDER_NAME = re.compile(r"[0-9a-f]{16}")
ENTRY_SUFFIX = ".jinja"
KEPT_FOLDERS = 4
KEPT_ENTRIES = 500


@cache
def compiled_templates() -> CompiledTemplates:
    """The process's cache of compiled templates (see CompiledTemplates), kept
    on disk under ``paths.cache_folder()`` when it can be written."""
    return CompiledTemplates(_disk_folder())


def _disk_folder() -> Path | None:
    from reportgen.fingerprints import code_fingerprint
    from reportgen.paths import cache_folder

    try:
        # Every environment that shares the cache is made by reportgen's code
        # (environment.make_environment), so the code's hash covers its settings.
        versions = f"{code_fingerprint()} {jinja2.__version__} {sys.version}"
        folder = cache_folder() / "jinja" / hashlib.sha256(versions.encode()).hexdigest()[:16]
        made = _make_private(folder)
        if not _private(folder):
            return None
        if made:
            _remove_old(folder.parent, "", KEPT_FOLDERS)
        else:
            _remove_old(folder, ENTRY_SUFFIX, KEPT_ENTRIES)
        return folder
    except (OSError, RuntimeError):  # RuntimeError: no home folder to find
        return None


def _make_private(folder: Path) -> bool:
    """Make ``folder`` and the folders above it that are missing, each for
    this user alone (``mkdir(parents=True)`` would give those above the
    umask's mode); whether ``folder`` itself was made."""
    missing = [folder, *(p for p in folder.parents if not p.exists())]
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:  # made by an earlier build, or by another at the same time
            if path == folder:
                return False
    return True


def _private(folder: Path) -> bool:
    """Whether only this user can change what ``folder`` holds: its files are
    code that runs. The folder must be a folder (not a link), this user's, and
    writable by no one else; each folder above it this user's or the
    system's, and writable by no one else unless by this user's own group or
    sticky (as /tmp is: no one can move another's folder out of it)."""
    if not hasattr(os, "getuid"):  # Windows: the user's own profile folder
        return True
    status = folder.lstat()
    if (not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid()
            or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return False
    for parent in folder.parents:
        status = parent.stat()
        if status.st_uid not in (os.getuid(), 0):
            return False
        others_write = status.st_mode & stat.S_IWOTH or (status.st_mode & stat.S_IWGRP
                                                         and status.st_gid != os.getgid())
        if others_write and not status.st_mode & stat.S_ISVTX:
            return False
    return True


def _remove_old(folder: Path, suffix: str, kept: int) -> None:
    """All but the ``kept`` most recently written of reportgen's own folders
    in ``folder`` (``suffix`` empty: named as FOLDER_NAME) or files ending in
    ``suffix``. Another build may be removing the same ones."""
    if suffix:
        found = [p for p in folder.iterdir() if p.name.endswith(suffix)]
    else:
        found = [p for p in folder.iterdir() if FOLDER_NAME.fullmatch(p.name)]
    if len(found) <= kept:
        return
    found.sort(key=_written, reverse=True)
    for old in found[kept:]:
        with suppress(OSError):
            if suffix:
                old.unlink()
            else:
                shutil.rmtree(old)


def _written(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:  # already removed
        return 0.0


def runtime_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """``filters`` as Jinja calls them only when a template renders.

    Jinja folds a filter whose arguments are constants into the compiled code
    (``"USD"|currency_name`` becomes "US dollars"), so code compiled with one
    language's filters would print that language in every other. It never
    folds a filter that takes the render context, which these wrappers do
    (and ignore), so the compiled code is the same for every language.
    """
    def at_render_time(function: Callable[..., Any]) -> Callable[..., Any]:
        @jinja2.pass_context
        def call(_context: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)
        return call

    return {name: at_render_time(function) for name, function in filters.items()}


class LimitExceeded(Exception):
    """A template went over one of its limits (the message says which)."""


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses a template whose real path is outside ``root``."""

    def __init__(self, searchpath: Path, root: Path):
        super().__init__(searchpath)
        self.root = root.resolve()

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if self.root not in real.parents:
            raise TemplateError(f"templates/sections/{template}: refused: it resolves to {real}, "
                                f"outside {self.root}")
        return source, filename, uptodate


class LimitedSandbox(SandboxedEnvironment):
    """The sandbox with a size check on repetition and powers."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, limits: Limits, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.max_chars = limits.template_chars

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > self.max_chars:
                    raise LimitExceeded(f"a repetition of {len(sequence) * count:,} items exceeds the "
                                        f"limit of {self.max_chars:,} characters (template_chars)")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and abs(left) > 1 and right * max(abs(left).bit_length(), 1) > 4 * self.max_chars:
            raise LimitExceeded(f"{left} ** {right} is too large a number (template_chars)")
        return super().call_binop(context, operator, left, right)


def render(template: jinja2.Template, context: Mapping[str, Any], limits: Limits) -> str:
    """``template`` rendered within ``limits``; LimitExceeded when it is not."""
    deadline = time.monotonic() + limits.template_seconds
    chunks: list[str] = []
    size = 0
    with _alarm(limits.template_seconds):
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > limits.template_chars:
                raise LimitExceeded(f"output exceeds {limits.template_chars:,} characters (template_chars)")
            if time.monotonic() > deadline:
                raise _timeout(limits)
            chunks.append(chunk)
    return "".join(chunks)


def _timeout(limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"rendering took longer than {limits.template_seconds:g} s (template_seconds)")


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt a loop that writes nothing (nested ``range``) after
    ``seconds``; only the main thread can take signals, so elsewhere the
    output-chunk check in ``render`` is the only clock."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _timeout(Limits(template_seconds=seconds))

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
